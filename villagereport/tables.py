"""A page's tidy tables: one row per figure, share, change, reading or whole, typed columns.

What a section notebook draws and tabulates (``page.table``, ``page.shares()``…); each takes
the page (villagereport.pages.Page) whose figures it tabulates, in its language.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from villagereport.numbers import format_figure
from villagereport.phrases import stated_places
from villagereport.wording import fill

if TYPE_CHECKING:
    from villagereport.pages import Page

# Which side of the figure a share stated as a bound lies: 近40% and 不到40% below ("upper": the
# figure is its upper bound), 40%以上 and 超40% above. A chart draws a bound as an arrowhead, not a
# bar's length; 约40% is an approximation either way, drawn as a bar in its own colour.
BOUND = {"nearly": "upper", "less_than": "upper", "at_most": "upper", "at_least": "lower", "more_than": "lower"}


def tidy(page: Page, section: str | None) -> pd.DataFrame:
    """The tidy table of the stated figures of ``section`` (every section's with None): one row per figure, with its first change."""
    figures = page.report.all_figures
    here = (figures if section is None else figures[figures["section"] == section]).copy()
    first = page.report.all_changes.drop_duplicates("key").set_index("key")
    here["name"] = [page.scoped_name(key) for key in here.index]
    here["previous"] = pd.to_numeric(here["previous"])
    here["change"] = pd.to_numeric(first["value"].reindex(here.index))
    here["change_unit"] = first["unit"].reindex(here.index)
    here["change_reading"] = first["reading"].reindex(here.index)
    words = page.words["number"]
    here["shown"] = ["" if pd.isna(r["value"]) else
                     format_figure(r["value"], r["unit"], page.lang, stated_places(r), r["qualifier"], words)
                     for _, r in here.iterrows()]
    columns = ["name", "indicator", "scope", "kind", "value", "unit", "qualifier", "places", "previous",
               "change", "change_unit", "change_reading", "shown", "quote"]
    return here[columns]


def shares(page: Page) -> pd.DataFrame:
    """The section's shares, stated and computed, each with its part and whole where the
    report gives them or one whole number fits (≈ where the count is rounded from the share)."""
    rows = _share_rows(page, page.section)
    words = page.words["chart_words"]
    for key, row in _scoped(page, kind="share").iterrows():
        shown = format_figure(row["value"], "percent", page.lang, stated_places(row), row["qualifier"], page.words["number"])
        rows.append({"name": page.scoped_name(key), "share": row["value"], "shown": shown, "part": "—", "whole": "—",
                     "basis": words["stated"] if row["qualifier"] == "exact" else words["stated_approximately"],
                     "bound": BOUND.get(row["qualifier"], "")})
    return pd.DataFrame(rows, columns=["name", "share", "shown", "part", "whole", "basis", "bound"])


def _share_rows(page: Page, section: str) -> list[dict]:
    figures, derived = page.report.figures, page._derived
    words = page.words["chart_words"]
    rows = []
    for ind in figures.index[(figures["kind"] == "share") & (figures["section"] == section)]:
        fig = figures.loc[ind]
        part, whole = "—", "—"
        if pd.notna(fig["denominator_id"]) and fig["denominator_id"] in figures.index:
            whole = page.figure_text(fig["denominator_id"])
            if pd.notna(fig["count_id"]) and fig["count_id"] in figures.index:
                part = page.figure_text(fig["count_id"])
            else:
                implied = derived[(derived["quantity"] == "implied_count") & (derived["indicator"] == ind)]
                if not implied.empty and pd.notna(implied.iloc[0]["value"]):
                    # "About" only where the count is rounded from the share, not where it is all.
                    about = "" if implied.iloc[0]["status"] == "exact" else "≈"
                    part = about + format_figure(implied.iloc[0]["value"], "", page.lang, 0)
        elif pd.notna(fig["count_id"]) and fig["count_id"] in figures.index:
            part = page.figure_text(fig["count_id"])
        # A share stated as a bound or an approximation (近40%, 超30%) is drawn to the figure it
        # names, in its own colour, so the bar is not read as exact.
        basis = words["stated"] if fig["qualifier"] == "exact" else words["stated_approximately"]
        rows.append({"name": page.name(ind), "share": fig["value"], "shown": page.figure_text(ind),
                     "part": part, "whole": whole, "basis": basis, "bound": BOUND.get(fig["qualifier"], "")})
    for _, row in derived[derived["quantity"] == "computed_share"].iterrows():
        if page.report.catalogue.indicators.at[row["indicator"], "section"] != section:
            continue
        count_id, whole_id = row["inputs"]
        rows.append({"name": page.name(row["indicator"]), "share": round(row["value"], 4),
                     "shown": format_figure(row["value"], "percent", page.lang, int(row["places"])),
                     "part": page.figure_text(count_id), "whole": page.figure_text(whole_id), "basis": words["computed"],
                     "bound": ""})
    return rows


def _scoped(page: Page, kind: str | None = None) -> pd.DataFrame:
    """The stated levels of this section, for villages or communities alone."""
    figures = page.report.all_figures
    rows = figures[(figures["section"] == page.section) & (figures["scope"] != "all") & figures["value"].notna()]
    return rows if kind is None else rows[rows["kind"] == kind]


def changes_alone(page: Page) -> pd.DataFrame:
    """Changes the report states with no level (比上届下降7.08岁), signed, one row each,
    with the unit they are counted in (a share's change in points or in percent)."""
    figures, changes = page.report.all_figures, page.report.all_changes
    alone = figures[(figures["section"] == page.section) & figures["value"].isna()]
    rows = []
    for key in alone.index:
        for _, change in changes[changes["key"] == key].iterrows():
            unit = change["unit"]
            points = unit == "percent" and alone.at[key, "unit"] == "percent" and change["reading"] == "absolute"
            shown = format_figure(change["value"], "" if points else unit, page.lang, int(change["places"] or 0))
            unit_name = fill(page.words["chart_words"]["change_in"],
                unit=fill(page.words["generic"]["points"], n="").strip() if points else page.unit_name(unit))
            rows.append({"name": page.scoped_name(key), "value": change["value"],
                         "shown": ("+" if change["value"] > 0 else "") + shown, "unit_name": unit_name})
    return pd.DataFrame(rows, columns=["name", "value", "shown", "unit_name"])


def readings(page: Page) -> pd.DataFrame:
    """Each ambiguous percentage change's previous share under both readings (points, per
    cent of the old share) beside this term's share: one row per indicator and term."""
    derived, words = page._derived, page.words["chart_words"]
    points = derived[(derived["quantity"] == "previous") & (derived["reading"] == "percentage_points")]
    rows = []
    for _, row in points.iterrows():
        ind = row["indicator"]
        relative = derived[(derived["quantity"] == "previous") & (derived["indicator"] == ind)
                           & (derived["reading"] == "relative")].iloc[0]
        now = page.report.value(ind)
        if now is None:
            computed = derived[(derived["quantity"] == "computed_share") & (derived["indicator"] == ind)]
            now = computed.iloc[0]["value"] if not computed.empty else None
        for term, value in ((words["points_reading"], row["value"]), (words["relative_reading"], relative["value"]),
                            (words["now"], now)):
            if value is not None:
                rows.append({"name": page.name(ind), "term": term, "value": round(value, 4),
                             "shown": format_figure(value, "percent", page.lang, int(row["places"]))})
    return pd.DataFrame(rows, columns=["name", "term", "value", "shown"])


def wholes(page: Page) -> pd.DataFrame:
    """The totals each count/share pair allows when the report does not state the total:
    every whole number the share rounds to, from ``low`` to ``high``."""
    derived = page._derived
    pairs = derived[(derived["quantity"] == "implied_whole") & (derived["reading"] == "rounded")]
    rows = []
    for _, row in pairs.iterrows():
        rows.append({"name": page.name(row["inputs"][0]), "low": row["low"], "high": row["high"],
                     "range": fill(page.words["number"]["range"], low=format_figure(row["low"], "", page.lang, 0),
                                                                   high=format_figure(row["high"], "", page.lang, 0))})
    return pd.DataFrame(rows, columns=["name", "low", "high", "range"])


# The most candidate wholes a pair's what-if shows (its band's wholes and two either side).
MOST_CANDIDATES = 24


def rounding_candidates(page: Page) -> pd.DataFrame:
    """Each pair of a count and its stated share (a share checked against its whole, or one whose
    whole the report does not state), with the whole numbers its rounding band allows and two
    either side: one row per pair and candidate whole, its share, and whether that share rounds
    to the stated one. A share printed to one decimal lies within 0.05 points of what is printed."""
    derived, figures = page.derived, page.report_table
    rows = derived[((derived["quantity"] == "share_check") & (derived["reading"] == "exact"))
                   | ((derived["quantity"] == "implied_whole") & (derived["reading"] == "rounded"))]
    # A share check is named by its share; an implied whole by the whole it implies, its share second.
    pairs = pd.DataFrame({"share_id": [i if q == "share_check" else inputs[1]
                                       for q, i, inputs in zip(rows["quantity"], rows["indicator"], rows["inputs"], strict=True)],
                          "count": [figures.at[inputs[0], "value"] for inputs in rows["inputs"]]},
                         columns=["share_id", "count"]).drop_duplicates("share_id")
    stated = pairs["share_id"].map(figures["value"])
    half = 0.5 * 10.0 ** -pairs["share_id"].map(figures["places"]).fillna(0).clip(lower=0)
    words = page.words["chart_words"]
    out = []
    for share_id, count, share, step in zip(pairs["share_id"], pairs["count"], stated, half, strict=True):
        low, high = share - step, share + step
        first, last = int(count * 100 / high) - 1, int(count * 100 / low) + 3
        # A band that admits dozens of wholes (a share stated to the whole per cent of a large
        # count) shows nothing a reader can pick out: such a pair is left out.
        if low <= 0 or last - first > MOST_CANDIDATES:
            continue
        name = page.name(share_id)
        for whole in range(first, last):
            computed = round(count / whole * 100, 4)
            fits = bool(low <= computed < high)
            verdict = words["whatif_fits"] if fits else words["whatif_misses"]
            shown = format_figure(computed, "", page.lang, 3)
            out.append({"name": name, "whole": whole, "count": count, "stated": share, "low": low,
                        "high": high, "share": computed, "fits": fits, "verdict": verdict, "shown": shown,
                        "band": fill(page.words["number"]["range"], low=format_figure(low, "", page.lang, 3),
                                     high=format_figure(high, "", page.lang, 3)),
                        # What a screen reader is told of each dot: the pair, the whole, its share and verdict.
                        "label": f"{name} · {whole}", "said": f"{shown}% · {verdict}"})
    return pd.DataFrame(out, columns=["name", "whole", "count", "stated", "low", "high", "share", "fits", "verdict",
                                      "shown", "band", "label", "said"])
