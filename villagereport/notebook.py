"""What a book notebook calls: start the kernel's setup, check parameters, open a page."""

from __future__ import annotations

from pathlib import Path

from IPython import get_ipython
from IPython.display import HTML, display

import altair as alt

from villagereport import charts, render
from villagereport.errors import ReportError
from villagereport.comparison import ComparisonPage
from villagereport.guide import GuidePage
from villagereport.pages import Page
from villagereport.sections import PAGES
from villagereport.report import load_report
from villagereport.wording import check_language

# The names a notebook's parameters cell defines; papermill may inject only these.
PARAMETERS = ("report", "lang")
COMPARISON_PARAMETERS = ("report", "others", "lang")
_names_at_start: set[str] = set()


def _one_line_error(shell, etype, value, tb, tb_offset=None):  # type: ignore[no-untyped-def]
    """Show a ReportError as its one line, not a traceback; the cell still fails."""
    line = f"{etype.__name__}: {value}"
    shell._showtraceback(etype, value, [line])
    return [line]


def start() -> None:
    """Prepare the kernel: one-line errors, the book's chart renderer and theme, a note of existing names;
    outside the book, the chart library, shown once (an invisible script) for the charts to draw with."""
    shell = get_ipython()
    if shell is not None:
        _names_at_start.clear()
        _names_at_start.update(shell.user_ns)
        shell.set_custom_exc((ReportError,), _one_line_error)
        if not render.in_site():
            display(HTML(render.library_html()))
    render.enable()
    alt.theme.enable(charts.THEME)


def _check_parameters(allowed: tuple[str, ...], lang: str) -> None:
    """Stop at once on a parameter the notebook does not declare, or an unknown language."""
    shell = get_ipython()
    if shell is not None and _names_at_start:
        new = set(shell.user_ns) - _names_at_start - set(allowed)
        unknown = sorted(n for n in new if not n.startswith("_"))
        if unknown:
            msg = f"expected only the parameters {', '.join(allowed)}, got unknown {', '.join(unknown)}"
            raise ReportError("parameters", unknown[0], msg)
    check_language(lang)


def _check_report(report: object, field: str = "report") -> None:
    if not isinstance(report, str | Path):
        raise ReportError("parameters", field, f"expected a path to a report file, got {type(report).__name__}")


def resolve_report(report: str | Path | None) -> Path:
    """The report file a parameter names: a path, as given (relative to the notebook's folder).

    The library reads only what it is given: the book passes each notebook its report's path,
    and a downloaded notebook names the report file saved beside it.
    """
    if report is None or report == "":
        raise ReportError("parameters", "report", "expected a path to a report file, got none")
    return Path(report)


# A page's title depends on its report and language, so it is known only when the page runs:
# it leaves the kernel as an output of this type (which a notebook shows nothing of), and
# whoever publishes the page writes it into the heading cell, TITLE_MARKER (villagebook.build).
TITLE_MIME = "application/vnd.villagebook.title+json"
TITLE_MARKER = "{page title}"
# Where a page offers its notebooks to download: the build, which alone knows where the site
# keeps them, writes the links into this cell (a comment, so nothing shows elsewhere).
DOWNLOADS_MARKER = "<!-- the page's notebooks to download: written here by the build -->"


def _announce_title(title: str) -> None:
    if get_ipython() is not None:
        display({TITLE_MIME: {"title": title}}, raw=True)


def open_page(section: str, report: str | Path | None = None, lang: str = "zh") -> Page:
    """Check the parameters and load the report; raise a one-line ReportError if either is wrong."""
    _check_parameters(PARAMETERS, lang)
    if section not in PAGES:
        raise ReportError("notebook", "section", f"expected one of {', '.join(PAGES)}, got {section!r}")
    _check_report(report)
    page = Page(section, load_report(resolve_report(report)), lang)
    _announce_title(page.title)
    return page


def open_guide(report: str | Path | None = None, lang: str = "zh", *, example: str | Path) -> GuidePage:
    """The guide page; ``report`` is checked like any page's; ``example`` is the report file the
    guide works through."""
    _check_parameters(PARAMETERS, lang)
    _check_report(report)
    load_report(resolve_report(report))
    page = GuidePage(lang, Path(example))
    _announce_title(page.title)
    return page


def open_comparison(report: str | Path | None = None, others: list | None = None, lang: str = "zh") -> ComparisonPage:
    """The comparison page for ``report`` and ``others``."""
    _check_parameters(COMPARISON_PARAMETERS, lang)
    _check_report(report)
    if not isinstance(others, list | tuple):
        raise ReportError("parameters", "others", f"expected a list of report files, got {type(others).__name__}")
    for i, other in enumerate(others):
        _check_report(other, f"others[{i}]")
    reports = [load_report(resolve_report(r)) for r in [report, *others]]
    page = ComparisonPage(reports, lang)
    _announce_title(page.title)
    return page
