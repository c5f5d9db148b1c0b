"""What each page of the book shows: its title, narrative, charts, lists and figure table."""

from __future__ import annotations


import pandas as pd
from IPython.display import HTML, Markdown

from villagereport import charts
from villagereport.checks import Check, checks, unchecked
from villagereport.claims import Claim
from villagereport.coverage import CoverageText
from villagereport.derived import derive
from villagereport.exercises import Exercise
from villagereport import tables
from villagereport.furniture import derived_html, figures_html, furniture, lists_html
from villagereport.figure import Figure, finish
from villagereport.numbers import format_figure
from villagereport.phrases import (FigureText, ListText, _Lookup, scoped_name, status_text)
from villagereport.report import Report
from villagereport.sourcing import place_line, source_line
from villagereport.story import Story
from villagereport.wording import REPORT_LANGUAGE, escape_markdown, fill, render, strings

class Page:
    """One page of the book for one report in one language."""

    def __init__(self, section: str, report: Report, lang: str) -> None:
        self.section = section
        self.report = report
        self.lang = lang
        self.words = strings(lang)
        self._derived = derive(report)
        self.posed = 0  # the exercises posed so far, which numbers the next
        self.exercises: list[Exercise] = []
        self.titles: list[Claim] = []  # the chart titles given that print the report's figures

    # --- words ------------------------------------------------------------------------
    @property
    def title(self) -> str:
        """The page title in this language."""
        if self.section in self.report.catalogue.sections.index:
            return self.report.catalogue.sections.at[self.section, f"title_{self.lang}"]
        return self.words["page_titles"][self.section]

    def source_line(self) -> str:
        """Outlet, date and authors of the report, as plain text (an unknown outlet left out)."""
        return source_line(self.report, self.lang)

    def chart_source(self) -> str:
        """The line under a chart naming its source (the outlet and date, without the authors)."""
        return source_line(self.report, self.lang, authors=False)

    def intro(self) -> Markdown:
        """Where the figures come from: place, outlet, date, and the article's own heading."""
        lines = [f"**{escape_markdown(place_line(self.report, self.lang))}** · {escape_markdown(self.source_line())}"]
        heading = self.report.headings.get(self.section)
        if heading:
            # The article's heading verbatim, with a translation beside it where the report gives one.
            original = heading[REPORT_LANGUAGE] if isinstance(heading, dict) else heading
            translated = heading.get(self.lang) if isinstance(heading, dict) and self.lang != REPORT_LANGUAGE else None
            form = "heading_translated" if translated else "heading_quote"
            lines.append(escape_markdown(fill(self.words["page"][form], heading=original, translation=translated)))
        return Markdown("\n\n".join(lines))

    def story(self) -> Story:
        """The section's story, which its notebook tells sentence by sentence (see Story)."""
        return Story(self.report, self.section, self.lang)

    def checks(self) -> list[Check]:
        """What the book works out from the report, one per row of the derived table it can
        tell (the Checking page's notebook chooses each one's words: ``story.say_check``)."""
        return checks(self.report, self.lang)

    def unchecked(self) -> list[Check]:
        """What the book could not work out, and why, one per kind (its ``quantity`` names its message)."""
        return unchecked(self.report, self.lang)

    def chart_title(self, chart: str, title: str = "general", **context: object) -> str:
        """The chart's title ``title``: the message chart_titles.<chart>.<title>, with the report's
        figures (``f.<indicator>``), lists and coverage, and ``context`` (what the notebook
        computed). Its notebook chooses which title, by what the page states; a title that
        prints figures is kept, with the facts it rests on, for the claims (``title_claims``)."""
        titles = self.words["chart_titles"].get(chart, {})
        if title not in titles:
            raise KeyError(f"no chart title chart_titles.{chart}.{title} in the catalogues (villagereport/text/locale)")
        told: set = set()
        lookup = {"f": _Lookup(lambda i: FigureText(self.report, i, self.lang, told)),
                  "cov": CoverageText(self.report.coverage, self.lang, told),
                  "l": _Lookup(lambda i: ListText(self.report, i, self.lang)), **context}
        text = render(titles[title], lookup)
        if title != "general":  # a general title's figures are what the notebook computed: checked there
            figures = {fact[1] for fact in told if fact[0] == "figure"}
            facts = {f for f in told if len(f) == 3}
            for indicator in figures:
                facts |= self.report.name_facts(indicator, self.lang)
            self.titles.append(Claim(text, titles[title].key, frozenset(facts)))
        return text[:1].upper() + text[1:]  # a title opening with a figure ("about 68,000 …") too

    def title_claims(self) -> list[Claim]:
        """The titles this page has given that print the report's figures, with their facts."""
        return list(self.titles)

    def _describe(self, title: str, rows: list[tuple[str, str]]) -> str:
        form = self.words["chart_words"]["description_rows"]
        listed = self.words["number"]["list_sep"].join(fill(form, label=a, value=b) for a, b in rows)
        return fill(self.words["chart"]["description"], title=title, rows=listed)

    def figure_text(self, indicator: str) -> str:
        """A stated figure as the page writes it (its qualifier, unit and decimals as stated)."""
        return str(FigureText(self.report, indicator, self.lang))

    # --- what the notebooks work with ------------------------------------------------
    @property
    def table(self) -> pd.DataFrame:
        """The stated figures of this page as a tidy table, one row per figure, indexed by its key
        (the indicator, or indicator@village / @community for a figure of one scope).

        ``value`` is the level as stated (empty when the report states only a change),
        ``previous`` a stated previous level (由…到…), ``change`` the first stated change in
        ``change_unit``, read as ``change_reading`` (absolute, relative or ambiguous), and
        ``shown`` the level as the page prints it.
        """
        return tables.tidy(self, self.section)

    @property
    def report_table(self) -> pd.DataFrame:
        """The same tidy table for every section of the report, not only this page's."""
        return tables.tidy(self, None)

    @property
    def derived(self) -> pd.DataFrame:
        """What the book computes from the report (previous terms, implied counts, checks)."""
        return self._derived

    def items(self, indicator: str) -> list[str]:
        """A counted list's items in this page's language (empty when the report lists none)."""
        return self.report.items(indicator, self.lang)

    def states(self, *indicators: str) -> bool:
        """Whether the report states every one of these figures (or lists)."""
        return all(self.report.has(i) for i in indicators)

    def shows(self, *indicators: str) -> bool:
        """Whether this page states each of these figures with a level (not a change alone): what
        a title that prints them needs."""
        figures = self.report.all_figures
        here = figures[(figures["section"] == self.section) & figures["value"].notna()]
        return all(i in here.index for i in indicators)

    def decimals(self, indicator: str, change: bool = False) -> int:
        """The decimals the report writes a figure (or its first change) with: 47.86, not 47.9."""
        if change:
            rows = self.report.changes[self.report.changes["indicator"] == indicator]
            places = rows.iloc[0]["places"] if not rows.empty else None
        else:
            places = self.report.figures.at[indicator, "places"]
        return max(int(places), 0) if places is not None and pd.notna(places) else 1

    def number(self, values, places: int | None = None, unit: str = ""):  # type: ignore[no-untyped-def]
        """Numbers as this page's language writes them: one string, or a list for a column."""
        if isinstance(values, pd.Series | list | tuple):
            return [self.number(v, places, unit) for v in values]
        return format_figure(values, unit, self.lang, places)

    def word(self, key: str) -> str:
        """A word of the charts (axis titles, column headers, legend entries) in this language."""
        for group in ("chart_words", "chart"):
            if key in self.words[group]:
                return self.words[group][key]
        raise KeyError(f"no chart word {key!r} in villagereport/text/locale/{self.lang}.po")

    def unit_name(self, unit: str) -> str:
        """A unit's word in the page's language (``village`` -> 村)."""
        return self.report.catalogue.units.at[unit, self.lang]

    # Column names the notebooks use, and the word each is headed with in a chart's table.
    HEADERS = {"name": "indicator", "term": "term", "shown": "value", "part": "part",
               "whole": "whole", "basis": "basis", "unit_name": "unit", "step": "step", "item": "item",
               "range": "range", "status": "status", "verdict": "status"}

    def figure(self, chart, data: pd.DataFrame, *, title: str, columns: list[str], kind: str = "",
               label: str = "name", shown: str = "shown") -> Figure:
        """The chart as the book shows it: titled, sourced, described from ``data`` (its ``label``
        and ``shown`` columns), with ``columns`` of ``data`` as its table and CSV."""
        labels = [str(a) for a in data[label]]
        if "term" in data:
            # Two rows of one figure (previous and this term) are told apart by their term.
            labels = [fill(self.words["writing"]["paren"], text=a, aside=t) for a, t in zip(labels, data["term"], strict=True)]
        rows = list(zip(labels, [str(b) for b in data[shown]], strict=True))
        chart = finish(chart, title=title, source=self.chart_source(), description=self._describe(title, rows),
                       lang=self.lang)
        table = data[columns].rename(columns={c: self.word(self.HEADERS.get(c, c)) for c in columns})
        return Figure(chart, table, source=self.chart_source(), ui=self.words["chart_ui"], kind=kind)

    def scoped_name(self, key: str) -> str:
        """A figure's name by its key, naming its scope (villages or communities alone)."""
        return scoped_name(self.report.all_figures.loc[key], self.lang)

    def name(self, indicator: str) -> str:
        """An indicator's name in this page's language."""
        return self.report.name(indicator, self.lang)

    def status(self, row: pd.Series) -> str:
        """A derived row's result in words (fits after rounding, does not fit, …)."""
        return status_text(self.report, row, self.lang)

    def shares(self) -> pd.DataFrame:
        """The section's shares, stated and computed, each with its part and whole where the
        report gives them or one whole number fits (≈ where the count is rounded from the share)."""
        return tables.shares(self)

    def changes_alone(self) -> pd.DataFrame:
        """Changes the report states with no level (比上届下降7.08岁), signed, one row each."""
        return tables.changes_alone(self)

    def readings(self) -> pd.DataFrame:
        """Each ambiguous percentage change's previous share under both readings beside this term's."""
        return tables.readings(self)

    def wholes(self) -> pd.DataFrame:
        """The totals each count/share pair allows when the report does not state the total."""
        return tables.wholes(self)

    def rounding_candidates(self) -> pd.DataFrame:
        """Each count/share pair's candidate wholes, and whether their shares round to the stated one."""
        return tables.rounding_candidates(self)

    def changes_chart(self) -> Figure | None:
        """The changes stated with no level, drawn from zero, one panel per unit; every section
        page draws them the same way, so the chart lives here."""
        changes = self.changes_alone()
        if changes.empty:
            return None
        return self.figure(charts.bars_by_unit(changes), changes, title=self.words["chart_words"]["changes_title"],
                           columns=["name", "shown", "unit_name"], kind="bars_by_unit")

    # --- exercises --------------------------------------------------------------------
    def exercise(self, exercise_id: str, kind: str, needs: list[str] | tuple[str, ...] = (), when: bool = True,
                 counts: pd.DataFrame | None = None) -> Exercise:
        """Pose an exercise (``kind``: compute, interpret or question) when its premise holds:
        the report states every figure it ``needs`` and ``when`` is true. Posed exercises are
        numbered in the order the notebook poses them. ``counts``: the derived rows or stated
        changes the exercise counts, which its words rest on."""
        posed = bool(when) and self.states(*needs)
        if posed:
            self.posed += 1
        exercise = Exercise(self, exercise_id, kind, needs, self.posed if posed else None, counts)
        self.exercises.append(exercise)
        return exercise

    def furniture(self, template: str, **context: object) -> str:
        """One of the page's templates (villagereport/templates/), every value escaped."""
        return furniture(template, **context)

    # --- the page's tables (villagereport/furniture.py writes their HTML) ----------------
    def lists(self) -> HTML | None:
        """The section's counted lists as tables, saying where the report gives no items."""
        return lists_html(self)

    def figures(self) -> HTML | None:
        """The section's figures with the clause that states each: the page's provenance (on the
        Checking page, what the book computes)."""
        return derived_html(self) if self.section == "checking" else figures_html(self)
