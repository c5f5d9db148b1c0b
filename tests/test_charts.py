"""Chart specs, asserted through chart.to_dict(); the theme; the deterministic renderer."""

from __future__ import annotations

import json
import re

import altair as alt
import pytest

from conftest import DATA, ROOT
from villagereport.catalogue import load_catalogue
from villagereport import charts, render
from villagereport.figure import TITLE_LINE
from villagereport.wording import strings
from villagereport.render import TITLE_BREAKS, title_text
from inprocess import STEMS, run
from page_scan import SECTIONS
from villagereport import load_report
from villagereport.figure import Figure

LINJIANG = DATA / "reports" / "linjiang-2021.yaml"


def _layers(spec: dict) -> list[dict]:
    """Every single-view spec inside a layer, concat or facet."""
    found = []
    for key in ("layer", "vconcat", "hconcat", "concat"):
        for child in spec.get(key, []):
            found += _layers(child)
    if "spec" in spec:
        found += _layers(spec["spec"])
    if "mark" in spec:
        found.append(spec)
    return found


def _mark(view: dict) -> str:
    return view["mark"]["type"] if isinstance(view["mark"], dict) else view["mark"]


def _figures(section: str, lang: str, report=LINJIANG):
    """The charts the section's notebook shows, run in-process on ``report``."""
    return [output for _, output in run(section, report, lang) if isinstance(output, Figure)]


def _rows(spec: dict) -> list[dict]:
    return [row for rows in spec["datasets"].values() for row in rows]


@pytest.fixture(scope="module")
def linjiang_charts():
    return [(section, lang, figure.table.columns[0], figure.to_dict())
            for section in SECTIONS for lang in ("zh", "en") for figure in _figures(section, lang)]


def test_every_chart_a_notebook_draws_of_its_own_is_drawn_for_linjiang(linjiang_charts):
    # A notebook's own chart (not the library's chart of figures given only as a change, which
    # Linjiang's report has none of) is drawn for the book's report; a page with only a list or a
    # lone figure to show draws none rather than a picture of its words.
    own = {section for section in SECTIONS
           if "page.figure(" in (ROOT / "book" / f"{STEMS[section]}.ipynb").read_text(encoding="utf-8")}
    assert own and {s for s, *_ in linjiang_charts} == own


def test_every_chart_has_a_finding_title_the_source_and_a_description(linjiang_charts):
    for section, lang, name, spec in linjiang_charts:
        title = spec["title"]
        assert title["text"], (section, name)
        source, date = ("《吉林农村报》", "2021年4月15日") if lang == "zh" else ("Jilin Rural News", "April 15, 2021")
        assert any(source in line and date in line for line in title["subtitle"]), (section, name)
        assert spec["description"].startswith(title_text(spec)), (section, name)
        # In lines a phone's width can show (a line wider than the chart is cut at its edge).
        lines = title["text"] if isinstance(title["text"], list) else [title["text"]]
        assert all(len(line) <= TITLE_LINE[strings(lang)['writing']['system']] or not re.search(f"[{TITLE_BREAKS} ].", line) for line in lines), (section, lines)


def test_every_drawn_mark_has_a_tooltip(linjiang_charts):
    for section, _, name, spec in linjiang_charts:
        for view in _layers(spec):
            if _mark(view) in ("bar", "point", "circle", "rect"):
                assert "tooltip" in view["encoding"], (section, name, _mark(view))


def test_bars_start_at_zero(linjiang_charts):
    bars = 0
    for section, _, name, spec in linjiang_charts:
        for view in _layers(spec):
            if _mark(view) == "bar":
                bars += 1
                x = view["encoding"]["x"]
                scale = x.get("scale", {})
                assert scale.get("zero", True) is True, (section, name)
                if "domain" in scale:
                    assert scale["domain"][0] == 0
    assert bars >= 4  # the check saw bars at all


def test_the_organisations_unrelated_counts_are_tiles_each_with_its_unit():
    spec = _figures("organisation", "en")[0].to_dict()
    # Departments, staff, groups and meetings: no bars whose lengths a reader would compare.
    assert "bar" not in {_mark(v) for v in _layers(spec)}
    rows = _rows(spec)
    assert len({r["unit_name"] for r in rows}) == len({r["unit"] for r in rows}) >= 2


def test_unrelated_counts_are_tiles_not_bars():
    spec = _figures("discipline", "en")[0].to_dict()
    assert "bar" not in {_mark(v) for v in _layers(spec)}
    assert {r["name"] for r in _rows(spec)} >= {"Leaflets printed", "Discipline pledges signed"}


def test_ages_are_drawn_as_a_dumbbell_from_previous_to_current():
    spec = _figures("overview", "en")[0].to_dict()
    marks = [_mark(v) for v in _layers(spec)]
    assert marks[:2] == ["line", "point"]
    name = load_report(LINJIANG).name("members_avg_age", "en")
    members = {r["term"]: r["age"] for r in _rows(spec) if r["name"] == name}
    # 48.2 is not in the report: the notebook computes it as 43.7 + 4.5.
    assert members == {"Previous term": 48.2, "This term": 43.7}


def test_shares_are_parts_of_a_whole_on_a_zero_to_hundred_axis():
    spec = _figures("overview", "en")[1].to_dict()
    full = next(v for v in _layers(spec) if _mark(v) == "bar")
    assert full["encoding"]["x"]["scale"]["domain"] == [0, 100]
    rows = _rows(spec)
    assert all(0 <= r["share"] <= 100 for r in rows)
    names = load_catalogue().indicators["name_en"]
    assert {names["women_heads_share"], names["members_college_share"]} <= {r["name"] for r in rows}


@pytest.mark.parametrize("section", ["guidance", "discipline", "risk"])
def test_a_list_is_not_drawn_as_a_chart_of_its_items(section):
    # A list is said in the narrative and tabled with its clause; a chart of its items would be a
    # third copy that encodes nothing (the editor's L6).
    report = load_report(LINJIANG)
    lists = [set(report.items(i, "zh")) for i in report.lists.index[report.lists["section"] == section]]
    assert any(lists), "the section lists items in this report, or the test checks nothing"
    for figure in _figures(section, "zh"):
        shown = set(figure.table.astype(str).stack())
        assert not any(items and items <= shown for items in lists), figure.table


def test_a_figure_carries_its_table_beside_the_spec_not_inside_it():
    figure = _figures("overview", "zh")[1]
    spec = figure.to_dict()
    assert "usermeta" not in spec
    html = figure._repr_mimebundle_()["text/html"]
    for name in figure.table.iloc[:, 0]:
        assert f"<td>{name}</td>" in html


def test_theme_is_registered_enabled_by_start_and_colour_blind_safe():
    from villagereport.notebook import start

    start()
    assert alt.theme.active == charts.THEME
    config = alt.theme.get()()["config"]
    assert config["range"]["category"] == charts.PALETTE
    assert "Noto Sans CJK SC" in config["font"]


def _colours(value) -> set[str]:  # type: ignore[no-untyped-def]
    """Every colour a spec names (mark colours, strokes, scale ranges)."""
    if isinstance(value, dict):
        return set().union(*(_colours(v) for v in value.values())) if value else set()
    if isinstance(value, list):
        return set().union(*(_colours(v) for v in value)) if value else set()
    return {value.upper()} if isinstance(value, str) and value.startswith("#") and len(value) == 7 else set()


def test_every_colour_a_page_draws_is_from_the_palette_or_a_neutral_grey(linjiang_charts):
    allowed = {c.upper() for c in charts.PALETTE} | {charts.REST, charts.LINE, charts.AXIS, charts.GRID}
    drawn = set().union(*(_colours(spec) for *_, spec in linjiang_charts))
    assert drawn - allowed == set()
    assert len(drawn & {c.upper() for c in charts.PALETTE}) >= 3  # the check saw the palette in use


def test_renderer_output_is_deterministic_and_names_the_chart_by_its_content():
    render.enable()
    chart = _figures("overview", "zh")[0]
    first, second = chart._repr_mimebundle_(), _figures("overview", "zh")[0]._repr_mimebundle_()
    assert first == second
    html = first["text/html"]
    spec = chart.to_dict()
    assert render.chart_id(spec) in html and "random" not in html
    other = _figures("overview", "en")[0].to_dict()
    assert render.chart_id(other) != render.chart_id(spec)


def test_renderer_loads_nothing_from_outside_and_cannot_be_broken_out_of():
    spec = {"description": 'say "hi" </script><script>alert(1)</script>', "mark": "bar",
            "data": {"values": [{"a": "</script><img src=x onerror=alert(1)>"}]}}
    html = render.chart_html(spec)
    assert "http" not in html and "<img" not in html
    assert html.count("</script>") == 2  # only the renderer's own two script elements
    payload = html.split('type="application/json"', 1)[1].split(">", 1)[1].split("</script>", 1)[0]
    assert json.loads(payload) == spec


# Machado, Oliveira & Fernandes (2009), severity 1.0, applied to linear RGB.
CVD = {
    "protanopia": [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216], [-0.003882, -0.048116, 1.051998]],
    "deuteranopia": [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413], [-0.011820, 0.042940, 0.968881]],
    "tritanopia": [[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602], [0.004733, 0.691367, 0.303900]],
}


def _linear(hex_colour: str) -> list[float]:
    channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    return [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]


def _lab(linear: list[float]) -> tuple[float, float, float]:
    r, g, b = (min(max(c, 0.0), 1.0) for c in linear)
    x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047
    y = 0.2126 * r + 0.7152 * g + 0.0722 * b
    z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883

    def f(t: float) -> float:
        return t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116

    return 116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))


def _seen(hex_colour: str, vision: str | None) -> tuple[float, float, float]:
    linear = _linear(hex_colour)
    if vision:
        linear = [sum(m * c for m, c in zip(row, linear, strict=True)) for row in CVD[vision]]
    return _lab(linear)


def _drawn(spec: dict) -> set[str]:
    """The colours a chart's marks are drawn in: each layer's mark (its own colour, or the
    theme's for its kind), its colour encodings' values, and a colour field's categories (its
    scale's range, or the theme's palette, one colour per value the data holds)."""
    theme = alt.theme.get()()["config"]
    datasets = spec.get("datasets", {})

    def rows(data: dict | None) -> list[dict]:
        data = data or {}
        return data.get("values") or datasets.get(data.get("name"), [])

    colours: set[str] = set()
    for layer in spec.get("layer", [spec]):
        mark = layer.get("mark", {})
        kind, mark = (mark, {}) if isinstance(mark, str) else (mark.get("type"), mark)
        if kind == "text":
            continue  # words, in the theme's text colour
        own = mark.get("color") or mark.get("fill") or mark.get("stroke")
        colours.add((own or theme.get(kind, {}).get("color") or charts.MAIN).upper())
        for channel in ("color", "fill", "stroke"):
            encoding = layer.get("encoding", {}).get(channel, {})
            for value in (encoding.get("value"), encoding.get("condition", {}).get("value")):
                if isinstance(value, str) and value.startswith("#"):
                    colours.add(value.upper())
            if "field" in encoding:
                values = {row.get(encoding["field"]) for row in rows(layer.get("data") or spec.get("data"))}
                scale = (encoding.get("scale") or {}).get("range") or charts.PALETTE
                colours |= {c.upper() for c in scale[:max(len(values), 1)]}
    return colours


def test_the_colours_each_chart_draws_together_stay_distinct_for_colour_blind_readers(linjiang_charts):
    # Within each chart of the book, every two colours its marks are drawn in; a CIE76
    # difference of 10 is plainly visible.
    pairs = set()
    for *_, spec in linjiang_charts:
        drawn = sorted(_drawn(spec))
        pairs |= {(a, b) for i, a in enumerate(drawn) for b in drawn[i + 1:]}
    assert len(pairs) >= 3  # the charts do put colours side by side
    for first, second in pairs:
        for vision in (None, *CVD):
            a, b = _seen(first, vision), _seen(second, vision)
            distance = sum((p - q) ** 2 for p, q in zip(a, b, strict=True)) ** 0.5
            assert distance >= 10, f"{first} and {second} look alike with {vision or 'normal vision'}"


def test_the_check_itself_catches_a_red_green_pair():
    # matplotlib's default red and green: far apart for most readers, alike for deuteranopes.
    def distance(vision):
        a, b = _seen("#D62728", vision), _seen("#2CA02C", vision)
        return sum((p - q) ** 2 for p, q in zip(a, b, strict=True)) ** 0.5

    assert distance(None) > 100 and distance("deuteranopia") < 10


def test_altairs_shorthand_channels_are_wrapped_once_per_class_set_and_the_same_as_altairs_own():
    from altair.utils import schemapi

    from villagereport import altair_speed

    # Applied on import (a second call is refused): an Altair whose internals moved shows here.
    assert getattr(schemapi._FromDict.__init__, "_villagereport", False)
    assert altair_speed.apply() is False
    chart = alt.Chart(alt.Data(values=[{"name": "甲", "value": 1}])).mark_bar().encode(
        x="value:Q", y=alt.Y("name:N", sort=None), tooltip=["name:N", "value:Q"], text="name:N")
    shared = chart.to_dict()
    # Altair's own classes from its own, unshared table: the same spec, channel by channel.
    fresh = schemapi._FromDict.__new__(schemapi._FromDict)
    schemapi._FromDict.__init__.__wrapped_original__(fresh, alt.X._default_wrapper_classes())
    for channel, value in {"x": "value:Q", "text": "name:N"}.items():
        cls = type(chart.encoding[channel])
        assert fresh.from_dict({"shorthand": value}, cls).to_dict() == shared["encoding"][channel]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_axes_group_thousands_as_the_pages_text_does(lang):
    from villagereport.figure import finish
    from villagereport.numbers import format_number

    chart = finish(alt.Chart(alt.Data(values=[{"v": 1218}])).mark_bar().encode(x="v:Q"), title="t", source="s",
                   description="d", lang=lang)
    numbers = chart.to_dict().get("config", {}).get("locale", {}).get("number", {"thousands": ","})  # d3's own: ","
    # The text writes 1218 in Chinese and 1,218 in English; an axis's ticks must agree.
    assert format_number(1218, lang) == f"1{numbers['thousands']}218"
