"""Run the book's notebooks with papermill once per session and share the results."""

from __future__ import annotations

import json
import os
from pathlib import Path

import nbformat

from conftest import ROOT
from villagebook.kernels import execute

BOOK = ROOT / "book"
NOTEBOOKS = sorted(BOOK.glob("[0-9][0-9]_*.ipynb"))


def run(notebook: Path, out: Path, *, cwd: Path = BOOK, **parameters: object) -> nbformat.NotebookNode:
    """Execute ``notebook`` in a real kernel, in folder ``cwd``, with ``parameters``; return the
    executed notebook.

    The kernel is the build's warm one (reset before each notebook, cells numbered as a fresh
    kernel's: test_speed shows the outputs are a fresh kernel's), so the tests do not pay a
    kernel start and the imports for every run.
    """
    execute(notebook, out, parameters, warm=True, cwd=cwd)
    return nbformat.read(out, as_version=4)


def outputs_text(nb: nbformat.NotebookNode) -> str:
    """Everything the notebook displayed, as one string (markdown, html, plain text)."""
    parts = []
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            for mime, data in output.get("data", {}).items():
                if mime.startswith(("text/", "application/papermill")):
                    parts.append(data if isinstance(data, str) else json.dumps(data, ensure_ascii=False))
    return "\n".join(parts)


def outputs_json(nb: nbformat.NotebookNode) -> str:
    """The outputs of every cell, canonically serialised, for byte-for-byte comparison."""
    return json.dumps([c.get("outputs", []) for c in nb.cells], sort_keys=True, ensure_ascii=False)


def report_arg(path: Path) -> str:
    """A report parameter as the build passes it: relative to the book folder."""
    return os.path.relpath(path, BOOK)
