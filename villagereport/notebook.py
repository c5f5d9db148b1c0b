"""What a book notebook calls: start the kernel's setup, check parameters, open a page."""

from __future__ import annotations

from pathlib import Path

from IPython import get_ipython
from myst_nb import glue

from villagereport import render
from villagereport.errors import ReportError
from villagereport.pages import PAGES, Page, PlainText
from villagereport.report import DEFAULT_REPORT, REPORTS_DIR, load_report
from villagereport.wording import LANGUAGES

# The names a notebook's parameters cell defines; papermill may inject only these.
PARAMETERS = ("report", "lang")
_names_at_start: set[str] = set()


def _one_line_error(shell, etype, value, tb, tb_offset=None):  # type: ignore[no-untyped-def]
    """Show a ReportError as its one line, not a traceback; the cell still fails."""
    line = f"{etype.__name__}: {value}"
    shell._showtraceback(etype, value, [line])
    return [line]


def start() -> None:
    """Prepare the kernel: one-line errors, the book's chart renderer, a note of existing names."""
    shell = get_ipython()
    if shell is not None:
        _names_at_start.clear()
        _names_at_start.update(shell.user_ns)
        shell.set_custom_exc((ReportError,), _one_line_error)
    render.enable()


def _unknown_parameters() -> list[str]:
    shell = get_ipython()
    if shell is None or not _names_at_start:
        return []
    new = set(shell.user_ns) - _names_at_start - set(PARAMETERS)
    return sorted(n for n in new if not n.startswith("_"))


def resolve_report(report: str | Path | None) -> Path:
    """The report file a parameter names: the default, a path, or a name in data/reports."""
    if report is None or report == "":
        return DEFAULT_REPORT
    path = Path(report)
    if not path.exists() and not path.is_absolute():
        for candidate in (REPORTS_DIR / path, REPORTS_DIR / f"{path}.yaml"):
            if candidate.exists():
                return candidate
    return path


def open_page(section: str, report: str | Path | None = None, lang: str = "zh") -> Page:
    """Check the parameters and load the report; raise a one-line ReportError if either is wrong."""
    unknown = _unknown_parameters()
    if unknown:
        msg = f"expected only the parameters {', '.join(PARAMETERS)}, got unknown {', '.join(unknown)}"
        raise ReportError("parameters", unknown[0], msg)
    if lang not in LANGUAGES:
        raise ReportError("parameters", "lang", f"expected one of {', '.join(LANGUAGES)}, got {lang!r}")
    if section not in PAGES:
        raise ReportError("notebook", "section", f"expected one of {', '.join(PAGES)}, got {section!r}")
    if report is not None and not isinstance(report, str | Path):
        raise ReportError("parameters", "report", f"expected a path to a report file, got {type(report).__name__}")
    page = Page(section, load_report(resolve_report(report)), lang)
    # The page title comes from the data and the language; the heading cell shows it via glue.
    glue("page_title", PlainText(page.title), display=False)
    return page
