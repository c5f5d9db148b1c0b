"""What each page of the book shows: its title, narrative, charts, lists and figure table."""

from __future__ import annotations

import html

import pandas as pd
from IPython.display import HTML, Markdown
from markupsafe import Markup

from villagereport import charts
from villagereport.checks import Check, checks, unchecked
from villagereport.claims import Claim
from villagereport.coverage import CoverageText
from villagereport.derived import derive
from villagereport.exercises import Exercise, is_posed
from villagereport.furniture import furniture, table_html
from villagereport.figure import Figure, finish
from villagereport.numbers import format_figure
from villagereport.phrases import (FigureText, ListText, _bound_text, _Lookup, change_text, counted, note_in, scoped_name, stated_places, status_text)
from villagereport.report import Report
from villagereport.sourcing import place_line, source_line
from villagereport.story import Story
from villagereport.wording import REPORT_LANGUAGE, escape_markdown, fill, render, spaced, strings

# Which side of the figure a share stated as a bound lies: 近40% and 不到40% below ("upper": the
# figure is its upper bound), 40%以上 and 超40% above. A chart draws a bound as an arrowhead, not a
# bar's length; 约40% is an approximation either way, drawn as a bar in its own colour.
BOUND = {"nearly": "upper", "less_than": "upper", "at_most": "upper", "at_least": "lower", "more_than": "lower"}

# The qualifiers a stated share may carry (the derived table's reading of a qualified share).
QUALIFIERS = ("at_least", "more_than", "at_most", "less_than", "nearly", "about")

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

    def _name(self, indicator: str) -> str:
        return self.report.name(indicator, self.lang)

    def _fmt(self, indicator: str) -> str:
        return str(FigureText(self.report, indicator, self.lang))

    # --- what the notebooks work with ------------------------------------------------
    @property
    def table(self) -> pd.DataFrame:
        """This page's stated figures as a tidy table, one row per figure, indexed by its key
        (the indicator, or indicator@village / @community for a figure of one scope).

        ``value`` is the level as stated (empty when the report states only a change),
        ``previous`` a stated previous level (由…到…), ``change`` the first stated change in
        ``change_unit``, read as ``change_reading`` (absolute, relative or ambiguous), and
        ``shown`` the level as the page prints it.
        """
        return self._tidy(self.section)

    @property
    def report_table(self) -> pd.DataFrame:
        """The same tidy table for every section of the report, not only this page's."""
        return self._tidy(None)

    def _tidy(self, section: str | None) -> pd.DataFrame:
        figures = self.report.all_figures
        here = (figures if section is None else figures[figures["section"] == section]).copy()
        first = self.report.all_changes.drop_duplicates("key").set_index("key")
        here["name"] = [self._scoped_name(key) for key in here.index]
        here["previous"] = pd.to_numeric(here["previous"])
        here["change"] = pd.to_numeric(first["value"].reindex(here.index))
        here["change_unit"] = first["unit"].reindex(here.index)
        here["change_reading"] = first["reading"].reindex(here.index)
        words = self.words["number"]
        here["shown"] = ["" if pd.isna(r["value"]) else
                         format_figure(r["value"], r["unit"], self.lang, stated_places(r), r["qualifier"], words)
                         for _, r in here.iterrows()]
        columns = ["name", "indicator", "scope", "kind", "value", "unit", "qualifier", "places", "previous",
                   "change", "change_unit", "change_reading", "shown", "quote"]
        return here[columns]

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

    def shares(self) -> pd.DataFrame:
        """The section's shares, stated and computed, each with its part and whole where the
        report gives them or one whole number fits (≈ where the count is rounded from the share)."""
        rows = self._share_rows(self.section)
        words = self.words["chart_words"]
        for key, row in self._scoped(kind="share").iterrows():
            shown = format_figure(row["value"], "percent", self.lang, stated_places(row), row["qualifier"], self.words["number"])
            rows.append({"name": self._scoped_name(key), "share": row["value"], "shown": shown, "part": "—", "whole": "—",
                         "basis": words["stated"] if row["qualifier"] == "exact" else words["stated_approximately"],
                         "bound": BOUND.get(row["qualifier"], "")})
        return pd.DataFrame(rows, columns=["name", "share", "shown", "part", "whole", "basis", "bound"])

    def _share_rows(self, section: str) -> list[dict]:
        figures, derived = self.report.figures, self._derived
        words = self.words["chart_words"]
        rows = []
        for ind in figures.index[(figures["kind"] == "share") & (figures["section"] == section)]:
            fig = figures.loc[ind]
            part, whole = "—", "—"
            if pd.notna(fig["denominator_id"]) and fig["denominator_id"] in figures.index:
                whole = self._fmt(fig["denominator_id"])
                if pd.notna(fig["count_id"]) and fig["count_id"] in figures.index:
                    part = self._fmt(fig["count_id"])
                else:
                    implied = derived[(derived["quantity"] == "implied_count") & (derived["indicator"] == ind)]
                    if not implied.empty and pd.notna(implied.iloc[0]["value"]):
                        # "About" only where the count is rounded from the share, not where it is all.
                        about = "" if implied.iloc[0]["status"] == "exact" else "≈"
                        part = about + format_figure(implied.iloc[0]["value"], "", self.lang, 0)
            elif pd.notna(fig["count_id"]) and fig["count_id"] in figures.index:
                part = self._fmt(fig["count_id"])
            # A share stated as a bound or an approximation (近40%, 超30%) is drawn to the figure it
            # names, in its own colour, so the bar is not read as exact.
            basis = words["stated"] if fig["qualifier"] == "exact" else words["stated_approximately"]
            rows.append({"name": self._name(ind), "share": fig["value"], "shown": self._fmt(ind),
                         "part": part, "whole": whole, "basis": basis, "bound": BOUND.get(fig["qualifier"], "")})
        for _, row in derived[derived["quantity"] == "computed_share"].iterrows():
            if self.report.catalogue.indicators.at[row["indicator"], "section"] != section:
                continue
            count_id, whole_id = row["inputs"]
            rows.append({"name": self._name(row["indicator"]), "share": round(row["value"], 4),
                         "shown": format_figure(row["value"], "percent", self.lang, int(row["places"])),
                         "part": self._fmt(count_id), "whole": self._fmt(whole_id), "basis": words["computed"],
                         "bound": ""})
        return rows

    def _scoped(self, kind: str | None = None) -> pd.DataFrame:
        """This section's stated levels for villages or communities alone."""
        figures = self.report.all_figures
        rows = figures[(figures["section"] == self.section) & (figures["scope"] != "all") & figures["value"].notna()]
        return rows if kind is None else rows[rows["kind"] == kind]

    def _scoped_name(self, key: str) -> str:
        return scoped_name(self.report.all_figures.loc[key], self.lang)

    def changes_alone(self) -> pd.DataFrame:
        """Changes the report states with no level (比上届下降7.08岁), signed, one row each,
        with the unit they are counted in (a share's change in points or in percent)."""
        figures, changes = self.report.all_figures, self.report.all_changes
        alone = figures[(figures["section"] == self.section) & figures["value"].isna()]
        rows = []
        for key in alone.index:
            for _, change in changes[changes["key"] == key].iterrows():
                unit = change["unit"]
                points = unit == "percent" and alone.at[key, "unit"] == "percent" and change["reading"] == "absolute"
                shown = format_figure(change["value"], "" if points else unit, self.lang, int(change["places"] or 0))
                unit_name = fill(self.words["chart_words"]["change_in"],
                    unit=fill(self.words["generic"]["points"], n="").strip() if points else self.unit_name(unit))
                rows.append({"name": self._scoped_name(key), "value": change["value"],
                             "shown": ("+" if change["value"] > 0 else "") + shown, "unit_name": unit_name})
        return pd.DataFrame(rows, columns=["name", "value", "shown", "unit_name"])

    def name(self, indicator: str) -> str:
        """An indicator's name in this page's language."""
        return self._name(indicator)

    def status(self, row: pd.Series) -> str:
        """A derived row's result in words (fits after rounding, does not fit, …)."""
        return status_text(self.report, row, self.lang)

    def readings(self) -> pd.DataFrame:
        """Each ambiguous percentage change's previous share under both readings (points, per
        cent of the old share) beside this term's share: one row per indicator and term."""
        derived, words = self._derived, self.words["chart_words"]
        points = derived[(derived["quantity"] == "previous") & (derived["reading"] == "percentage_points")]
        rows = []
        for _, row in points.iterrows():
            ind = row["indicator"]
            relative = derived[(derived["quantity"] == "previous") & (derived["indicator"] == ind)
                               & (derived["reading"] == "relative")].iloc[0]
            now = self.report.value(ind)
            if now is None:
                computed = derived[(derived["quantity"] == "computed_share") & (derived["indicator"] == ind)]
                now = computed.iloc[0]["value"] if not computed.empty else None
            for term, value in ((words["points_reading"], row["value"]), (words["relative_reading"], relative["value"]),
                                (words["now"], now)):
                if value is not None:
                    rows.append({"name": self._name(ind), "term": term, "value": round(value, 4),
                                 "shown": format_figure(value, "percent", self.lang, int(row["places"]))})
        return pd.DataFrame(rows, columns=["name", "term", "value", "shown"])

    def wholes(self) -> pd.DataFrame:
        """The totals each count/share pair allows when the report does not state the total:
        every whole number the share rounds to, from ``low`` to ``high``."""
        derived = self._derived
        pairs = derived[(derived["quantity"] == "implied_whole") & (derived["reading"] == "rounded")]
        rows = []
        for _, row in pairs.iterrows():
            rows.append({"name": self._name(row["inputs"][0]), "low": row["low"], "high": row["high"],
                         "range": fill(self.words["number"]["range"], low=format_figure(row["low"], "", self.lang, 0),
                                                                       high=format_figure(row["high"], "", self.lang, 0))})
        return pd.DataFrame(rows, columns=["name", "low", "high", "range"])

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
        posed = is_posed(self.report, needs, when)
        if posed:
            self.posed += 1
        exercise = Exercise(self, exercise_id, kind, needs, self.posed if posed else None, counts)
        self.exercises.append(exercise)
        return exercise

    def furniture(self, template: str, **context: object) -> str:
        """One of the page's templates (villagereport/templates/), every value escaped."""
        return furniture(template, **context)

    # --- tables -----------------------------------------------------------------------
    def lists(self) -> HTML | None:
        """The section's counted lists as tables, saying where the report gives no items."""
        lists = self.report.lists
        here = lists[lists["section"] == self.section]
        if here.empty:
            return None
        page = self.words["page"]
        entries = []
        quotes = list(here["quote"])
        for position, (ind, row) in enumerate(here.iterrows()):
            # Each list's clause, as every figure's: the page's provenance for it; said once
            # under the last of lists that one clause states together (“十个严禁”“三个严肃查处”).
            shared = position + 1 < len(quotes) and quotes[position + 1] == row["quote"]
            entry = {"caption": self._name(ind), "clause": "" if shared else row["quote"], "text": "", "table": None}
            entries.append(entry)
            if not row["n_items"] and pd.isna(row["stated_count"]):
                # A slogan with neither items nor a count (全覆盖): the article's word, and its clause.
                entry["text"] = f"「{row['slogan']}」" if isinstance(row["slogan"], str) else ""
                continue
            count = row["stated_count"] if pd.notna(row["stated_count"]) else row["n_items"]
            # The list's name only: the article's own words for it (十个严禁) are quoted whole in the
            # narrative, never cut into a name and a fragment.
            if not row["exhaustive"]:
                entry["caption"] += (" " if spaced(self.lang) else "") + page["non_exhaustive"]
            note = note_in(row["note"], self.lang, any_language=True)
            if note:
                entry["caption"] = fill(self.words["writing"]["paren"], text=entry["caption"], aside=note)
            items = self.report.items(ind, self.lang)
            if not items:
                entry["text"] = fill(page["items_not_stated"], count=count) if count else page["items_not_listed"]
                continue
            table = pd.DataFrame({"#": range(1, len(items) + 1), page["item_header"]: items})
            original = self.report.items(ind)
            if original != items:
                # The English edition gives each item in English, with the article's words quoted.
                table[page["column"]["quote"]] = [f"「{item}」" for item in original]
            # A label in bold, not italics: Chinese type has no italic; the table is named by it.
            label = html.escape(entry["caption"], quote=True)
            entry["table"] = Markup(table_html(table, "vb-table vb-list").replace("<table", f'<table aria-label="{label}"', 1))
        # A heading, not a bold line: it is a part of the page in its outline (for a screen reader too).
        return HTML(furniture("lists.html", heading=page["lists_caption"], lists=entries, colon=page["label_colon"],
                          quote_label=page["column"]["quote"]))

    def figures(self) -> HTML | None:
        """The section's figures with the clause that states each: the page's provenance.

        Every stated figure is a row: levels, changes with no level, previous levels (from ->
        to), figures of villages or communities alone (named so), and each figure's note.
        """
        if self.section == "checking":
            return self._derived_table()
        # The page's own tidy table: the same names and figures as printed that the notebook uses.
        here = self.table.join(self.report.all_figures[["note"]])
        if here.empty:
            return None  # the narrative has said, once, that the section has no figures
        col = self.words["page"]["column"]
        rows = []
        for key, row in here.iterrows():
            # Each figure with its counter word (24小时, 311 people): a bare "24" under a name
            # that does not say its unit could be hours or days.
            previous = "" if pd.isna(row["previous"]) else counted(
                format_figure(row["previous"], row["unit"], self.lang), row["unit"], row["previous"], self.lang)
            shown = row["shown"] if pd.isna(row["value"]) else counted(row["shown"], row["unit"], row["value"], self.lang)
            rows.append({col["indicator"]: row["name"], col["value"]: shown,
                         col["previous"]: previous, col["change"]: change_text(self.report, key, self.lang),
                         col["note"]: note_in(row["note"], self.lang, any_language=True),
                         col["quote"]: f"「{row['quote']}」"})
        table = pd.DataFrame(rows)
        # Columns no figure of the page fills are left out.
        table = table[[c for c in table.columns if c in (col["indicator"], col["value"], col["quote"])
                       or (table[c] != "").any()]]
        return HTML(furniture("figures.html", heading=self.words["page"]["figures_caption"], source=self.chart_source(),
                          table=Markup(table_html(table, "vb-table vb-figures"))))

    def _derived_table(self) -> HTML:
        col = self.words["page"]["column"]
        words = self.words
        rows = []
        for _, row in self._derived.iterrows():
            ind = row["indicator"]
            name = self._name(ind) if ind in self.report.catalogue else ind
            # A recomputed share to three decimals, as the page's sentence gives it (12.857%).
            places = 3 if row["quantity"] == "share_check" else int(row["places"])
            value = "" if pd.isna(row["value"]) else format_figure(row["value"], row["unit"], self.lang, places)
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
                             row["stated"], row["unit"] if row["quantity"] == "change" else "percent", self.lang,
                             qualifier=row["reading"] if row["reading"] in QUALIFIERS else "exact",
                             qualifier_forms=words["number"]),
                         col["status"]: status_text(self.report, row, self.lang)})
        return HTML(table_html(pd.DataFrame(rows), "vb-table"))
