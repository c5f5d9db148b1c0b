"""The HTML a page puts around its words and tables: the library's templates and tables.

Text from a report is escaped here, always, so it is shown and never read as markup.
"""

from __future__ import annotations

import re

import jinja2
import pandas as pd

# Line breaks and tabs a report's text may hold: pandas would print them in a table as "\n",
# "\t" and "\r", so they are shown as the space a browser shows them as anywhere else.
_BREAKS = re.compile(r"[\t\n\r]+")


# The HTML a page puts around its words and tables (villagereport/templates): text from a
# report is escaped there, always, so it is shown and never read as markup.
_TEMPLATES = jinja2.Environment(loader=jinja2.PackageLoader("villagereport", "templates"), autoescape=True,
                                trim_blocks=True, lstrip_blocks=True)


def furniture(template: str, **context: object) -> str:
    """One of the library's HTML templates (villagereport/templates), filled; every value escaped."""
    return _TEMPLATES.get_template(template).render(context).rstrip("\n")


def table_html(table: pd.DataFrame, classes: str) -> str:
    """A table as HTML, every cell escaped, the report's text shown as written."""
    shown = table.map(lambda cell: _BREAKS.sub(" ", cell) if isinstance(cell, str) else cell)
    return shown.to_html(index=False, escape=True, border=0, classes=classes, justify="left")
