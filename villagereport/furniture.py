"""The HTML a page puts around its words and tables: the library's templates and tables.

Text from a report is escaped here, always, so it is shown and never read as markup.
"""

from __future__ import annotations

import html
import re
from typing import TYPE_CHECKING

import jinja2
import pandas as pd
from IPython.display import HTML
from markupsafe import Markup

from villagereport.numbers import format_figure
from villagereport.phrases import _bound_text, change_text, counted, note_in, status_text
from villagereport.wording import fill, spaced

if TYPE_CHECKING:
    from villagereport.pages import Page

# The qualifiers a stated share may carry (the derived table's reading of a qualified share).
QUALIFIERS = ("at_least", "more_than", "at_most", "less_than", "nearly", "about")

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


# --- the page's tables -----------------------------------------------------------------------
# Each takes the page (villagereport.pages.Page) whose tables it writes.

def lists_html(page: Page) -> HTML | None:
    """The section's counted lists as tables, saying where the report gives no items."""
    lists = page.report.lists
    here = lists[lists["section"] == page.section]
    if here.empty:
        return None
    labels = page.words["page"]
    entries = []
    quotes = list(here["quote"])
    for position, (ind, row) in enumerate(here.iterrows()):
        # Each list's clause, as every figure's: the page's provenance for it; said once
        # under the last of lists that one clause states together (“十个严禁”“三个严肃查处”).
        shared = position + 1 < len(quotes) and quotes[position + 1] == row["quote"]
        entry = {"caption": page.name(ind), "clause": "" if shared else row["quote"], "text": "", "table": None}
        entries.append(entry)
        if not row["n_items"] and pd.isna(row["stated_count"]):
            # A slogan with neither items nor a count (全覆盖): the article's word, and its clause.
            entry["text"] = f"「{row['slogan']}」" if isinstance(row["slogan"], str) else ""
            continue
        count = row["stated_count"] if pd.notna(row["stated_count"]) else row["n_items"]
        # The list's name only: the article's own words for it (十个严禁) are quoted whole in the
        # narrative, never cut into a name and a fragment.
        if not row["exhaustive"]:
            entry["caption"] += (" " if spaced(page.lang) else "") + labels["non_exhaustive"]
        note = note_in(row["note"], page.lang, any_language=True)
        if note:
            entry["caption"] = fill(page.words["writing"]["paren"], text=entry["caption"], aside=note)
        items = page.report.items(ind, page.lang)
        if not items:
            entry["text"] = fill(labels["items_not_stated"], count=count) if count else labels["items_not_listed"]
            continue
        table = pd.DataFrame({"#": range(1, len(items) + 1), labels["item_header"]: items})
        original = page.report.items(ind)
        if original != items:
            # The English edition gives each item in English, with the article's words quoted.
            table[labels["column"]["quote"]] = [f"「{item}」" for item in original]
        # A label in bold, not italics: Chinese type has no italic; the table is named by it.
        label = html.escape(entry["caption"], quote=True)
        entry["table"] = Markup(table_html(table, "vb-table vb-list").replace("<table", f'<table aria-label="{label}"', 1))
    # A heading, not a bold line: it is a part of the page in its outline (for a screen reader too).
    return HTML(furniture("lists.html", heading=labels["lists_caption"], lists=entries, colon=labels["label_colon"],
                      quote_label=labels["column"]["quote"]))

def figures_html(page: Page) -> HTML | None:
    """The section's figures with the clause that states each: the page's provenance.

    Every stated figure is a row: levels, changes with no level, previous levels (from ->
    to), figures of villages or communities alone (named so), and each figure's note.
    """
    # The page's own tidy table: the same names and figures as printed that the notebook uses.
    here = page.table.join(page.report.all_figures[["note"]])
    if here.empty:
        return None  # the narrative has said, once, that the section has no figures
    col = page.words["page"]["column"]
    rows = []
    for key, row in here.iterrows():
        # Each figure with its counter word (24小时, 311 people): a bare "24" under a name
        # that does not say its unit could be hours or days.
        previous = "" if pd.isna(row["previous"]) else counted(
            format_figure(row["previous"], row["unit"], page.lang), row["unit"], row["previous"], page.lang)
        shown = row["shown"] if pd.isna(row["value"]) else counted(row["shown"], row["unit"], row["value"], page.lang)
        rows.append({col["indicator"]: row["name"], col["value"]: shown,
                     col["previous"]: previous, col["change"]: change_text(page.report, key, page.lang),
                     col["note"]: note_in(row["note"], page.lang, any_language=True),
                     col["quote"]: f"「{row['quote']}」"})
    table = pd.DataFrame(rows)
    # Columns no figure of the page fills are left out.
    table = table[[c for c in table.columns if c in (col["indicator"], col["value"], col["quote"])
                   or (table[c] != "").any()]]
    return HTML(furniture("figures.html", heading=page.words["page"]["figures_caption"], source=page.chart_source(),
                      table=Markup(table_html(table, "vb-table vb-figures"))))

def derived_html(page: Page) -> HTML:
    """The page's table of the figures the book works out from the report's (villagereport.derived), with how."""
    col = page.words["page"]["column"]
    words = page.words
    rows = []
    for _, row in page._derived.iterrows():
        ind = row["indicator"]
        name = page.name(ind) if ind in page.report.catalogue else ind
        # A recomputed share to three decimals, as the page's sentence gives it (12.857%).
        places = 3 if row["quantity"] == "share_check" else int(row["places"])
        value = "" if pd.isna(row["value"]) else format_figure(row["value"], row["unit"], page.lang, places)
        if pd.isna(row["value"]) and (pd.notna(row["low"]) or pd.notna(row["high"])):
            value = _bound_text(row, words)
        label = words["quantity"][row["quantity"]]
        if row["quantity"] == "members_per_place":
            # Per village, or per village and community: as the report counts its places.
            label = words["quantity_per_place"].get(row["inputs"][1], label)
        rows.append({col["quantity"]: label, col["indicator"]: name,
                     col["reading"]: words["readings"].get(row["reading"], row["reading"]),
                     col["computed"]: value,
                     # A qualified share keeps its qualifier here too: 近40%, never a bare 40%.
                     col["stated"]: "" if pd.isna(row["stated"]) else format_figure(
                         row["stated"], row["unit"] if row["quantity"] == "change" else "percent", page.lang,
                         qualifier=row["reading"] if row["reading"] in QUALIFIERS else "exact",
                         qualifier_forms=words["number"]),
                     col["status"]: status_text(page.report, row, page.lang)})
    return HTML(table_html(pd.DataFrame(rows), "vb-table"))
