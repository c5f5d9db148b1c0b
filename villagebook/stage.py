"""Stage an edition: lay out its Jupyter Book source, and say which notebooks to run into it;
and make an executed notebook a page (its title, its downloads, its parameters kept off it)."""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import yaml

from villagebook import BOOK, ROOT
from villagebook.classroom import Posed, write_copies
from villagebook.edition import book_config, book_page, declared_parameters, landing_page, table_of_contents
from villagebook.kernels import read_notebook, write_notebook
from villagebook.sources import text_sources
from villagebook.stories import told_book
from villagereport import comments, render
from villagereport.furniture import furniture
from villagereport.notebook import DOWNLOADS_MARKER, TITLE_MARKER, TITLE_MIME
from villagereport.pages import Page
from villagereport.report import load_report
from villagereport.sections import PAGE_STEMS
from villagereport.wording import escape_markdown, strings

# What Jupyter Book needs beside the executed notebooks.
# (_config.yml, _toc.yml and INDEX.md are written per edition by villagebook.edition.)
BOOK_DIRS = ("_static",)
# A section page's section (overview) by its notebook's name (01_overview).
SECTION_OF = {stem: section for section, stem in PAGE_STEMS.items()}


def notebooks(book: Path = BOOK) -> list[Path]:
    """The book's notebook sources, in reading order."""
    return sorted(book.glob("[0-9][0-9]_*.ipynb"))


def downloads_html(notebook: str, report_file: str, lang: str) -> str:
    """The line under a page offering its student and teacher notebooks, and the report file
    they open, where the site keeps them (``_static/notebooks/``, written by ``stage``)."""
    words = strings(lang)["exercises"]
    links = [{"name": f"{kind}-{notebook}", "href": f"../_static/notebooks/{kind}/{notebook}", "text": words[kind]}
             for kind in ("student", "teacher")]
    links.append({"name": report_file, "href": f"../_static/notebooks/student/{quote(report_file)}",
                  "text": words["report_file"]})
    return furniture("downloads.html", label=words["downloads"], colon=strings(lang)["page"]["label_colon"], links=links)


def finish_page(path: Path, downloads: str = "", lang: str = "") -> None:
    """Make an executed notebook a page: its title, which the page announced when it ran (an
    output of type TITLE_MIME), written into its heading; ``downloads`` (HTML) where the page
    offers its notebooks (DOWNLOADS_MARKER); its code's comments in the edition's ``lang``
    (the code a reader opens under "show the code"); the default and papermill's injected
    parameter cells kept off the reader's page (a report id and a language code are the
    notebook's, not the reader's); and cells that showed nothing."""
    nb = read_notebook(path)
    for cell in nb.cells:
        source = cell.source
        if lang and cell["cell_type"] == "code":
            cell["source"] = comments.in_language(source, lang)
        if downloads and cell["cell_type"] == "markdown" and source.strip() == DOWNLOADS_MARKER:
            cell["source"] = downloads  # raw HTML, as the page shows it
        announced = [o for o in cell.get("outputs", []) if TITLE_MIME in o.get("data", {})]
        if announced:
            cell["outputs"] = [o for o in cell["outputs"] if o not in announced]
            title = escape_markdown(announced[-1]["data"][TITLE_MIME]["title"])
            for heading in nb.cells:
                if heading.cell_type == "markdown":
                    heading.source = heading.source.replace(TITLE_MARKER, title)
    for cell in nb.cells:
        tags = cell["metadata"].get("tags", [])
        # A cell whose input is hidden or removed and that showed nothing (an exercise a report
        # has no figures for) would leave an empty toggle or an empty box in the page: left off too.
        empty = cell["cell_type"] == "code" and {"hide-input", "remove-input"} & set(tags) and not cell.get("outputs")
        if ({"parameters", "injected-parameters"} & set(tags) or empty) and "remove-cell" not in tags:
            cell["metadata"]["tags"] = [*tags, "remove-cell"]
    write_notebook(nb, path)


def parameters_for(notebook: Path, reports: list[Path], lang: str) -> dict | None:
    """What to pass a notebook, by the names it declares; None to leave it out of this edition."""
    declared = declared_parameters(notebook)
    as_seen_from_book = [os.path.relpath(r, notebook.parent) for r in reports]
    values = {"report": as_seen_from_book[0], "lang": lang, "others": as_seen_from_book[1:]}
    if "others" in declared and len(reports) < 2:
        return None  # the comparison page is for several reports
    return {name: values[name] for name in declared if name in values}


@dataclass(frozen=True)
class Job:
    """One notebook to run for one edition."""

    notebook: Path
    output: Path
    parameters: dict
    reports: tuple[Path, ...]
    downloads: str = ""  # the HTML offering the page's notebooks, where it has exercises
    raw: Path | None = None  # where to keep the execution as papermill wrote it (for the gate)


def stage(reports: list[Path], lang: str, editions: list[str], stage_dir: Path, book: Path = BOOK) -> list[Job]:
    """Lay out one edition's Jupyter Book source in ``stage_dir``; return the notebooks to run into it."""
    if stage_dir.exists():
        shutil.rmtree(stage_dir)
    stage_dir.mkdir(parents=True)
    loaded = [load_report(r) for r in reports]
    for name in BOOK_DIRS:
        shutil.copytree(ROOT / name, stage_dir / name)
    # The chart library the pages load: the package's copy, which notebooks outside the book carry.
    (stage_dir / "_static" / "vendor").mkdir(parents=True, exist_ok=True)
    for name in (render.LIBRARY.name, "LICENSES.txt"):
        shutil.copy2(render.LIBRARY.parent / name, stage_dir / "_static" / "vendor" / name)
    # The figures' styles, which the notebooks outside the book use too (Jupyter Book loads every
    # style sheet in _static on every page).
    shutil.copy2(render.LIBRARY.parent / "figures.css", stage_dir / "_static" / "figures.css")
    config = book_config(lang, editions, loaded[0])
    (stage_dir / "_config.yml").write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    toc = table_of_contents(lang, comparison=len(reports) > 1)
    (stage_dir / "_toc.yml").write_text(yaml.safe_dump(toc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    pages = {page.section: page for page in told_book(loaded[0], lang)}  # each page's story and exercises
    (stage_dir / "INDEX.md").write_text(landing_page(lang, loaded[0], loaded[1:], pages.values()), encoding="utf-8")
    # The pages written in Markdown (the teacher's guide); the notebooks' text sources are not
    # pages: their .ipynb, executed, are.
    notebook_texts = set(text_sources(book))
    for page in sorted(p for p in book.glob("*.md") if p not in notebook_texts):
        (stage_dir / "book").mkdir(exist_ok=True)
        (stage_dir / "book" / page.name).write_text(book_page(page, lang, loaded[0], pages.values()),
                                                         encoding="utf-8")
    # Student and teacher copies of each page, downloadable from it. They open the book's own
    # report and language, by the report's file name: the file is offered beside them.
    copies = stage_dir / "_static" / "notebooks"
    write_copies(notebooks(book), copies, parameters={"report": reports[0].name, "lang": lang},
                 posed={f"{PAGE_STEMS[section]}.ipynb": {e.id: Posed.of(e) for e in page.exercises}
                        for section, page in pages.items()},
                 titles={f"{stem}.ipynb": Page(section, loaded[0], lang).title for section, stem in PAGE_STEMS.items()})
    for kind in ("student", "teacher"):
        shutil.copy2(reports[0], copies / kind / reports[0].name)
    jobs = []
    for notebook in notebooks(book):
        parameters = parameters_for(notebook, reports, lang)
        if parameters is not None:
            read = tuple(reports) if "others" in parameters else (reports[0],)
            section = SECTION_OF.get(notebook.stem)
            # A page offers its notebooks only where it has exercises for this report.
            downloads = (downloads_html(notebook.name, reports[0].name, lang)
                         if section and pages[section].exercises else "")
            jobs.append(Job(notebook, stage_dir / "book" / notebook.name, parameters, read, downloads))
    return jobs
