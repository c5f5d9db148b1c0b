"""The book's Altair theme and the few chart kinds it draws, built from report tables."""

from __future__ import annotations

import altair as alt
import pandas as pd

# Okabe & Ito's palette: distinguishable with every common colour-vision deficiency.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
MAIN, ACCENT, REST = PALETTE[0], PALETTE[1], "#D9D9D9"
# CJK-capable fonts first, so Chinese renders wherever the reader has one of them.
FONT = ('"Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Hiragino Sans GB", '
        '"Microsoft YaHei", "WenQuanYi Micro Hei", sans-serif')
WIDTH = 520  # a fixed width only where Vega-Lite cannot fill the container (facets)
PANEL_WIDTH = 240
THEME = "villagebook"


@alt.theme.register(THEME, enable=True)
def theme() -> alt.theme.ThemeConfig:
    """One look for every chart: the palette, CJK fonts, quiet axes."""
    return alt.theme.ThemeConfig({
        "config": {
            "font": FONT,
            "view": {"stroke": None, "continuousWidth": WIDTH, "continuousHeight": 240},
            "range": {"category": PALETTE},
            "title": {"font": FONT, "fontSize": 15, "anchor": "start", "subtitleFontSize": 11,
                      "subtitleColor": "#555555", "offset": 12},
            "axis": {"labelFont": FONT, "titleFont": FONT, "labelFontSize": 12, "titleFontSize": 12, "labelLimit": 320,
                     "gridColor": "#EEEEEE", "domainColor": "#888888", "tickColor": "#888888"},
            "legend": {"labelFont": FONT, "titleFont": FONT, "orient": "bottom"},
            "header": {"labelFont": FONT, "titleFont": FONT, "labelFontSize": 12, "labelAnchor": "start"},
            "text": {"font": FONT},
            "bar": {"color": MAIN},
            "point": {"color": MAIN, "filled": True, "size": 90},
        }
    })


FIT_WIDTH = alt.AutoSizeParams(type="fit-x", contains="padding")


def _titled(chart: alt.Chart | alt.LayerChart | alt.FacetChart, title: str, source: str, description: str):
    # The source goes on the chart itself, so it travels with a downloaded image.
    return chart.properties(title=alt.TitleParams(title, subtitle=[source]), description=description)


def bars_by_unit(data: pd.DataFrame, *, title: str, source: str, description: str, labels: dict) -> alt.VConcatChart:
    """Horizontal bars from zero, one panel per unit so no axis mixes people and leaflets.

    ``data`` columns: label, value, shown (formatted value), unit (id), unit_label.
    """
    panels = []
    for unit in dict.fromkeys(data["unit"]):
        rows = data[data["unit"] == unit]
        base = alt.Chart(rows).encode(
            y=alt.Y("label:N", title=None, sort=None),
            tooltip=[alt.Tooltip("label:N", title=labels["indicator"]),
                     alt.Tooltip("shown:N", title=labels["value"]),
                     alt.Tooltip("unit_label:N", title=labels["unit"])],
        )
        bars = base.mark_bar().encode(x=alt.X("value:Q", title=rows["unit_label"].iloc[0], scale=alt.Scale(zero=True)))
        text = base.mark_text(align="left", dx=4).encode(x="value:Q", text="shown:N")
        panels.append(alt.layer(bars, text).properties(width=PANEL_WIDTH, height=alt.Step(26)))
    chart = alt.vconcat(*panels, spacing=18)
    return _titled(chart, title, source, description)


def dumbbell(data: pd.DataFrame, *, title: str, source: str, description: str, labels: dict) -> alt.LayerChart:
    """Previous term to this term, one line per indicator: the change is the line's length.

    ``data`` columns: label, term (previous/current label), value, shown, order.
    """
    scale = alt.Scale(zero=False, nice=True, padding=24)
    line = alt.Chart(data).mark_line(color="#888888", strokeWidth=3).encode(
        x=alt.X("value:Q", title=labels["axis"], scale=scale),
        y=alt.Y("label:N", title=None, sort=None),
        detail="label:N",
    )
    points = alt.Chart(data).mark_point().encode(
        x="value:Q",
        y=alt.Y("label:N", sort=None),
        color=alt.Color("term:N", title=None, sort=alt.SortField("order"),
                        scale=alt.Scale(range=[PALETTE[4], MAIN])),
        tooltip=[alt.Tooltip("label:N", title=labels["indicator"]), alt.Tooltip("term:N", title=labels["term"]),
                 alt.Tooltip("shown:N", title=labels["value"])],
    )
    text = alt.Chart(data).mark_text(dy=-12).encode(x="value:Q", y=alt.Y("label:N", sort=None), text="shown:N")
    chart = alt.layer(line, points, text).properties(width="container", height=56 * data["label"].nunique(), autosize=FIT_WIDTH)
    return _titled(chart, title, source, description)


def part_of_whole(data: pd.DataFrame, *, title: str, source: str, description: str, labels: dict) -> alt.LayerChart:
    """Each share as a part of its whole: a full bar to 100% with the part filled in.

    ``data`` columns: label, share (0-100), shown, part, whole, note.
    """
    tooltip = [alt.Tooltip("label:N", title=labels["indicator"]), alt.Tooltip("shown:N", title=labels["share"]),
               alt.Tooltip("part:N", title=labels["part"]), alt.Tooltip("whole:N", title=labels["whole"]),
               alt.Tooltip("note:N", title=" ")]
    y = alt.Y("label:N", title=None, sort=None)
    whole = alt.Chart(data).mark_bar(color=REST).encode(
        y=y, x=alt.X("full:Q", title=labels["axis"], scale=alt.Scale(domain=[0, 100], zero=True)), tooltip=tooltip,
    ).transform_calculate(full="100")
    part = alt.Chart(data).mark_bar().encode(
        y=y, x="share:Q", tooltip=tooltip,
        color=alt.Color("note:N", title=None, scale=alt.Scale(range=[MAIN, PALETTE[4]])),
    )
    text = alt.Chart(data).mark_text(align="left", dx=4).encode(y=y, x="share:Q", text="shown:N")
    chart = alt.layer(whole, part, text).properties(width="container", height=30 * data["label"].nunique(), autosize=FIT_WIDTH)
    return _titled(chart, title, source, description)


def steps(data: pd.DataFrame, *, title: str, source: str, description: str, labels: dict) -> alt.LayerChart:
    """An ordered routine as numbered steps on a line, built from a list's items.

    ``data`` columns: step (1..n), item.
    """
    x = alt.X("step:O", axis=None)
    tooltip = [alt.Tooltip("step:O", title=labels["step"]), alt.Tooltip("item:N", title=labels["item"])]
    line = alt.Chart(data).mark_line(color="#888888", strokeWidth=2).encode(x=x, y=alt.value(40))
    dots = alt.Chart(data).mark_circle(size=900, color=MAIN, opacity=1).encode(x=x, y=alt.value(40), tooltip=tooltip)
    numbers = alt.Chart(data).mark_text(color="white", fontWeight="bold", fontSize=14).encode(
        x=x, y=alt.value(40), text="step:O", tooltip=tooltip)
    # Names alternate below and above the line, so long ones do not run into each other.
    below = alt.Chart(data[data["step"] % 2 == 1]).mark_text(fontSize=13, baseline="top").encode(
        x=x, y=alt.value(66), text="item:N", tooltip=tooltip)
    above = alt.Chart(data[data["step"] % 2 == 0]).mark_text(fontSize=13, baseline="bottom").encode(
        x=x, y=alt.value(14), text="item:N", tooltip=tooltip)
    chart = alt.layer(line, dots, numbers, below, above).properties(width="container", height=100, autosize=FIT_WIDTH)
    return _titled(chart, title, source, description)


def tiles(data: pd.DataFrame, *, title: str, source: str, description: str, labels: dict, columns: int = 3):
    """A counted list as a grid of tiles, one per item, numbered in the article's order.

    ``data`` columns: step (1..n), item.
    """
    data = data.assign(col=(data["step"] - 1) % columns, row=(data["step"] - 1) // columns)
    x = alt.X("col:O", axis=None)
    y = alt.Y("row:O", axis=None)
    tooltip = [alt.Tooltip("step:O", title=labels["step"]), alt.Tooltip("item:N", title=labels["item"])]
    boxes = alt.Chart(data).mark_rect(color=PALETTE[4], opacity=0.35, cornerRadius=6, stroke="white",
                                      strokeWidth=6).encode(x=x, y=y, tooltip=tooltip)
    names = alt.Chart(data).mark_text(fontSize=14).encode(x=x, y=y, text="item:N", tooltip=tooltip)
    rows = int(data["row"].max()) + 1
    chart = alt.layer(boxes, names).properties(width="container", height=70 * rows, autosize=FIT_WIDTH)
    return _titled(chart, title, source, description)


def intervals(data: pd.DataFrame, *, title: str, source: str, description: str, labels: dict) -> alt.LayerChart:
    """Ranges against a point: what rounding allows around a stated figure, and the computed value.

    ``data`` columns: label, low, high, value, shown_range, shown_value, status.
    """
    y = alt.Y("label:N", title=None, sort=None)
    tooltip = [alt.Tooltip("label:N", title=labels["indicator"]),
               alt.Tooltip("shown_range:N", title=labels["range"]),
               alt.Tooltip("shown_value:N", title=labels["value"]),
               alt.Tooltip("status:N", title=labels["status"])]
    scale = alt.Scale(zero=False, nice=False, padding=12)
    band = alt.Chart(data).mark_rule(strokeWidth=10, color=PALETTE[4], opacity=0.6).encode(
        y=y, x=alt.X("low:Q", title=labels["axis"], scale=scale), x2="high:Q", tooltip=tooltip)
    point = alt.Chart(data).mark_point(shape="diamond", size=120).encode(
        y=y, x="value:Q", tooltip=tooltip,
        color=alt.Color("status:N", title=None, scale=alt.Scale(range=[MAIN, PALETTE[5], ACCENT])))
    chart = alt.layer(band, point).properties(width="container", height=34 * data["label"].nunique(), autosize=FIT_WIDTH).resolve_scale(x="shared")
    return _titled(chart, title, source, description)
