"""Read a section page as a reader would, in-process, and find what a page must never say.

The scan renders everything a section notebook shows (intro, narrative, charts' titles and
descriptions, lists, figures table, exercises) with the same library calls the notebooks
make, so it can run over every report and every generated shape in seconds.
"""

from __future__ import annotations

import html
import re

import pandas as pd

from villagereport.claims import problems as claim_problems
from villagereport.numbers import format_number
from inprocess import run
from villagereport.render import title_text
from villagereport.report import Report
from villagereport.sections import PAGES
from villagereport.wording import fill, strings

SECTIONS = PAGES

# Signs of an empty slot or a template that leaked: a sentence that lost its number, a
# placeholder printed as is, a missing value printed as text.
_LEAKS = [
    (re.compile(r"\{\{|\{%|%\}|\}\}"), "template syntax"),
    (re.compile(r"\{[a-z_]+\}"), "an unfilled placeholder"),
    (re.compile(r"(?<![A-Za-z])(nan|NaN|None|Undefined)(?![A-Za-z])"), "a missing value printed"),
    (re.compile(r"（\s*[，,]|[，,]\s*）|\(\s*,|,\s*\)|（）|\(\s*\)"), "an empty slot in brackets"),
    # 为 ends words too (行为, 作为, 认为): only a bare 为 before the stop is a lost figure.
    (re.compile(r"(?:(?<![行作成认以因称])为|[占约达共至]|占[^。，；]{0,12}的)\s*[。，；]"), "a sentence that lost its figure (zh)"),
    (re.compile(r"\b(of|about|is|was|at|to|by|from)\s+[.,;]"), "a sentence that lost its figure (en)"),
    (re.compile(r"\b[a-z]+_[a-z_]+\b"), "an indicator id or template label"),
]


def _text(output: object) -> str:
    """The reader-visible text of one notebook output (Markdown, HTML or an Altair chart)."""
    if output is None:
        return ""
    if hasattr(output, "to_dict"):
        # Only its words are read here; every spec is checked against the schema where charts
        # are tested (test_charts) and wherever a notebook runs.
        spec = output.to_dict(validate=False)
        parts = [title_text(spec), spec.get("description", "")]
        return "\n".join(str(p) for p in parts)
    if hasattr(output, "_repr_markdown_"):  # a page's story: what the page shows is its Markdown
        output = output._repr_markdown_()
    data = getattr(output, "data", output)
    text = re.sub(r"<[^>]+>", " ", str(data))
    return html.unescape(text).replace("\\", "")


def page_parts(report: Report, section: str, lang: str, namespace: dict | None = None) -> dict[str, str]:
    """The page's text by part (intro, narrative, charts, tables, exercises), from running the
    section's notebook cells in-process on ``report`` (``namespace``: its names after the run)."""
    parts: dict[str, list[str]] = {"intro": [], "narrative": [], "charts": [], "tables": [], "exercises": []}
    for source, output in run(section, report.path, lang, loaded=report, namespace=namespace):
        if "page.intro()" in source:
            part = "intro"
        elif source.startswith("page.narrative") or "story = page.story()" in source:
            part = "narrative"
        elif source.startswith(("page.lists", "page.figures")):
            part = "tables"
        elif source.rstrip().endswith((".question()", ".solution()")):
            part = "exercises"
        elif source.startswith("page.downloads"):
            continue
        else:
            part = "charts"
        parts[part].append(_text(output))
    return {part: "\n".join(texts) for part, texts in parts.items()}


def problems(report: Report, section: str, lang: str) -> list[str]:
    """Everything wrong with one page: leaks, false "does not state" lines, untold figures, and
    a chart title that says what the report does not state."""
    names: dict = {}
    parts = page_parts(report, section, lang, names)
    found = [f"{section}/{lang}/chart title: {p}" for p in claim_problems(report, names["page"].title_claims())]
    for part, text in parts.items():
        # Quotes are the article's own words, shown verbatim: not the book's sentences.
        prose = re.sub(r"「[^」]*」", "", text)
        for pattern, what in _LEAKS:
            if part == "tables" and what.startswith("a sentence"):
                continue
            for match in pattern.finditer(prose):
                found.append(f"{section}/{lang}/{part}: {what}: …{prose[max(0, match.start() - 30):match.end() + 30]}…")
    # A table's row label (the derived table's "Whole implied by a percentage") is never a
    # phrase inside the book's sentences.
    # (Short labels such as "Previous term" are ordinary words in a chart's description.)
    labels = [label for label in strings(lang)["quantity"].values()
              if (len(label) >= 5 if lang == "zh" else len(label.split()) >= 3)]
    for part in ("narrative", "charts"):
        for label in labels:
            if label in parts[part]:
                found.append(f"{section}/{lang}/{part}: a table label inside a sentence: {label}")
    found += _false_silence(report, section, lang, parts)
    if section != "checking":
        found += _untold(report, section, lang, parts["narrative"])
    return found


def _false_silence(report: Report, section: str, lang: str, parts: dict[str, str]) -> list[str]:
    """A page may say a section has no figures only when the report states none there."""
    words = strings(lang)["page"]
    if section == "checking":
        return []
    silence = fill(words["section_not_stated"], topic=words["section_topic"][section])
    states_any = ((report.all_figures["section"] == section).any()
                  or (report.lists["section"] == section).any())
    text = "\n".join(parts.values())
    out = []
    if silence in text and states_any:
        out.append(f"{section}/{lang}: says the section has no figures, but the report states some")
    if text.count(silence) > 1:
        out.append(f"{section}/{lang}: says the section has no figures {text.count(silence)} times")
    for pattern in (r"本报道未说明", r"does not state"):
        if re.search(pattern, text):
            out.append(f"{section}/{lang}: a 'does not state' line: {re.search(pattern + '.{0,40}', text).group(0)}")
    return out


def _untold(report: Report, section: str, lang: str, narrative: str) -> list[str]:
    """Every figure stated in the section is said in its narrative: its level and its changes."""
    out = []
    figures = report.all_figures
    plain = narrative.replace(",", "")
    for key, row in figures[figures["section"] == section].iterrows():
        wanted = []
        if pd.notna(row["value"]):
            places = None if pd.isna(row["places"]) else max(int(row["places"]), 0)
            wanted.append(format_number(row["value"], lang, places))
        changes = report.all_changes[report.all_changes["key"] == key]
        wanted += [format_number(abs(c["value"]), lang, int(c["places"] or 0)) for _, c in changes.iterrows()]
        if pd.notna(row["previous"]):
            wanted.append(format_number(row["previous"], lang))
        for number in wanted:
            written = re.escape(number.replace(",", ""))
            if number.endswith("万"):
                # A qualifier of a count in ten-thousands is written before its 万 (10余万).
                written = written[:-1] + "[余多]?万"
            if not re.search(r"(?<![\d.])" + written + r"(?![\d])", plain):
                out.append(f"{section}/{lang}: {key}: {number} is not said in the narrative")
    return out
