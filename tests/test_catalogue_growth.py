"""The indicators added for issue 27 (figures other reports state): each one can be stated in a
report file, is named in every language, and is told on its section's page with its number."""

from __future__ import annotations

import re

import pytest
import yaml

from villagebook.stories import story
from villagereport.catalogue import CATALOGUE_PATH, load_catalogue
from villagereport.phrases import counted
from villagereport.numbers import format_number
from villagereport.report import load_report
from villagereport.wording import languages

MARKER = "# --- figures of other reports (added for issue 27) ---"

# Every indicator the issue added, with its section and unit (as the catalogue must hold them).
ADDED = {
    "directors_elected": ("overview", "person"),
    "deputy_directors_elected": ("overview", "person"),
    "villagers_committee_ordinary_members": ("overview", "person"),
    "deputy_secretaries_elected": ("candidates", "person"),
    "party_committee_ordinary_members": ("overview", "person"),
    "members_bachelor": ("overview", "person"),
    "members_bachelor_share": ("overview", "percent"),
    "members_postgraduate": ("overview", "person"),
    "members_college_only": ("overview", "person"),
    "members_college_only_share": ("overview", "percent"),
    "secretaries_college": ("candidates", "person"),
    "directors_college": ("overview", "person"),
    "secretaries_high_school_share": ("candidates", "percent"),
    "voters_registered": ("overview", "person"),
    "voters_voted": ("overview", "person"),
    "party_members_voted": ("overview", "person"),
    "party_member_turnout_share": ("overview", "percent"),
    "women_secretaries": ("candidates", "person"),
    "women_secretaries_share": ("candidates", "percent"),
    "women_directors": ("overview", "person"),
    "women_directors_share": ("overview", "percent"),
    "directors_avg_age": ("overview", "year"),
    "members_36_to_45": ("overview", "person"),
    "members_36_to_45_share": ("overview", "percent"),
    "members_46_to_59": ("overview", "person"),
    "members_46_to_59_share": ("overview", "percent"),
    "college_grad_officials_secretaries": ("candidates", "person"),
    "college_grad_officials_directors": ("candidates", "person"),
    "secretaries_45_or_under": ("candidates", "person"),
    "new_secretaries": ("candidates", "person"),
    "new_secretaries_share": ("candidates", "percent"),
    "secretaries_replaced": ("candidates", "person"),
    "secretaries_from_outside": ("candidates", "person"),
    "townships": ("organisation", "township"),
    "round_duration_days": ("organisation", "day"),
    "people_disciplined": ("discipline", "person"),
    "candidates_persuaded_to_withdraw": ("discipline", "person"),
    "cases_investigated": ("discipline", "case"),
    "units_audited": ("discipline", "unit"),
    "audits_with_findings": ("discipline", "unit"),
    "members_party_members": ("overview", "person"),
    "directors_party_members": ("overview", "person"),
    "party_units_completed": ("overview", "unit"),
    "committee_units_completed": ("overview", "unit"),
    "party_completion_share": ("overview", "percent"),
    "committee_completion_share": ("overview", "percent"),
    "party_units_not_completed": ("overview", "unit"),
    "committee_units_not_completed": ("overview", "unit"),
}
NEW_UNITS = ("township", "day", "case")

# A value of each kind, as an article writes it; a count above 999 so that English groups it.
VALUES = {"count": 1234, "share": 12.5, "age": 44.7, "amount": 37}

# Coverages to state each figure under: none given, a residents' committees' report, a party
# organisations' report, and both bodies of villages (names may say what the report covers).
COVERAGES = [
    None,
    {"bodies": ["committee"], "units": ["community"], "status": "complete"},
    {"bodies": ["party"], "units": ["village", "community"]},
    {"bodies": ["party", "committee"], "units": ["village"]},
]


def _block_ids() -> list[str]:
    """The ids in the catalogue's block for the issue, in their order there."""
    text = CATALOGUE_PATH.read_text(encoding="utf-8")
    assert MARKER in text
    block = text.split(MARKER, 1)[1]
    block = re.split(r"^\s*# --- ", block, maxsplit=1, flags=re.M)[0]  # up to the next block, if any
    return re.findall(r"^\s*- id: (\S+)\s*$", block, flags=re.M)


def _report_file(folder, indicator: str, value: float, unit: str, section: str, coverage: dict | None):
    number = str(value)
    document = {
        "format": "village-election-report/1",
        "id": "growth-" + indicator.replace("_", "-"),
        "source": {"outlet": {"zh": "测试报", "en": "Test Daily"}, "date": "2021-04-15"},
        "place": {"name": {"zh": "某县", "en": "Some County"}, "province": {"zh": "某省", "en": "Some Province"}},
        "election_year": 2021,
        "figures": [{
            "indicator": indicator, "section": section, "value": value, "unit": unit, "qualifier": "exact",
            "quote": f"报道称该项为{number}{'%' if unit == 'percent' else ''}",
        }],
    }
    if coverage:
        document["coverage"] = coverage
    path = folder / f"{document['id']}.yaml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def test_the_block_for_the_issue_holds_exactly_the_added_indicators():
    assert _block_ids() == list(ADDED)
    catalogue = load_catalogue()
    for indicator, (section, unit) in ADDED.items():
        assert indicator in catalogue, indicator
        row = catalogue.indicator(indicator)
        assert (row["section"], row["unit"]) == (section, unit), indicator


@pytest.mark.parametrize("unit", NEW_UNITS)
def test_each_new_unit_is_named_and_counted_in_every_language(unit):
    catalogue = load_catalogue()
    assert unit in catalogue.units.index
    for lang in languages():
        assert catalogue.units.at[unit, lang], (unit, lang)
        # A number with its counter word: "2 days", "2天" (not the bare number).
        assert counted("2", unit, 2, lang) != "2", (unit, lang)
    # English says one day, two days.
    assert counted("1", unit, 1, "en") != counted("2", unit, 2, "en").replace("2", "1")


@pytest.mark.parametrize("indicator", list(ADDED))
def test_each_added_indicator_loads_is_named_and_is_told_with_its_number(tmp_path, indicator):
    catalogue = load_catalogue()
    row = catalogue.indicator(indicator)
    value = VALUES[row["kind"]]
    for lang in languages():
        assert row[f"name_{lang}"] and row[f"definition_{lang}"], (indicator, lang)
    for i, coverage in enumerate(COVERAGES):
        folder = tmp_path / str(i)
        folder.mkdir()
        # (a) a report stating it loads
        report = load_report(_report_file(folder, indicator, value, row["unit"], row["section"], coverage))
        assert report.value(indicator) == value
        for lang in languages():
            # (b) its name, for what the report covers, is words, with no template left in it
            name = report.name(indicator, lang)
            assert name.strip() and "{{" not in name and "}}" not in name, (indicator, lang, coverage, name)
            # (c) its section's narrative tells it, with the number as the page writes it
            text = story(report, row["section"], lang).markdown()
            shown = format_number(value, lang)
            assert shown in text, (indicator, lang, coverage, shown, text)
            assert name in text, (indicator, lang, coverage, name, text)
