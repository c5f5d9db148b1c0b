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
