"""What each sentence of the book asserts, and whether the report supports it.

Every sentence the library writes records the facts it rests on, as it prints them:

- ``("figure", key, part)``: a stated figure (``key`` as in ``Report.all_figures``: the
  indicator, with ``@village`` or ``@community`` for a scope), its ``level``, its ``previous``
  level or its ``change<n>``;
- ``("derived", quantity, indicator)``: a row of the derived table, whose arithmetic the
  Checking page shows;
- ``("assumption", indicator)``: the sentence says that a figure rests on a whole the report
  file assumes (``denominator_assumed``);
- ``("coverage", field, value)``: what the report covers (bodies, units, status, as_of, year);
- ``("list", indicator)``: a counted list.

``problems`` holds a sentence to them: each fact must be one the report states or the book
derives, and words that claim coverage ("the two committees", “两委”, "completed") must rest on
a fact that makes them true. It is what the claims test runs on reports of every shape.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from villagereport.derived import derive

if TYPE_CHECKING:
    from villagereport.report import Report

# Indicators whose meaning is about both committees (一肩挑, 交叉任职, the heads of both):
# stating one is stating that the report covers both.
BOTH_BODIES = ("one_shoulder_count", "one_shoulder_share", "one_shoulder_high_school_share",
               "cross_appointment_share", "cross_appointed_count", "women_heads", "women_heads_share")

def _completion(indicator: str) -> bool:
    """Whether an indicator states completion (villages_completed, party_completion_share…)."""
    return "complet" in indicator

# Words that claim the report covers both committees, outside the article's own quoted words.
_BOTH_WORDS = re.compile(r"两委|two committees|both committees", re.IGNORECASE)
# Words that claim the round was completed.
_COMPLETE_WORDS = re.compile(r"完成了|completed|elected their", re.IGNORECASE)
_QUOTED = re.compile(r"「[^」]*」|“[^”]*”")


@dataclass(frozen=True)
class Claim:
    """One sentence as printed, the message it was made from, and the facts it rests on."""

    text: str
    message: str
    facts: frozenset
    # Text of the report file itself inside the sentence (a note, a list's items): its own words,
    # which the coverage words are not looked for in.
    own_words: tuple[str, ...] = ()


def _figure_supported(report: Report, key: str, part: str) -> bool:
    figures = report.all_figures
    if key not in figures.index:
        return False
    row = figures.loc[key]
    if part == "level":
        return bool(pd.notna(row["value"]))
    if part == "previous":
        return bool(pd.notna(row["previous"]))
    if part.startswith("change"):
        changes = report.all_changes
        return bool(((changes["key"] == key) & (changes["position"] == int(part[6:] or 0))).any())
    return False


def problems(report: Report, claims: list[Claim]) -> list[str]:
    """Each claim that rests on something the report neither states nor the book derives."""
    derived = derive(report)
    coverage = report.coverage.facts()
    found = []
    for claim in claims:
        why = []
        for fact in claim.facts:
            kind = fact[0]
            if kind == "figure" and not _figure_supported(report, fact[1], fact[2]):
                why.append(f"the report states no {fact[2]} of {fact[1]}")
            elif kind == "derived" and not ((derived["quantity"] == fact[1]) & (derived["indicator"] == fact[2])).any():
                why.append(f"the book derives no {fact[1]} of {fact[2]}")
            elif kind == "assumption" and not derived.loc[derived["indicator"] == fact[1], "assumed"].any():
                why.append(f"no figure of {fact[1]} rests on an assumed whole")
            elif kind == "coverage" and str(coverage[fact[1]]) != fact[2]:
                why.append(f"the report's {fact[1]} is {coverage[fact[1]]}, not {fact[2]}")
            elif kind == "list" and fact[1] not in report.lists.index:
                why.append(f"the report states no list {fact[1]}")
        prose = _QUOTED.sub("", claim.text)
        for words in claim.own_words:
            prose = prose.replace(words, "")
        figures_told = {f[1].split("@")[0] for f in claim.facts if f[0] in ("figure", "list")}
        figures_told |= {f[2] for f in claim.facts if f[0] == "derived"}
        if _BOTH_WORDS.search(prose) and ("coverage", "bodies", "both") not in claim.facts \
                and not figures_told & set(BOTH_BODIES):
            why.append("it speaks of both committees, resting on no fact that the report covers both")
        if _COMPLETE_WORDS.search(prose) and not any(_completion(i) for i in figures_told) \
                and ("coverage", "status", "complete") not in claim.facts:
            why.append("it says the election was completed, resting on no stated completion")
        if not claim.facts:
            why.append("it rests on no fact at all")
        if why:
            found.append(f"{claim.message}: {claim.text!r}: {'; '.join(why)}")
    # A derived figure that rests on an assumed whole is said to, wherever it is told.
    for _, row in derived[derived["assumed"]].iterrows():
        told = [c for c in claims if ("derived", row["quantity"], row["indicator"]) in c.facts]
        if told and not any(("assumption", row["indicator"]) in c.facts for c in told):
            found.append(f"{row['quantity']} of {row['indicator']} rests on an assumed whole, and no sentence says so")
    return found
