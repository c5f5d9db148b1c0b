"""What the Checking page tells: one Check per quantity the book works out from a report (the
rows of its derived table) and per kind of figure it could not check, each with the fields its
words may print, worked out when printed. The page's notebook chooses each one's words."""

from __future__ import annotations

import math

import pandas as pd

from villagereport.derived import derive
from villagereport.numbers import format_figure, format_number
from villagereport.phrases import (
    FigureText,
    _bound_text,
    _direction,
    _lower,
    _name,
    _written,
    change_amount,
    counted,
    place_unit,
    scoped_name,
    status_text,
)
from villagereport.report import Report
from villagereport.wording import fill, strings


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

    @property
    def fields(self) -> _Fields:
        """The fields as a mapping, each worked out when a message prints it."""
        return _Fields(self)

    def field(self, name: str) -> str:
        """The field ``name`` as text, worked out when first asked for."""
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
            # With its counter word: 至少70人, at least 70 people.
            fields |= {"value": counted(fmt(row["value"], row["unit"], places), row["unit"], row["value"], lang),
                       "per": lambda: stated(inputs[0]),
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
