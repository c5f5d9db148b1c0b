"""Several reports side by side: the comparison page."""

from __future__ import annotations

import html

import pandas as pd
from IPython.display import HTML, Markdown

from villagereport.catalogue import indicator_name
from villagereport.coverage import Coverage, CoverageText
from villagereport.derived import derive
from villagereport.furniture import table_html
from villagereport.figure import Figure, finish
from villagereport.numbers import format_figure
from villagereport.phrases import change_text, scope_label, stated_places
from villagereport.pages import Page
from villagereport.report import Report
from villagereport.sourcing import place_line, published
from villagereport.wording import escape_markdown, fill, in_language, plural, render, strings


def _of_members(indicator: str) -> bool:
    """Whether a figure counts or describes the members of the bodies a report covers, so that
    one body's figure is another measure than both committees'."""
    return indicator.startswith(("members_", "women_members", "new_members"))


class ComparisonPage:
    """Several reports side by side: the measures that compare across places of any size.

    Shares, average ages, stated changes and members per village or community compare even
    where places differ in size or a report counts villages and communities apart; totals
    (people, villages) do not, and are left out. A measure is compared when at least two
    reports state it; each row names its scope, and a report that does not state it shows "—".

    A row is one measure of one body: a figure is keyed by its name as its own report's coverage
    renders it, so "average age of the party organisations' members" never shares a row with
    the two committees' members. Each report's column names its round (the election year, or the
    report's date where the year is not stated), and the narrative says what each report covers.
    """

    def __init__(self, reports: list[Report], lang: str) -> None:
        self.reports = reports
        self.lang = lang
        self.words = strings(lang)
        measures: dict[tuple, dict[str, tuple[float, str]]] = {}
        self.bounded: set[tuple] = set()  # (key, report id) of figures stated as a bound (近, 约, 以上)
        for report in reports:
            for key, value in self._measures(report).items():
                measures.setdefault(key, {})[report.id] = value
        self.rows = {key: values for key, values in measures.items() if len(values) >= 2}
        self.stated = measures

    def _measures(self, report: Report) -> dict[tuple, tuple[float, str]]:
        """The comparable measures of this report: key -> (value, as printed). A key ends with the
        measure's name as this report's coverage renders it (its body), so only measures of the
        same body share a row."""
        out: dict[tuple, tuple[float, str]] = {}
        figures = report.all_figures
        number_words = self.words["number"]
        for _, row in figures.iterrows():
            if row["kind"] in ("share", "age") and pd.notna(row["value"]):
                shown = format_figure(row["value"], row["unit"], self.lang, stated_places(row), row["qualifier"], number_words)
                key = ("level", row["indicator"], row["scope"], row["unit"], "", self._name(report, row["indicator"]))
                out[key] = (row["value"], shown)
                if row["qualifier"] != "exact":
                    self.bounded.add((key, report.id))
        for _, change in report.all_changes.iterrows():
            points = change["unit"] == "percent" and figures.at[change["key"], "unit"] == "percent" \
                and change["reading"] == "absolute"
            shown = change_text(report, change["key"], self.lang, [change["position"]])
            out[("change", change["indicator"], change["scope"], change["unit"] + (":points" if points else ""),
                 change["reading"], self._name(report, change["indicator"]))] = (change["value"], shown)
        derived = derive(report)
        per_place = derived[derived["quantity"] == "members_per_place"]
        if not per_place.empty:
            row = per_place.iloc[0]
            name = render(self.words["comparison"]["members_per_place"], {"cov": CoverageText(report.coverage, self.lang)})
            out[("derived", "members_per_place", "all", "person", "", name)] = (
                row["value"], format_figure(row["value"], "", self.lang, int(row["places"])))
        return out

    def _name(self, report: Report, indicator: str) -> str:
        """The measure's name as a row of the comparison gives it: the same in every report of
        the row, so it names no units (a report of villages and one of villages and communities
        share "villages or communities"), but it names the body wherever the figure is of the
        bodies' members ("“两委”成员平均年龄", "… (the party organisations)"), since measures of
        different bodies never share a row."""
        bodies = Coverage(bodies=report.coverage.bodies)
        said: set = set()
        name = indicator_name(indicator, self.lang, bodies, said=said)
        if _of_members(indicator) and not any(fact[1] == "bodies" for fact in said):
            body = CoverageText(bodies, self.lang).body
            name = fill(self.words["comparison"]["of_body"], name=name, body=body)
        return name

    @property
    def title(self) -> str:
        """The comparison page's title in the page's language."""
        return self.words["comparison"]["title"]

    def place(self, report: Report) -> str:
        """The place ``report`` is of, named in the page's language."""
        return in_language(report.place["name"], self.lang)

    def _round(self, report: Report) -> str:
        """The report's round as a column names it: its election year, else its date."""
        words = self.words["comparison"]["round"]
        if report.election_year:
            return fill(words["year"], year=report.election_year)
        date = published(report, self.lang)
        return fill(words["reported"], date=date) if date else words["unknown"]

    def column(self, report: Report) -> str:
        """A report's column: its place and round (临江市（2021年）)."""
        return fill(self.words["comparison"]["column"], place=self.place(report), round=self._round(report))

    def label(self, key: tuple) -> str:
        """A measure's label in the page's language: its name, its scope, and a change's reading."""
        words = self.words["comparison"]
        name = key[5] + scope_label(key[2], self.lang)
        if key[0] == "change":
            return fill(words["change_of"], name=name) + (words["ambiguous"] if key[4] == "ambiguous" else "")
        return name

    # --- what the page says: its notebook decides, with these ------------------------------
    def say(self, key: str, count: int | None = None, **fields: object) -> str:
        """The message ``comparison.<key>`` filled with ``fields`` (the form for ``count``
        where the message has plural forms)."""
        text = self.words["comparison"][key] if count is None else plural(self.lang, f"comparison.{key}", count)
        return fill(text, **({"count": count} if count is not None else {}), **fields)

    def listed(self, names: object) -> str:
        """Names joined as the language lists them."""
        return self.words["number"]["list_sep"].join(names)  # type: ignore[arg-type]

    def coverage(self, report: Report) -> str:
        """What ``report`` covers: its round, bodies and places, in its own terms."""
        return CoverageText(report.coverage, self.lang, where=place_line(report, self.lang)).story

    @staticmethod
    def paragraphs(lines: list[str]) -> Markdown:
        """The sentences, one paragraph each, every one shown as written (no markup)."""
        return Markdown("\n\n".join(escape_markdown(line) for line in lines))

    # --- tidy tables, one row per fact, for the notebook's charts -----------------------------
    @property
    def figures(self) -> pd.DataFrame:
        """One row per compared measure a report states: ``place`` (its column: place and
        round), ``measure`` (its label), ``value``, ``shown`` (as the page prints it),
        ``bounded`` (stated as 近, 约, 以上…), ``subject`` (the book's own report)."""
        rows = [{"place": self.column(report), "measure": self.label(key), "value": values[report.id][0],
                 "shown": values[report.id][1], "bounded": (key, report.id) in self.bounded,
                 "subject": report is self.reports[0]}
                for key, values in self.rows.items() for report in self.reports if report.id in values]
        return pd.DataFrame(rows, columns=["place", "measure", "value", "shown", "bounded", "subject"])

    @property
    def coverage_table(self) -> pd.DataFrame:
        """Every place against every compared measure: ``status``, what its report does with it
        (stated; stated as a bound; not stated), in the page's words."""
        status = self.words["comparison"]["status"]
        rows = []
        for key, values in self.rows.items():
            for report in self.reports:
                said = "not_stated" if report.id not in values else "bounded" if (key, report.id) in self.bounded else "stated"
                rows.append({"place": self.column(report), "measure": self.label(key), "status": status[said]})
        return pd.DataFrame(rows, columns=["place", "measure", "status"])

    def statuses(self) -> list[str]:
        """The three statuses, in the order a chart's legend lists them."""
        return [self.words["comparison"]["status"][s] for s in ("stated", "bounded", "not_stated")]

    def control(self, name: str) -> str:
        """The label of a chart's control (``measure``, ``place``)."""
        return self.words["comparison"]["control"][name]

    def word(self, name: str) -> str:
        """A word of the comparison page (``coverage_title``, ``measure_title``, ``measure``…)."""
        return self.words["comparison"][name]

    def figure(self, chart: object, data: pd.DataFrame, *, title: str, columns: list[str]) -> Figure:
        """A chart of the page with its title, its description and its data as a table; its
        source is the list of reports under the charts (one line per report, not in the title)."""
        page = Page("overview", self.reports[0], self.lang)
        source = self.word("sources_below")
        described = list(zip(data[columns[0]].astype(str) + " " + data[columns[1]].astype(str),
                             data[columns[2]].astype(str), strict=True))
        finished = finish(chart, title=title, source=source, description=page._describe(title, described), lang=self.lang)
        heads = {"place": self.word("place"), "measure": self.word("measure"), "shown": page.word("value"),
                 "status": self.word("in_report")}
        table = data[columns].rename(columns=heads)
        return Figure(finished, table, source=source, ui=self.words["chart_ui"], kind="comparison")

    def sources(self) -> Markdown:
        """Each report's source, one line a report, under the charts."""
        lines = [f"- {escape_markdown(self.column(r))}: {escape_markdown(Page('overview', r, self.lang).chart_source())}"
                 for r in self.reports]
        return Markdown(f"**{self.word('sources_heading')}**\n\n" + "\n".join(lines))

    def covers(self) -> Markdown:
        """What each report covers, one line a report."""
        lines = [f"- {escape_markdown(self.say('about', column=self.column(r), story=self.coverage(r)))}" for r in self.reports]
        return Markdown(f"**{self.word('covers_heading')}**\n\n" + "\n".join(lines))

    def table(self) -> HTML | None:
        """The comparison as a long table, one row per place and measure, which reads at any
        number of places (in a box of its own that scrolls)."""
        if not self.rows:
            return None
        data = self.figures
        table = data[["measure", "place", "shown"]].rename(columns={
            "measure": self.word("measure"), "place": self.word("place"),
            "shown": self.words["page"]["column"]["value"]})
        # A box that scrolls is reached by keyboard too (tabindex), and named for a screen reader.
        label = html.escape(self.word("coverage_title"), quote=True)
        return HTML(f'<div class="vb-long-table" tabindex="0" role="region" aria-label="{label}">'
                    f'{table_html(table, "vb-table")}</div>')
