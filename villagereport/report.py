"""Load a report file, check every figure against the catalogue and its quote, tabulate it."""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from villagereport.catalogue import Catalogue, indicator_name, load_catalogue
from villagereport.coverage import Coverage
from villagereport.errors import ReportError, shown
from villagereport.numbers import chinese_in, chinese_value, decimals_of, found_in, renderings
from villagereport.safe_yaml import read_yaml
from villagereport.schema import field_path, validate
from villagereport.shares import INCONSISTENT, counts_within, fitting_counts
from villagereport.shares import status as share_fit
from villagereport.wording import REPORT_LANGUAGE, in_language, languages


# Kinds whose value can never be negative, and the one whose value is a percentage.
_UPPER = {"share": 100.0, "age": 120.0}

# A figure's scope: the whole of what the report covers, or its villages or communities alone.
ALL = "all"
SCOPES = (ALL, "village", "community")


def figure_key(indicator: str, scope: str = ALL) -> str:
    """The key of a stated figure: its indicator, with its scope when it is not the whole report's."""
    return indicator if scope == ALL else f"{indicator}@{scope}"


@dataclass(frozen=True)
class Report:
    """One report: its source, and tidy tables of what it states.

    Tables
    ------
    figures
        One row per stated figure: indicator, section, kind, value, unit, qualifier,
        stated_as (how the quote writes it), places (decimals stated; NA for words),
        count_id, denominator_id (indicators of the share's parts), denominator_assumed (the
        whole is the file's assumption, not stated as this share's whole), threshold, quote,
        name_<lang> for each language.
        Only the whole report's figures that state a level are here, one per indicator.
    changes
        One row per stated change of those figures: indicator, value, unit, reading, stated_as.
    all_figures
        Every stated figure, keyed by ``figure_key`` (``members_avg_age@village``), with its
        ``scope`` (all, village, community); ``value`` is NaN where only a change or a
        previous level is stated.
    all_changes
        Every stated change, with the ``key`` and ``scope`` of its figure.
    lists
        One row per counted list: indicator, section, stated_count, stated_as, slogan,
        exhaustive, n_items, quote, name_<lang> for each language.
    list_items
        One row per item of a list: indicator, position, item, item_en (or None).
    sources
        One row: the report id and its source and place, flattened.
    """

    path: Path
    id: str
    source: dict
    place: dict
    election_year: int | None
    headings: dict
    figures: pd.DataFrame
    changes: pd.DataFrame
    all_figures: pd.DataFrame
    all_changes: pd.DataFrame
    lists: pd.DataFrame
    list_items: pd.DataFrame
    sources: pd.DataFrame
    catalogue: Catalogue = field(repr=False)
    coverage: Coverage = field(default_factory=Coverage)

    def name(self, indicator: str, lang: str) -> str:
        """The name of ``indicator`` in ``lang``, for what this report covers."""
        return indicator_name(indicator, lang, self.coverage)

    def name_facts(self, indicator: str, lang: str) -> set:
        """The coverage facts the name of ``indicator`` asserts (「新一届“两委”成员」: both bodies)."""
        said: set = set()
        indicator_name(indicator, lang, self.coverage, said=said)
        return said

    def has(self, indicator: str) -> bool:
        """Whether the report states figure or list ``indicator``."""
        return indicator in self.figures.index or indicator in self.lists.index

    def value(self, indicator: str) -> float | None:
        """The stated value of ``indicator``, or None when the report does not state it."""
        if indicator not in self.figures.index:
            return None
        return self.figures.at[indicator, "value"]

    def states(self, indicator: str) -> bool:
        """Whether the report says anything of ``indicator``: a level, a change or a previous
        level, for the whole or for villages or communities alone. "Does not state" needs this."""
        return bool((self.all_figures["indicator"] == indicator).any()) or indicator in self.lists.index

    def items(self, indicator: str, lang: str = "zh") -> list[str]:
        """The stated items of list ``indicator`` (empty when not itemised or not stated).

        In English, each item's translation where the report gives one, else the item itself.
        """
        rows = self.list_items[self.list_items["indicator"] == indicator].sort_values("position")
        if lang == "en":
            return [en if isinstance(en, str) else zh for zh, en in zip(rows["item"], rows["item_en"], strict=True)]
        return rows["item"].tolist()


FIGURE_COLUMNS = ["key", "indicator", "scope", "section", "kind", "value", "unit", "qualifier", "stated_as", "places",
                  "count_id", "denominator_id", "denominator_assumed", "article_disagrees", "threshold", "threshold_bound", "previous", "note", "quote",
                  *(f"name_{lang}" for lang in languages()), *(f"scope_named_{lang}" for lang in languages()), "_where"]
CHANGE_COLUMNS = ["key", "indicator", "scope", "position", "value", "unit", "reading", "stated_as", "places"]


def _fail(path: Path, where: str, expected: str) -> None:
    raise ReportError(path, where, expected)


def scoped(coverage: Coverage, scope: str) -> Coverage:
    """The coverage a figure of ``scope`` speaks for: a figure of villages alone (村书记主任……)
    covers villages, whatever units the report covers."""
    return dataclasses.replace(coverage, units=frozenset({scope})) if scope in ("village", "community") else coverage


def _stated_form(path: Path, where: str, value: float, unit: str, stated_as: str | None, quote: str) -> str:
    """Return how ``quote`` writes ``value``; fail if it does not contain the figure."""
    if stated_as is None:
        # Most quotes write the figure in digits: found so, the Chinese numerals are not needed.
        digits = renderings(value, unit, chinese=False)
        digits += [f[:-1] + word + "万" for f in digits if f.endswith("万") for word in "余多"]
        found = next((form for form in digits if found_in(quote, form)), None)
        if found is not None:
            return found
    forms = renderings(value, unit)
    # 70余万, 2750多万: the qualifier (more_than, about) is written between a figure and its 万.
    forms += [f[:-1] + word + "万" for f in forms if f.endswith("万") for word in "余多"]
    if stated_as is not None:
        if stated_as not in forms and chinese_value(stated_as) != value:
            _fail(path, f"{where}.stated_as", f"expected a way of writing {shown(value)} ({', '.join(forms)}), got {shown(stated_as)}")
        if not found_in(quote, stated_as):
            _fail(path, f"{where}.quote", f"expected the quote to contain {stated_as!r}, got {shown(quote)}")
        return stated_as
    for form in forms:
        if found_in(quote, form):
            return form
    # Written in Chinese numerals another way than the forms above spell it (一百七十二, 两千).
    written = chinese_in(quote, value)
    if written is not None:
        return written
    _fail(path, f"{where}.quote", f"expected the quote to contain the figure {forms[0]!r}, got {shown(quote)}")
    raise AssertionError  # unreachable: _fail raises


def _check_date(path: Path, text: str, where: str = "source.date", what: str = "a publication date") -> None:
    try:
        date = dt.date.fromisoformat(text)
    except ValueError:
        _fail(path, where, f"expected a real calendar date YYYY-MM-DD, got {text!r}")
        return
    if date > dt.date.today():
        _fail(path, where, f"expected {what} not in the future, got {text}")


def _nodes(document: object):  # type: ignore[no-untyped-def]
    """Every value in ``document`` (and every mapping key) with the path that leads to it."""
    stack: list[tuple[object, list[object]]] = [(document, [])]
    while stack:
        node, parts = stack.pop()
        yield node, parts
        if isinstance(node, dict):
            stack += [(child, [*parts, key]) for key, child in node.items()]
            stack += [(key, [*parts, key]) for key in node if isinstance(key, str)]
        elif isinstance(node, list):
            stack += [(child, [*parts, i]) for i, child in enumerate(node)]


def _no_todo(path: Path, document: object) -> None:
    """Refuse a report that still holds a TODO (a draft's mark of what a person must check or
    fill in): only a reviewed file becomes a book."""
    for node, parts in _nodes(document):
        if isinstance(node, str) and node.lstrip().startswith("TODO"):
            _fail(path, field_path(parts, document) or "TODO",
                  f"expected a reviewed value, got {shown(node)} (a draft's TODO: fill it in, or delete the line)")


def _finite_numbers(path: Path, document: object) -> None:
    """Refuse NaN and infinity anywhere: JSON Schema's bounds let NaN through."""
    for node, parts in _nodes(document):
        if isinstance(node, float) and not math.isfinite(node):
            _fail(path, field_path(parts, document), f"expected a finite number, got {node}")


# Characters a text field may not hold, and why (each refused with one line, before anything
# is built). The rest of Unicode is shown as written, escaped like any text: zero-width
# characters (ZWJ joins emoji), private-use characters (a missing glyph, harmless) and
# bidirectional marks (LRM, RLM) among them.
def refused_character(char: str) -> str | None:
    """Why a text field may not hold ``char``, or None when a page shows it as written."""
    code = ord(char)
    if 0xD800 <= code <= 0xDFFF:
        return "an unpaired surrogate (no UTF-8 page can hold it)"
    if (code < 0x20 and char not in "\t\n\r") or 0x7F <= code <= 0x9F:
        return "a control character"
    if 0x202A <= code <= 0x202E or 0x2066 <= code <= 0x2069:
        return "a bidirectional embedding, override or isolate (it would reorder the page's text around it)"
    if 0xFDD0 <= code <= 0xFDEF or code & 0xFFFE == 0xFFFE:
        return "a Unicode noncharacter"
    return None


def _text_characters(path: Path, document: object) -> None:
    """Refuse, in any text of the file, a character no page can show as written."""
    for node, parts in _nodes(document):
        if isinstance(node, str):
            for at, char in enumerate(node):
                what = refused_character(char)
                if what:
                    _fail(path, field_path(parts, document) or "(a key)",
                          f"expected text a page can show, got {what}, U+{ord(char):04X}, at character {at + 1}")


def _figure_rows(path: Path, document: dict, catalogue: Catalogue, coverage: Coverage) -> tuple[list[dict], list[dict]]:
    figures, changes = [], []
    for i, fig in enumerate(document.get("figures", [])):
        ind_id = fig["indicator"]
        scope = fig.get("scope", ALL)
        key = figure_key(ind_id, scope)
        where = f"figures[{i}]({key})"
        if ind_id not in catalogue:
            _fail(path, f"{where}.indicator", f"expected an indicator id from {catalogue.path.name}, got {ind_id!r}")
        meta = catalogue.indicator(ind_id)
        if meta["kind"] == "list":
            _fail(path, f"{where}.indicator", f"expected a figure's id, got list {ind_id!r} (put it under lists)")
        if any(row["key"] == key for row in figures):
            again = f"{ind_id!r}" if scope == ALL else f"{ind_id!r} with scope {scope!r}"
            _fail(path, f"{where}.indicator", f"expected each indicator once per scope, got {again} twice")
        if fig["unit"] != meta["unit"]:
            _fail(path, f"{where}.unit", f"expected {meta['unit']!r} (the unit of {ind_id}), got {fig['unit']!r}")
        if fig["section"] not in catalogue.sections.index:
            _fail(path, f"{where}.section", f"expected one of {', '.join(catalogue.sections.index)}, got {fig['section']!r}")
        for ref in ("count", "denominator"):
            if ref in fig:
                if meta["kind"] != "share":
                    _fail(path, f"{where}.{ref}", f"expected {ref} only on a share, got it on a {meta['kind']}")
                if fig[ref] not in catalogue:
                    _fail(path, f"{where}.{ref}", f"expected an indicator id from {catalogue.path.name}, got {fig[ref]!r}")
        if fig.get("denominator_assumed") and "denominator" not in fig:
            _fail(path, f"{where}.denominator_assumed", "expected denominator_assumed only beside a denominator")
        quote = fig["quote"]
        value = fig.get("value")
        stated_as = None
        if value is not None:
            _check_level(path, f"{where}.value", value, meta["kind"])
            stated_as = _stated_form(path, where, value, fig["unit"], fig.get("stated_as"), quote)
        elif "stated_as" in fig:
            _fail(path, f"{where}.stated_as", "expected stated_as only beside a value, got it on a figure with no value")
        previous = fig.get("previous")
        if previous is not None:
            _check_level(path, f"{where}.previous.value", previous["value"], meta["kind"])
            _stated_form(path, f"{where}.previous", previous["value"], fig["unit"], previous.get("stated_as"), quote)
        threshold = fig.get("threshold")
        if threshold is not None:
            if threshold["unit"] not in catalogue.units.index:
                _fail(path, f"{where}.threshold.unit",
                      f"expected one of {', '.join(catalogue.units.index)}, got {shown(threshold['unit'])}")
            _stated_form(path, f"{where}.threshold", threshold["value"], threshold["unit"], None, quote)
        for j, change in enumerate(fig.get("changes", [])):
            cwhere = f"{where}.changes[{j}]"
            if change["unit"] not in (meta["unit"], "percent"):
                _fail(path, f"{cwhere}.unit", f"expected {meta['unit']!r} or 'percent', got {change['unit']!r}")
            if change["reading"] == "relative" and change["unit"] != "percent":
                _fail(path, f"{cwhere}.unit", f"expected 'percent' for a relative change, got {change['unit']!r}")
            cform = _stated_form(path, cwhere, abs(change["value"]), change["unit"], change.get("stated_as"), quote)
            changes.append({"key": key, "indicator": ind_id, "scope": scope, "position": j,
                            "value": float(change["value"]), "unit": change["unit"], "reading": change["reading"],
                            "stated_as": cform, "places": decimals_of(cform)})
        figures.append({
            "key": key,
            "indicator": ind_id,
            "scope": scope,
            "section": fig["section"],
            "kind": meta["kind"],
            "value": float("nan") if value is None else float(value),
            "unit": fig["unit"],
            "qualifier": fig["qualifier"],
            "stated_as": stated_as,
            "places": None if stated_as is None else decimals_of(stated_as),
            "count_id": fig.get("count"),
            "denominator_id": fig.get("denominator"),
            # The whole is the report file's reading, not the article's words (70 heads: one a village).
            "denominator_assumed": bool(fig.get("denominator_assumed", False)),
            "article_disagrees": bool(fig.get("article_disagrees", False)),
            "threshold": None if threshold is None else float(threshold["value"]),
            "threshold_bound": None if threshold is None else threshold["bound"],
            "previous": None if previous is None else float(previous["value"]),
            "note": fig.get("note"),
            "quote": quote,
            # A figure of villages or communities alone is named for them, whatever the report covers;
            # where the name itself then says so (Share of communities where…), no "(communities
            # only)" is added to it.
            **{f"name_{lang}": indicator_name(ind_id, lang, scoped(coverage, scope)) for lang in languages()},
            **{f"scope_named_{lang}": scope != ALL and indicator_name(ind_id, lang, scoped(coverage, scope))
               != indicator_name(ind_id, lang, dataclasses.replace(coverage, units=None)) for lang in languages()},
            "_where": where,
        })
    return figures, changes


def _check_level(path: Path, where: str, value: float, kind: str) -> None:
    """A level (this term's or the previous one's) must be possible for its kind."""
    if value < 0:
        _fail(path, where, f"expected a number >= 0 for a {kind}, got {shown(value)}")
    upper = _UPPER.get(kind)
    if upper is not None and value > upper:
        _fail(path, where, f"expected at most {upper:g} for a {kind}, got {shown(value)}")
    if kind == "count" and not float(value).is_integer():
        _fail(path, where, f"expected a whole number for a count, got {shown(value)}")


def _check_shares(path: Path, figures: pd.DataFrame) -> None:
    """Every stated percentage must fit its stated count and whole, at its precision or qualifier.

    ``figures`` is every stated level, keyed by ``figure_key``; a share's count and whole are
    looked up in its own scope.
    """
    for _, row in figures[(figures["kind"] == "share") & figures["value"].notna()].iterrows():
        whole_key = None if pd.isna(row["denominator_id"]) else figure_key(row["denominator_id"], row["scope"])
        count_key = None if pd.isna(row["count_id"]) else figure_key(row["count_id"], row["scope"])
        if whole_key not in figures.index or pd.isna(figures.at[whole_key, "value"]):
            continue
        whole = figures.at[whole_key, "value"]
        places = None if pd.isna(row["places"]) else int(row["places"])
        qualifier = row["qualifier"]
        if count_key in figures.index and not pd.isna(figures.at[count_key, "value"]):
            count = figures.at[count_key, "value"]
            fits = share_fit(count, whole, row["value"], places, qualifier) != INCONSISTENT
            exact = count / whole * 100 if whole else float("nan")
            if not fits and not row["article_disagrees"]:
                how = "at the stated precision" if qualifier == "exact" else f"under its qualifier ({qualifier})"
                _fail(path, f"{row['_where']}.value",
                      f"expected the share of {count:g} in {whole:g} ({exact:.4g}%) {how}, got {row['stated_as']}"
                      " (if the article's own figures disagree, say so with article_disagrees: true)")
            if fits and row["article_disagrees"]:
                _fail(path, f"{row['_where']}.article_disagrees",
                      f"expected a share that does not fit its count and whole, got {row['stated_as']}, "
                      f"which {count:g} of {whole:g} ({exact:.4g}%) gives")
        elif qualifier == "exact":
            if not fitting_counts(int(whole), row["value"], places, allow_truncation=True):
                _fail(path, f"{row['_where']}.value",
                      f"expected a percentage that some whole number of {whole:g} can give, got {row['stated_as']}")
        elif not counts_within(int(whole), row["value"], qualifier):
            _fail(path, f"{row['_where']}.value",
                  f"expected a percentage that some whole number of {whole:g} can give ({qualifier}), got {row['stated_as']}")


def _list_rows(path: Path, document: dict, catalogue: Catalogue, stated: set[str],
               coverage: Coverage) -> tuple[list[dict], list[dict]]:
    lists, items = [], []
    for i, lst in enumerate(document.get("lists", [])):
        ind_id = lst["indicator"]
        where = f"lists[{i}]({ind_id})"
        if ind_id not in catalogue:
            _fail(path, f"{where}.indicator", f"expected an indicator id from {catalogue.path.name}, got {ind_id!r}")
        meta = catalogue.indicator(ind_id)
        if meta["kind"] != "list":
            _fail(path, f"{where}.indicator", f"expected a list's id, got {meta['kind']} {ind_id!r} (put it under figures)")
        if ind_id in stated:
            _fail(path, f"{where}.indicator", f"expected each indicator once, got {ind_id!r} twice")
        stated.add(ind_id)
        quote = lst["quote"]
        count = lst.get("stated_count")
        stated_as = lst.get("stated_as")
        if count is not None:
            forms = renderings(count, chinese=False)
            if stated_as is None:
                stated_as = next((f for f in forms if found_in(quote, f)), None)
            if stated_as is None or not any(stated_as.startswith(f) for f in forms):
                forms = renderings(count)  # written in Chinese numerals, then
            if stated_as is None:
                stated_as = next((f for f in forms if found_in(quote, f)), None)
                if stated_as is None:
                    _fail(path, f"{where}.quote", f"expected the quote to contain the count {count}, got {shown(quote)}")
            elif not any(stated_as.startswith(f) for f in forms):
                _fail(path, f"{where}.stated_as", f"expected a way of writing {count} ({', '.join(forms)}), got {shown(stated_as)}")
        if stated_as is not None and stated_as not in quote:
            _fail(path, f"{where}.quote", f"expected the quote to contain {stated_as!r}, got {shown(quote)}")
        if "slogan" in lst and lst["slogan"] not in quote:
            _fail(path, f"{where}.quote", f"expected the quote to contain the slogan {lst['slogan']!r}, got {shown(quote)}")
        listed = lst.get("items", [])
        for j, item in enumerate(listed):
            if item not in quote:
                _fail(path, f"{where}.items[{j}]", f"expected an item the quote contains verbatim, got {shown(item)}")
        english = lst.get("items_en")
        if english is not None and len(english) != len(listed):
            _fail(path, f"{where}.items_en", f"expected one English item per item ({len(listed)}), got {len(english)}")
        exhaustive = lst.get("exhaustive", True)
        if listed and count is not None and exhaustive and len(listed) != count:
            _fail(path, f"{where}.items", f"expected {count} items (the stated count), got {len(listed)}")
        lists.append({
            "indicator": ind_id, "section": lst["section"], "stated_count": count, "stated_as": stated_as,
            "slogan": lst.get("slogan"), "exhaustive": exhaustive, "n_items": len(listed), "quote": quote,
            "note": lst.get("note"), **{f"name_{lang}": indicator_name(ind_id, lang, coverage) for lang in languages()},
        })
        items += [{"indicator": ind_id, "position": j + 1, "item": item, "item_en": (english or [None] * len(listed))[j]}
                  for j, item in enumerate(listed)]
    return lists, items


def load_report(path: str | Path, catalogue: Catalogue | None = None) -> Report:
    """Read and check the report file at ``path``; raise ReportError on the first fault."""
    # Load
    path = Path(path)
    catalogue = catalogue or load_catalogue()
    document = read_yaml(path)
    if not isinstance(document, dict):
        _fail(path, "", f"expected a YAML mapping of report fields, got {type(document).__name__}")
    _no_todo(path, document)
    _finite_numbers(path, document)
    _text_characters(path, document)
    validate(document, "report", path)

    # Process
    if "date" in document["source"]:
        _check_date(path, document["source"]["date"])
    if "as_of" in document.get("coverage", {}):
        _check_date(path, document["coverage"]["as_of"], "coverage.as_of", "a date the status refers to")
    coverage = Coverage.from_document(document)
    if not document.get("figures") and not document.get("lists"):
        _fail(path, "figures", "expected at least one figure or list, got none")
    figure_rows, change_rows = _figure_rows(path, document, catalogue, coverage)
    everything = pd.DataFrame(figure_rows, columns=FIGURE_COLUMNS).set_index("key", drop=False)
    everything.index.name = None
    everything["places"] = everything["places"].astype("Int64")
    _check_shares(path, everything)
    # The figures the templates and derivations read: the whole report's stated levels, by
    # indicator. Changes stated with no level, and figures of villages or communities alone,
    # are in all_figures (and told by the generic sentences), never mistaken for these.
    main = everything[(everything["scope"] == ALL) & everything["value"].notna()]
    figures = main.drop(columns=["key", "scope"]).set_index("indicator", drop=False)
    figures.index.name = None
    all_changes = pd.DataFrame(change_rows, columns=CHANGE_COLUMNS)
    changes = all_changes[all_changes["key"].isin(main.index)].drop(columns=["key", "scope"]).reset_index(drop=True)
    list_rows, item_rows = _list_rows(path, document, catalogue, set(everything["indicator"]), coverage)
    lists = pd.DataFrame(list_rows, columns=["indicator", "section", "stated_count", "stated_as", "slogan", "exhaustive",
                                             "n_items", "quote", "note", *(f"name_{lang}" for lang in languages())]).set_index("indicator", drop=False)
    lists.index.name = None
    lists["stated_count"] = lists["stated_count"].astype("Int64")

    source, place = document["source"], document["place"]
    sources = pd.DataFrame([{
        "report": document["id"],
        "outlet_zh": source.get("outlet", {}).get("zh"), "outlet_en": source.get("outlet", {}).get("en"),
        # A field the report gives per language is tabled as the article wrote it.
        "title": in_language(source.get("title"), REPORT_LANGUAGE),
        "subtitle": in_language(source.get("subtitle"), REPORT_LANGUAGE), "date": source.get("date"),
        "authors": "、".join(source.get("authors", [])) or None, "editor": in_language(source.get("editor"), REPORT_LANGUAGE),
        "republished_in": in_language(source.get("republished_in"), REPORT_LANGUAGE),
        "county_zh": place.get("county", {}).get("zh"), "county_en": place.get("county", {}).get("en"),
        "place_zh": place["name"]["zh"], "place_en": place["name"]["en"],
        "prefecture_zh": place.get("prefecture", {}).get("zh"), "prefecture_en": place.get("prefecture", {}).get("en"),
        "province_zh": place["province"]["zh"], "province_en": place["province"]["en"],
        "election_year": document.get("election_year"),
    }])
    return Report(
        path=path, id=document["id"], source=source, place=place, election_year=document.get("election_year"),
        headings=document.get("headings", {}), figures=figures.drop(columns="_where"),
        changes=changes, all_figures=everything.drop(columns="_where"), all_changes=all_changes,
        lists=lists, list_items=pd.DataFrame(item_rows, columns=["indicator", "position", "item", "item_en"]),
        sources=sources, catalogue=catalogue, coverage=coverage,
    )
