"""A chart is on screen with its page: drawn as SVG when the book is built (vl-convert), shown
with scripts off, and made interactive by the chart library only when a reader reaches for it."""

from __future__ import annotations

import pytest

from browser import PageWatch

PAGE = "zh/book/01_overview.html"
LIBRARY = "vendor/vega-bundle.min.js"


@pytest.mark.parametrize("width", [1280, 390])
def test_charts_show_with_scripts_off_at_both_widths(browser, server, width):
    context = browser.new_context(viewport={"width": width, "height": 900}, java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{server.origin}/{PAGE}", wait_until="load")
    charts = page.locator(".vb-chart")
    assert charts.count() >= 1
    for chart in charts.all():
        # One drawing shows (the one for the width), with marks, a title, its description nearby.
        shown = [svg for svg in chart.locator(".vb-static svg.marks").all() if svg.is_visible()]
        assert len(shown) == 1, width
        box = shown[0].bounding_box()
        assert box["width"] > 0.8 * chart.bounding_box()["width"] and box["height"] > 40
        assert shown[0].locator("[class*='mark-'] path, [class*='mark-'] line, [class*='mark-'] text").count() > 0
        assert chart.get_attribute("aria-label") and chart.get_attribute("aria-describedby")
        # Its text is at least 8 px high on screen, on a phone too.
        smallest = shown[0].evaluate("svg => Math.min(...Array.from(svg.querySelectorAll('text'))"
                                     ".map(t => t.getBoundingClientRect().height).filter(h => h > 0))")
        assert smallest >= 8, (width, smallest)
    context.close()


def test_the_library_loads_only_when_a_reader_reaches_for_a_chart_and_then_takes_over(browser, server):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    watch = PageWatch(page, server.origin)
    fetched: list[str] = []
    page.on("request", lambda request: fetched.append(request.url))
    page.goto(f"{server.origin}/{PAGE}", wait_until="load")
    page.wait_for_load_state("networkidle")
    assert not [u for u in fetched if LIBRARY in u]  # the page and its charts, without the library
    figure = page.locator(".vb-figure").first
    figure.scroll_into_view_if_needed()
    before = figure.locator(".vb-chart").bounding_box()
    assert figure.locator("button.vb-export").first.is_hidden()  # images are drawn by the library
    figure.hover()
    page.wait_for_function("Array.from(document.querySelectorAll('.vb-chart')).every(e => e.dataset.rendered === 'true')",
                           timeout=15000)
    assert [u for u in fetched if LIBRARY in u]
    chart = figure.locator(".vb-chart")
    assert chart.locator(".vb-static").count() == 0 and chart.locator("svg.marks").count() == 1
    # The library's drawing takes the same box: no jump of more than a few pixels.
    after = chart.bounding_box()
    assert abs(after["height"] - before["height"]) <= 0.1 * before["height"], (before, after)
    # Its interactive parts work: a tooltip over a mark, the image downloads, the table view.
    mark = chart.locator(".mark-symbol path, .mark-rect path").first
    mark.hover()
    page.wait_for_selector("#vg-tooltip-element.visible", timeout=5000)
    assert figure.locator("button.vb-export").first.is_visible()
    with page.expect_download() as download:
        figure.locator("button.vb-export[data-format='svg']").click()
    assert download.value.suggested_filename.endswith(".svg")
    figure.locator(".vb-table-view summary").click()
    assert figure.locator(".vb-table-view table").is_visible()
    assert watch.problems() == []
    context.close()
