"""`make atlas`: every report's book, the comparison of all, and a front page, in one folder."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys

import pytest

from conftest import DATA, ROOT
from villagebook.atlas import atlas
from villagereport.errors import ReportError


def _reports(tmp_path):  # type: ignore[no-untyped-def]
    chosen = []
    for name in ("tongguan-2021", "jiaxiang-2021"):
        copy = tmp_path / "reports" / f"{name}.yaml"
        copy.parent.mkdir(exist_ok=True)
        shutil.copy2(DATA / "reports" / f"{name}.yaml", copy)
        chosen.append(copy)
    return chosen


def test_the_atlas_lists_every_place_links_every_book_and_compares_them(tmp_path):
    reports = _reports(tmp_path)
    out = tmp_path / "atlas"
    pages = atlas(reports, ["zh", "en"], out)
    assert [p.name for p in pages] == ["index.html", "index.en.html"]
    front = (out / "index.en.html").read_text(encoding="utf-8")
    assert "Tongguan County" in front and "Jiaxiang County" in front
    # Every link of the front page is a file of the atlas (nothing outside it).
    for href in re.findall(r'href="([^"]+)"', front):
        if href.startswith("data:"):
            continue
        assert not href.startswith(("http:", "https:", "//")), href
        assert (out / href).is_file(), href
    comparison = (out / "comparison" / "en" / "book" / "09_comparison.html").read_text(encoding="utf-8")
    assert "Tongguan County" in comparison and "Jiaxiang County" in comparison
    # Nothing changed: the atlas is rebuilt from its keys alone, each book kept as it was.
    book = (out / "tongguan-2021" / "zh" / "book" / "01_overview.html").read_bytes()
    atlas(reports, ["zh", "en"], out)
    assert (out / "tongguan-2021" / "zh" / "book" / "01_overview.html").read_bytes() == book


def test_an_atlas_with_a_bad_report_stops_in_one_line_before_building_anything(tmp_path):
    reports = _reports(tmp_path)
    bad = tmp_path / "reports" / "bad.yaml"
    bad.write_text("format: nope\n", encoding="utf-8")
    with pytest.raises(ReportError):
        atlas([*reports, bad], ["zh"], tmp_path / "atlas")
    assert not (tmp_path / "atlas").exists()
    result = subprocess.run([sys.executable, "-m", "villagebook", "atlas", "--report", str(bad), "--out",
                             str(tmp_path / "atlas")], capture_output=True, text=True, cwd=ROOT, check=False)
    assert result.returncode == 1 and result.stderr.count("\n") == 1 and str(bad) in result.stderr


def test_the_comparison_reads_at_a_hundred_places(tmp_path):
    # A hundred reports: the repository's, again and again under other ids and place names.
    import yaml

    from villagebook.kernels import execute

    bases = sorted((DATA / "reports").glob("*.yaml"))
    reports = []
    for i in range(100):
        document = yaml.safe_load(bases[i % len(bases)].read_text(encoding="utf-8"))
        document["id"] = f"place-{i:03d}"
        document["place"] = {**document["place"], "name": {"zh": f"第{i}号地方", "en": f"Place {i}"}}
        path = tmp_path / f"place-{i:03d}.yaml"
        path.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), encoding="utf-8")
        reports.append(path)
    out = tmp_path / "comparison.ipynb"
    execute(ROOT / "book" / "09_comparison.ipynb", out, {"report": str(reports[0]), "others": [str(r) for r in reports[1:]],
                                                          "lang": "en"}, warm=True)
    page = out.read_text(encoding="utf-8")
    # Every place is a row of both charts; no text in them is smaller than 9 px; no place
    # paragraph stands before the first chart.
    sizes = [float(size) for size in re.findall(r'font-size=\\"(\d+(?:\.\d+)?)px', page)]
    assert sizes and min(sizes) >= 9, min(sizes)
    assert page.count("Place 99 (2") >= 4  # both charts' data and drawings
    # Before the first chart, two short paragraphs: no list of a hundred places.
    import nbformat

    cells = [c for c in nbformat.read(out, as_version=4).cells if c.cell_type == "code" and c.get("outputs")]
    opening = "".join(o.get("data", {}).get("text/markdown", "") for o in cells[0].outputs)
    assert "Place 57" not in opening and len(opening) < 800, opening


@pytest.fixture(scope="module")
def nineteen(tmp_path_factory):
    """A book of nineteen reports of several rounds and kinds: the repository's and data/unseen's."""
    from villagebook.build import build

    reports = [DATA / "reports" / "linjiang-2021.yaml",
               *sorted(p for p in (DATA / "reports").glob("*.yaml") if p.name != "linjiang-2021.yaml"),
               *sorted((DATA / "unseen" / "reports").glob("*.yaml"))][:19]
    target = tmp_path_factory.mktemp("nineteen") / "site"
    build(reports, ["zh", "en"], target, run_gate=False)
    return target


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("width", [1280, 390])
def test_the_comparison_of_nineteen_places_reads_in_a_browser(nineteen, browser, lang, width):
    from axe_playwright_python.sync_playwright import Axe

    from browser import PageWatch, Server

    server = Server(nineteen)
    try:
        page = browser.new_page(viewport={"width": width, "height": 844})
        watch = PageWatch(page, server.origin)
        page.goto(f"{server.origin}/{lang}/book/09_comparison.html", wait_until="load")
        # The first chart starts within the first two screens; nothing is wider than the page.
        top = page.evaluate("document.querySelector('.vb-chart').getBoundingClientRect().top + scrollY")
        assert top < 2 * 844, top
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        # Drawn by the library: its text at least 9 px at 1280 and 8 px on a phone.
        page.wait_for_function("(window.vbCharts && window.vbCharts.load(), true)")
        page.wait_for_function("Array.from(document.querySelectorAll('.vb-chart')).every(e => e.dataset.rendered === 'true')",
                               timeout=30000)
        smallest = page.evaluate("Math.min(...Array.from(document.querySelectorAll('.vb-chart svg.marks text'))"
                                 ".filter(t => t.textContent.trim() && t.getBoundingClientRect().height > 0)"
                                 ".map(t => { const m = t.getScreenCTM(); return parseFloat(getComputedStyle(t).fontSize) * Math.hypot(m.a, m.b); }))")
        assert smallest >= (9 if width == 1280 else 8), smallest
        # The controls: a select for the measure and one for the place, reached by keyboard.
        assert page.locator(".vb-figure select").count() == 2
        violations = Axe().run(page, options={"resultTypes": ["violations"], "preload": False}).response["violations"]
        assert not [v["id"] for v in violations if v["impact"] in ("serious", "critical")]
        assert watch.problems() == []
        page.close()
    finally:
        server.close()
