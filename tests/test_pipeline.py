"""The publishing pipeline: goldens, the nbval gate, strict builds, atomic publishing."""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from conftest import DATA, ROOT
from villagebook.build import BuildError, build
from villagebook.gate import GOLDENS, gate
from villagebook.stage import notebooks

GOLDEN_FILES = sorted(GOLDENS.glob("*.ipynb"))


def _cells(path: Path) -> list[tuple[str, str, list]]:
    nb = nbformat.read(path, as_version=4)
    return [(c.cell_type, c.source, c.metadata.get("tags", [])) for c in nb.cells]


def test_every_notebook_has_a_golden_with_the_same_cells():
    # Sources and goldens must not drift apart: refresh with `make goldens` after an edit.
    assert [p.name for p in GOLDEN_FILES] == [p.name for p in notebooks()]
    for golden in GOLDEN_FILES:
        assert _cells(golden) == _cells(ROOT / "book" / golden.name), golden.name


def test_goldens_hold_no_volatile_metadata():
    for golden in GOLDEN_FILES:
        nb = nbformat.read(golden, as_version=4)
        assert "papermill" not in nb.metadata and "version" not in nb.metadata.get("language_info", {})
        for cell in nb.cells:
            assert not {"papermill", "execution"} & set(cell.metadata), golden.name
        text = golden.read_text(encoding="utf-8")
        assert not re.search(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}", text), "a timestamp in " + golden.name


def test_goldens_have_outputs_to_compare():
    for golden in GOLDEN_FILES:
        nb = nbformat.read(golden, as_version=4)
        assert sum(len(c.get("outputs", [])) for c in nb.cells if c.cell_type == "code") >= 4, golden.name


def _nbval(paths: list[Path]) -> tuple[int, set[str]]:
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "--nbval", "--nbval-current-env", "-p", "no:cacheprovider", "-q", "-rf",
         "-o", "addopts=", "-o", "testpaths=", *map(str, paths)],
        capture_output=True, text=True, cwd=ROOT, check=False)
    failed = set(re.findall(r"^FAILED \S+?([^/\s]+\.ipynb::Cell \d+)", result.stdout, flags=re.MULTILINE))
    return result.returncode, failed


def _with_changed_leaflets(tmp: Path) -> Path:
    """A copy of the Linjiang report with one figure changed: leaflets 6.8万 -> 7.2万."""
    text = (DATA / "reports" / "linjiang-2021.yaml").read_text(encoding="utf-8")
    assert text.count("6.8万") == 2 and text.count("value: 68000") == 1
    changed = tmp / "linjiang-changed.yaml"
    changed.write_text(text.replace("6.8万", "7.2万").replace("value: 68000", "value: 72000"), encoding="utf-8")
    return changed


def _pointing_at(golden: Path, report: Path, tmp: Path) -> Path:
    """The golden with its parameters cell set to ``report``; outputs kept as recorded."""
    nb = nbformat.read(golden, as_version=4)
    cell = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    cell.source = f"report = {str(report)!r}\nlang = 'zh'"
    out = tmp / golden.name
    nbformat.write(nb, out)
    return out


def test_regression_gate_fails_exactly_on_the_cells_that_depend_on_a_changed_figure(tmp_path):
    # An unchanged copy of the report, under another name elsewhere, changes no output: the
    # page names no file (the build, not the notebook, offers the report beside its copies).
    unchanged = tmp_path / "same" / "linjiang-copy.yaml"
    unchanged.parent.mkdir()
    unchanged.write_bytes((DATA / "reports" / "linjiang-2021.yaml").read_bytes())
    same = tmp_path / "same-goldens"
    same.mkdir()
    status, failed = _nbval([_pointing_at(GOLDENS / g, unchanged, same) for g in ("05_discipline.ipynb", "01_overview.ipynb")])
    assert (status, failed) == (0, set()), failed
    changed = _with_changed_leaflets(tmp_path)
    discipline = _pointing_at(GOLDENS / "05_discipline.ipynb", changed, tmp_path)
    overview = _pointing_at(GOLDENS / "01_overview.ipynb", changed, tmp_path)
    # The cells whose recorded outputs show the figure, numbered as nbval numbers them.
    code = [c for c in nbformat.read(discipline, as_version=4).cells if c.cell_type == "code"]
    expected = {f"05_discipline.ipynb::Cell {i}" for i, c in enumerate(code)
                if any("6.8万" in str(o) for o in c.get("outputs", []))}
    assert len(expected) >= 3  # narrative, chart, figures table
    status, failed = _nbval([discipline, overview])
    assert status != 0
    assert failed == expected  # nothing in 01_overview depends on leaflets


def test_regression_gate_passes_on_the_recorded_goldens_unchanged(tmp_path):
    # The notebooks name their report relative to their folder (../data/reports/...), as in the repository.
    (tmp_path / "data").symlink_to(DATA)
    (tmp_path / "goldens").mkdir()
    copies = [shutil.copy2(g, tmp_path / "goldens" / g.name) for g in GOLDEN_FILES[:2]]
    status, failed = _nbval([Path(c) for c in copies])
    assert status == 0 and not failed


def _digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    """A site built once by the full pipeline (gate included) into a temporary target."""
    target = tmp_path_factory.mktemp("site") / "html"
    executions = build([DATA / "reports" / "linjiang-2021.yaml"], ["zh"], target)
    return target, executions["zh"]


def test_the_pipeline_publishes_every_page_and_a_status_page(published):
    target, executions = published
    pages = {p.name for p in (target / "zh" / "book").glob("*.html")}
    # Every notebook but the comparison, which needs several reports.
    assert pages == {nb.with_suffix(".html").name for nb in notebooks() if "comparison" not in nb.name} | {
        "teachers_guide.html"}
    assert (target / "index.html").exists() and not (target / "en").exists()
    status = (target / "zh" / "status.html").read_text(encoding="utf-8")
    for ex in executions:
        assert ex.source.name in status and f"{ex.seconds:.1f}" in status
    for software in ("papermill", "nbval", "jupyter-book", "altair", "vega-lite"):
        assert software in status
    assert "通过" in status


def test_a_gate_failure_leaves_the_published_site_byte_identical(published, tmp_path):
    target, _ = published
    before = _digest(target)
    # A goldens folder of one tampered notebook: the gate re-executes only what the folder holds.
    goldens = tmp_path / "goldens"
    goldens.mkdir()
    tampered = goldens / "05_discipline.ipynb"
    tampered.write_text((GOLDENS / tampered.name).read_text(encoding="utf-8").replace("6.8万", "6.9万"), encoding="utf-8")
    with pytest.raises(BuildError, match=r"05_discipline\.ipynb Cell \d+ \(page\.") as caught:
        build([DATA / "reports" / "linjiang-2021.yaml"], ["zh"], target, goldens=goldens)
    assert "regression gate" in str(caught.value)
    assert _digest(target) == before


def test_the_gate_runs_the_goldens_the_book_does_not_and_fails_on_them(published, tmp_path, monkeypatch):
    # A book of one report has no comparison page, but its golden is run beside the book's
    # notebooks and compared like the rest: a changed recorded output stops the build.
    from villagebook import gate as pipeline

    target, _ = published
    before = _digest(target)
    goldens = tmp_path / "goldens"
    shutil.copytree(GOLDENS, goldens)
    comparison = goldens / "09_comparison.ipynb"
    text = comparison.read_text(encoding="utf-8")
    assert "47.86" in text  # Jiaxiang's average age, on the comparison page
    comparison.write_text(text.replace("47.86", "47.87"), encoding="utf-8")
    monkeypatch.setattr(pipeline, "GOLDENS", goldens)
    with pytest.raises(BuildError, match=r"09_comparison\.ipynb Cell \d+ \(comparison\.") as caught:
        build([DATA / "reports" / "linjiang-2021.yaml"], ["zh"], target)
    assert "01_overview" not in str(caught.value)
    assert _digest(target) == before


def test_a_failing_cell_names_notebook_and_cell_and_leaves_the_site(published, tmp_path):
    target, _ = published
    before = _digest(target)
    book = tmp_path / "book"
    book.mkdir()
    nb = nbformat.read(ROOT / "book" / "02_organisation.ipynb", as_version=4)
    nb.cells[5].source = "raise RuntimeError('a broken chart')"
    nbformat.write(nb, book / "02_organisation.ipynb")
    with pytest.raises(BuildError, match=r"02_organisation\.ipynb: cell 5 .*RuntimeError: a broken chart"):
        build([DATA / "reports" / "linjiang-2021.yaml"], ["zh"], target, book=book, run_gate=False)
    assert _digest(target) == before


def test_a_jupyter_book_warning_stops_the_build_with_its_line_and_log_and_leaves_the_site(published, tmp_path):
    # Jupyter Book runs in processes forked from the build's: what it says must still reach the
    # build's log, and a warning in it must still stop the build.
    target, _ = published
    before = _digest(target)
    book = tmp_path / "book"
    shutil.copytree(ROOT / "book", book)
    (tmp_path / "data").symlink_to(DATA)  # the guide reads an example report from ../data
    nb = nbformat.read(book / "03_candidates.ipynb", as_version=4)
    nb.cells.append(nbformat.v4.new_markdown_cell("See {ref}`no-such-label`."))
    nbformat.write(nb, book / "03_candidates.ipynb")
    with pytest.raises(BuildError, match=r"^jupyter-book: .*WARNING: .*no-such-label.* \(full log: (.+)\)$") as caught:
        build([DATA / "reports" / "linjiang-2021.yaml"], ["zh"], target, book=book, run_gate=False)
    log = Path(re.search(r"\(full log: (.+)\)$", str(caught.value)).group(1))
    text = log.read_text(encoding="utf-8")
    # The whole of what Jupyter Book said: its warning, with the page it was on.
    assert re.search(r"03_candidates.*WARNING: .*no-such-label", text)
    assert _digest(target) == before


def test_gate_error_without_goldens_says_how_to_record_them(tmp_path):
    with pytest.raises(BuildError, match="make goldens"):
        gate(tmp_path)


def test_build_command_fails_in_one_line_on_a_bad_report(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("format: nope\n", encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "villagebook", "build", "--report", str(bad),
                             "--out", str(tmp_path / "site")], capture_output=True, text=True, cwd=ROOT, check=False)
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and result.stderr.startswith(f"error: {bad}")
    assert not (tmp_path / "site").exists()


def test_another_countys_book_is_gated_by_its_own_goldens(tmp_path, monkeypatch, capsys):
    from villagebook import build as pipeline, execute, gate as goldens_gate, kernels

    monkeypatch.setattr(goldens_gate, "GOLDENS", tmp_path / "goldens")
    report = tmp_path / "tongguan-2021.yaml"
    report.write_bytes((DATA / "reports" / "tongguan-2021.yaml").read_bytes())
    site = tmp_path / "site"
    # No goldens yet: lax (every cell ran), said in one line with the command that records them.
    pipeline.build([report], ["zh"], site)
    out = capsys.readouterr().out
    assert "no goldens for tongguan-2021 yet" in out and "make goldens REPORT=" in out
    # Recorded from the executions the build has just cached: nothing runs again.
    with monkeypatch.context() as no_kernel:
        for module in (kernels, execute):
            no_kernel.setattr(module, "execute", lambda *args, **kwargs: pytest.fail("a golden was run again"))
        recorded = goldens_gate.refresh_goldens(report=report)
    assert {p.parent for p in recorded} == {tmp_path / "goldens" / "tongguan-2021"}
    assert len(recorded) == 8  # every page but the comparison, which needs several reports
    # Its own goldens: the build passes its gate against them.
    pipeline.build([report], ["zh"], site)
    # A changed figure now stops the build at the gate, ending with how to accept it.
    text = report.read_text(encoding="utf-8")
    report.write_text(text.replace("320", "321"), encoding="utf-8")
    before = _digest(site)
    with pytest.raises(pipeline.BuildError, match=r"outputs differ .*make goldens REPORT=.*git diff tests/goldens"):
        pipeline.build([report], ["zh"], site)
    assert _digest(site) == before
