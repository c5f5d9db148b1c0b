"""The pieces a book's sentences are made of, in the words of a language: a stated figure as
the page prints it (FigureText, recording that it was told), a list, a change, a derived figure,
a figure's whole sentence, a scope, a counter word. Deciding which sentence is said is the
notebooks' (villagereport.story); these only say a thing well."""

from __future__ import annotations

import re

import pandas as pd
from babel.lists import format_list

from villagereport.numbers import chinese_numeral, format_figure, format_number
from villagereport.report import Report, scoped
from villagereport.wording import REPORT_LANGUAGE, escape_markdown, fill, in_language, plural, spaced, strings

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
        """The text, or an empty one that says, when printed, that the report did not fill it."""
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
