"""The page "Make this book for your own county": the report format, template, checks, an example."""

from __future__ import annotations

import html
import re
import tempfile
from pathlib import Path
from urllib.parse import quote

import pandas as pd
from IPython.display import HTML, Markdown, display

from villagereport.catalogue import DATA_DIR, load_catalogue
from villagereport.cli import error_line, ok_line
from villagereport.errors import ReportError
from villagereport.furniture import derived_html, table_html
from villagereport.numbers import plain
from villagereport.pages import Page
from villagereport.report import load_report
from villagereport.wording import escape_markdown, fill, strings


class GuidePage:
    """The page "Make this book for your own county": format, template, checks, an example."""

    def __init__(self, lang: str, example: Path) -> None:
        self.lang = lang
        self.example_path = example
        self.words = strings(lang)

    @property
    def title(self) -> str:
        """The guide's title in the page's language."""
        return self.words["guide"]["title"]

    def how(self, step: str) -> Markdown:
        """One part of the how-to as a whole paragraph of the language's catalogue: its
        ``intro`` (guide.how.intro), or a step's heading and body (guide.how.<step>.*)."""
        how = self.words["guide"]["how"]
        if step == "intro":
            return Markdown(how["intro"])
        return Markdown(f"## {how[step]['heading']}\n\n{how[step]['body']}")

    def template(self) -> HTML:
        """The blank report file, shown and downloadable (a data: link works offline)."""
        # The template with its comments in the page's language, where there is one.
        localised = DATA_DIR / f"template.{self.lang}.yaml"
        text = (localised if localised.exists() else DATA_DIR / "template.yaml").read_text(encoding="utf-8")
        guide = self.words["guide"]
        href = "data:text/yaml;charset=utf-8," + quote(text)
        return HTML(f'<p><a class="vb-download" download="report-template.yaml" href="{href}">'
                    f'{html.escape(guide["template_link"])}</a></p>\n'
                    f'<details><summary>{html.escape(guide["template_caption"])}</summary>'
                    f'<pre>{html.escape(text)}</pre></details>')

    def catalogue(self) -> HTML:
        """Every indicator id a report may use, from the catalogue."""
        cat = load_catalogue()
        cols = self.words["guide"]["catalogue_columns"]
        table = pd.DataFrame({
            cols["id"]: cat.indicators.index,
            cols["name"]: cat.indicators[f"name_{self.lang}"],
            cols["section"]: [cat.sections.at[s, f"title_{self.lang}"] for s in cat.indicators["section"]],
            cols["kind"]: [self.words["guide"]["catalogue_kinds"][k] for k in cat.indicators["kind"]],
            cols["unit"]: [cat.units.at[u, self.lang] for u in cat.indicators["unit"]],
        })
        body = table_html(table, "vb-table")
        caption = html.escape(self.words["guide"]["catalogue_caption"])
        return HTML(f"<details><summary>{caption}</summary>\n{body}</details>")

    def example(self) -> None:
        """The worked example: the Tongguan file, what the check says, a broken copy's one line."""
        guide = self.words["guide"]
        path = self.example_path
        text = path.read_text(encoding="utf-8")
        report = load_report(path)
        display(Markdown(f"## {escape_markdown(guide['example_heading'])}\n\n{escape_markdown(guide['example_intro'])}"))
        display(HTML(f"<pre>{html.escape(text)}</pre>"))
        # The lines `make validate` prints (in English, as the command does), each glossed.
        display(HTML(f"<pre>{html.escape(ok_line(path.name, report))}</pre>"))
        display(Markdown(escape_markdown(guide["ok_gloss"])))
        # Break one figure the way people do (a number written with its unit) and check again.
        members = report.figures.loc["members_total"]
        stated = plain(members["value"])  # as the report file writes it
        broken = text.replace(f"value: {stated}\n", f'value: "{stated}人"\n', 1)
        with tempfile.TemporaryDirectory() as scratch:
            copy = Path(scratch) / path.name
            copy.write_text(broken, encoding="utf-8")
            try:
                load_report(copy)
            except ReportError as err:
                refused = ReportError(path.name, err.field, err.expected)  # named as the reader's file is
            else:
                raise AssertionError("the example's broken copy was accepted")  # the guide would be false
        display(Markdown(escape_markdown(guide["broken_intro"])))
        display(HTML(f"<pre>{html.escape(error_line(refused))}</pre>"))
        entry = re.match(r"(\w+)\[(\d+)\]", refused.field)
        if entry:
            # The field and its group as code, as the command writes them (not escaped as prose).
            gloss = escape_markdown(fill(guide["error_gloss"], field="\0field\0", group="\0group\0",
                                                                 position=int(entry[2]) + 1))
            gloss = gloss.replace("\0field\0", f"`{refused.field}`").replace("\0group\0", f"`{entry[1]}`")
            display(Markdown(gloss))
        display(Markdown(escape_markdown(guide["example_outro"])))
        display(derived_html(Page("checking", report, self.lang)))
