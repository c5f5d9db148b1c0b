"""Compute what a report's figures imply: previous terms, implied counts and wholes, checks."""

from __future__ import annotations

import math
import weakref
from typing import TYPE_CHECKING

import pandas as pd

from villagereport.shares import (EXACT, INCONSISTENT, ROUNDED, WITHIN, counts_within, fitting_counts, fitting_wholes,
                                  share_status, wholes_within)
from villagereport.shares import status as share_fit

if TYPE_CHECKING:
    from villagereport.report import Report

# ``inputs``: the ids of the figures a row is worked out from, a tuple in the order its
# quantity names them (a share check's count, then its whole).
COLUMNS = ["quantity", "indicator", "reading", "value", "low", "high", "unit", "places", "stated",
           "status", "inputs", "assumed"]

# Wholes the catalogue's counts and shares are parts of, for shares a report leaves implicit.
SHARE_OF = {
    "members_college": ("members_college_share", "members_total"),
    "members_35_or_under": ("members_35_or_under_share", "members_total"),
    "members_45_or_under": ("members_45_or_under_share", "members_total"),
    "members_60_or_over": ("members_60_or_over_share", "members_total"),
    "women_members": ("women_members_share", "members_total"),
    "members_bachelor": ("members_bachelor_share", "members_total"),
    "members_college_only": ("members_college_only_share", "members_total"),
    "members_36_to_45": ("members_36_to_45_share", "members_total"),
    "members_46_to_59": ("members_46_to_59_share", "members_total"),
    "women_secretaries": ("women_secretaries_share", "secretaries_elected"),
    "new_secretaries": ("new_secretaries_share", "secretaries_elected"),
    "women_directors": ("women_directors_share", "directors_elected"),
}
# Counts of places, in the order a report is likely to state them.
PLACE_COUNTS = ("villages_completed", "units_completed")


def _row(quantity: str, indicator: str, value: float | None, unit: str, places: int, inputs: list[str], *,
         reading: str = "", low: float | None = None, high: float | None = None, stated: float | None = None,
         status: str = "", assumed: bool = False) -> dict:
    return {"quantity": quantity, "indicator": indicator, "reading": reading, "value": value,
            "low": value if low is None else low, "high": value if high is None else high, "unit": unit,
            "places": places, "stated": stated, "status": status, "inputs": tuple(inputs),
            # Whether the row rests on a whole the report file assumes (said wherever it is shown).
            "assumed": assumed}


def _places(report: Report, *indicators: str) -> int:
    """Decimals worth showing for a figure computed from ``indicators``: the most they state."""
    stated = [report.figures.at[i, "places"] for i in indicators if i in report.figures.index]
    known = [int(p) for p in stated if not pd.isna(p)]
    return max(known, default=0)


def previous_terms(report: Report) -> list[dict]:
    """Previous-term values from each stated change, under each reading it allows."""
    rows = []
    figures = report.figures
    for _, change in report.changes.iterrows():
        ind = change["indicator"]
        fig = figures.loc[ind]
        value, delta, places = fig["value"], change["value"], max(_places(report, ind), int(change["places"] or 0))
        inputs = [ind]
        if change["reading"] == "absolute":
            rows.append(_row("previous", ind, value - delta, fig["unit"], places, inputs, reading="absolute"))
        elif change["reading"] == "relative":
            rows.append(_row("previous", ind, value / (1 + delta / 100), fig["unit"], places, inputs, reading="relative"))
        elif fig["kind"] == "share":
            rows.append(_row("previous", ind, value - delta, "percent", places, inputs, reading="percentage_points"))
            rows.append(_row("previous", ind, value / (1 + delta / 100), "percent", places, inputs, reading="relative"))
        else:
            rows += _ambiguous_count_change(report, ind, value, delta, places)
    for ind, fig in figures[figures["previous"].notna()].iterrows():
        # From -> to: both levels stated, so the change is arithmetic, not a reading.
        rows.append(_row("change", ind, fig["value"] - fig["previous"], fig["unit"], _places(report, ind), [ind],
                         reading="from_to", stated=fig["previous"]))
    rows += _change_cross_checks(report)
    return rows


def _ambiguous_count_change(report: Report, ind: str, count: float, delta: float, places: int) -> list[dict]:
    """A percent change stated beside a count: points of its share, or a relative rise?"""
    rows = []
    previous = count / (1 + delta / 100)
    # A relative reading needs a whole previous count that gives the stated change.
    fits = [n for n in (math.floor(previous), math.ceil(previous))
            if n > 0 and round((count / n - 1) * 100, places) == round(delta, places)]
    # The share's readings first: their sentence introduces the figure; the count's reading follows.
    count_reading = _row("previous_count", ind, previous, "person", 1, [ind], reading="relative",
                         status="whole" if fits else "no_whole_number")
    share_id, whole_id = SHARE_OF.get(ind, (None, None))
    if whole_id and report.value(whole_id):
        share = count / report.value(whole_id) * 100
        rows.append(_row("previous", share_id, share - delta, "percent", places, [ind, whole_id],
                         reading="percentage_points"))
        rows.append(_row("previous", share_id, share / (1 + delta / 100), "percent", places, [ind, whole_id],
                         reading="relative"))
    return [*rows, count_reading]


def _change_cross_checks(report: Report) -> list[dict]:
    """Where a change is stated both in units and in percent, check they agree."""
    rows = []
    for ind, group in report.changes.groupby("indicator", sort=False):
        absolute = group[group["reading"] == "absolute"]
        relative = group[(group["reading"] == "relative") & (group["unit"] == "percent")]
        if absolute.empty or relative.empty:
            continue
        value = report.value(ind)
        before = value - absolute["value"].iloc[0]
        stated = abs(relative["value"].iloc[0])
        places = int(relative["places"].iloc[0])
        status = share_status(abs(absolute["value"].iloc[0]), before, stated, places)
        rows.append(_row("relative_change", ind, abs(absolute["value"].iloc[0]) / before * 100, "percent", places,
                         [ind], stated=stated, status=status))
    return rows


def share_checks(report: Report) -> list[dict]:
    """Every stated percentage against its count and whole, or the counts it implies.

    A qualified percentage (近40%, 约, 以上) bounds the share rather than rounding it, so its
    check asks whether the count and whole fall within those bounds.
    """
    rows = []
    figures = report.figures
    for ind, fig in figures[figures["kind"] == "share"].iterrows():
        whole_id, count_id = fig["denominator_id"], fig["count_id"]
        places = None if pd.isna(fig["places"]) else int(fig["places"])
        qualifier = fig["qualifier"]
        if pd.isna(whole_id) or whole_id not in figures.index:
            continue
        whole = figures.at[whole_id, "value"]
        if not pd.isna(count_id) and count_id in figures.index:
            count = figures.at[count_id, "value"]
            status = share_fit(count, whole, fig["value"], places, qualifier)
            rows.append(_row("share_check", ind, count / whole * 100, "percent", places or 0, [count_id, whole_id],
                             reading=qualifier, stated=fig["value"], status=status,
                             assumed=bool(fig["denominator_assumed"])))
            continue
        if qualifier != "exact":
            fits = counts_within(int(whole), fig["value"], qualifier)
            status = WITHIN if fits else INCONSISTENT
        else:
            fits = fitting_counts(int(whole), fig["value"], places)
            # 100% (or 0%) of a whole is the whole (or none), however it is written: computing
            # the count from the share checks nothing, so the share is "not checkable".
            status = (EXACT if places is None or fig["value"] in (0, 100) else ROUNDED) if fits else INCONSISTENT
            if not fits:
                fits = fitting_counts(int(whole), fig["value"], places, allow_truncation=True)
                status = "truncated" if fits else INCONSISTENT
        rows.append(_row("implied_count", ind, fits[0] if len(fits) == 1 else None, "person", 0, [ind, whole_id],
                         reading=qualifier, low=min(fits, default=None), high=max(fits, default=None),
                         stated=fig["value"], status=status, assumed=bool(fig["denominator_assumed"])))
    return rows


def implied_wholes(report: Report) -> list[dict]:
    """Wholes that shares of an unstated total imply, each pair apart and all together."""
    rows = []
    figures = report.figures
    shares = figures[(figures["kind"] == "share") & figures["count_id"].notna() & figures["denominator_id"].notna()]
    for whole_id, group in shares.groupby("denominator_id", sort=False):
        if whole_id in figures.index:
            continue
        # Each pair's wholes under one rule for all (rounded; cut), or under either rule pair by
        # pair (an office may round one figure and cut another).
        together = {"rounded": None, "truncated": None, "either": None}
        pairs = 0
        for ind, fig in group.iterrows():
            if fig["count_id"] not in figures.index:
                continue
            count = int(figures.at[fig["count_id"], "value"])
            places = None if pd.isna(fig["places"]) else int(fig["places"])
            if fig["qualifier"] != "exact":
                # 近40% of 33 people: a whole of at least 83, and no upper limit the words give.
                low, high = wholes_within(count, fig["value"], fig["qualifier"])
                rows.append(_row("implied_whole", whole_id, low if low is not None and low == high else None, "person",
                                 0, [fig["count_id"], ind], reading=fig["qualifier"], low=low, high=high,
                                 stated=fig["value"]))
                continue
            pairs += 1
            fits = {}
            for rule, allow in (("rounded", False), ("truncated", True)):
                fit = fitting_wholes(count, fig["value"], places, allow_truncation=allow)
                fits[rule] = set(fit)
                rows.append(_row("implied_whole", whole_id, None if len(fit) != 1 else fit[0], "person", 0,
                                 [fig["count_id"], ind], reading=rule, low=fit.start if fit else None,
                                 high=fit[-1] if fit else None, stated=fig["value"]))
            fits["either"] = fits["rounded"] | fits["truncated"]
            for rule, fit in fits.items():
                known = together[rule]
                together[rule] = fit if known is None else known & fit
        for rule, fit in together.items():
            # "All pairs agree" means something only where there are two pairs or more.
            if fit is None or pairs < 2:
                continue
            inputs = [i for i in group.index]
            status = "agree" if fit else "disagree"
            rows.append(_row("implied_whole", whole_id, min(fit) if len(fit) == 1 else None, "person", 0, inputs,
                             reading=f"all_{rule}", low=min(fit, default=None), high=max(fit, default=None),
                             status=status))
    return rows


def ratios(report: Report) -> list[dict]:
    """Simple figures the report implies: members per village, shares it leaves uncomputed."""
    rows = []
    members = report.value("members_total")
    place_id = next((p for p in PLACE_COUNTS if report.value(p)), None)
    if members and place_id:
        # To one decimal: a mean of whole people, said as "about 4.4", not to a false precision.
        rows.append(_row("members_per_place", "members_total", members / report.value(place_id), "person", 1,
                         ["members_total", place_id]))
    for count_id, (share_id, whole_id) in SHARE_OF.items():
        count, whole = report.value(count_id), report.value(whole_id)
        if count is not None and whole and not report.has(share_id):
            rows.append(_row("computed_share", share_id, count / whole * 100, "percent", 1, [count_id, whole_id]))
    per_village, villages = report.value("women_members_per_village"), report.value("villages_completed")
    if per_village is not None and villages and report.figures.at["women_members_per_village", "qualifier"] == "at_least":
        at_least = per_village * villages
        rows.append(_row("minimum", "women_members", at_least, "person", 0, ["women_members_per_village", "villages_completed"]))
        if members:
            rows.append(_row("minimum", "women_members_share", at_least / members * 100, "percent", 1,
                             ["women_members_per_village", "villages_completed", "members_total"]))
    candidates = report.value("candidates_vetted")
    if candidates and members:
        rows.append(_row("candidates_per_seat", "candidates_vetted", candidates / members, "person", 2,
                         ["candidates_vetted", "members_total"]))
    return rows


# A loaded report never changes (Report is frozen), so its derived table is worked out once.
# (Keyed by identity: a report's fields are dicts, so it has no hash; the entry goes with it.)
_DERIVED: dict[int, pd.DataFrame] = {}


def derive(report: Report) -> pd.DataFrame:
    """All derived figures of ``report`` as one table (see COLUMNS); nothing is typed in.

    Each call returns a fresh copy, so a caller may change it freely."""
    key = id(report)
    if key not in _DERIVED:
        rows = previous_terms(report) + share_checks(report) + implied_wholes(report) + ratios(report)
        table = pd.DataFrame(rows, columns=COLUMNS)
        table.insert(0, "report", report.id)
        _DERIVED[key] = table
        weakref.finalize(report, _DERIVED.pop, key, None)
    return _DERIVED[key].copy()
