"""The book's notebooks as text: each page is edited as a MyST Markdown notebook
(``book/NN_name.md``, read by jupytext, as QuantEcon writes its lectures), so a diff reads as
the page's code and words. papermill, nbval and Jupyter Book need ``.ipynb``: ``make notebooks``
writes ``book/NN_name.ipynb`` from each, the same bytes for the same text (cell ids are the
page's name and the cell's position), and a test holds the two to each other.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat

from villagebook import BOOK

NOTEBOOK_NAME = re.compile(r"\d\d_\w+")


def text_sources(book: Path = BOOK) -> list[Path]:
    """The notebooks' text sources, in reading order."""
    return sorted(p for p in book.glob("*.md") if NOTEBOOK_NAME.fullmatch(p.stem))


def from_text(path: Path) -> nbformat.NotebookNode:
    """The notebook a text source gives: its cells with their tags, no outputs, ids from the
    page's name ("overview-3"), and the metadata a kernel and the build read."""
    import jupytext  # only here: the build, which lists the sources, does not read them

    text = jupytext.read(path, fmt="md:myst")
    name = path.stem.split("_", 1)[1]
    cells = []
    for index, cell in enumerate(text.cells):
        metadata = {"tags": cell.metadata["tags"]} if cell.metadata.get("tags") else {}
        if cell.cell_type == "code":
            made = nbformat.v4.new_code_cell(cell.source, metadata=metadata)
        else:
            made = nbformat.v4.new_markdown_cell(cell.source, metadata=metadata)
        made["id"] = f"{name}-{index}"
        cells.append(made)
    metadata = {"kernelspec": text.metadata["kernelspec"], "language_info": {"name": "python"}}
    if "villagebook" in text.metadata:  # what the build reads besides the report (08: its example)
        metadata["villagebook"] = text.metadata["villagebook"]
    return nbformat.v4.new_notebook(cells=cells, metadata=metadata)


def write_notebooks(book: Path = BOOK, *, check: bool = False) -> list[Path]:
    """Write each text source's ``.ipynb`` beside it where it differs; return those that differed
    (with ``check``, write nothing: a stale one is then an error for the caller to report)."""
    stale = []
    for source in text_sources(book):
        target = source.with_suffix(".ipynb")
        wanted = nbformat.writes(from_text(source)) + "\n"
        if not target.exists() or target.read_text(encoding="utf-8") != wanted:
            stale.append(target)
            if not check:
                target.write_text(wanted, encoding="utf-8")
    return stale
