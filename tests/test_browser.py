"""What a reader sees, in Debian's chromium with the network cut: every page, every chart."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
from pathlib import Path

import pytest

from browser import PageWatch
from conftest import ROOT

SCREENSHOTS = ROOT / "_build" / "screenshots"
# VILLAGEBOOK_SCREENSHOTS=full keeps whole-page screenshots for a review by eye.
FULL_PAGE = os.environ.get("VILLAGEBOOK_SCREENSHOTS") == "full"
MARKS = ("g.mark-rect path, g.mark-symbol path, g.mark-text text, g.mark-line path, g.mark-rule line, "
         "g.mark-arc path, g.mark-area path")


def _pages(site: Path) -> list[str]:
    # _static holds a theme template with an .html name; it is not a page of the book.
    return sorted(str(p.relative_to(site)) for p in site.rglob("*.html") if not {"_sources", "_static"} & set(p.parts))


def _open(browser, server, path: str, *, within=None, **context):
    """A new page at ``path`` with its charts drawn, in a new browser context (or ``within`` one)."""
    context = within or browser.new_context(accept_downloads=True, **context)
    page = context.new_page()
    watch = PageWatch(page, server.origin)
    page.goto(f"{server.origin}/{path}", wait_until="load")
    page.wait_for_function("(window.vbCharts && window.vbCharts.load(), true)")  # the library, as a reader reaching for a chart loads it (survives a redirect)
    page.wait_for_function("Array.from(document.querySelectorAll('.vb-chart'))"
                           ".every(el => el.dataset.rendered === 'true')", timeout=15000)
    return context, page, watch


def _book_pages(site: Path) -> list[str]:
    return [p for p in _pages(site) if "/book/" in p]


def _figures_in(site: Path, path: str) -> int:
    """How many charts the page's published HTML holds, read from the file, not the browser."""
    return (site / path).read_text(encoding="utf-8").count('<figure class="vb-figure"')


def test_the_site_has_the_pages_to_check(built_site):
    pages = _pages(built_site)
    assert {"index.html", "zh/INDEX.html", "en/INDEX.html", "zh/status.html", "en/status.html"} <= set(pages)
    assert not {"zh/genindex.html", "en/genindex.html"} & set(pages)  # an empty index is not published
    # Eight notebooks (all but the comparison) and the teacher's guide, in each edition.
    assert len(_book_pages(built_site)) == 2 * 9


EDITION_LINK = """el => {
    const box = el.getBoundingClientRect();
    if (!box.width || !box.height) return 'not shown';
    if (box.left < 0 || box.right > innerWidth || box.top < 0 || box.bottom > innerHeight) return 'off screen';
    const top = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
    return el.contains(top) ? 'ok' : 'covered by ' + (top ? top.tagName + '.' + top.className : 'nothing');
}"""


def _csv_checks(page, path: str) -> list[str]:
    """Each chart's CSV link against its table view and its drawn data; what differs."""
    found = []
    for figure in page.locator("figure.vb-figure").all():
        spec = json.loads(figure.locator("script[type='application/json']").text_content())
        # The table view under the chart is what the CSV must hold, cell for cell.
        view = figure.locator("details.vb-table-view table")
        table = {"columns": view.locator("th").all_text_contents(),
                 "rows": [row.locator("td").all_text_contents() for row in view.locator("tbody tr").all()]}
        with page.expect_download() as download:
            figure.locator("a.vb-csv").click()
        text = Path(download.value.path()).read_text(encoding="utf-8-sig")
        rows = list(csv.reader(io.StringIO(text)))
        if rows[0] != table["columns"]:
            found.append(f"{path}: CSV header {rows[0]} is not the table's {table['columns']}")
        if rows[1:] != [[str(v) for v in row] for row in table["rows"]]:
            found.append(f"{path}: CSV rows are not the table's")
        # ...and those rows are the chart's own: every first-column value is drawn.
        drawn = {str(v) for values in spec["datasets"].values() for row in values for v in row.values()}
        if not {r[0] for r in rows[1:]} <= drawn:
            found.append(f"{path}: CSV rows the chart does not draw: {({r[0] for r in rows[1:]} - drawn)}")
    return found


def _tooltips(page) -> list[str]:
    """Hover a mark of each chart; the text of each tooltip shown ('' when it is empty)."""
    texts = []
    for figure in page.locator("figure.vb-figure").all():
        mark = figure.locator("g.mark-rect path, g.mark-symbol path").first
        figure.scroll_into_view_if_needed()
        box = mark.bounding_box()
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        tooltip = page.locator("#vg-tooltip-element.visible")
        tooltip.wait_for(timeout=5000)
        texts.append(tooltip.inner_text().strip())
        page.mouse.move(0, 0)
    return texts


# What a reader would find wrong in a page's layout, of the kinds that can come back:
# - a chart's axis label or text cut short ("…") or drawn over another;
# - a chart's source shown twice (its subtitle, and the caption under it once the chart is drawn);
# - a list's clause printed twice in a row;
# - a list printed twice: drawn as a chart beside its table, or two tables of the same items.
LAYOUT = """() => {
  const found = [];
  // WCAG's contrast ratio of two computed colours ("rgb(r, g, b)").
  const luminance = c => {
    const [r, g, b] = c.match(/[\\d.]+/g).slice(0, 3).map(v => v / 255)
      .map(v => v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const contrast = (a, b) => { const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
  const page = getComputedStyle(document.body).backgroundColor;
  const overlap = (a, b) => a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1 && b.top < a.bottom - 1;
  document.querySelectorAll('.vb-chart').forEach((chart, n) => {
    const svg = chart.querySelector('svg.marks');
    if (svg && svg.getBoundingClientRect().right > chart.getBoundingClientRect().right + 1)
      found.push(`chart ${n}: drawn wider than its box (cut at the right)`);
    // Drawn wider than its box and shrunk to fit it: its text is then smaller than designed.
    if (svg && svg.width.baseVal.value > svg.getBoundingClientRect().width + 2)
      found.push(`chart ${n}: drawn ${svg.width.baseVal.value} px wide, shrunk to ${svg.getBoundingClientRect().width}`);
    // Text that runs past the edge of the drawing (an axis title wider than the chart) is cut there;
    // text smaller than 11 px on the screen (Vega's default legend labels are 10) is hard to read.
    if (svg) {
      const edge = svg.getBoundingClientRect();
      svg.querySelectorAll('text').forEach(x => {
        const box = x.getBoundingClientRect();
        if (x.textContent.trim() && box.width > 0 && (box.right > edge.right + 1 || box.left < edge.left - 1))
          found.push(`chart ${n}: text cut at the edge: ${x.textContent}`);
        // The text's scale on screen, rotated or not (an axis title turned upright).
        const ctm = x.getScreenCTM();
        const size = parseFloat(getComputedStyle(x).fontSize) * Math.hypot(ctm.a, ctm.b);
        if (x.textContent.trim() && box.width > 0 && size < 11)
          found.push(`chart ${n}: text drawn at ${size.toFixed(1)} px: ${x.textContent}`);
        // Chart text reads on the page in either colour scheme (charts follow the theme).
        const fill = getComputedStyle(x).fill;
        if (x.textContent.trim() && box.width > 0 && fill.startsWith('rgb') && contrast(fill, page) < 4.5)
          found.push(`chart ${n}: text of contrast ${contrast(fill, page).toFixed(1)} on the page: ${x.textContent}`);
      });
    }
    const axisLabels = [];
    chart.querySelectorAll('g.role-axis').forEach(axis => {
      // Labels the axis hides so that they do not collide are drawn with no opacity.
      const labels = Array.from(axis.querySelectorAll('g.role-axis-label text'))
        .filter(l => l.getAttribute('opacity') !== '0' && getComputedStyle(l).opacity !== '0');
      labels.forEach(label => { if (label.textContent.includes('…')) found.push(`chart ${n}: label cut: ${label.textContent}`); });
      labels.forEach(label => axisLabels.push(label));
    });
    // Labels of one axis or of two (a category's last line and the number axis under it).
    const boxes = axisLabels.map(l => l.getBoundingClientRect());
    for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++)
      if (boxes[i].width > 0 && boxes[j].width > 0 && overlap(boxes[i], boxes[j]))
        found.push(`chart ${n}: labels overlap: ${axisLabels[i].textContent} / ${axisLabels[j].textContent}`);
    // Text drawn on the chart (a tile's name, a bar's figure) runs into no other text.
    const texts = Array.from(chart.querySelectorAll('g.mark-text.role-mark text')).filter(x => x.textContent.trim());
    const textBoxes = texts.map(x => x.getBoundingClientRect());
    for (let i = 0; i < texts.length; i++) {
      if (texts[i].textContent.includes('…')) found.push(`chart ${n}: text cut: ${texts[i].textContent}`);
      for (let j = i + 1; j < texts.length; j++)
        if (overlap(textBoxes[i], textBoxes[j])) found.push(`chart ${n}: text overlaps: ${texts[i].textContent} / ${texts[j].textContent}`);
    }
    chart.querySelectorAll('g.role-legend-label text').forEach(label => {
      if (label.textContent.includes('…')) found.push(`chart ${n}: legend label cut: ${label.textContent}`);
    });
    const figure = chart.closest('figure');
    const source = figure && figure.querySelector('.vb-source');
    if (chart.dataset.rendered === 'true' && source && source.getBoundingClientRect().width > 1)
      found.push(`chart ${n}: source shown twice`);
  });
  const clauses = Array.from(document.querySelectorAll('.vb-list-quote')).map(q => q.textContent);
  clauses.forEach((c, i) => { if (i && c === clauses[i - 1]) found.push(`clause printed twice: ${c}`); });
  const lists = Array.from(document.querySelectorAll('table.vb-list')).map(t =>
    Array.from(t.querySelectorAll('tbody tr')).map(r => r.querySelectorAll('td')[1].textContent.trim()));
  const drawn = Array.from(document.querySelectorAll('.vb-chart')).map(chart =>
    Array.from(chart.querySelectorAll('g.mark-text.role-mark text')).map(x => x.textContent.trim()));
  lists.forEach((items, i) => {
    if (items.length && drawn.some(texts => items.every(item => texts.some(text => text.includes(item)))))
      found.push(`list printed twice, as a chart and a table: ${items.join(' / ')}`);
    if (lists.slice(0, i).some(other => other.join('|') === items.join('|')))
      found.push(`list printed twice: ${items.join(' / ')}`);
  });
  return found;
}"""


@pytest.fixture(scope="module")
def visits(browser, server, built_site):
    """Every page of both editions opened once per window width, and what the tests below
    check read from it: charts drawn, console errors and requests, axe-core's serious and
    critical violations, whether the link to the other edition can be seen; at 1280 px also
    each chart's CSV download and, in one edition, its tooltip (the other draws the same marks
    with other words)."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()  # axe-core's own axe.min.js, carried by the package: nothing is fetched
    seen: dict[tuple[int, str], dict[str, dict]] = {}

    def visit(width: int, scheme: str = "light") -> dict[str, dict]:
        if (width, scheme) in seen:
            return seen[width, scheme]
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        records = seen[width, scheme] = {}
        # One context and one tab for the width (cookies, storage and history are not what is
        # tested), sent from page to page; what each page did is watched from its navigation on.
        context = browser.new_context(viewport={"width": width, "height": 900}, accept_downloads=True)
        if scheme == "dark":
            # The theme's switch keeps the reader's choice in localStorage; set it as a reader who chose dark.
            context.add_init_script("localStorage.setItem('mode', 'dark'); localStorage.setItem('theme', 'dark');")
        page = context.new_page()
        watch = PageWatch(page, server.origin)
        for path in _pages(built_site):
            watch.next_page(page)
            page.goto(f"{server.origin}/{path}", wait_until="load")
            if 'http-equiv="Refresh"' in (built_site / path).read_text(encoding="utf-8"):
                # Jupyter Book's index.html in each edition only sends the reader on to the landing
                # page, which is checked as itself: here, only that it lands there, cleanly.
                page.wait_for_url(re.compile(r"/INDEX\.html$"), timeout=15000)
                records[path] = {"redirect": True, "lands": page.url.rsplit("/", 2)[-2:], "charts": [],
                                 "problems": watch.problems(), "edition_link": [], "axe": [], "layout": []}
                continue
            page.wait_for_function("(window.vbCharts && window.vbCharts.load(), true)")  # the library, as a reader reaching for a chart loads it (survives a redirect)
            page.wait_for_function("Array.from(document.querySelectorAll('.vb-chart'))"
                                   ".every(el => el.dataset.rendered === 'true')", timeout=15000)
            charts = [(chart.locator("svg.marks").count(), chart.locator(MARKS).count())
                      for chart in page.locator(".vb-chart").all()]
            link = page.locator("a.vb-edition")
            problems = watch.problems()
            # preload off: axe would fetch the stylesheets' @imports itself, relative to the page.
            violations = axe.run(page, options={"resultTypes": ["violations"], "preload": False}).response["violations"]
            records[path] = {
                "redirect": False, "charts": charts, "problems": problems, "layout": page.evaluate(LAYOUT),
                "scheme": page.evaluate("document.documentElement.dataset.theme"),
                # How far the page is wider than the window (a phone reader would scroll sideways).
                "overflow": page.evaluate("document.documentElement.scrollWidth - innerWidth"),
                "edition_link": [link.nth(i).evaluate(EDITION_LINK) for i in range(link.count())],
                "axe": [f"{v['id']} ({len(v['nodes'])}: {v['nodes'][0]['target']})" for v in violations
                        if v["impact"] in ("serious", "critical")],
            }
            # What a reader first sees; whole pages (slow: tall pages) when asked for.
            if scheme == "light" or FULL_PAGE:  # the dark walk's screenshots only when asked for
                page.screenshot(path=str(SCREENSHOTS / f"{width}-{scheme}-{path.replace('/', '_')}.png"), full_page=FULL_PAGE)
            if width == 1280 and scheme == "light" and "/book/" in path:
                records[path]["csv"] = _csv_checks(page, path)
                records[path]["figures"] = page.locator("figure.vb-figure").count()
                if path.startswith("en/"):
                    records[path]["tooltips"] = _tooltips(page)
        context.close()
        return records

    return visit


@pytest.mark.parametrize("width", [1280])
def test_every_page_renders_every_chart_with_no_error_and_nothing_from_outside(visits, built_site, width):
    records = visits(width)
    assert all(svgs == 1 for r in records.values() for svgs, _ in r["charts"]), "a chart drew no SVG"
    assert all(marks > 0 for r in records.values() for _, marks in r["charts"]), "a chart drew no marks"
    assert not {path: r["problems"] for path, r in records.items() if r["problems"]}
    # The two editions' index pages send the reader on to their own landing page.
    assert {path: r["lands"] for path, r in records.items() if r["redirect"]} == {
        "zh/index.html": ["zh", "INDEX.html"], "en/index.html": ["en", "INDEX.html"]}
    # Every chart the published HTML holds is drawn (a page with nothing to chart has none).
    drawn = {p: len(records[p]["charts"]) for p in _book_pages(built_site)}
    assert drawn == {p: _figures_in(built_site, p) for p in drawn}
    assert sum(drawn.values()) > 0


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [1280, 390])
def test_axe_finds_no_serious_or_critical_violation_on_any_page(visits, width, scheme):
    records = visits(width, scheme)
    # Every page is in the scheme, the site's root (choosing between the editions) too.
    assert {r["scheme"] for r in records.values() if not r["redirect"]} == {scheme}
    assert not {path: r["axe"] for path, r in records.items() if r["axe"]}
    # ...and in the dark scheme, too, every chart draws and nothing fails (one walk for both).
    assert all(svgs == 1 and marks > 0 for r in records.values() for svgs, marks in r["charts"])
    assert not {path: r["problems"] for path, r in records.items() if r["problems"]}


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [1280, 390])
def test_no_label_is_cut_or_drawn_over_another_and_nothing_is_said_twice(visits, width, scheme):
    assert {path: r["layout"] for path, r in visits(width, scheme).items() if r["layout"]} == {}


@pytest.mark.parametrize("width", [1280, 390])
def test_the_link_to_the_other_edition_is_visible_and_not_covered_on_every_page(visits, width):
    # The site's root page is itself the choice between editions; every other page has one
    # link, and what a reader sees at its middle is the link, inside the window.
    links = {path: r["edition_link"] for path, r in visits(width).items()
             if "/" in path and not r["redirect"]}
    assert {path: link for path, link in links.items() if link != ["ok"]} == {}


@pytest.mark.parametrize("width", [1280, 390])
def test_no_page_is_wider_than_the_window(visits, width):
    # Wide tables and code scroll inside their own box; the page itself never scrolls sideways
    # (the Chinese pages' header, with "English edition", once made them 402 px on a 390 px phone).
    assert {path: r["overflow"] for path, r in visits(width).items() if not r["redirect"] and r["overflow"] > 0} == {}


@pytest.mark.parametrize("width", [1280])
def test_the_csv_link_downloads_exactly_the_charts_data(visits, built_site, width):
    records = visits(width)
    assert {p: r["figures"] for p, r in records.items() if "figures" in r} == {
        p: _figures_in(built_site, p) for p in _book_pages(built_site)}
    assert [problem for r in records.values() for problem in r.get("csv", [])] == []


@pytest.mark.parametrize("width", [1280])
def test_hovering_a_mark_shows_its_tooltip_on_every_chart(visits, built_site, width):
    tooltips = {path: r["tooltips"] for path, r in visits(width).items() if "tooltips" in r}
    assert {path: texts for path, texts in tooltips.items() if not all(texts)} == {}, "an empty tooltip"
    # One tooltip for each chart of the English pages.
    assert {p: len(texts) for p, texts in tooltips.items()} == {
        p: _figures_in(built_site, p) for p in _book_pages(built_site) if p.startswith("en/")}
    assert sum(len(texts) for texts in tooltips.values()) > 0


def test_png_and_svg_downloads_work_offline(browser, server):
    context, page, watch = _open(browser, server, "zh/book/01_overview.html")
    figure = page.locator("figure.vb-figure").first
    for fmt, magic in (("png", b"\x89PNG"), ("svg", b"<svg")):
        with page.expect_download() as download:
            figure.locator(f"button.vb-export[data-format='{fmt}']").click()
        assert Path(download.value.path()).read_bytes().startswith(magic)
        assert download.value.suggested_filename.endswith("." + fmt)
    assert not watch.problems()
    context.close()


def test_the_what_if_chart_answers_its_controls_from_the_keyboard_with_no_kernel(browser, server):
    # The checking page's what-if: moving the exact share within its band by keyboard moves the
    # whole it implies; picking another pair draws that pair's candidates. All in the static page.
    context, page, watch = _open(browser, server, "en/book/07_checking.html")
    figure = page.locator("figure.vb-figure").last
    implied = "Array.from(document.querySelectorAll('figure.vb-figure')).pop().querySelector('svg')" \
              ".querySelectorAll('text')"
    before = page.evaluate(f"Array.from({implied}).map(t => t.textContent)")
    figure.locator("input[type=range]").focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    page.wait_for_timeout(200)
    after = page.evaluate(f"Array.from({implied}).map(t => t.textContent)")
    assert before != after  # the implied whole's label moved with the share
    options = figure.locator("select option").all_inner_texts()
    assert len(options) >= 2
    figure.locator("select").select_option(options[1])
    page.wait_for_timeout(200)
    assert page.evaluate(f"Array.from({implied}).map(t => t.textContent)") != after
    assert not watch.problems()
    context.close()


def test_charts_have_a_description_and_a_collapsed_table_in_the_pages_language(browser, server):
    context, page, _ = _open(browser, server, "zh/book/01_overview.html")
    for chart in page.locator(".vb-chart").all():
        described = page.locator("#" + chart.get_attribute("aria-describedby"))
        assert re.search(r"[\u4e00-\u9fff]", described.text_content())
        assert chart.get_attribute("aria-label")
    for details in page.locator("details.vb-table-view").all():
        assert details.get_attribute("open") is None
        assert details.locator("table tbody tr").count() > 0
    context.close()


def test_charts_fit_a_phone_width_screen(browser, server):
    context, page, _ = _open(browser, server, "zh/book/05_discipline.html", viewport={"width": 375, "height": 800})
    width = page.evaluate("document.documentElement.clientWidth")
    for chart in page.locator(".vb-chart svg.marks").all():
        box = chart.bounding_box()
        assert box["x"] >= -1 and box["x"] + box["width"] <= width + 1
    page.screenshot(path=str(SCREENSHOTS / "phone_book_05_discipline.png"), full_page=True)
    context.close()


def test_a_request_outside_the_site_is_reported_and_reaches_nothing(browser, server):
    # What the tests above rely on: a page's request for anything not the site's is seen, and
    # the browser's network ends at the proxy that is not there (a name, or an address).
    context, page, watch = _open(browser, server, "zh/book/01_overview.html")
    outcomes = page.evaluate("""async urls => Promise.all(urls.map(u => fetch(u, {mode: 'no-cors'})
        .then(() => 'reached', () => 'failed')))""", ["http://example.org/x.js", "http://93.184.216.34/y.css"])
    assert outcomes == ["failed", "failed"]
    problems = watch.problems()
    assert [p for p in problems if p.startswith("outside")] == [
        "outside the site: http://example.org/x.js", "outside the site: http://93.184.216.34/y.css"]
    # ...each once (not again as a failed request); the console says each failed to load.
    assert [p for p in problems if not p.startswith("outside")] == [
        "console: Failed to load resource: net::ERR_PROXY_CONNECTION_FAILED"] * 2
    context.close()


def test_the_site_works_opened_from_disk(browser, built_site):
    context = browser.new_context()
    page = context.new_page()
    watch = PageWatch(page, "file://")
    page.goto((built_site / "index.html").as_uri())
    page.click("a[hreflang='zh']")
    page.wait_for_url(re.compile(r"zh/INDEX\.html$"))
    page.goto((built_site / "en" / "book" / "03_candidates.html").as_uri())
    page.wait_for_function("(window.vbCharts && window.vbCharts.load(), true)")  # the library, as a reader reaching for a chart loads it (survives a redirect)
    page.wait_for_function("Array.from(document.querySelectorAll('.vb-chart'))"
                           ".every(el => el.dataset.rendered === 'true')", timeout=15000)
    assert page.locator(".vb-chart svg.marks").count() >= 1
    assert not watch.console_errors and not watch.blocked
    context.close()


def test_chinese_text_has_a_font(browser, server):
    installed = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True, check=True).stdout
    assert "Noto Sans CJK SC" in installed
    context, page, _ = _open(browser, server, "zh/book/01_overview.html")
    title = page.locator(".vb-chart svg.marks text").first
    family = title.evaluate("el => getComputedStyle(el).fontFamily")
    assert "Noto Sans CJK SC" in family
    # A glyph the font has is drawn narrower than the fallback box for a missing one would be
    # only by accident; compare with a font that is certainly absent.
    widths = page.evaluate("""() => {
        const c = document.createElement('canvas').getContext('2d');
        c.font = '40px "Noto Sans CJK SC"'; const cjk = c.measureText('临江市村两委').width;
        c.font = '40px "No Such Font"'; const other = c.measureText('临江市村两委').width;
        return [cjk, other]; }""")
    assert widths[0] > 0
    context.close()


def test_the_themes_icons_are_drawn_from_its_web_font_without_its_icon_script(browser, server, built_site):
    # fontawesome.js (1.5 MB) is neither shipped nor loaded; the icons are the web font's glyphs.
    assert not list(built_site.rglob("fontawesome.js"))
    assert not [p for p in _pages(built_site) if "fontawesome.js" in (built_site / p).read_text(encoding="utf-8")]
    context, page, watch = _open(browser, server, "en/book/01_overview.html", viewport={"width": 390, "height": 800})
    icons = page.evaluate("""() => Array.from(document.querySelectorAll('.article-header-buttons i, .article-header-buttons span.fa-solid'))
        .filter(el => el.offsetParent).map(el => [getComputedStyle(el, '::before').fontFamily, el.getBoundingClientRect().width])""")
    assert len(icons) >= 3 and all("Font Awesome" in family and width > 5 for family, width in icons), icons
    assert not watch.problems()
    context.close()


def test_no_page_links_a_script_or_stylesheet_outside_the_site(built_site):
    outside = re.compile(r'<(?:script|link|img|iframe)[^>]+(?:src|href)="(?:https?:)?//', re.IGNORECASE)
    for path in _pages(built_site):
        text = (built_site / path).read_text(encoding="utf-8")
        assert not outside.search(text), path
    for asset in (built_site / "zh" / "_static").rglob("*"):
        if asset.suffix in (".css",):
            assert not re.search(r"@import\s+url\((?:https?:)?//|url\((?:https?:)?//", asset.read_text(errors="ignore")), asset



# Every control a reader uses on a page: code and table toggles, solutions, the CSV, PNG and
# SVG downloads and the notebook downloads.
CONTROLS = "article summary, article a.vb-csv, article button.vb-export, article a.vb-notebook"
FOCUSED = """() => { const el = document.activeElement;
    return el && el.closest('article') ? el.dataset.vbKey || null : 'outside'; }"""


@pytest.mark.parametrize("path", ["en/book/05_discipline.html", "zh/book/01_overview.html"])
def test_every_toggle_download_and_chart_table_is_reached_and_used_with_the_keyboard(browser, server, path):
    context, page, watch = _open(browser, server, path)
    controls = page.locator(CONTROLS)
    count = controls.count()
    assert count >= 8
    controls.evaluate_all("els => els.forEach((el, i) => el.dataset.vbKey = String(i))")
    # Tab from the top of the page, as a keyboard user does, until past the article's last control.
    page.locator("body").focus()
    reached, presses = [], 0
    while len(set(reached)) < count and presses < 40 * count:
        page.keyboard.press("Tab")
        presses += 1
        key = page.evaluate(FOCUSED)
        if key not in (None, "outside"):
            reached.append(key)
    assert sorted(set(reached), key=int) == [str(i) for i in range(count)], "a control the Tab key never reaches"
    # Each works from the keyboard: Enter opens a toggle; Enter on a download downloads.
    for i in range(count):
        control = controls.nth(i)
        control.focus()
        tag = control.evaluate("el => el.tagName")
        if tag == "SUMMARY":
            page.keyboard.press("Enter")
            assert control.evaluate("el => el.parentElement.open"), f"{path}: toggle {i} did not open"
            page.keyboard.press("Enter")  # and closes again, as it was
        else:
            with page.expect_download() as download:
                page.keyboard.press("Enter")
            assert download.value.suggested_filename.endswith((".csv", ".png", ".svg", ".ipynb", ".yaml")), path
    # A focused control shows that it has the focus (an outline or a ring).
    controls.first.focus()
    ring = controls.first.evaluate("el => { const s = getComputedStyle(el); "
                                   "return s.outlineStyle !== 'none' && s.outlineWidth !== '0px' || s.boxShadow !== 'none'; }")
    assert ring, f"{path}: the focused control shows no focus ring"
    assert not watch.problems()
    context.close()
