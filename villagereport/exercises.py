"""Exercises on each page's own figures, with answers computed from the report.

Each exercise names the figures it needs; for a report that lacks one, the exercise is left
out. ``answer`` returns the numbers the solution states; the words are in the language's
text file (``exercises.items.*`` in villagereport/text/locale/<lang>.po).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from villagereport.derived import derive
from villagereport.report import Report
from villagereport.shares import share_status


@dataclass(frozen=True)
class Exercise:
    """One exercise: its id (the key of its words), the figures it needs, how to answer it."""

    id: str
    section: str
    needs: tuple[str, ...]
    answer: Callable[[Report], dict]
    # The worked answer as pandas a teacher runs in the page's notebook (``page`` is open):
    # its last line gives the number the exercise asks for.
    code: str = ""


def _v(report: Report, indicator: str) -> float:
    return float(report.value(indicator))


def _change(report: Report, indicator: str, reading: str) -> float | None:
    rows = report.changes[(report.changes["indicator"] == indicator) & (report.changes["reading"] == reading)]
    return None if rows.empty else float(rows.iloc[0]["value"])


def _places_of(report: Report, indicator: str, change: bool = False) -> int:
    """The decimals the report writes a figure (or its change) with: 47.86, not 47.9."""
    if change:
        rows = report.changes[report.changes["indicator"] == indicator]
        places = rows.iloc[0]["places"] if not rows.empty else None
    else:
        places = report.figures.at[indicator, "places"]
    return max(int(places), 0) if places is not None and pd.notna(places) else 1


def _previous_age(report: Report) -> dict:
    return {"now": _v(report, "members_avg_age"), "change": -_change(report, "members_avg_age", "absolute"),
            "previous": _v(report, "members_avg_age") - _change(report, "members_avg_age", "absolute"),
            "now_places": _places_of(report, "members_avg_age"),
            "change_places": _places_of(report, "members_avg_age", change=True)}


def _heads_whole(report: Report) -> tuple[float, str] | None:
    """How many heads the report's places have if each has one, and from which figure: the
    villages and communities that held the election (units_completed), or the villages that
    did (with the communities, where the report counts them apart). None when the report
    covers communities but counts only its villages: the whole would leave some heads out."""
    if report.has("units_completed"):
        return _v(report, "units_completed"), "units_completed"
    if not report.has("villages_completed"):
        return None
    if report.has("communities_completed"):
        return _v(report, "villages_completed") + _v(report, "communities_completed"), "villages_and_communities"
    if report.coverage.units is not None and "community" in report.coverage.units:
        return None
    return _v(report, "villages_completed"), "villages_completed"


def _women_heads(report: Report) -> dict:
    count, stated = _v(report, "women_heads"), _v(report, "women_heads_share")
    whole, whole_from = _heads_whole(report)
    places = int(report.figures.at["women_heads_share", "places"])
    return {"count": count, "whole": whole, "stated": stated, "exact": count / whole * 100,
            "one_shoulder": _v(report, "one_shoulder_share"), "whole_from": whole_from,
            "fits": share_status(count, whole, stated, places) in ("rounded", "exact", "equal")}


def _college_readings(report: Report) -> dict:
    college, members = _v(report, "members_college"), _v(report, "members_total")
    rise = _change(report, "members_college", "ambiguous")
    share = college / members * 100
    previous_count = college / (1 + rise / 100)
    whole_counts = [n for n in range(1, int(college)) if round((college / n - 1) * 100, 1) == round(rise, 1)]
    # The whole numbers either side of the quotient, and the rises they would give.
    low, high = math.floor(previous_count), math.ceil(previous_count)
    return {"college": college, "members": members, "rise": rise, "share": share, "points": share - rise,
            "relative": share / (1 + rise / 100), "previous_count": previous_count, "count_fits": bool(whole_counts),
            "low": float(low), "high": float(high), "low_rise": (college / low - 1) * 100 if low else 0.0,
            "high_rise": (college / high - 1) * 100}


def _women_minimum(report: Report) -> dict:
    per, villages, members = (_v(report, i) for i in ("women_members_per_village", "villages_completed", "members_total"))
    return {"per_village": per, "villages": villages, "minimum": per * villages, "share": per * villages / members * 100}


def _staff_per_group(report: Report) -> dict:
    staff, groups = _v(report, "staff_seconded"), _v(report, "working_groups")
    per_group = staff / groups
    # "More than" only where the report says 余 (30余名); a whole average is written whole (6, not 6.0).
    return {"staff": staff, "groups": groups, "per_group": per_group,
            "more_than": report.figures.at["staff_seconded", "qualifier"] == "more_than",
            "places": 0 if float(per_group).is_integer() else 1}


def _meetings(report: Report) -> dict:
    special, dispatch = _v(report, "special_meetings"), _v(report, "dispatch_meetings")
    return {"special": special, "dispatch": dispatch, "total": special + dispatch}


def _candidates_per_seat(report: Report) -> dict:
    vetted, seats = _v(report, "candidates_vetted"), _v(report, "members_total")
    # If the people vetted are distinct, at least vetted - elected of them were not elected
    # (the elected may include people who were not among those vetted).
    return {"vetted": vetted, "seats": seats, "ratio": vetted / seats, "not_elected_at_least": vetted - seats}


def _entrepreneurs(report: Report) -> dict:
    derived = derive(report)
    row = derived[(derived["quantity"] == "implied_count") & (derived["indicator"] == "secretaries_entrepreneur_share")]
    secretaries, share = _v(report, "secretaries_elected"), _v(report, "secretaries_entrepreneur_share")
    count = float(row.iloc[0]["value"])
    return {"secretaries": secretaries, "share": share, "count": count, "check": count / secretaries * 100}


def _secretary_age(report: Report) -> dict:
    now, change = _v(report, "secretaries_avg_age"), _change(report, "secretaries_avg_age", "absolute")
    return {"now": now, "change": -change, "previous": now - change,
            "now_places": _places_of(report, "secretaries_avg_age"),
            "change_places": _places_of(report, "secretaries_avg_age", change=True)}


def _attendances(report: Report) -> dict:
    # No per-village figure: the trainees the report names are city and township staff.
    return {"attendances": _v(report, "training_attendances")}


def _list_check(indicator: str) -> Callable[[Report], dict]:
    """An exercise on a counted list: does the number the report gives match the items it lists?"""

    def answer(report: Report) -> dict:
        return {"count": float(report.lists.at[indicator, "stated_count"]),
                "listed": float(len(report.items(indicator))),
                "stated_as": report.lists.at[indicator, "stated_as"], "list": indicator}

    return answer


def _previous_terms(report: Report) -> dict:
    changes = report.all_changes
    # The question counts every stated change, of any scope; one gives a definite previous
    # figure when its figure's level is stated and it reads one way, one per reading when it is
    # ambiguous, and none when the report gives only the change.
    has_level = changes["key"].map(report.all_figures["value"]).notna()
    ambiguous = changes["reading"] == "ambiguous"
    return {"changes": float(len(changes)), "definite": float((has_level & ~ambiguous).sum()),
            "ambiguous": float((has_level & ambiguous).sum()), "no_level": float((~has_level).sum())}


def _leaflets(report: Report) -> dict:
    leaflets, villages = _v(report, "leaflets"), _v(report, "villages_completed")
    places = report.figures.at["leaflets", "places"]
    # 6.8万 is rounded to the thousand: the count lies within half a thousand of 68,000.
    step = 10 ** -int(places) if pd.notna(places) and places < 0 else 0
    low_count, high_count = leaflets - step / 2, leaflets + step / 2
    return {"leaflets": leaflets, "villages": villages, "stated": report.figures.at["leaflets", "stated_as"],
            "step": float(step), "leaflets_low": low_count, "leaflets_high": high_count,
            "low": float(round(low_count / villages)), "high": float(round(high_count / villages))}


def _pledges(report: Report) -> dict:
    pledges, candidates = _v(report, "discipline_pledges"), _v(report, "candidates_vetted")
    members = report.value("members_total")
    # The elected outnumbering the pledges is a fact worth noting only when they do.
    return {"pledges": pledges, "candidates": candidates, "share": pledges / candidates * 100,
            "members": float(members) if members is not None and members > pledges else None}


def _zero(report: Report) -> dict:
    return {"incidents": _v(report, "negative_opinion_incidents"), "hours": _v(report, "online_monitoring_hours")}


def _checks(report: Report) -> dict:
    derived = derive(report)
    checks = derived[(derived["quantity"] == "share_check") & (derived["reading"] == "exact")]
    return {"checked": float(len(checks)), "fit": float(checks["status"].isin(["rounded", "exact", "equal"]).sum()),
            "assumed": float(checks["assumed"].sum())}


def _implied_total(report: Report) -> dict:
    derived = derive(report)
    pairs = derived[(derived["quantity"] == "implied_whole") & (derived["reading"] == "rounded")]
    together = derived[(derived["quantity"] == "implied_whole") & (derived["reading"] == "all_either")]
    return {"pairs": float(len(pairs)), "low": float(pairs["low"].min()), "high": float(pairs["high"].max()),
            "agreed": float(together.iloc[0]["value"]) if not together.empty and pd.notna(together.iloc[0]["value"])
            else None}


EXERCISES: tuple[Exercise, ...] = (
    Exercise("previous_age", "overview", ("members_avg_age",), _previous_age,
             code='figures = page.report_table\n# The previous term\'s average age: this term\'s less the stated change (a fall is negative).\nfigures.at["members_avg_age", "value"] - figures.at["members_avg_age", "change"]'),
    # The premise (one head a place) rests on 一肩挑 at 100%, so the report must state it.
    Exercise("women_heads", "overview", ("women_heads", "women_heads_share", "one_shoulder_share"), _women_heads,
             code='figures = page.report_table\n# One head a place (一肩挑 at 100%): the places that held the election, counted together or apart.\nplaces = ["units_completed"] if "units_completed" in figures.index else ["villages_completed", "communities_completed"]\nheads = figures.loc[figures.index.intersection(places), "value"].sum()\nfigures.at["women_heads", "value"] / heads * 100'),
    Exercise("college_readings", "overview", ("members_college", "members_total"), _college_readings,
             code='figures = page.report_table\nshare = figures.at["members_college", "value"] / figures.at["members_total", "value"] * 100\nrise = figures.at["members_college", "change"]\n# Read as percentage points, the previous share was this share less the rise.\nshare - rise'),
    Exercise("women_minimum", "overview", ("women_members_per_village", "villages_completed", "members_total"),
             _women_minimum,
             code='figures = page.report_table\n# At least so many women per village, times the villages.\nfigures.at["women_members_per_village", "value"] * figures.at["villages_completed", "value"]'),
    Exercise("staff_per_group", "organisation", ("staff_seconded", "working_groups"), _staff_per_group,
             code='figures = page.report_table\nfigures.at["staff_seconded", "value"] / figures.at["working_groups", "value"]'),
    Exercise("meetings", "organisation", ("special_meetings", "dispatch_meetings"), _meetings,
             code='figures = page.report_table\nfigures.at["special_meetings", "value"] + figures.at["dispatch_meetings", "value"]'),
    Exercise("candidates_per_seat", "candidates", ("candidates_vetted", "members_total"), _candidates_per_seat,
             code='figures = page.report_table\nfigures.at["candidates_vetted", "value"] / figures.at["members_total", "value"]'),
    Exercise("entrepreneurs", "candidates", ("secretaries_elected", "secretaries_entrepreneur_share"), _entrepreneurs,
             code='figures = page.report_table\n# The share of the secretaries, as a count of people: a whole number.\nround(figures.at["secretaries_entrepreneur_share", "value"] / 100 * figures.at["secretaries_elected", "value"])'),
    Exercise("secretary_age", "candidates", ("secretaries_avg_age",), _secretary_age,
             code='figures = page.report_table\nfigures.at["secretaries_avg_age", "value"] - figures.at["secretaries_avg_age", "change"]'),
    Exercise("attendances", "guidance", ("training_attendances",), _attendances,
             code='figures = page.report_table\nfigures.at["training_attendances", "value"]'),
    Exercise("routines", "guidance", ("work_routines",), _list_check("work_routines"),
             code='# The steps the article lists, counted.\nlen(page.items("work_routines"))'),
    Exercise("leaflets", "discipline", ("leaflets", "villages_completed"), _leaflets,
             code='figures = page.report_table\nleaflets, places = figures.at["leaflets", "value"], figures.at["leaflets", "places"]\nstep = 10 ** -places if places < 0 else 0  # a figure in 万 is rounded to its last digit\nvillages = figures.at["villages_completed", "value"]\n# The fewest leaflets the rounded figure allows, per village.\nround((leaflets - step / 2) / villages)'),
    Exercise("pledges", "discipline", ("discipline_pledges", "candidates_vetted"), _pledges,
             code='figures = page.report_table\nfigures.at["discipline_pledges", "value"] / figures.at["candidates_vetted", "value"] * 100'),
    Exercise("zero", "risk", ("negative_opinion_incidents", "online_monitoring_hours"), _zero,
             code='figures = page.report_table\nfigures.at["negative_opinion_incidents", "value"]'),
    Exercise("clarities", "risk", ("survey_clarities",), _list_check("survey_clarities"),
             code='len(page.items("survey_clarities"))'),
    Exercise("checks", "checking", (), _checks,
             code='derived = page.derived\nchecks = derived[(derived.quantity == "share_check") & (derived.reading == "exact")]\n# The checks whose computed share rounds to the stated one.\nchecks.status.isin(["rounded", "exact", "equal"]).sum()'),
    Exercise("implied_total", "checking", (), _implied_total,
             code='derived = page.derived\npairs = derived[(derived.quantity == "implied_whole") & (derived.reading == "rounded")]\npairs["low"].min()'),
    Exercise("previous_terms", "checking", (), _previous_terms,
             code='changes, figures = page.report.all_changes, page.report.all_figures\n# A change gives one previous figure when its level is stated and it reads one way.\nhas_level = changes.key.map(figures.value).notna()\n(has_level & (changes.reading != "ambiguous")).sum()'),
)


def _available(exercise: Exercise, report: Report) -> bool:
    if not all(report.has(i) for i in exercise.needs):
        return False
    if exercise.id == "previous_age":
        return _change(report, "members_avg_age", "absolute") is not None
    if exercise.id == "secretary_age":
        return _change(report, "secretaries_avg_age", "absolute") is not None
    if exercise.id == "college_readings":
        return _change(report, "members_college", "ambiguous") is not None
    if exercise.id in ("routines", "clarities"):
        indicator = exercise.needs[0]
        return bool(report.items(indicator)) and pd.notna(report.lists.at[indicator, "stated_count"])
    if exercise.id == "women_heads":
        # The premise: every place's party secretary is also its committee's director (一肩挑
        # at 100%), so each place has one head; and a stated count of the places.
        if report.value("one_shoulder_share") != 100 or _heads_whole(report) is None:
            return False
    if exercise.id == "previous_terms":
        return not report.all_changes.empty
    derived = derive(report) if exercise.section == "checking" or exercise.id == "entrepreneurs" else None
    if exercise.id == "entrepreneurs":
        # The answer is the count the share implies of the secretaries: the report must name
        # them as the share's whole, and one whole number must fit.
        implied = derived[(derived["quantity"] == "implied_count")
                          & (derived["indicator"] == "secretaries_entrepreneur_share")]
        return not implied.empty and pd.notna(implied.iloc[0]["value"])
    if exercise.id == "checks":
        # The exercise asks about rounding, so only shares stated without 近, 约, 以上 count.
        return bool(((derived["quantity"] == "share_check") & (derived["reading"] == "exact")).any())
    if exercise.id == "implied_total":
        # "Do the pairs agree on one total?" needs two pairs or more.
        return int(((derived["quantity"] == "implied_whole") & (derived["reading"] == "rounded")).sum()) >= 2
    try:
        exercise.answer(report)
    except ZeroDivisionError:
        return False  # a whole the report states as 0 (no members, no groups): nothing to divide by
    return True


# The one number each exercise asks for, which a student's answer is checked against.
PRIMARY = {"previous_age": "previous", "women_heads": "exact", "college_readings": "points", "women_minimum": "minimum",
           "staff_per_group": "per_group", "meetings": "total", "candidates_per_seat": "ratio", "entrepreneurs": "count",
           "secretary_age": "previous", "attendances": "attendances", "routines": "listed", "leaflets": "low",
           "pledges": "share", "zero": "incidents", "clarities": "listed", "previous_terms": "definite",
           "checks": "fit", "implied_total": "low"}


def check(exercise: Exercise, report: Report, answer: object) -> tuple[bool, float]:
    """Whether ``answer`` is the number ``exercise`` asks for: within 0.05 of it, or 0.5% of
    it for large numbers (a student rounds as the solution does). Returns (right, expected)."""
    expected = float(exercise.answer(report)[PRIMARY[exercise.id]])
    try:
        given = float(answer)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False, expected
    return abs(given - expected) <= max(0.05, abs(expected) * 0.005), expected


def for_section(report: Report, section: str) -> list[Exercise]:
    """The section's exercises that ``report`` has the figures for, at most four."""
    return [e for e in EXERCISES if e.section == section and _available(e, report)][:4]


def solution_codes(report: Report, section: str) -> dict[int, str]:
    """The pandas that answers each of the section's exercises for ``report``, by number."""
    return {number: exercise.code for number, exercise in enumerate(for_section(report, section), start=1)}
