"""Write a section's narrative from the language's templates and the report's figures."""

from __future__ import annotations

import re

import jinja2
import pandas as pd

from villagereport.derived import derive
from villagereport.numbers import chinese_numeral, format_figure, format_number
from villagereport.report import Report
from villagereport.wording import escape_markdown, strings

_CJK = re.compile(r"[\u4e00-\u9fff]")
_ENV = jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=False, keep_trailing_newline=False)


class FigureText:
    """A stated figure as a template sees it: prints formatted, knows its change and name."""

    def __init__(self, report: Report, indicator: str, lang: str) -> None:
        self.stated = indicator in report.figures.index
        self._lang = lang
        self._words = strings(lang)
        meta = report.catalogue.indicators.loc[indicator] if indicator in report.catalogue else None
        self.name = "" if meta is None else meta[f"name_{lang}"]
        if not self.stated:
            return
        row = report.figures.loc[indicator]
        self.n = row["value"]
        self.unit = row["unit"]
        places = None if pd.isna(row["places"]) else max(int(row["places"]), 0)
        self._text = format_figure(row["value"], row["unit"], lang, places, row["qualifier"], self._words["number"])
        self.threshold = "" if pd.isna(row["threshold"]) else format_number(row["threshold"], lang)
        changes = report.changes[report.changes["indicator"] == indicator]
        self.change = ""
        self.change_word = ""
        if not changes.empty:
            first = changes.iloc[0]
            self.change = format_figure(abs(first["value"]), first["unit"], lang, int(first["places"] or 0))
            self.change_word = _direction(first["value"], first["unit"], lang)

    def __bool__(self) -> bool:
        return self.stated

    def __str__(self) -> str:
        return self._text if self.stated else ""


def _direction(delta: float, unit: str, lang: str) -> str:
    if lang == "zh":
        if unit == "person":
            return "减少" if delta < 0 else "增加"
        return "下降" if delta < 0 else "提高"
    if unit == "person":
        return "fewer" if delta < 0 else "more"
    return "lower" if delta < 0 else "higher"


class ListText:
    """A counted list as a template sees it: prints its items, knows its name and count."""

    def __init__(self, report: Report, indicator: str, lang: str) -> None:
        self.stated = indicator in report.lists.index
        meta = report.catalogue.indicators.loc[indicator]
        self.name = meta[f"name_{lang}"]
        self.items = [escape_markdown(i) for i in report.items(indicator, lang)] if self.stated else []
        sep = strings(lang)["number"]["list_sep"]
        # Items the report gives no English for stay in Chinese, marked as quotes.
        shown = [f"“{i}”" if lang == "en" and _CJK.search(i) and not i.startswith("“") else i for i in self.items]
        self._text = sep.join(shown)
        count = report.lists.at[indicator, "stated_count"] if self.stated else None
        count = len(self.items) if count is None or pd.isna(count) else int(count)
        self.count = format_number(count, lang) if self.stated else ""
        stated_as = report.lists.at[indicator, "stated_as"] if self.stated else None
        self.stated_as = "" if stated_as is None or pd.isna(stated_as) else escape_markdown(stated_as)
        if self.stated and not self.stated_as and lang == "zh":
            self.stated_as = chinese_numeral(count)[0] + "个"

    def __bool__(self) -> bool:
        return self.stated and bool(self.items)

    def __str__(self) -> str:
        return self._text


class _Quantity:
    """One kind of derived figure; prints its only value, or gives one per indicator."""

    def __init__(self, rows: pd.DataFrame, lang: str) -> None:
        self._rows = rows
        self._lang = lang

    def _format(self, row: pd.Series) -> str:
        return format_figure(row["value"], row["unit"], self._lang, int(row["places"]))

    def __getattr__(self, indicator: str) -> str:
        if indicator.startswith("_"):
            raise AttributeError(indicator)
        rows = self._rows[(self._rows["indicator"] == indicator) & self._rows["value"].notna()]
        # Prefer the plain reading where a change was stated both ways.
        rows = rows.sort_values("reading", key=lambda r: r != "absolute", kind="stable")
        return "" if rows.empty else self._format(rows.iloc[0])

    def __bool__(self) -> bool:
        return bool(self._rows["value"].notna().any())

    def __str__(self) -> str:
        rows = self._rows[self._rows["value"].notna()]
        return "" if rows.empty else self._format(rows.iloc[0])


class DerivedText:
    """Derived figures as templates see them: ``d.previous.members_avg_age``."""

    def __init__(self, derived: pd.DataFrame, lang: str) -> None:
        self._derived = derived
        self._lang = lang

    def __getattr__(self, quantity: str) -> _Quantity:
        if quantity.startswith("_"):
            raise AttributeError(quantity)
        return _Quantity(self._derived[self._derived["quantity"] == quantity], self._lang)


class _Lookup:
    def __init__(self, make) -> None:  # type: ignore[no-untyped-def]
        self._make = make

    def __getattr__(self, name: str):  # type: ignore[no-untyped-def]
        if name.startswith("_"):
            raise AttributeError(name)
        return self._make(name)


def place_name(report: Report, lang: str) -> str:
    """The report's place, escaped for Markdown."""
    return escape_markdown(report.place["name"][lang])


def section_sentences(report: Report, section: str, lang: str) -> list[str]:
    """The section's sentences whose figures the report states, in template order."""
    words = strings(lang)
    context = {
        "f": _Lookup(lambda i: FigureText(report, i, lang)),
        "l": _Lookup(lambda i: ListText(report, i, lang)),
        "d": DerivedText(derive(report), lang),
        "place": place_name(report, lang),
        "per_place": next((words["per_place"][p] for p in words["per_place"] if report.has(p)), ""),
    }
    sentences = []
    for entry in words["narrative"].get(section, []):
        if not all(report.has(i) for i in entry.get("needs", [])):
            continue
        if not all(report.items(i) for i in entry.get("lists", [])):
            continue
        sentence = _ENV.from_string(entry["text"]).render(context)
        sentences.append(sentence[:1].upper() + sentence[1:])
    return sentences


def narrative(report: Report, section: str, lang: str) -> str:
    """The section's narrative as Markdown; one plain sentence when the report is silent."""
    sentences = section_sentences(report, section, lang)
    if not sentences:
        title = report.catalogue.sections.at[section, f"title_{lang}"]
        return strings(lang)["page"]["section_not_stated"].format(section=title)
    joiner = "" if lang == "zh" else " "
    return joiner.join(sentences)


def _name(report: Report, indicator: str, lang: str) -> str:
    if indicator in report.catalogue:
        return report.catalogue.indicators.at[indicator, f"name_{lang}"]
    return indicator


def check_sentences(report: Report, lang: str) -> list[str]:
    """One sentence per derived figure, saying how it follows from the stated ones."""
    words = strings(lang)
    forms, status_words, readings = words["checks"], words["status"], words["readings"]
    derived = derive(report)
    figures = report.figures

    def fmt(value: float, unit: str, places: int | None) -> str:
        return format_figure(value, unit, lang, places)

    def stated(indicator: str) -> str:
        return str(FigureText(report, indicator, lang))

    out = []
    for _, row in derived.iterrows():
        q, ind, places = row["quantity"], row["indicator"], int(row["places"])
        name = _name(report, ind, lang)
        status = status_words.get(row["status"], row["status"])
        if q == "share_check":
            count_id, whole_id = row["inputs"].split(",")
            out.append(forms["share_check"].format(
                name=name, stated=stated(ind), count=stated(count_id), whole=stated(whole_id),
                exact=fmt(row["value"], "percent", 3), status=status))
        elif q == "implied_count":
            whole_id = row["inputs"].split(",")[1]
            value = fmt(row["value"], "", 0) if pd.notna(row["value"]) else words["number"]["range"].format(
                low=fmt(row["low"], "", 0), high=fmt(row["high"], "", 0))
            out.append(forms["implied_count"].format(name=name, stated=stated(ind), whole=stated(whole_id),
                                                     value=value, status=status))
        elif q == "previous" and row["reading"] in ("absolute", "relative") and ind in figures.index:
            change = report.changes[(report.changes["indicator"] == ind) & (report.changes["reading"] == row["reading"])]
            if change.empty:
                continue
            delta = change.iloc[0]
            key = "previous_absolute" if row["reading"] == "absolute" else "previous_relative"
            out.append(forms[key].format(
                name=name, now=stated(ind), word=_direction(delta["value"], delta["unit"], lang),
                change=fmt(abs(delta["value"]), delta["unit"], int(delta["places"] or 0)),
                value=fmt(row["value"], row["unit"], places)))
        elif q == "previous" and row["reading"] == "percentage_points":
            relative = derived[(derived["quantity"] == "previous") & (derived["indicator"] == ind)
                               & (derived["reading"] == "relative")]
            base = ind if ind in figures.index else row["inputs"].split(",")[0]
            delta = report.changes[report.changes["indicator"] == base].iloc[0]
            out.append(forms["previous_ambiguous"].format(
                name=name, word=_direction(delta["value"], "percent", lang),
                change=fmt(abs(delta["value"]), "percent", int(delta["places"] or 0)),
                points=fmt(row["value"], "percent", places),
                relative=fmt(relative.iloc[0]["value"], "percent", places) if not relative.empty else ""))
        elif q == "previous_count":
            delta = report.changes[report.changes["indicator"] == ind].iloc[0]
            key = "previous_count" if row["status"] == "no_whole_number" else "previous_count_whole"
            out.append(forms[key].format(change=fmt(abs(delta["value"]), "percent", int(delta["places"] or 0)),
                                         value=fmt(row["value"], "", 2), status=status))
        elif q == "relative_change":
            delta = report.changes[(report.changes["indicator"] == ind) & (report.changes["reading"] == "absolute")]
            out.append(forms["relative_change"].format(
                name=name, change=fmt(abs(delta.iloc[0]["value"]), delta.iloc[0]["unit"], int(delta.iloc[0]["places"] or 0)),
                value=fmt(row["value"], "percent", 3), stated=fmt(row["stated"], "percent", places), status=status))
        elif q == "implied_whole":
            span = (fmt(row["low"], "", 0) if row["low"] == row["high"] else words["number"]["range"].format(
                low=fmt(row["low"], "", 0), high=fmt(row["high"], "", 0))) if pd.notna(row["low"]) else ""
            reading = readings.get(row["reading"], row["reading"])
            if row["reading"].startswith("all_"):
                out.append(forms["implied_whole_all"].format(reading=reading, status=status, range=span))
            else:
                count_id = row["inputs"].split(",")[0]
                out.append(forms["implied_whole"].format(
                    count=stated(count_id), count_name=_name(report, count_id, lang),
                    stated=fmt(row["stated"], "percent", 2), range=span, reading=reading))
        elif q == "members_per_place":
            members_id, place_id = row["inputs"].split(",")
            out.append(forms["members_per_place"].format(
                value=fmt(row["value"], "", places), per_place=words["per_place"].get(place_id, ""),
                members=stated(members_id), places=stated(place_id)))
        elif q == "computed_share":
            count_id, whole_id = row["inputs"].split(",")
            out.append(forms["computed_share"].format(name=name, count=stated(count_id), whole=stated(whole_id),
                                                      value=fmt(row["value"], "percent", places)))
        elif q == "minimum":
            per_village, villages = row["inputs"].split(",")[:2]
            out.append(forms["minimum"].format(name=name, value=fmt(row["value"], row["unit"], places),
                                               per=stated(per_village), villages=stated(villages)))
        elif q == "candidates_per_seat":
            vetted, seats = row["inputs"].split(",")
            out.append(forms["candidates_per_seat"].format(value=fmt(row["value"], "", places),
                                                           vetted=stated(vetted), seats=stated(seats)))
    return out
