"""A page's story, told sentence by sentence by its notebook (its cell tagged ``story``): Story
says a message of the language's catalogue with the report's figures and records which it told;
what no sentence told is said after, one plain line each, so nothing the report states is left
off its page."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from villagereport.claims import Claim
from villagereport.coverage import CoverageText
from villagereport.derived import derive
from villagereport.errors import ReportError
from villagereport.phrases import (
    DerivedText,
    FigureText,
    ListText,
    MissingFigure,
    _Lookup,
    _lower,
    _own_words,
    covers,
    figure_sentence,
    join_items,
    place_name,
)
from villagereport.report import Report
from villagereport.wording import escape_markdown, fill, message, render, spaced, strings

if TYPE_CHECKING:
    from villagereport.checks import Check

class Story:
    """A section's sentences, said one by one by its notebook, which decides when each is said:

        story = page.story()
        if story.states("members_total"):
            story.say("members_total")

    ``say`` renders the message ``narrative.<section>.<id>`` of the page's language with the
    report's figures (``f.<indicator>``), lists (``l.<list>``), derived figures (``d``) and
    coverage (``cov``), and records which it told: shown, the story ends with every stated figure
    and list no sentence told, so nothing the report states is left off its page. Each sentence
    keeps the facts it rests on (``claims``: see villagereport.claims).
    """

    def __init__(self, report: Report, section: str, lang: str) -> None:
        self.report, self.section, self.lang = report, section, lang
        words = strings(lang)
        self.sentences: list[str] = []
        self.checked: list[str] = []  # the Checking page's list (say_check)
        self.claims: list[Claim] = []
        self._said: set = set()
        self._lists_said: set[str] = set()
        self._conditions: set = set()  # coverage facts asked about since the last sentence
        self._context = {
            "place": place_name(report, lang),
            "per_place": next((words["per_place"][p] for p in words["per_place"] if report.has(p)), ""),
        }

    def _known(self, indicators: tuple[str, ...]) -> None:
        for indicator in indicators:
            if indicator not in self.report.catalogue:
                # A misspelt id would leave the sentence out on every page, silently.
                raise ReportError(f"book notebook ({self.section})", "story",
                                  f"expected an indicator id of the catalogue, got {indicator!r}")

    def states(self, *indicators: str) -> bool:
        """Whether the report states every one of these figures (or lists, with their items)."""
        self._known(indicators)
        return all(self.report.has(i) for i in indicators)

    def lists(self, *indicators: str) -> bool:
        """Whether the report states every one of these lists with its items."""
        self._known(indicators)
        return all(self.report.items(i) for i in indicators)

    def covers(self, **wanted: object) -> bool:
        """Whether the report's coverage is this (``status="under_way"``); the next sentence
        said rests on it."""
        if not covers(self.report, wanted):
            return False
        self._conditions |= {("coverage", field, str(value)) for field, value in wanted.items()}
        return True

    def say(self, sentence: str, *, asserts_nothing: bool = False) -> None:
        """Say the sentence ``narrative.<section>.<sentence>``; a sentence with a figure the
        report does not state is not said (its other figures are then told at the end).
        ``asserts_nothing``: it says how the page works, nothing of the report."""
        told: set = set()
        listed: set[str] = set()
        key = f"narrative.{self.section}.{sentence}"
        report, lang = self.report, self.lang
        context = dict(self._context)
        context["d"] = DerivedText(derive(report), lang, told)
        context["f"] = _Lookup(lambda i: FigureText(report, i, lang, told))
        # A list the report does not state is looked up only by a clause's condition (which is
        # then false): the sentence does not rest on it.
        context["l"] = _Lookup(lambda i: (i in report.lists.index and listed.add(i)) or ListText(report, i, lang))
        context["cov"] = CoverageText(report.coverage, lang, told)
        conditions, self._conditions = self._conditions, set()
        try:
            text = render(message(lang, key), context)
        except MissingFigure:
            return  # a slot the report cannot fill: the figures it did fill are told at the end
        self._said |= told
        self._lists_said |= listed
        self.sentences.append(text[:1].upper() + text[1:])
        facts = frozenset(f for f in told if len(f) == 3) | {("list", i) for i in listed} | conditions
        if asserts_nothing:
            facts |= {("method", key)}
        self.claims.append(Claim(self.sentences[-1], key, facts))

    def say_check(self, message: str, check: Check) -> None:
        """Say what the book worked out for ``check`` (a row of ``page.checks()`` or
        ``page.unchecked()``) in the words of ``checks.<message>``, one item of the page's list."""
        check.told.clear()
        text = fill(strings(self.lang)["checks"][message], check.fields)
        self.checked.append(text)
        facts = check.facts | {f for f in check.told if len(f) == 3}
        self.claims.append(Claim(text, f"checks.{message}", frozenset(facts)))

    def parts(self) -> tuple[list[str], list[str], list[str], str]:
        """The sentences said, one plain sentence for each stated figure none told, those of
        figures the report gives only as a change (said once for all of them), and the line
        pointing to the page's table for the lists none told ("" if none)."""
        plain, change_only, _, lists = _untold(self.report, self.section, self.lang, self._said, self._lists_said)
        return self.sentences, plain, change_only, lists

    def all_claims(self) -> list[Claim]:
        """Every sentence of the page's story with the facts it rests on."""
        return self.claims + _untold(self.report, self.section, self.lang, self._said, self._lists_said)[2]

    def markdown(self) -> str:
        """The story as Markdown; one plain sentence when the report says nothing of the section."""
        told, plain, change_only, lists = self.parts()
        if not told and not plain and not change_only and not lists and not self.checked:
            page = strings(self.lang)["page"]
            return fill(page["section_not_stated"], topic=page["section_topic"][self.section])
        joiner = " " if spaced(self.lang) else ""
        blocks = [joiner.join(told)] if told else []
        generic = strings(self.lang)["generic"]
        if plain:
            # What no sentence of the section tells is listed, one figure a line: easier to read
            # than a paragraph of them.
            blocks.append(generic["also" if told else "states"] + "\n\n" + "\n".join(f"- {p}" for p in plain))
        if change_only:
            # "The report does not give the level" is said once, above the figures it is true of.
            blocks.append(generic["change_only_intro"] + "\n\n" + "\n".join(f"- {p}" for p in change_only))
        if lists:
            blocks.append(lists)  # a paragraph of its own: it points to the lists, it states none
        if self.checked:
            blocks.append("\n".join(f"- {escape_markdown(c)}" for c in self.checked))
        return "\n\n".join(blocks)

    def _repr_markdown_(self) -> str:
        return self.markdown()

    def __repr__(self) -> str:  # the same every run (no address); the page shows the Markdown
        said = len(self.sentences) + len(self.checked)
        return f"<the {self.section} page's story: {said} sentence{'' if said == 1 else 's'} said>"


def _untold(report: Report, section: str, lang: str, said: set, lists_said: set[str]
            ) -> tuple[list[str], list[str], list[Claim], str]:
    """One plain sentence for each of the section's stated figures no sentence told, those
    given only as a change apart, with the facts each rests on; and one line naming the lists
    no sentence told, which the page's table of lists gives ("" if none)."""
    claims: list[Claim] = []
    sentences: list[str] = []
    change_only: list[str] = []
    figures = report.all_figures
    for key, row in figures[figures["section"] == section].iterrows():
        positions = report.all_changes.loc[report.all_changes["key"] == key, "position"].tolist()
        untold = [p for p in positions if (key, f"change{p}") not in said]
        level_said = (key, "level") in said or pd.isna(row["value"])
        # A note rides on the sentence that tells its figure; the figures table shows every note.
        if level_said and not untold and pd.isna(row["previous"]):
            continue
        told_level = not level_said or not pd.isna(row["previous"])
        if pd.isna(row["value"]) and pd.isna(row["previous"]):
            change_only.append(figure_sentence(report, key, lang, level=False, changes=positions))
            claims.append(Claim(change_only[-1], "generic.change_of",
                                frozenset(("figure", key, f"change{p}") for p in positions)
                                | report.name_facts(row["indicator"], lang), _own_words(row, lang)))
            continue
        shown = positions if told_level else untold
        sentences.append(figure_sentence(report, key, lang, level=told_level, changes=shown))
        facts = {("figure", key, f"change{p}") for p in shown} | report.name_facts(row["indicator"], lang)
        facts |= {("figure", key, "level")} if told_level and pd.notna(row["value"]) else set()
        facts |= {("figure", key, "previous")} if pd.notna(row["previous"]) else set()
        claims.append(Claim(sentences[-1], "generic.figure", frozenset(facts), _own_words(row, lang)))
    lists = report.lists
    untold_lists = [ind for ind in lists.index[lists["section"] == section] if ind not in lists_said]
    pointer = lists_sentence(report, untold_lists, lang) if untold_lists else ""
    if pointer:
        claims.append(Claim(pointer, "generic.lists_in_table", frozenset(("list", i) for i in untold_lists)))
    return sentences, change_only, claims, pointer


def lists_sentence(report: Report, indicators: list[str], lang: str) -> str:
    """One plain line for the lists no sentence told: their names, pointing to the page's table
    of lists, which gives each one's items (or says the report gives none) with the clause that
    states it. A list is printed once on a page, not in the story and again in the table."""
    words = strings(lang)
    # Names inside a sentence: "the 100% targets", not "The 100% targets".
    names = join_items([escape_markdown(_lower(report.lists.at[i, f"name_{lang}"])) for i in indicators], lang)
    sentence = fill(words["generic"]["lists_in_table"], names=names, caption=words["page"]["lists_caption"])
    return sentence[:1].upper() + sentence[1:] + words["generic"]["end"]
