"""A chart with the book's furniture: title and source on the chart, and under it the CSV,
PNG/SVG downloads, a table view and the ARIA description.

The notebook builds the chart (its Altair encoding is the analysis a reader should see) and
hands it here with the table it was drawn from; the table travels beside the spec, never
inside it.
"""

from __future__ import annotations

import re

import altair as alt
import pandas as pd
from babel.numbers import get_decimal_symbol, get_group_symbol

from villagereport.render import TITLE_BREAKS, VEGALITE_MIME, chart_html, json_safe, title_text
from villagereport import charts
from villagereport.wording import spaced, strings

# d3-format's own number locale (en-US), which a chart uses unless configured otherwise.
D3_NUMBERS = {"decimal": ".", "thousands": ",", "grouping": [3], "currency": ["$", ""]}


def number_locale(lang: str) -> dict:
    """d3-format's number locale for ``lang``: Babel's decimal and group symbols of the
    language's locale, grouping only where the language's text does (1218 in Chinese)."""
    words = strings(lang)["number"]
    return {"decimal": get_decimal_symbol(words["locale"]),
            "thousands": get_group_symbol(words["locale"]) if words["thousands"] else "",
            "grouping": [3], "currency": ["", ""]}


def plain(value: object) -> object:
    """A table cell as JSON: numbers stay numbers (rounded to drop float noise), the rest text."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int | float) and not pd.isna(value):
        return int(value) if float(value).is_integer() else round(float(value), 6)
    return "" if isinstance(value, float) else str(value)


class Figure:
    """One chart as the book shows it. Displaying it gives the book's HTML (with the chart's
    spec inside) and the plain Vega-Lite spec for Jupyter's own display."""

    def __init__(self, chart: alt.TopLevelMixin, table: pd.DataFrame, *, source: str, ui: dict, kind: str = "") -> None:
        self.chart = chart
        self.table = table
        self.source = source
        self.ui = ui
        self.kind = kind

    def to_dict(self, validate: bool = True) -> dict:
        """The chart's Vega-Lite spec; ``validate=False`` skips Altair's check of it against the
        schema (a reader of its title and description, such as the page scan, needs no check)."""
        return self.chart.to_dict(validate=validate)

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict:  # type: ignore[no-untyped-def]
        spec = self.to_dict()  # once: Altair validates the whole spec each time
        table = {"columns": [str(c) for c in self.table.columns],
                 "rows": [[plain(v) for v in row] for row in self.table.itertuples(index=False)]}
        html = chart_html(spec, table=table, source=self.source, ui=self.ui, kind=self.kind)
        return {"text/html": html, VEGALITE_MIME: json_safe(spec), "text/plain": _plain_text(spec)}

    def __repr__(self) -> str:
        return _plain_text(self.to_dict())


def _plain_text(spec: dict) -> str:
    """What a plain-text front end shows: the title, the same every run (no memory address)."""
    return f"Figure: {title_text(spec)}"


# A chart's title is drawn on one line unless given as lines, and a line wider than the chart is
# cut at its edge: titles are broken into lines that fit a phone's width (about 360 px).
# By how the language is written (its catalogue's writing.system): a Chinese character is
# about twice as wide as a Latin letter.
TITLE_LINE = {"unspaced": 22, "spaced": 44}  # characters
_BREAKS = {"unspaced": re.compile(f"(?<=[{TITLE_BREAKS}])"), "spaced": re.compile(r"(?<= )")}


def title_lines(title: str, lang: str) -> str | list[str]:
    """``title`` as lines of at most TITLE_LINE characters where it can be broken (after a
    Chinese comma or semicolon; at a space in English); as it is when it fits on one."""
    system = strings(lang)["writing"]["system"]
    budget = TITLE_LINE[system]
    if len(title) <= budget:
        return title
    lines = [""]
    for piece in _BREAKS[system].split(title):
        if lines[-1] and len(lines[-1]) + len(piece) > budget:
            lines.append("")
        lines[-1] += piece
    lines = [line.rstrip() for line in lines]
    return lines if len(lines) > 1 else title


def finish(chart, *, title: str, source: str, description: str, lang: str):  # type: ignore[no-untyped-def]
    """The chart with its title (in lines that fit a phone), the source under it (so a
    downloaded image keeps it), its description, and the language's number format on its axes."""
    chart = chart.properties(title=alt.TitleParams(title_lines(title, lang), subtitle=[source]), description=description)
    numbers = number_locale(lang)
    if {**numbers, "currency": D3_NUMBERS["currency"]} != D3_NUMBERS:  # no config where d3's own does
        chart = chart.configure(locale={"number": numbers})
    if not spaced(lang):
        # Chinese characters are about twice as wide as Latin letters: fewer to a line.
        chart = chart.configure_axisDiscrete(labelExpr=charts.CJK_LABELS)
    return chart
