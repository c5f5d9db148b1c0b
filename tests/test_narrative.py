"""Narrative from templates: figures formatted for the language, silence where data is absent."""

from __future__ import annotations

import pytest

from conftest import DATA
from villagebook.stories import story
from villagereport import load_report
from villagereport.numbers import format_figure, format_number
from villagereport.wording import escape_markdown, fill, strings

REPORTS = {name: load_report(DATA / "reports" / f"{name}.yaml") for name in
           ("linjiang-2021", "jiaxiang-2021", "tongguan-2021")}


@pytest.mark.parametrize(("value", "lang", "places", "text"), [
    (68000, "zh", None, "6.8万"), (68000, "en", None, "68,000"), (1218, "zh", None, "1218"),
    (1218, "en", None, "1,218"), (43.7, "en", None, "43.7"), (51.3, "zh", 2, "51.30"), (59.0, "en", 0, "59"),
    (12345, "zh", None, "12345"),  # not a round number of 万: written out
])
def test_format_number(value, lang, places, text):
    assert format_number(value, lang, places) == text


def test_format_figure_adds_percent_and_qualifier():
    words = strings("zh")["number"]
    assert format_figure(12.9, "percent", "zh") == "12.9%"
    assert format_figure(30, "person", "zh", qualifier="at_least", qualifier_forms=words) == "至少30"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_narrative_states_every_figure_of_the_section(lang):
    report = REPORTS["linjiang-2021"]
    text = story(report, "discipline", lang).markdown()
    for indicator in ("discipline_pledges", "banners", "leaflets", "report_hotlines", "report_boxes"):
        value = report.value(indicator)
        assert format_figure(value, report.figures.at[indicator, "unit"], lang) in text, indicator


def test_narrative_uses_the_derived_figures():
    text = story(REPORTS["linjiang-2021"], "overview", "en").markdown()
    report = REPORTS["linjiang-2021"]
    previous = report.value("members_avg_age") - report.changes.set_index("indicator").at["members_avg_age", "value"]
    assert f"about {format_number(previous, 'en', 1)}" in text
    # Members per village: the book's own division, to one decimal, said as the book's.
    assert f"about {format_number(report.value('members_total') / report.value('villages_completed'), 'en', 1)}" in text
    assert "the book's division" in text


def test_a_section_the_report_is_silent_on_gets_one_plain_sentence():
    for lang in ("zh", "en"):
        page = strings(lang)["page"]
        said = fill(page["section_not_stated"], topic=page["section_topic"]["discipline"])
        assert story(REPORTS["tongguan-2021"], "discipline", lang).markdown().strip() == said.strip()
        assert story(REPORTS["linjiang-2021"], "discipline", lang).markdown().strip() != said.strip()


def _figures_told(report, section: str) -> set[str]:  # type: ignore[no-untyped-def]
    return {fact[1] for claim in story(report, section, "en").all_claims() for fact in claim.facts
            if fact[0] == "figure"}


def test_sentences_whose_figures_are_missing_are_left_out():
    # Tongguan states neither figure: no sentence of its overview rests on them; Linjiang's,
    # which states both, says sentences that do.
    missing = {"members_college", "women_heads"}
    assert not any(REPORTS["tongguan-2021"].has(i) for i in missing)
    told = _figures_told(REPORTS["tongguan-2021"], "overview")
    assert told and not told & missing
    assert missing <= _figures_told(REPORTS["linjiang-2021"], "overview")


def test_english_sentences_start_with_a_capital():
    for sentence in story(REPORTS["linjiang-2021"], "organisation", "en").markdown().split(". "):
        assert sentence[:1].isupper() or not sentence[:1].isalpha()


def test_the_checking_story_covers_every_derived_quantity_for_jiaxiang():
    zh = story(REPORTS["jiaxiang-2021"], "checking", "zh").checked
    assert any("1947" in s and "一致" in s for s in zh)
    assert any("仅在截尾时相符" in s for s in zh)  # 8.9% fits 120 of 1338 only if cut


@pytest.mark.parametrize(("text", "shown"), [
    ("<script>alert(1)</script>", r"\<script\>alert(1)\</script\>"),
    ("[x](javascript:alert(1))", r"\[x\](javascript:alert(1))"),
    ("# heading\nnext", r"\# heading next"),
    ("{{ x }}", r"\{\{ x \}\}"),
    ("1. not a list", r"1\. not a list"),
])
def test_text_from_reports_is_escaped_for_markdown(text, shown):
    assert escape_markdown(text) == shown
