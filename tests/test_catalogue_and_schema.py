"""The indicator catalogue and the JSON Schemas agree with each other and with the reports."""

from __future__ import annotations

import jsonschema
import pytest

from conftest import FIXTURES, REPORTS
from villagereport import load_catalogue, load_report
from villagereport.safe_yaml import read_yaml
from villagereport.schema import schema, validate


@pytest.mark.parametrize("name", ["report", "indicators"])
def test_schemas_are_valid_json_schema(name):
    jsonschema.Draft202012Validator.check_schema(schema(name))


def test_catalogue_sections_match_the_report_schema():
    # The schema's section enum and the catalogue's sections must not drift apart.
    catalogue = load_catalogue()
    enum = schema("report")["$defs"]["section"]["enum"]
    assert list(catalogue.sections.index) == enum


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
