"""The indicator catalogue and the JSON Schemas agree with each other and with the reports."""

from __future__ import annotations

import jsonschema
import pytest

from conftest import FIXTURES, REPORTS, ROOT
from villagereport import load_catalogue, load_report
from villagereport.safe_yaml import read_yaml
from villagereport.schema import schema, validate
from villagereport.sections import PAGE_STEMS, PAGES, SECTIONS


@pytest.mark.parametrize("name", ["report", "indicators"])
def test_schemas_are_valid_json_schema(name):
    jsonschema.Draft202012Validator.check_schema(schema(name))


def test_the_one_list_of_sections_is_the_schemas_the_catalogues_the_tocs_and_the_notebooks():
    # villagereport.sections is the list; what is written elsewhere must not drift from it.
    assert list(load_catalogue().sections.index) == list(SECTIONS)
    assert schema("report")["$defs"]["section"]["enum"] == list(SECTIONS)
    toc = read_yaml(ROOT / "_toc.yml")
    files = [chapter["file"] for part in toc["parts"] for chapter in part["chapters"]]
    pages = [f"book/{PAGE_STEMS[page]}" for page in PAGES]
    assert [f for f in files if f in pages] == pages  # every page, in the list's order
    assert all((ROOT / f"{page}.ipynb").exists() for page in pages)
    # ...and every notebook named like a page is one of them.
    numbered = {p.stem for p in (ROOT / "book").glob("0[1-7]_*.ipynb")}
    assert numbered == set(PAGE_STEMS.values())


def test_catalogue_names_every_indicator_in_both_languages():
    indicators = load_catalogue().indicators
    for column in ("name_zh", "name_en", "definition_zh", "definition_en"):
        assert indicators[column].str.len().gt(0).all(), column
    # English names carry no Chinese except a term kept in brackets beside its English.
    for ind_id, name in indicators["name_en"].items():
        stripped = name.split("(")[0]
        assert not any("\u4e00" <= ch <= "\u9fff" for ch in stripped), ind_id


@pytest.mark.parametrize(
    "genre_indicator",
    ["cross_appointment_share", "members_35_or_under", "members_45_or_under", "members_60_or_over",
     "party_committee_members", "one_shoulder_count", "women_members_share"],
)
def test_catalogue_holds_what_the_genre_states_beyond_linjiang(genre_indicator):
    assert genre_indicator in load_catalogue()


@pytest.mark.parametrize("path", [*REPORTS, FIXTURES / "minimal.yaml"], ids=lambda p: p.stem)
def test_report_files_validate_against_the_schema(path):
    validate(read_yaml(path), "report", path)


def test_each_indicator_kind_has_a_sensible_unit():
    indicators = load_catalogue().indicators
    assert (indicators.loc[indicators["kind"] == "share", "unit"] == "percent").all()
    assert (indicators.loc[indicators["kind"] == "age", "unit"] == "year").all()
    assert (indicators.loc[indicators["kind"] == "list", "unit"] == "item").all()


def test_every_report_uses_only_catalogued_indicators():
    catalogue = load_catalogue()
    for path in REPORTS:
        report = load_report(path)
        assert set(report.figures.index) <= set(catalogue.indicators.index)
        assert set(report.lists.index) <= set(catalogue.indicators.index)
