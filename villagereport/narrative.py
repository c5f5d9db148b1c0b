"""Write a section's narrative from the language's templates and the report's figures."""

from __future__ import annotations

import datetime as dt
import math
import re

import pandas as pd
from babel.dates import format_date
from babel.lists import format_list

from villagereport.claims import Claim
from villagereport.coverage import CoverageText
from villagereport.derived import derive
from villagereport.errors import ReportError
from villagereport.exercises import for_section as exercises_for
from villagereport.numbers import chinese_numeral, format_figure, format_number
from villagereport.report import Report, scoped
from villagereport.sections import PAGES
from villagereport.wording import REPORT_LANGUAGE, escape_markdown, fill, in_language, message, plural, render, spaced, strings

_CJK = re.compile(r"[\u4e00-\u9fff]")
_LATIN = re.compile(r"[A-Za-z]")


class MissingFigure(Exception):
    """A template printed a figure the report does not state: the sentence is not written."""


class Slot(str):
    """Text for a template slot that may be empty: false when empty, and printing it then is an error.

    A sentence never ships with an empty slot ("about  of all members"): printing a Slot with
    no text raises MissingFigure, and the sentence is dropped instead.
    """

    def __new__(cls, text: str | None, on_print=None):  # type: ignore[no-untyped-def]
        obj = super().__new__(cls, text or "")
        obj._missing = not text
        obj._on_print = on_print
        return obj

    def __str__(self) -> str:
        if self._missing:
            raise MissingFigure
        if self._on_print is not None:
            self._on_print()
        return str.__str__(self)


class FigureText:
    """A stated figure as a template sees it: prints formatted, knows its change and name.

    Printing it (or its change) records, in ``said``, that the sentence tells this figure; the
    figures no template told get a sentence of their own (``figure_sentence``).
    """

    def __init__(self, report: Report, indicator: str, lang: str, said: set | None = None) -> None:
        self.stated = indicator in report.figures.index
        self._lang = lang
        self._words = strings(lang)
        self._indicator = indicator
        self._said = said
        self.name = report.name(indicator, lang) if indicator in report.catalogue else ""
        self.n = None
        self._text = ""
        self.threshold = Slot(None)
        self.change = Slot(None)
        self.change_word = ""
        if not self.stated:
            return
        row = report.figures.loc[indicator]
        self.n = row["value"]
        self.unit = row["unit"]
        places = stated_places(row)
        self._text = format_figure(row["value"], row["unit"], lang, places, row["qualifier"], self._words["number"])
        self.threshold = Slot(None if pd.isna(row["threshold"]) else format_number(row["threshold"], lang))
        changes = report.changes[report.changes["indicator"] == indicator]
        if not changes.empty:
            first = changes.iloc[0]
            # The amount as its reading has it: points, a relative %, or a % the report leaves open.
            self.change = Slot(change_amount(first, row["unit"], lang, counter=False), lambda: self._record("change0"))
            self.change_word = _direction(first["value"], first["unit"], lang)

    def _record(self, part: str) -> None:
        if self._said is not None:
            self._said.add((self._indicator, part))
            self._said.add(("figure", self._indicator, part))

    def __bool__(self) -> bool:
        return self.stated

    def __str__(self) -> str:
        if not self.stated:
            raise MissingFigure
        self._record("level")
        return self._text


def _direction(delta: float, unit: str, lang: str) -> str:
    words = strings(lang)["generic"]["direction"]
    if unit == "person":
        return words["fewer" if delta < 0 else "more"]
    return words["lower" if delta < 0 else "higher"]


class ListText:
    """A counted list as a template sees it: prints its items, knows its name and count."""

    def __init__(self, report: Report, indicator: str, lang: str) -> None:
        self.stated = indicator in report.lists.index
        self.name = report.name(indicator, lang)
        self.items = [escape_markdown(i) for i in report.items(indicator, lang)] if self.stated else []
        # Items the report gives no English for stay in Chinese, marked as quotes.
        shown = [f"“{i}”" if lang != REPORT_LANGUAGE and _CJK.search(i) and not _LATIN.search(i) and not i.startswith("“") else i
                 for i in self.items]
        if lang == REPORT_LANGUAGE and self.stated:
            # Titles the article writes in 《》 keep them.
            quote = report.lists.at[indicator, "quote"]
            shown = [f"《{i}》" if f"《{raw}》" in quote else i for i, raw in zip(shown, report.items(indicator), strict=True)]
        exhaustive = bool(report.lists.at[indicator, "exhaustive"]) if self.stated else True
        self._text = join_items(shown, lang, exhaustive=exhaustive)
        count = report.lists.at[indicator, "stated_count"] if self.stated else None
        count = len(self.items) if count is None or pd.isna(count) else int(count)
        self.count = format_number(count, lang) if self.stated else ""
        stated_as = report.lists.at[indicator, "stated_as"] if self.stated else None
        self.stated_as = "" if stated_as is None or pd.isna(stated_as) else escape_markdown(stated_as)
        if self.stated and not self.stated_as and lang == REPORT_LANGUAGE:
            self.stated_as = chinese_numeral(count)[0] + "个"

    def __bool__(self) -> bool:
        return self.stated and bool(self.items)

    def __str__(self) -> str:
        return self._text


def join_items(items: list[str], lang: str, *, exhaustive: bool = True) -> str:
    """Items as the language lists them (Babel's list patterns: 甲、乙和丙; a, b, and c); a list
    the report ends with 等 keeps it open rather than closing it with "and"."""
    words = strings(lang)["number"]
    if not exhaustive:
        return words["list_sep"].join(items) + words["open_list"]
    return format_list(items, locale=words["locale"]) if items else ""


class _Quantity:
    """One kind of derived figure; prints its only value, or gives one per indicator."""

    def __init__(self, rows: pd.DataFrame, lang: str, said: set | None = None) -> None:
        self._rows = rows
        self._lang = lang
        self._said = said

    def _format(self, row: pd.Series) -> str:
        return format_figure(row["value"], row["unit"], self._lang, int(row["places"]))

    def _record(self, row: pd.Series) -> None:
        if self._said is not None:
            self._said.add(("derived", row["quantity"], row["indicator"]))

    def __getattr__(self, indicator: str) -> str:
        if indicator.startswith("_"):
            raise AttributeError(indicator)
        rows = self._rows[(self._rows["indicator"] == indicator) & self._rows["value"].notna()]
        # Prefer the plain reading where a change was stated both ways.
        rows = rows.sort_values("reading", key=lambda r: r != "absolute", kind="stable")
        if rows.empty:
            return Slot(None)
        return Slot(self._format(rows.iloc[0]), lambda: self._record(rows.iloc[0]))

    def __bool__(self) -> bool:
        return bool(self._rows["value"].notna().any())

    def __str__(self) -> str:
        rows = self._rows[self._rows["value"].notna()]
        if rows.empty:
            raise MissingFigure
        self._record(rows.iloc[0])
        return self._format(rows.iloc[0])


class DerivedText:
    """Derived figures as templates see them: ``d.previous.members_avg_age``. Printing one
    records, in ``said``, that the sentence rests on that derived row."""

    def __init__(self, derived: pd.DataFrame, lang: str, said: set | None = None) -> None:
        self._derived = derived
        self._lang = lang
        self._said = said

    def __getattr__(self, quantity: str) -> _Quantity:
        if quantity.startswith("_"):
            raise AttributeError(quantity)
        return _Quantity(self._derived[self._derived["quantity"] == quantity], self._lang, self._said)


class _Lookup:
    def __init__(self, make) -> None:  # type: ignore[no-untyped-def]
        self._make = make

    def __getattr__(self, name: str):  # type: ignore[no-untyped-def]
        if name.startswith("_"):
            raise AttributeError(name)
        return self._make(name)


def _own_words(row: pd.Series, lang: str) -> tuple[str, ...]:
    """The report file's own words a figure's sentence carries: its note."""
    note = note_in(row["note"], lang)
    return (escape_markdown(note.rstrip("。.")),) if note else ()


def covers(report: Report, wanted: dict) -> bool:
    """Whether the report's coverage is what a sentence's ``coverage`` condition asks for
    (``{status: under_way}``): a sentence about coverage is said only where the report says so."""
    facts = report.coverage.facts()
    return all(str(facts[field]) == str(value) for field, value in wanted.items())


def place_name(report: Report, lang: str) -> str:
    """The report's place, escaped for Markdown."""
    return escape_markdown(in_language(report.place["name"], lang))


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
        text = fill(strings(self.lang)["checks"][message], _Fields(check))
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


def note_in(note: object, lang: str, *, any_language: bool = False) -> str:
    """A figure's note in ``lang``: from a {zh, en} note, or a plain note written in that language
    (or in any language, for the figures table, where a note is shown as written)."""
    if isinstance(note, dict):
        return note.get(lang, "")
    if _blank(note):
        return ""
    if bool(_CJK.search(str(note))) == (lang == REPORT_LANGUAGE):
        return str(note)
    if any_language:  # shown as written, marked as the source's words
        return f"「{note}」"
    return ""


def _blank(text: object) -> bool:
    return text is None or (isinstance(text, float) and pd.isna(text)) or not str(text).strip()


def stated_places(row: pd.Series) -> int | None:
    """The decimals a figure is stated with (negative for 6.8万's thousands); None for words."""
    return None if pd.isna(row["places"]) else int(row["places"])


def scope_label(scope: str, lang: str) -> str:
    """How a figure's scope is written after its name: nothing for the whole report."""
    return strings(lang)["generic"]["scope"].get(scope, "")


def scoped_name(row: pd.Series, lang: str) -> str:
    """A stated figure's name with its scope, unless the name already says it (完成换届的社区)."""
    return row[f"name_{lang}"] + ("" if row[f"scope_named_{lang}"] else scope_label(row["scope"], lang))


def place_unit(report: Report, unit: str, scope: str = "all") -> str:
    """The counter a count of places takes: "villages" for a figure of villages alone or a
    report of villages, "communities" likewise; "villages or communities" only where both may be."""
    if unit != "unit":
        return unit
    units = scoped(report.coverage, scope).units_key  # the units the figure's name speaks for
    return units if units in ("village", "community") else unit


def counted(value_text: str, unit: str, value: float, lang: str) -> str:
    """A formatted number with its counter word: 311人, 44.9岁, 311 people, 44.9 years."""
    counters = strings(lang)["generic"]["counters"]
    word = counters.get(unit, "")
    if isinstance(word, tuple):  # a plural message: the language's form for this number
        word = plural(lang, f"generic.counters.{unit}", abs(value))
    if not word:
        return value_text
    return f"{value_text} {word}" if spaced(lang) else value_text + word


def change_text(report: Report, key: str, lang: str, positions: list[int] | None = None) -> str:
    """A stated change as words: 下降5.1岁, down 5.1 years, up 12 percentage points."""
    generic = strings(lang)["generic"]
    changes = report.all_changes[report.all_changes["key"] == key]
    if positions is not None:
        changes = changes[changes["position"].isin(positions)]
    if changes.empty:
        return ""
    parts = []
    figure_unit = report.all_figures.at[key, "unit"]
    for _, change in changes.iterrows():
        word = generic["down" if change["value"] < 0 else "up"]
        if change["unit"] == "person" and figure_unit == "person":
            word = generic["fewer" if change["value"] < 0 else "more"]
        parts.append(fill(generic["change"], word=word, amount=change_amount(change, figure_unit, lang)))
    return strings(lang)["number"]["list_sep"].join(parts)


def change_amount(change: pd.Series, figure_unit: str, lang: str, *, counter: bool = True) -> str:
    """A stated change's size as its reading has it: 8.6 percentage points (个百分点, a share's
    change read as points), 5.7% (relative), or 5.7% with what the report leaves open (whether
    points or relative; for a count's percent change, whether the count or its share rose)."""
    generic = strings(lang)["generic"]
    amount = format_number(abs(change["value"]), lang, int(change["places"] or 0))
    if change["unit"] == "percent" and figure_unit == "percent" and change["reading"] == "absolute":
        amount = fill(generic["points"], n=amount)
    elif change["unit"] == "percent":
        amount += "%"
    elif counter:
        amount = counted(amount, change["unit"], abs(change["value"]), lang)
    if change["reading"] == "ambiguous":
        amount += generic["ambiguous" if figure_unit == "percent" else "ambiguous_count"]
    return amount


def figure_sentence(report: Report, key: str, lang: str, *, level: bool = True,
                    changes: list[int] | None = None) -> str:
    """One plain sentence for a stated figure: its level, change, previous level and note.

    Used for every figure the section's templates do not tell, so that every stated figure is
    said on its page, whatever shape the report gives it (a change with no level, a figure of
    villages or communities alone, a from -> to).
    """
    generic = strings(lang)["generic"]
    row = report.all_figures.loc[key]
    name = scoped_name(row, lang)
    number_words = strings(lang)["number"]
    change = change_text(report, key, lang, changes)
    unit = place_unit(report, row["unit"], row["scope"])
    if pd.isna(row["value"]):
        if not pd.isna(row["previous"]):
            previous = counted(format_figure(row["previous"], row["unit"], lang), unit, row["previous"], lang)
            sentence = fill(generic["previous_only"], name=name, previous=previous)
        else:
            sentence = fill(generic["change_of"], name=name, change=change)
    else:
        places = stated_places(row)
        value = counted(format_figure(row["value"], row["unit"], lang, places, row["qualifier"], number_words),
                        unit, row["value"], lang)
        if not pd.isna(row["previous"]):
            previous = counted(format_figure(row["previous"], row["unit"], lang), unit, row["previous"], lang)
            form = "from_to_up" if row["value"] >= row["previous"] else "from_to_down"
            sentence = fill(generic[form], name=name, value=value, previous=previous)
        elif level:
            form = "level" if row["qualifier"] == "exact" else "level_qualified"
            sentence = fill(generic[form], name=name, value=value)
        else:
            sentence = fill(generic["change_of"], name=name, change=change)
            change = ""
        if change:
            sentence += fill(generic["with_change"], change=change)
    note = note_in(row["note"], lang)
    if note:
        sentence += fill(generic["note"], note=escape_markdown(note.rstrip("。.")))
    sentence += generic["end"]
    return sentence[:1].upper() + sentence[1:]


def lists_sentence(report: Report, indicators: list[str], lang: str) -> str:
    """One plain line for the lists no sentence told: their names, pointing to the page's table
    of lists, which gives each one's items (or says the report gives none) with the clause that
    states it. A list is printed once on a page, not in the story and again in the table."""
    words = strings(lang)
    # Names inside a sentence: "the 100% targets", not "The 100% targets".
    names = join_items([escape_markdown(_lower(report.lists.at[i, f"name_{lang}"])) for i in indicators], lang)
    sentence = fill(words["generic"]["lists_in_table"], names=names, caption=words["page"]["lists_caption"])
    return sentence[:1].upper() + sentence[1:] + words["generic"]["end"]


def _name(report: Report, indicator: str, lang: str) -> str:
    if indicator in report.catalogue:
        return report.name(indicator, lang)
    return indicator


def _lower(name: str) -> str:
    """A name as it reads inside a sentence: "Members with…" -> "members with…" (not "CPC")."""
    return name[:1].lower() + name[1:] if name[1:2].islower() else name


def status_text(report: Report, row: pd.Series, lang: str) -> str:
    """A check's result in words; a share stated in words (百分百, 全部) is named as written."""
    status = strings(lang)["status"].get(row["status"], row["status"])
    ind = row["indicator"]
    return fill(status, word=_written(report, ind) if ind in report.figures.index else "")


def _written(report: Report, indicator: str) -> str:
    """A share as the article writes it: 百分百 and 全部 as they are, digits with their sign (100%)."""
    stated = str(report.figures.at[indicator, "stated_as"])
    return stated + "%" if stated[:1].isdigit() and report.figures.at[indicator, "unit"] == "percent" else stated


def _bound_text(row: pd.Series, words: dict) -> str:
    """A range with open ends said as a bound: at least 83, at most 82, 81 to 84."""
    fmt = lambda v: format_number(v, words["lang"], 0)  # noqa: E731
    low, high = row["low"], row["high"]
    if pd.notna(low) and pd.notna(high):
        return fmt(low) if low == high else fill(words["number"]["range"], low=fmt(low), high=fmt(high))
    if pd.notna(low):
        return fill(words["number"]["at_least"], n=fmt(low))
    if pd.notna(high):
        return fill(words["number"]["at_most"], n=fmt(high))
    return ""


class Check:
    """One quantity the Checking page tells: a row of the derived table (``quantity``,
    ``indicator``, ``reading``, ``status``, ``assumed``, and, for the notebook's choice of
    words, ``on_share`` and ``bound``), or a kind of figure it could not check (``quantity``
    ``unchecked_shares`` and the like). Its message's fields are worked out when the message
    uses them, so the sentence rests on exactly the figures it prints (``Story.say_check``)."""

    def __init__(self, quantity: str, facts: set, fields: dict, **about: object) -> None:
        self.quantity = quantity
        self.indicator, self.reading, self.status = about.pop("indicator", ""), about.pop("reading", ""), about.pop("status", "")
        self.assumed, self.on_share, self.bound = about.pop("assumed", False), about.pop("on_share", False), about.pop("bound", "")
        self.facts, self.told = frozenset(facts), set()
        self._fields = fields  # a field's value, or a function that works it out

    def field(self, name: str) -> str:
        value = self._fields[name]
        return str(value() if callable(value) else value)

    def __repr__(self) -> str:
        return f"<check {self.quantity} of {self.indicator or '-'} ({self.reading or self.status or '-'})>"


class _Fields(dict):
    def __init__(self, check: Check) -> None:
        super().__init__()
        self.check = check

    def __missing__(self, name: str) -> str:
        return self.check.field(name)


def checks(report: Report, lang: str) -> list[Check]:
    """What the book derives from the report (the derived table), one Check per row it can
    tell, in the table's order; the Checking page's notebook chooses each one's words."""
    words = strings(lang)
    derived = derive(report)
    figures = report.figures

    def fmt(value: float, unit: str, places: int | None) -> str:
        return format_figure(value, unit, lang, places)

    # One function call per row, so that the fields' functions keep that row's values.
    def tell(row: pd.Series) -> Check | None:
        q, ind, places = row["quantity"], row["indicator"], int(row["places"])
        inputs = row["inputs"]
        facts = {("derived", q, ind)}
        # The names say what the report covers (“两委”成员): those facts are the report's too.
        for named in {ind, *inputs} & set(report.catalogue.indicators.index):
            facts |= report.name_facts(named, lang)
        if row["assumed"]:
            facts.add(("assumption", ind))
        about = {"indicator": ind, "reading": row["reading"], "status": row["status"], "assumed": bool(row["assumed"])}
        check = Check(q, facts, {}, **about)
        told = check.told

        def stated(indicator: str, told: set = told) -> str:
            return str(FigureText(report, indicator, lang, told))

        def name(indicator: str = ind) -> str:
            return _name(report, indicator, lang)

        fields: dict = {"name": name, "status": lambda row=row: status_text(report, row, lang)}
        if q == "share_check":
            fields |= {"stated": lambda: stated(ind), "count": lambda: stated(inputs[0]),
                       "whole": lambda: stated(inputs[1]), "exact": fmt(row["value"], "percent", 3)}
        elif q == "implied_count":
            if pd.isna(row["low"]):
                return None
            whole_id = inputs[1]
            whole_unit = place_unit(report, report.figures.at[whole_id, "unit"])
            value = fmt(row["value"], "", 0) if pd.notna(row["value"]) else fill(words["number"]["range"],
                low=fmt(row["low"], "", 0), high=fmt(row["high"], "", 0))
            fields |= {"stated": lambda: stated(ind), "word": lambda: _written(report, ind),
                       "whole": lambda: counted(stated(whole_id), whole_unit, report.value(whole_id), lang),
                       "value": counted(value, whole_unit, row["value"] if pd.notna(row["value"]) else 2, lang)}
        elif q == "previous" and row["reading"] in ("absolute", "relative") and ind in figures.index:
            change = report.changes[(report.changes["indicator"] == ind) & (report.changes["reading"] == row["reading"])]
            if change.empty:
                return None
            delta, unit = change.iloc[0], row["unit"]
            fields |= {"now": lambda: counted(stated(ind), unit, report.value(ind), lang),
                       "word": _direction(delta["value"], delta["unit"], lang),
                       # In its reading's unit: a share's change in 个百分点 stays "11 percentage points".
                       "change": change_amount(delta, unit, lang),
                       "value": counted(fmt(row["value"], unit, places), unit, row["value"], lang)}
        elif q == "previous" and row["reading"] == "percentage_points":
            relative = derived[(derived["quantity"] == "previous") & (derived["indicator"] == ind)
                               & (derived["reading"] == "relative")]
            base = ind if ind in figures.index else inputs[0]
            delta = report.changes[report.changes["indicator"] == base].iloc[0]
            # The article may attach the percent change to a count (104名…比上届提高了5.7%), not
            # to the share: the notebook says so, reading it as the share's change only as one reading.
            check.on_share = base == ind
            fields |= {"count_name": name(base), "count": lambda: stated(base), "count_lower": _lower(name(base)),
                       "updown": words["generic"]["down" if delta["value"] < 0 else "up"],
                       "word": _direction(delta["value"], "percent", lang),
                       "change": fmt(abs(delta["value"]), "percent", int(delta["places"] or 0)),
                       "points": fmt(row["value"], "percent", places),
                       "relative": fmt(relative.iloc[0]["value"], "percent", places) if not relative.empty else ""}
        elif q == "previous_count":
            delta = report.changes[report.changes["indicator"] == ind].iloc[0]
            # Rounding of the stated percent is allowed for: the whole numbers either side of
            # the quotient give rises that do not round to it.
            change_places = int(delta["places"] or 0)
            low, high = math.floor(row["value"]), math.ceil(row["value"])
            count = report.value(ind)
            fields |= {"change": fmt(abs(delta["value"]), "percent", change_places), "value": fmt(row["value"], "", 1),
                       "low": fmt(low, "", 0), "high": fmt(high, "", 0),
                       "low_rise": fmt((count / low - 1) * 100, "percent", change_places) if low else "",
                       "high_rise": fmt((count / high - 1) * 100, "percent", change_places)}
        elif q == "relative_change":
            delta = report.changes[(report.changes["indicator"] == ind) & (report.changes["reading"] == "absolute")].iloc[0]
            fields |= {"change": fmt(abs(delta["value"]), delta["unit"], int(delta["places"] or 0)),
                       "value": fmt(row["value"], "percent", 3), "stated": fmt(row["stated"], "percent", places)}
        elif q == "implied_whole":
            count_id = inputs[0]
            fields |= {"count": lambda: stated(count_id), "count_name": name(count_id), "count_lower": _lower(name(count_id)),
                       "reading": words["readings"].get(row["reading"], row["reading"])}
            if row["reading"] not in ("rounded", "truncated", "all_rounded", "all_truncated", "all_either"):
                # A qualified share (近, 约, 以上) bounds the whole on one side or both.
                share_id = inputs[1]
                check.bound = _bound_text(row, words)
                if not check.bound:
                    return None
                share = report.value(share_id)
                fields |= {"stated": lambda: stated(share_id), "bound": check.bound,
                           "fraction": format_number(share / 100, lang, 2),
                           "quotient": format_number(report.value(count_id) / (share / 100), lang, 1)}
            else:
                if pd.isna(row["low"]):
                    return None
                fields |= {"stated": lambda: fmt(row["stated"], "percent", 2),
                           "range": (fmt(row["low"], "", 0) if row["low"] == row["high"] else fill(words["number"]["range"],
                               low=fmt(row["low"], "", 0), high=fmt(row["high"], "", 0)))}
        elif q == "change":
            fields |= {"now": lambda: counted(stated(ind), row["unit"], row["value"], lang),
                       "previous": counted(fmt(row["stated"], row["unit"], places), row["unit"], row["stated"], lang),
                       "change": counted(("+" if row["value"] > 0 else "") + fmt(row["value"], row["unit"], places),
                                         row["unit"], abs(row["value"]), lang)}
        elif q == "members_per_place":
            fields |= {"value": fmt(row["value"], "", places), "per_place": words["per_place"].get(inputs[1], ""),
                       "members": lambda: stated(inputs[0]), "places": lambda: stated(inputs[1])}
        elif q == "computed_share":
            fields |= {"count": lambda: stated(inputs[0]), "whole": lambda: stated(inputs[1]),
                       "value": fmt(row["value"], "percent", places)}
        elif q == "minimum":
            fields |= {"value": fmt(row["value"], row["unit"], places), "per": lambda: stated(inputs[0]),
                       "villages": lambda: stated(inputs[1])}
        elif q == "candidates_per_seat":
            fields |= {"value": fmt(row["value"], "", places), "vetted": lambda: stated(inputs[0]),
                       "seats": lambda: stated(inputs[1])}
        else:
            return None
        check._fields = fields
        return check

    return [check for _, row in derived.iterrows() if (check := tell(row)) is not None]


def unchecked(report: Report, lang: str) -> list[Check]:
    """What the Checking page could not compute, and why, one Check per kind (its ``quantity``
    is its message): stated shares with no count or whole beside them, changes with no level to
    work back from, figures of villages or communities alone; or, when nothing at all could be
    computed, ``nothing_computed``. The page never ends after its introduction in silence."""
    derived = derive(report)
    figures = report.all_figures
    sep = strings(lang)["number"]["list_sep"]
    found: list[Check] = []

    def listed(rows: pd.DataFrame, kind: str, part: str) -> None:
        # One sentence naming the figures (with their scope), resting on each and on its name.
        if rows.empty:
            return
        facts = {("figure", key, part) for key in rows.index}
        facts |= {f for indicator in rows["indicator"] for f in report.name_facts(indicator, lang)}
        found.append(Check(kind, facts, {"names": sep.join(scoped_name(row, lang) for _, row in rows.iterrows())}))

    derived_ids = set(derived["indicator"])
    listed(figures[(figures["kind"] == "share") & figures["value"].notna()
                   & ~((figures["scope"] == "all") & figures["indicator"].isin(derived_ids))], "unchecked_shares", "level")
    listed(figures[figures["value"].isna() & figures["previous"].isna()], "unchecked_changes", "change0")
    # A level of villages or communities alone with its previous level or a change: told on its
    # section's page, but this page computes from the whole's figures only.
    changed = set(report.all_changes["key"])
    scoped = figures[(figures["scope"] != "all") & figures["value"].notna()
                     & (figures["previous"].notna() | figures.index.isin(changed))]
    listed(scoped[scoped["previous"].notna()], "scoped_from_to", "previous")
    listed(scoped[scoped["previous"].isna()], "scoped_changes", "change0")
    if derived.empty and scoped.empty:
        found.append(Check("nothing_computed", {("method", "checks.nothing_computed")}, {}))
    return found


def place_line(report: Report, lang: str) -> str:
    """The place with the places above it that the report gives, as the language writes it:
    吉林省白山市临江市, Linjiang City, Baishan, Jilin. Missing levels are simply left out, and a
    level that is the place below it (a province's own report: 江西省 in 江西省) is named once,
    however the two are translated ("Jiangxi Province", "Jiangxi")."""
    place = report.place
    levels = [place[level] for level in ("province", "prefecture", "county", "name") if level in place]
    # The same place at two levels has the same name as the report writes it.
    kept = [level for i, level in enumerate(levels)
            if i == len(levels) - 1 or in_language(level, REPORT_LANGUAGE) != in_language(levels[i + 1], REPORT_LANGUAGE)]
    parts = [in_language(level, lang) for level in kept]
    if not spaced(lang):
        return "".join(parts)
    return ", ".join(dict.fromkeys(reversed(parts)))


def outlet_name(report: Report, lang: str) -> str | None:
    """The outlet's name; in Chinese a newspaper or periodical's title takes 《》."""
    outlet = in_language(report.source.get("outlet"), lang)
    if outlet and not spaced(lang) and outlet.endswith(("报", "刊", "杂志")) and not outlet.startswith("《"):
        return f"《{outlet}》"
    return outlet


def published(report: Report, lang: str) -> str | None:
    """The publication date as the language writes it in prose: 2021年4月15日, April 15, 2021."""
    date = report.source.get("date")
    if not date:
        return None
    return format_date(dt.date.fromisoformat(date), format="long", locale=strings(lang)["number"]["locale"])


def source_line(report: Report, lang: str, *, authors: bool = True) -> str:
    """Outlet, date and (optionally) authors; what the report file does not give is left out,
    never named as unknown."""
    page = strings(lang)["page"]
    src = report.source
    outlet, date = outlet_name(report, lang), published(report, lang)
    if outlet and date:
        line = fill(page["source"], outlet=outlet, date=date)
    elif outlet:
        line = fill(page["source_outlet_only"], outlet=outlet)
    elif date:
        line = fill(page["source_no_outlet"], date=date)
    else:
        line = fill(page["source_url_only"], url=src["url"])
    names = src.get("authors", [])
    if authors and names:
        line += fill(page["authors"], authors=byline(names, lang))
    return line


def byline(names: list[str], lang: str) -> str:
    """Authors' names as ``lang`` lists them: in the reports' language as written, separated
    as it separates list items (、); in another, romanised and joined as a list."""
    if lang == REPORT_LANGUAGE:
        return strings(lang)["number"]["list_sep"].join(names)
    return join_items([romanised(n) for n in names], lang)


def romanised(name: str) -> str:
    """A Chinese name in pinyin, family name first, with the characters beside it:
    佟粒玮 -> Tong Liwei (佟粒玮). Names not in Chinese characters are kept as written."""
    if not _CJK.search(name) or _LATIN.search(name):
        return name
    # Imported here: its phrase dictionary takes a quarter of a second to load, and only a page
    # that names authors in another language needs it.
    from pypinyin import lazy_pinyin

    syllables = lazy_pinyin(name)
    # A family name may be read otherwise than the same character in a word (曾 is Zeng, not Ceng).
    syllables[0] = SURNAME_READINGS.get(name[0], syllables[0])
    family, given = syllables[0].capitalize(), "".join(syllables[1:]).capitalize()
    return f"{family} {given} ({name})" if given else f"{family} ({name})"


# Family names whose reading differs from the character's commonest one (pypinyin reads words,
# not names): the standard readings as surnames.
SURNAME_READINGS = {"曾": "zeng", "单": "shan", "仇": "qiu", "解": "xie", "查": "zha", "朴": "piao", "区": "ou",
                    "盖": "ge", "缪": "miao", "覃": "qin", "翟": "zhai", "召": "shao", "乐": "yue", "员": "yun",
                    "种": "chong", "重": "chong", "长": "chang", "隗": "wei", "尉": "yu", "黑": "he", "秘": "bi"}




def book_text(report: Report, lang: str, stories: list[str]) -> str:
    """The words a book of ``report`` in ``lang`` says: its pages' ``stories`` (as their
    notebooks tell them, the checks among them), the names of what the report states, its quotes and items,
    and its exercises. What the landing page glosses is looked up here, so a term is explained
    only where it is used."""
    from villagereport.pages import Page  # the pages use this module

    parts = list(stories)
    parts += list(report.all_figures[f"name_{lang}"]) + list(report.lists[f"name_{lang}"])
    parts += list(report.all_figures["quote"]) + list(report.lists["quote"])
    parts += [report.items(indicator, lang) and "、".join(report.items(indicator, lang)) for indicator in report.lists.index]
    for section in PAGES:
        page = Page(section, report, lang)
        for number in range(1, len(exercises_for(report, section)) + 1):
            parts += [page._exercise_text(number, "question") or "", page._exercise_text(number, "solution") or ""]
    return "\n".join(str(p) for p in parts if p)
