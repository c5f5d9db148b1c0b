"""Bad input: one line naming the file, the field and what was expected; never a traceback."""

from __future__ import annotations

import subprocess
import sys

import pytest

from conftest import FIXTURES, REPORTS, ROOT
from villagereport import ReportError, load_report

BAD = FIXTURES / "bad"

# file -> (field path, words the expectation must contain)
EXPECTED = {
    "binary.yaml": ("", "UTF-8 text file, got binary"),
    "count_not_whole.yaml": ("figures[0](villages_completed).value", "whole number"),
    "duplicate_indicator.yaml": ("figures[1](villages_completed).indicator", "each indicator once"),
    "duplicate_key.yaml": ("", "'election_year' twice"),
    "empty.yaml": ("", "empty file"),
    "future_date.yaml": ("source.date", "not in the future"),
    "impossible_date.yaml": ("source.date", "real calendar date"),
    "infinite_value.yaml": ("figures[0](villages_completed).value", "finite number"),
    "list_as_figure.yaml": ("figures[0](work_routines).indicator", "under lists"),
    "list_count_mismatch.yaml": ("lists[0](work_routines).items", "4 items"),
    "list_document.yaml": ("", "mapping"),
    "list_item_not_in_quote.yaml": ("lists[0](work_routines).items[3]", "verbatim"),
    "missing_source.yaml": ("source", "required field missing"),
    "nan_value.yaml": ("figures[0](villages_completed).value", "finite number"),
    "negative_count.yaml": ("figures[1](women_heads).value", ">= 0"),
    "no_figures.yaml": ("figures", "at least one figure"),
    "not_utf8.yaml": ("", "UTF-8"),
    "not_yaml.yaml": ("", "plain YAML"),
    "billion_laughs.yaml": ("", "no YAML anchors"),
    "deep_nesting.yaml": ("", "nesting too deep"),
    "python_tag.yaml": ("", "could not determine a constructor"),
    "bool_value.yaml": ("figures[0](villages_completed).value", "expected a number, got true/false"),
    "huge_number.yaml": ("figures[0](villages_completed).value", "finite number"),
    "unknown_section.yaml": ("figures[0](villages_completed).section", "expected one of overview"),
    "change_not_in_quote.yaml": ("figures[1](women_heads).changes[0].quote", "contain the figure '3'"),
    "items_en_mismatch.yaml": ("lists[0](work_routines).items_en", "one English item per item"),
    "bad_id.yaml": ("id", "expected text matching"),
    "utf16.yaml": ("", "binary data"),
    "quote_without_figure.yaml": ("figures[0](villages_completed).quote", "contain the figure '70'"),
    "scalar_document.yaml": ("", "mapping"),
    "share_contradicts_count.yaml": ("figures[2](women_heads_share).value", "share of 9 in 70"),
    "share_over_100.yaml": ("figures[2](women_heads_share).value", "at most 100"),
    "unknown_field.yaml": ("figures[0](villages_completed).valeu", "unknown field"),
    "unknown_indicator.yaml": ("figures[1](women_leaders).indicator", "indicator id"),
    "value_as_string.yaml": ("figures[0](villages_completed).value", "expected a number, got text"),
    "wrong_format.yaml": ("format", "village-election-report/1"),
    "wrong_unit.yaml": ("figures[0](villages_completed).unit", "'village'"),
    "yaml_alias.yaml": ("", "no YAML anchors"),
}


def test_every_bad_fixture_has_an_expectation():
    assert sorted(p.name for p in BAD.iterdir()) == sorted(EXPECTED)


def test_the_base_of_the_bad_fixtures_is_valid():
    # Each bad file breaks minimal.yaml in one way; minimal itself must load.
    load_report(FIXTURES / "minimal.yaml")


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_bad_report_raises_one_line_with_file_field_and_expectation(name):
    field, words = EXPECTED[name]
    with pytest.raises(ReportError) as caught:
        load_report(BAD / name)
    err = caught.value
    assert err.file.endswith(name) and err.field == field
    assert words in err.expected
    assert "\n" not in str(err) and str(err).startswith(str(BAD / name))


@pytest.mark.parametrize("path", [BAD / "does-not-exist.yaml", BAD])
def test_missing_file_or_directory(path):
    with pytest.raises(ReportError, match="expected an existing file|expected a file"):
        load_report(path)


def _validate(*paths):
    return subprocess.run([sys.executable, "-m", "villagereport", "validate", *map(str, paths)],
                          capture_output=True, text=True, cwd=ROOT, check=False)


def test_validate_command_accepts_every_report_in_data():
    result = _validate(*REPORTS)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == len(REPORTS) >= 11
    assert all(line.startswith("ok: ") for line in lines), lines


def test_validate_command_rejects_each_bad_input_in_one_line():
    # One run of the command over every bad file (a process each cost 20 s of the suite): each
    # gets exactly its one line, in order, none passes, and nothing else is printed.
    names = [*sorted(EXPECTED), "does-not-exist.yaml"]
    result = _validate(*(BAD / name for name in names))
    assert result.returncode == 1
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == len(names), result.stderr
    for name, line in zip(names, lines, strict=True):
        assert line.startswith(f"error: {BAD / name}"), (name, line)
    assert "Traceback" not in result.stderr


def test_validate_command_reports_every_bad_file_and_fails():
    result = _validate(REPORTS[0], BAD / "empty.yaml", BAD / "nan_value.yaml")
    assert result.returncode == 1
    assert len(result.stdout.splitlines()) == 1 and len(result.stderr.splitlines()) == 2
