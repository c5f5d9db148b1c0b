"""Run a book notebook's own cells in this process, as a kernel would, and keep what they show.

A kernel adds nothing to what the page scan, the chart tests and the report × language matrix
check (the text and specs a page shows), so they run the notebooks' code here: the same cells,
seconds for every report. The real runs stay where a kernel is what is tested: the goldens
(nbval), one papermill run of every notebook in test_notebooks, the builds and the classroom copies.
"""

from __future__ import annotations

import ast
import contextlib
import io
import warnings
from functools import cache
from pathlib import Path

from unittest import mock

import nbformat
from IPython.core.formatters import DisplayFormatter

from villagereport import notebook, render
from villagereport.report import Report, load_report
from villagereport.sections import PAGE_STEMS

BOOK = Path(__file__).resolve().parent.parent / "book"
STEMS = PAGE_STEMS


@cache
def _cells(stem: str) -> tuple[tuple[str, tuple[str, ...], object, object], ...]:
    """Each code cell: its source, tags, and its code compiled once (all but a last expression,
    and that expression, whose value the cell shows), as a kernel would run it."""
    nb = nbformat.read(BOOK / f"{stem}.ipynb", as_version=4)
    cells = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        tree = ast.parse(cell.source)
        last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
        body = compile(tree, f"<{stem}>", "exec")
        shown = compile(ast.Expression(last.value), f"<{stem}>", "eval") if last is not None else None
        cells.append((cell.source, tuple(cell.metadata.get("tags", [])), body, shown))
    return tuple(cells)


def run(section: str, report: str | Path | None, lang: str, loaded: Report | None = None,
        namespace: dict | None = None) -> list[tuple[str, object]]:
    """Each output of the section's notebook as (the source of the cell that showed it, output).

    ``loaded``: the report at ``report`` already loaded, which the page then uses instead of
    reading the file again (the scan reads every page of a report; the file does not change).
    ``namespace``: the notebook's names, as they are after its last cell (``page``...).
    """
    if loaded is not None:
        with mock.patch.object(notebook, "load_report", lambda path: loaded if Path(path) == loaded.path
                               else load_report(path)):
            return run(section, report, lang, namespace=namespace)
    shown: list[tuple[str, object]] = []
    namespace = {} if namespace is None else namespace
    namespace["__name__"] = "__main__"
    for source, tags, body, last in _cells(STEMS[section]):
        namespace["display"] = lambda value, _source=source: shown.append((_source, value))
        exec(body, namespace)  # noqa: S102 - the book's own cells
        if last is not None:
            value = eval(last, namespace)  # noqa: S307
            if value is not None:
                shown.append((source, value))
        if "parameters" in tags:
            namespace.update(report=None if report is None else str(report), lang=lang)
    return shown


def outputs(section: str, report: str | Path, lang: str) -> tuple[list[dict], str]:
    """What a kernel would send for each output (its MIME bundle, made by IPython's own display
    formatter), and whatever the cells wrote to stdout or stderr, warnings included."""
    formatter = DisplayFormatter()
    written = io.StringIO()
    # The words, specs and HTML a page shows are read here; a chart's drawing (vl-convert, a
    # tenth of a second each) is left out, and tested where pages are built and shown: the
    # goldens, tests/test_static_charts.py, and the hostile book in chromium (tests/test_hostile.py).
    with contextlib.redirect_stdout(written), contextlib.redirect_stderr(written), \
            warnings.catch_warnings(record=True) as caught, mock.patch.object(render, "static_svg", lambda spec, element: ""):
        # As in a kernel: warnings shown once per place, deprecations only from the notebook's own code.
        warnings.simplefilter("default")
        warnings.filterwarnings("ignore", category=DeprecationWarning)
        warnings.filterwarnings("default", category=DeprecationWarning, module="__main__")
        bundles = [formatter.format(value)[0] for _, value in run(section, report, lang)]
    for warning in caught:
        written.write(f"{warning.filename}:{warning.lineno}: {warning.category.__name__}: {warning.message}\n")
    return bundles, written.getvalue()
