"""Student and teacher notebooks from the book's sources, and printable handouts."""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from pathlib import Path

import nbformat
from papermill.parameterize import parameterize_notebook

from villagereport import comments
from villagereport.notebook import TITLE_MARKER
from villagereport.wording import fill, strings

SOLUTION_TAG = "solution"
EXERCISE_TAG = "exercise"
# A line ending with this marker is a solution line: student copies drop it.
SOLUTION_LINE = "# solution"
# The cell that poses an exercise names it: ``<name> = page.exercise("<id>", ...)``.
POSED = re.compile(r"^(\w+) = page\.exercise\(\"(\w+)\"", re.MULTILINE)


@dataclass(frozen=True)
class Posed:
    """An exercise a page poses for the report a student's copy is made with."""

    number: int
    seal: str  # its answer, sealed (villagereport.exercises.Exercise.seal)
    question: str  # the question's HTML, shown in the copy before anything is run
    yes_no: bool = False  # the question asks yes or no

    @classmethod
    def of(cls, exercise) -> Posed:  # type: ignore[no-untyped-def]
        """The exercise as the build poses it: its number, seal, question and kind."""
        return cls(exercise.number, exercise.seal(), exercise.question().data, exercise.yes_no)


def _is_solution(cell: nbformat.NotebookNode) -> bool:
    return SOLUTION_TAG in cell.metadata.get("tags", [])


def _blank(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    nb = copy.deepcopy(nb)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    return nb


def _numbered(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    for index, cell in enumerate(nb.cells):
        cell.id = f"cell-{index}"  # ids stable from build to build, unique in the notebook
    return nb


def teacher(source: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The notebook as it is, each exercise's solution cell (its pandas) included, outputs
    cleared for running afresh."""
    return _numbered(_blank(source))


def student(source: nbformat.NotebookNode, lang: str = "zh", posed: dict[str, Posed] | None = None,
            report_file: str = "") -> nbformat.NotebookNode:
    """The notebook without its solutions; for each exercise the page poses for the copy's
    report (``posed``, by id), its question shown before anything is run, then a cell to work
    in and a cell that checks the answer against its seal; and, under the title, how to use the
    copy (with ``report_file``, the report file to save beside it)."""
    nb = _blank(source)
    nb.cells = [c for c in nb.cells if not _is_solution(c)]
    for cell in nb.cells:
        if cell.cell_type == "code" and SOLUTION_LINE in cell.source:
            cell.source = "\n".join(line for line in cell.source.splitlines()
                                    if not line.rstrip().endswith(SOLUTION_LINE))
    words = strings(lang)["exercises"]
    cells = []
    for cell in nb.cells:
        cells.append(cell)
        asked = POSED.search(cell.source) if EXERCISE_TAG in cell.metadata.get("tags", []) else None
        if asked and asked.group(2) in (posed or {}):
            exercise = posed[asked.group(2)]
            cell.outputs = [nbformat.v4.new_output("display_data", data={"text/html": exercise.question})]
            cells.append(nbformat.v4.new_code_cell(fill(words["work_cell"], number=exercise.number)))
            check = words["check_cell_yes_no" if exercise.yes_no else "check_cell"]
            cells.append(nbformat.v4.new_code_cell(fill(check, name=asked.group(1), seal=exercise.seal)))
    if posed and report_file:
        title = next((i for i, c in enumerate(cells) if c.cell_type == "markdown"), -1)
        cells.insert(title + 1, nbformat.v4.new_markdown_cell(fill(words["student_intro"], report_file=report_file)))
    nb.cells = cells
    return _numbered(nb)


def drift(source: nbformat.NotebookNode, student_nb: nbformat.NotebookNode, teacher_nb: nbformat.NotebookNode,
          lang: str = "zh", posed: dict[str, Posed] | None = None, report_file: str = "") -> list[str]:
    """Where generated copies no longer match their source; empty when they match."""
    problems = []
    if [(c.cell_type, c.source) for c in teacher_nb.cells] != [(c.cell_type, c.source) for c in teacher(source).cells]:
        problems.append("the teacher notebook's cells differ from the source's")
    expected_student = [(c.cell_type, c.source) for c in student(source, lang, posed, report_file).cells]
    if [(c.cell_type, c.source) for c in student_nb.cells] != expected_student:
        problems.append("the student notebook's cells differ from the source's less its solutions")
    if any(_is_solution(c) or SOLUTION_LINE in c.source for c in student_nb.cells):
        problems.append("the student notebook holds a solution")
    return problems


def with_parameters(nb: nbformat.NotebookNode, values: dict[str, str]) -> nbformat.NotebookNode:
    """The notebook with ``values`` (the book's report and language) injected after its
    parameters cell, as papermill injects them when it runs a notebook (its
    ``parameterize_notebook``): the cell of defaults, with its comments, stays above."""
    nb = copy.deepcopy(nb)
    # What papermill's own loading gives a notebook before it parameterizes it.
    untagged = [cell for cell in nb.cells if "tags" not in cell.metadata]
    for cell in untagged:
        cell.metadata["tags"] = []
    nb.metadata.setdefault("papermill", {})
    nb = parameterize_notebook(nb, values, comment="The book's report and language")
    for cell in untagged:
        if not cell.metadata["tags"]:
            del cell.metadata["tags"]
    for cell in nb.cells:
        if "injected-parameters" in cell.metadata.get("tags", []):
            cell["id"] = "injected-parameters"  # papermill draws a random one: the same copy each time
    del nb.metadata["papermill"]
    return nb


def with_comments_in(nb: nbformat.NotebookNode, lang: str) -> nbformat.NotebookNode:
    """The notebook with its code comments in ``lang`` (where its comment catalogue has them)."""
    nb = copy.deepcopy(nb)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.source = comments.in_language(cell.source, lang)
    return nb


def with_title(nb: nbformat.NotebookNode, title: str) -> nbformat.NotebookNode:
    """The notebook with its heading as plain text: a downloaded copy opens with its title,
    not the marker the book's build fills in when the page runs."""
    nb = copy.deepcopy(nb)
    for cell in nb.cells:
        if cell.cell_type == "markdown" and TITLE_MARKER in cell.source:
            cell.source = cell.source.replace(TITLE_MARKER, title)
    return nb


def write_copies(sources: list[Path], target: Path, *, parameters: dict[str, str] | None = None,
                 posed: dict[str, dict[str, Posed]] | None = None,
                 titles: dict[str, str] | None = None) -> list[Path]:
    """Write student/ and teacher/ copies of each notebook that has solutions, under ``target``.

    With ``parameters`` (report, lang), the copies open the book's own report and language;
    ``posed`` (notebook name -> exercise id -> Posed) gives the student's copies the question
    and a check for each exercise the page poses for that report; ``titles`` (notebook name
    -> title) replace the book's heading marker with plain text.
    """
    written = []
    for path in sources:
        source = nbformat.read(path, as_version=4)
        if not any(_is_solution(c) for c in source.cells):
            continue
        if parameters:
            source = with_parameters(source, parameters)
        if titles and path.name in titles:
            source = with_title(source, titles[path.name])
        lang = (parameters or {}).get("lang", "zh")
        source = with_comments_in(source, lang)
        asked = (posed or {}).get(path.name)
        report_file = (parameters or {}).get("report", "")
        def for_student(nb, lang=lang, asked=asked, report_file=report_file):  # type: ignore[no-untyped-def]
            return student(nb, lang, asked, report_file)

        for kind, make in (("student", for_student), ("teacher", teacher)):
            out = target / kind / path.name
            out.parent.mkdir(parents=True, exist_ok=True)
            nbformat.write(make(source), out)
            written.append(out)
        problems = drift(source, nbformat.read(target / "student" / path.name, as_version=4),
                         nbformat.read(target / "teacher" / path.name, as_version=4), lang, asked, report_file)
        if problems:
            msg = f"{path.name}: {'; '.join(problems)}"
            raise ValueError(msg)
    return written


CHROMIUM = "/usr/bin/chromium"  # Debian's, driven by Playwright
# Chromium quiet and offline (the handouts here, the browser tests too). Without the first flags
# it phones home. Its network ends at a proxy that is not there: every request that is not to
# this machine fails there. (Playwright's request routing would do the same at a round trip
# through Python per request, with the browser's cache turned off: 40% more time a page.)
OFFLINE_CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                         "--disable-background-networking", "--disable-component-update", "--disable-sync",
                         "--disable-default-apps", "--disable-extensions", "--proxy-server=http://127.0.0.1:9"]


# A4 less the handout's side margins (12 mm each), in CSS pixels: the charts are drawn at the
# width they print at, so their text prints at its own size (11 px: 8.25 pt), not shrunk.
PRINT_WIDTH = round((210 - 2 * 12) / 25.4 * 96)
# The smallest text of each page's charts, in points as printed (villagebook.classroom.handouts).
# A chart drawn wider than the paper's text is shrunk to it when printed.
_CHART_TEXT_POINTS = """paper => Math.min(...Array.from(document.querySelectorAll('.vb-chart svg.marks')).flatMap(svg => {
  const width = parseFloat(svg.getAttribute('width'));
  const scale = Math.min(svg.getBoundingClientRect().width / width, paper / width);
  return Array.from(svg.querySelectorAll('text')).map(t => parseFloat(getComputedStyle(t).fontSize) * scale * 0.75);
}))"""


def handouts(site: Path, out: Path, *, solutions: bool, langs: tuple[str, ...] | None = None,
             chart_text: dict[Path, float] | None = None) -> list[Path]:
    """Print each section page of ``site`` to a PDF with headless chromium, as the browser tests
    drive it: of ``langs``' editions, or of every edition the site has. Without ``solutions``,
    each exercise leaves ruled space to write the answer in. ``chart_text`` receives each
    PDF's smallest chart text, in points."""
    from playwright.sync_api import sync_playwright

    # A handout needs nothing from the network, not even this machine's.
    args = [*OFFLINE_CHROMIUM_ARGS, "--proxy-bypass-list=<-loopback>"]
    written = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=args)
        page = browser.new_page(viewport={"width": PRINT_WIDTH, "height": 1000})
        for lang in langs or sorted(p.parent.name for p in site.glob("*/INDEX.html")):
            for html_page in sorted((site / lang / "book").glob("0[1-7]_*.html")):
                page.goto(html_page.resolve().as_uri(), wait_until="load")
                page.wait_for_function("(window.vbCharts && window.vbCharts.load(), true)")  # the library, as a reader reaching for a chart loads it (survives a redirect)
                page.wait_for_function("Array.from(document.querySelectorAll('.vb-chart'))"
                                       ".every(el => el.dataset.rendered === 'true')", timeout=20000)
                if solutions:
                    page.evaluate("document.querySelectorAll('details.vb-solution').forEach(d => d.open = true)")
                else:
                    page.evaluate("document.documentElement.classList.add('vb-write-here')")  # _static/print.css
                target = out / lang / (html_page.stem + ("-solutions" if solutions else "") + ".pdf")
                target.parent.mkdir(parents=True, exist_ok=True)
                page.emulate_media(media="print")
                if chart_text is not None and page.query_selector(".vb-chart svg.marks"):
                    chart_text[target] = page.evaluate(_CHART_TEXT_POINTS, PRINT_WIDTH)
                page.pdf(path=str(target), format="A4", print_background=True,
                         margin={"top": "15mm", "bottom": "15mm", "left": "12mm", "right": "12mm"})
                written.append(target)
        browser.close()
    return written
