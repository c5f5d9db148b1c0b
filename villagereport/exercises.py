"""An exercise a page poses: its question, its worked answer, a student's answer checked.

The notebook decides everything about an exercise in view, in two cells: the question cell
poses it (``page.exercise(id, kind, needs)``: posed only when the report states every figure it
``needs`` and its other premise, ``when``, holds) and gives the question's figures
(``ask``); the solution cell, which student copies leave out, works the answer in pandas
(``solve``). The words are the language's messages ``exercises.items.<id>.question`` and
``.solution``. A student's answer is checked against the value the solution cell produced:
in the book and the teacher's copy directly, in a student's copy against its seal (digests
of that value as rounded to 0-3 decimals, for the report the copy was made with).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable

import pandas as pd
from IPython.display import HTML, Markdown

from villagereport.claims import Claim
from villagereport.coverage import CoverageText
from villagereport.numbers import format_number
from villagereport.wording import escape_markdown, fill, plural, render

# The decimals a student may write an answer with; the seal holds the answer at each.
PLACES = range(4)
_NUMBER = re.compile(r"\s*[-+]?(\d+(\.\d*)?|\.\d+)\s*")
# How a student writes yes or no, in either language, to a question that asks it.
YES = {"yes", "y", "true", "是", "对", "是的", "对的"}
NO = {"no", "n", "false", "否", "不", "不是", "不对"}


def _report_key(report) -> str:  # type: ignore[no-untyped-def]
    """What a seal is made for: the report file's content (a copy run on another report is told so)."""
    return hashlib.sha256(report.path.read_bytes()).hexdigest()[:16]


def _digest(report_key: str, exercise_id: str, written: str) -> str:
    return hashlib.sha256(f"{report_key}|{exercise_id}|{written}".encode()).hexdigest()[:12]


def _written(value: float, places: int) -> str:
    """A number as written to ``places`` decimals (never "-0.0")."""
    text = f"{round(float(value), places):.{places}f}"
    return f"{0:.{places}f}" if float(text) == 0 else text


class Exercise:
    """One exercise of one page; false when the page does not pose it for this report."""

    def __init__(self, page, exercise_id: str, kind: str, needs: Iterable[str], number: int | None,  # type: ignore[no-untyped-def]
                 counts: pd.DataFrame | None = None) -> None:
        self.page, self.id, self.kind, self.needs, self.number = page, exercise_id, kind, tuple(needs), number
        self.counts = counts  # the derived rows or stated changes the exercise counts, for its claims
        self.given: dict = {}
        self.worked: dict = {}
        self.answers: tuple = ()
        self.yes_no = False

    def __bool__(self) -> bool:
        return self.number is not None

    def ask(self, **given: object) -> None:
        """The figures the question states (the solution's words may use them too)."""
        self.given = given

    def solve(self, answer: bool | float | Iterable[float], **worked: object) -> None:
        """The worked answer: the number a student's answer is checked against (or several,
        where the exercise has more than one right reading), or True or False where the question
        asks yes or no; and what the solution's words print."""
        self.yes_no = isinstance(answer, bool)
        values = answer if isinstance(answer, (list, tuple)) else (answer,)
        self.answers = tuple(v if self.yes_no else float(v) for v in values)
        self.worked = {"answer": self.answers[0], **worked}

    def _written_answers(self) -> set[str]:
        if self.yes_no:
            return {"yes" if self.answers[0] else "no"}
        return {_written(a, k) for a in self.answers for k in PLACES}

    # --- words ----------------------------------------------------------------------------
    def text(self, part: str, said: set | None = None) -> str:
        """The question's or the solution's words for this report."""
        page = self.page
        words = page.words["exercises"]
        context = {**self.given, **(self.worked if part == "solution" else {})}
        if "list" in context:
            context["items"] = page.words["number"]["list_sep"].join(page.report.items(context["list"], page.lang))
        if "whole_from" in context:
            context["places"] = words["places"][context["whole_from"]]

        def n(value: float, places: int = 0) -> str:
            return format_number(value, page.lang, places)

        def counted_form(key: str, count: float) -> str:
            # A plural message's form for ``count`` (gettext's rules), its {n} the count as written.
            return fill(plural(page.lang, key, count), n=n(count))

        return render(words["items"][self.id][part], {**context, "n": n, "pl": counted_form,
                                                       "cov": CoverageText(page.report.coverage, page.lang, said)})

    def question(self) -> HTML | None:
        """The question, numbered on its page; nothing when the page does not pose it."""
        if not self:
            return None
        words = self.page.words["exercises"]
        return HTML(self.page.furniture("exercise.html", number=self.number, heading=words["heading"],
                                        label=words["exercise"], kind=words["kinds"][self.kind],
                                        text=self.text("question")))

    def solution(self) -> HTML | None:
        """The worked answer, folded until the reader opens it."""
        if not self:
            return None
        return HTML(self.page.furniture("solution.html", number=self.number,
                                        label=self.page.words["exercises"]["solution"], text=self.text("solution")))

    def claims(self) -> list[Claim]:
        """The question's and the solution's words with the facts they rest on: the figures the
        exercise needs (its premise), the coverage its words name, and what it counts."""
        report = self.page.report
        facts = {("figure", i, "level") for i in self.needs if i in report.figures.index}
        facts |= {("list", i) for i in self.needs if i in report.lists.index}
        for indicator in self.needs:
            facts |= report.name_facts(indicator, self.page.lang)
        counts = self.counts if self.counts is not None else pd.DataFrame()
        if "quantity" in counts:  # derived rows: the checks, the implied wholes
            facts |= {("derived", q, i) for q, i in zip(counts["quantity"], counts["indicator"], strict=True)}
            facts |= {("assumption", i) for i in counts.loc[counts["assumed"].astype(bool), "indicator"]}
        elif "position" in counts:  # stated changes on the last term
            facts |= {("figure", key, f"change{position}") for key, position in zip(counts["key"], counts["position"], strict=True)}
        claims = []
        for part in ("question", "solution"):
            said: set = set()
            text = self.text(part, said)
            claims.append(Claim(text, f"exercises.items.{self.id}.{part}", frozenset(facts | said)))
        return claims

    # --- checking a student's answer --------------------------------------------------------
    def seal(self) -> str:
        """The answer as a student's copy carries it: digests of each right answer rounded to
        0-3 decimals, made for this report; the answer itself cannot be read from it."""
        key = _report_key(self.page.report)
        # First, a digest that says which report the seal was made for, and whether the
        # question asks yes or no (a student's copy has no solution cell to say so).
        answers = sorted({_digest(key, self.id, written) for written in self._written_answers()})
        return " ".join([_digest(key, self.id, "report yes/no" if self.yes_no else "report"), *answers])

    def check(self, answer: object = None, sealed: str | None = None) -> Markdown | None:
        """A student's answer: right when, rounded as the student wrote it (to 0-3 decimals), it
        is the worked answer so rounded; checked against ``sealed`` where the solution is not
        in the notebook (a student's copy)."""
        if not self:
            return None
        if answer is None:
            return self._said("check_empty")
        key = _report_key(self.page.report)
        seal = (sealed if sealed is not None else self.seal()).split()
        if not seal or seal[0] not in (_digest(key, self.id, "report"), _digest(key, self.id, "report yes/no")):
            return self._said("check_other_report")  # the copy was made for another report's figures
        # A student's copy has no solution cell: the seal says whether the question asks yes or no.
        self.yes_no = seal[0] == _digest(key, self.id, "report yes/no")
        given = self._given(answer)
        if given is None:
            return self._said("check_yes_no" if self.yes_no else "check_not_a_number", answer=answer)
        shown = self.page.words["exercises"][given] if self.yes_no else given  # 是, yes
        if _digest(key, self.id, given) in seal[1:]:
            return self._said("check_right", answer=shown)
        hint = self.page.words["number"]["list_sep"].join(self.page.name(i) for i in self.needs)
        return self._said("check_wrong" if hint else "check_wrong_no_hint", answer=shown, figures=hint)

    def _given(self, answer: object) -> str | None:
        """The student's answer as the seal holds answers: yes or no; or a number as written,
        rounded to the decimals it is written with (at most 3). None when it is neither."""
        if self.yes_no:
            if isinstance(answer, bool):
                return "yes" if answer else "no"
            word = str(answer).strip().lower().rstrip("。.!！")
            return "yes" if word in YES else "no" if word in NO else None
        written = str(answer).replace(",", "").replace("，", "")
        if isinstance(answer, bool) or not _NUMBER.fullmatch(written):
            return None
        written = written.strip().lstrip("+")
        places = min(len(written.partition(".")[2]), max(PLACES))
        return _written(float(written), places)

    def _said(self, key: str, **fields: object) -> Markdown:
        text = fill(self.page.words["exercises"][key], number=self.number, **fields)
        return Markdown(escape_markdown(text))
