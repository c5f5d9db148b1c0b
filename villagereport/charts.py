"""The book's Altair theme and the few chart kinds it draws, built from report tables."""

from __future__ import annotations

import altair as alt
import pandas as pd

# Okabe & Ito's palette: distinguishable with every common colour-vision deficiency.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
MAIN, ACCENT, REST = PALETTE[0], PALETTE[1], "#D9D9D9"
# A key figure's tile, and the line that joins one name's points (two terms, two readings): a
# grey dark enough to stay apart from every category colour with each colour-vision deficiency
# (tests/test_charts.py compares every two colours a chart draws together).
TILE, LINE = PALETTE[4], "#555555"
AXIS, GRID = "#888888", "#EEEEEE"  # the axes' lines and the grid, behind the marks
# CJK-capable fonts first, so Chinese renders wherever the reader has one of them.
FONT = ('"Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Hiragino Sans GB", '
        '"Microsoft YaHei", "WenQuanYi Micro Hei", sans-serif')
WIDTH = 520  # a fixed width only where Vega-Lite cannot fill the container (facets)
PANEL_WIDTH = 240
THEME = "villagebook"
# An axis label takes at most 40% of the chart's container (at least 90 px), so on a phone
# the marks keep room; a longer label ends in "…" and is whole in the tooltip and the table.
LABEL_LIMIT = {"expr": "max(90, containerSize()[0] * 0.4)"}


def _wrapped(value: str, chars: str) -> str:
    """A Vega expression: the text ``value`` broken into lines of at most ``chars`` characters
    (an expression), at spaces where there are any, else after as many characters as fit."""
    # In the expression's strings a backslash is written twice: '\\s' is the pattern's \s.
    space = "\\\\s"
    # Text with no spaces (Chinese) in lines of even length: as many lines as ``chars`` needs,
    # each as long as the text shared among them (大专及以上学 / 历成员占比, not
    # 大专及以上学历成员占 / 比 on its own). Words keep the widest lines: shorter ones could
    # not hold them and would need more lines.
    chars = (f"(indexof({value}, ' ') < 0 ? ceil(length({value}) / ceil(length({value}) / ({chars})))"
             f" : ({chars}))")
    pattern = f"regexp('(.{{1,' + {chars} + '}})({space}+|$)|([^{space}]{{' + {chars} + '}})', 'g')"
    return f"split(trim(replace({value}, {pattern}, '$1$3\\n')), '\\n')"


def wrapped_labels(char_px: float) -> str:
    """A category axis's labels broken into lines that fit the label width, so a long name is
    read whole on a phone instead of ending in "…". ``char_px`` is a character's width at the
    axis's 11 px, with a margin: 7 for Latin letters, 13 for Chinese."""
    return _wrapped("datum.label", f"floor(max(90, containerSize()[0] * 0.4) / {char_px})")


def wrap(field: str, share: float, lang: str, size: float = 12) -> str:
    """A Vega expression for a text mark: ``field`` broken into lines that fit ``share`` of the
    chart's width (a tile's) at font ``size``, so a name is read whole in its tile on a phone.
    Use it as ``transform_calculate(lines=vr.wrap("name", 1 / 3, lang))`` and draw ``lines``."""
    # A character's width at 12 px, with a margin: 7.5 px for Latin letters, 13.5 for Chinese.
    char_px = (13.5 if lang == "zh" else 7.5) * size / 12
    return _wrapped(f"datum['{field}']", f"max(4, floor(containerSize()[0] * {share} / {char_px}))")


# A tile's figure: smaller on a phone, where "about 68,000" would run out of a third of the width.
TILE_FIGURE = alt.ExprRef("containerSize()[0] < 500 ? 15 : 22")


# A category axis's names wrap at their words; a chart gives each row the room for four lines.
LATIN_LABELS = wrapped_labels(7)
CJK_LABELS = wrapped_labels(13)
ROW = 60
# A row of a chart that lists places (the comparison): the same height at 3 places and at 100.
GRID_ROW, BAR_ROW = 16, 18


# Registered on import, enabled by vr.start(): importing the library changes no setting of Altair's.
@alt.theme.register(THEME, enable=False)
def theme() -> alt.theme.ThemeConfig:
    """One look for every chart: the palette, CJK fonts, quiet axes."""
    return alt.theme.ThemeConfig({
        "config": {
            "font": FONT,
            "view": {"stroke": None, "continuousWidth": WIDTH, "continuousHeight": 240},
            "range": {"category": PALETTE},
            "title": {"font": FONT, "fontSize": 15, "anchor": "start", "subtitleFontSize": 11,
                      "subtitleColor": "#555555", "offset": 12},
            "axis": {"labelFont": FONT, "titleFont": FONT, "labelFontSize": 12, "titleFontSize": 12, "labelLimit": LABEL_LIMIT,
                     "gridColor": GRID, "domainColor": AXIS, "tickColor": AXIS},
            # A category's name in lines of 11 px, up to four to a row (ROW).
            "axisDiscrete": {"labelExpr": LATIN_LABELS, "labelFontSize": 11, "labelLineHeight": 13},
            # A number axis drops the labels that would run into each other (a narrow range
            # ticks finely), keeping every other one or fewer.
            "axisQuantitative": {"labelOverlap": "greedy", "labelSeparation": 4},
            # A legend at the bottom has the chart's width for each of its labels, at the axes' 12 px.
            "legend": {"labelFont": FONT, "titleFont": FONT, "labelFontSize": 12, "orient": "bottom", "direction": "vertical",
                       "labelLimit": {"expr": "max(90, containerSize()[0] * 0.9)"}},
            "header": {"labelFont": FONT, "titleFont": FONT, "labelFontSize": 12, "labelAnchor": "start"},
            "text": {"font": FONT},
            "bar": {"color": MAIN},
            "point": {"color": MAIN, "filled": True, "size": 90},
        }
    })


FIT_WIDTH = alt.AutoSizeParams(type="fit-x", contains="padding")


def bars_by_unit(data: pd.DataFrame) -> alt.VConcatChart:
    """Horizontal bars from zero, one panel per unit so no axis mixes people and leaflets.

    ``data`` columns: name, value, shown (the figure as printed), unit_name (the axis title).
    """
    panels = []
    for unit in dict.fromkeys(data["unit_name"]):
        rows = data[data["unit_name"] == unit]
        base = alt.Chart(rows).encode(y=alt.Y("name:N", title=None, sort=None), tooltip=["name:N", "shown:N"])
        # A fall's label sits left of its bar: room for it where a panel has falls.
        scale = alt.Scale(zero=True, padding=36) if (rows["value"] < 0).any() else alt.Scale(zero=True)
        bars = base.mark_bar().encode(x=alt.X("value:Q", title=unit, scale=scale))
        # Each label just past its bar's end: right of a rise, left of a fall.
        rises = base.transform_filter("datum.value >= 0").mark_text(align="left", dx=4).encode(
            x="value:Q", text="shown:N")
        falls = base.transform_filter("datum.value < 0").mark_text(align="right", dx=-4).encode(
            x="value:Q", text="shown:N")
        panels.append(alt.layer(bars, rises, falls).properties(width=PANEL_WIDTH, height=alt.Step(ROW)))
    return alt.vconcat(*panels, spacing=18)

