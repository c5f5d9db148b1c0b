"""The regression gate: every notebook's outputs against its golden (tests/goldens/), compared by
nbval's own comparison (``IPyNbCell.compare_outputs``), the one ``make test`` runs through
``pytest --nbval``; tests/test_gate.py feeds both the same pairs and expects the same verdicts.

A golden is also stale when its cells are no longer the notebook's (the notebook was edited
and its golden not recorded again): nbval would then run the golden's old code and pass.
Every target that publishes or passes a page checks that first (``stale_goldens``).
"""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from types import SimpleNamespace

import nbformat

from villagebook import BOOK, DEFAULT_REPORT, ROOT
from villagebook.cache import CACHE, package_digest, tree_digest
from villagebook.errors import BuildError
from villagereport.report import load_report

# nbval, papermill and the kernels are imported where they are used: a build that finds its
# site up to date reads GOLDENS, and only that, from this module.

GOLDENS = ROOT / "tests" / "goldens"
# Metadata that changes from run to run without any output changing.
VOLATILE_CELL_METADATA = ("papermill", "execution")
VOLATILE_NOTEBOOK_METADATA = ("papermill",)
# What nbval leaves out of a comparison (nbval.plugin.IPyNbFile's skip_compare, without
# --nbdime): tests/test_gate.py checks that both paths give the same verdicts.
NBVAL_SKIP = ("metadata", "traceback", "prompt_number", "output_type", "name", "execution_count",
              "application/vnd.jupyter.widget-view+json", "image/png", "image/jpeg")


def accept_hint(report: Path | None = None) -> str:
    """The command that accepts a deliberate change, for the end of a gate's error."""
    arg = "" if report is None else f" REPORT={os.path.relpath(report, ROOT)}"
    return f"if the change is deliberate, record it with `make goldens{arg}` and review `git diff tests/goldens`"


def _cells(nb: nbformat.NotebookNode) -> list[tuple[str, str, list]]:
    return [(c.cell_type, c.source, c.metadata.get("tags", [])) for c in nb.cells]


def stale_goldens(goldens: Path | None = None, book: Path = BOOK) -> list[str]:
    """The goldens whose cells are not their notebook's any more, or that are missing or left
    over, as one line each."""
    goldens = GOLDENS if goldens is None else goldens
    sources = {p.name: p for p in sorted(book.glob("[0-9][0-9]_*.ipynb"))}  # villagebook.stage.notebooks
    recorded = {p.name: p for p in sorted(goldens.glob("*.ipynb"))}
    stale = [f"{name} (no golden)" for name in sources if name not in recorded]
    stale += [f"{name} (no such notebook)" for name in recorded if name not in sources]
    stale += [f"{name} (its cells are not the notebook's)" for name, path in recorded.items() if name in sources
              and _cells(nbformat.read(path, as_version=4)) != _cells(nbformat.read(sources[name], as_version=4))]
    return stale


def check_goldens(goldens: Path | None = None, book: Path = BOOK) -> None:
    """Refuse, in one line, goldens that are stale (``stale_goldens``)."""
    stale = stale_goldens(goldens, book)
    if stale:
        raise BuildError(f"regression gate: stale goldens: {'; '.join(stale)}; {accept_hint()}")


def _cell():  # type: ignore[no-untyped-def]
    """What nbval's ``IPyNbCell.compare_outputs`` reads of the cell it is a method of: its
    file's skips and sanitizing patterns (none: the book's outputs are deterministic), the
    colours of its messages (none), and where it explains a difference."""
    from nbval.plugin import IPyNbCell, nocolors

    class Cell:
        colors = nocolors
        sanitize = IPyNbCell.sanitize
        compare_outputs = IPyNbCell.compare_outputs

        def __init__(self) -> None:
            self.parent = SimpleNamespace(skip_compare=NBVAL_SKIP, sanitize_patterns={})
            self.comparison_traceback: list[str] = []

        def format_output_compare(self, key: str, left: object, right: object) -> None:
            # nbval's explains the difference through pytest's hooks; the gate names the cell.
            self.comparison_traceback.append(key)

    return Cell()


def same_outputs(ran: list, recorded: list) -> bool:
    """Whether a cell's outputs are its golden's, as nbval decides it (streams joined first,
    as nbval joins what it receives and what it reads)."""
    from nbval.plugin import coalesce_streams

    return _cell().compare_outputs(coalesce_streams([nbformat.from_dict(o) for o in ran]),
                                   coalesce_streams([nbformat.from_dict(o) for o in recorded]))


def compare_with_goldens(executed: list[Path], goldens: Path | None = None) -> None:
    """The gate on executions already made (as papermill wrote them): every output of every
    code cell against its golden's, by nbval's comparison; fail naming each cell that differs."""
    goldens = GOLDENS if goldens is None else goldens
    failed = []
    for path in executed:
        golden_path = goldens / path.name
        if not golden_path.exists():
            failed.append(f"{path.name} (no golden; record it with `make goldens`)")
            continue
        # papermill's injected parameters cell has no outputs, and nbval does not number it.
        golden = [c for c in nbformat.read(golden_path, as_version=4).cells
                  if c.cell_type == "code" and "injected-parameters" not in c.metadata.get("tags", [])]
        ran = {c.get("id"): c for c in nbformat.v4.reads(path.read_text(encoding="utf-8")).cells if c.cell_type == "code"}
        for number, cell in enumerate(golden):
            fresh = ran.get(cell.get("id"))
            if fresh is None or not same_outputs(fresh.get("outputs", []), cell.get("outputs", [])):
                first = cell.source.splitlines()[0] if cell.source else "?"
                failed.append(f"{path.name} Cell {number} ({first})")
    if failed:
        hint = accept_hint() if goldens == GOLDENS else "record them again after a deliberate change"
        raise BuildError(f"regression gate: outputs differ from the goldens in {'; '.join(failed)}; {hint}")


def normalise(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Drop run timestamps and durations so a golden changes only when an output does."""
    for key in VOLATILE_NOTEBOOK_METADATA:
        nb.metadata.pop(key, None)
    nb.metadata.get("language_info", {}).pop("version", None)
    for cell in nb.cells:
        for key in VOLATILE_CELL_METADATA:
            cell.metadata.pop(key, None)
    return nb


def report_goldens(report: Path) -> Path:
    """Where a report's goldens live: tests/goldens/ for the default, tests/goldens/<id>/ else."""
    if report.resolve() == DEFAULT_REPORT.resolve():
        return GOLDENS
    return GOLDENS / load_report(report).id


def refresh_goldens(report: Path | None = None) -> list[Path]:
    """Record each notebook's outputs as its golden: for the default parameters, or, with
    ``report``, for that report in Chinese into tests/goldens/<id>/."""
    from villagebook.kernels import book_kernels

    return book_kernels(_refresh_goldens)(report)


def _refresh_goldens(report: Path | None) -> list[Path]:
    from villagebook.execute import execute, run_job
    from villagebook.stage import Job, notebooks, parameters_for

    target = GOLDENS
    if report is not None:
        load_report(report)  # a bad file stops here, in one line
        target = report_goldens(report)
    target.mkdir(parents=True, exist_ok=True)
    written = []
    with tempfile.TemporaryDirectory() as scratch:
        for source in notebooks():
            executed = Path(scratch) / source.name
            if report is not None and report.resolve() != DEFAULT_REPORT.resolve():
                parameters = parameters_for(source, [report.resolve()], "zh")
                if parameters is None:
                    continue
                # As the build runs the page for this report's Chinese edition: where a build has
                # just run it, its cached execution is that run, and nothing runs again.
                run_job(Job(source, executed, parameters, (report.resolve(),)), use_cache=True, hide=False)
            else:
                # The golden runs exactly the source cells, with their defaults, in this process's
                # warm kernel (put back as a fresh one before each notebook).
                execute(source, executed, None, warm=True)
            nbformat.write(normalise(nbformat.read(executed, as_version=4)), target / source.name)
            written.append(target / source.name)
    return written


NBVAL_FAILURE = re.compile(r"^FAILED (\S+\.ipynb)::(Cell \d+)", re.MULTILINE)


def _code_cell_line(path: Path, cell: str) -> str:
    """The first line of nbval's "Cell N" (N counts code cells only), to say which it was."""
    try:
        code = [c for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"]
        return code[int(cell.split()[1])].source.splitlines()[0]
    except (OSError, IndexError, ValueError):
        return "?"


def gate(goldens: Path | None = None, *, use_cache: bool = False) -> None:
    """Re-execute the goldens with nbval; fail naming each notebook and cell whose outputs changed.

    With ``use_cache``, a gate that passed on byte-identical goldens, notebooks, data and code
    is not run again: the same inputs give the same outputs.
    """
    goldens = GOLDENS if goldens is None else goldens
    paths = sorted(goldens.glob("*.ipynb"))
    if not paths:
        raise BuildError(f"regression gate: no goldens in {goldens}; record them with `make goldens`")
    key = hashlib.sha256("".join([tree_digest(goldens), tree_digest(BOOK), tree_digest(ROOT / "data"),
                                  package_digest(), *[p.name for p in paths]]).encode()).hexdigest()
    passed = CACHE / f"gate-{key}.passed"
    if use_cache and passed.exists():
        return
    command = [sys.executable, "-m", "pytest", "--nbval", "--nbval-current-env", "-p", "no:cacheprovider",
               "-q", "-rf", "--no-header", "-o", "addopts=", "-o", "testpaths=", *map(str, paths)]
    from villagereport.render import LIBRARY_ENV

    # The book's kernels: their pages load the chart library (villagebook.kernels.book_kernels).
    result = subprocess.run(command, capture_output=True, text=True, check=False, cwd=ROOT,
                            env={**os.environ, LIBRARY_ENV: "site"})
    if result.returncode == 0:
        if use_cache:
            CACHE.mkdir(parents=True, exist_ok=True)
            passed.write_text("nbval passed\n", encoding="utf-8")
        return
    failed = [f"{Path(nb).name} {cell} ({_code_cell_line(ROOT / nb, cell)})"
              for nb, cell in NBVAL_FAILURE.findall(result.stdout)]
    log = ROOT / "_build" / "nbval.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    log.write_text(result.stdout + result.stderr, encoding="utf-8")
    where = "; ".join(failed) if failed else f"pytest exit status {result.returncode}"
    raise BuildError(f"regression gate: outputs differ from the goldens in {where} (details: {log}); {accept_hint()}")


def gate_report(report: Path, raw: dict[str, Path]) -> None:
    """The gate for a report other than the default: its Chinese edition's executions (``raw``,
    by notebook name, as papermill wrote them) against its own goldens; where it has none yet,
    lax (every cell ran without error) and said in one line."""
    goldens = report_goldens(report)
    runs = [path for name, path in raw.items() if (goldens / name).exists()]
    if not goldens.is_dir() or not runs:
        print(f"regression gate: no goldens for {load_report(report).id} yet, so only checked that every cell "
              f"ran without error; record them with `make goldens REPORT={os.path.relpath(report, ROOT)}`")
        return
    try:
        compare_with_goldens(runs, goldens)
    except BuildError as err:
        raise BuildError(f"{err}; {accept_hint(report)}") from err
