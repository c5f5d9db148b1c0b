"""Bad input: one line naming the file, the field and what was expected; never a traceback."""

from __future__ import annotations

import subprocess
import sys

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import FIXTURES, REPORTS, ROOT
from villagereport import ReportError, load_report, safe_yaml

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
    "todo_left.yaml": ("source.date", "a draft's TODO"),
    "chinese_numeral_mismatch.yaml": ("figures[0](villages_completed).stated_as", "a way of writing 70"),
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


@pytest.mark.parametrize(("quote", "stated_as", "value"), [
    ("完成一百七十二个行政村换届", None, 172), ("完成一百七十二个行政村换届", "一百七十二", 172),
    ("全县三千个行政村", None, 3000), ("全县两千个行政村", None, 2000), ("共二十三个行政村", None, 23),
    ("共一百零五个行政村", None, 105), ("完成70个行政村换届", None, 70)])
def test_a_count_in_chinese_numerals_is_read_as_its_value(tmp_path, quote, stated_as, value):
    # How county outlets often write small counts; cn2an reads them, as the drafter does.
    text = (FIXTURES / "minimal.yaml").read_text(encoding="utf-8").replace("    value: 70\n", f"    value: {value}\n", 1)
    text = text.replace("    quote: 完成70个行政村换届", (f"    stated_as: {stated_as}\n" if stated_as else "") + f"    quote: {quote}")
    text = text.replace("占12.9%", "占" + format(round(9 / value * 100, 1), "g") + "%").replace("value: 12.9", "value: " + format(round(9 / value * 100, 1), "g"))
    (tmp_path / "r.yaml").write_text(text, encoding="utf-8")
    report = load_report(tmp_path / "r.yaml")
    assert report.figures.at["villages_completed", "value"] == value
    assert report.figures.at["villages_completed", "stated_as"] in quote


def test_a_chinese_numeral_inside_a_larger_one_is_not_the_figure(tmp_path):
    # 一百 is not stated by 一百七十二.
    text = (FIXTURES / "minimal.yaml").read_text(encoding="utf-8").replace("    value: 70\n", "    value: 100\n", 1)
    text = text.replace("    quote: 完成70个行政村换届", "    quote: 完成一百七十二个行政村换届").replace("占12.9%", "占9%").replace("value: 12.9", "value: 9")
    (tmp_path / "r.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(ReportError, match="contain the figure"):
        load_report(tmp_path / "r.yaml")


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


# --- the one YAML reader ------------------------------------------------------------------
# Reports are read by one loader, libyaml's where PyYAML has it (safe_yaml.StrictLoader). What it
# reads, it must read as PyYAML's own safe loader does (dates kept as text), or a report would
# mean one thing here and another elsewhere. (libyaml reads a few odd texts PyYAML refuses, such
# as `{0? '' : null}`; those are read as libyaml reads them.)
class _PyYAML(yaml.SafeLoader):
    """PyYAML's safe loader in Python, with the same dates as text."""


_PyYAML.yaml_implicit_resolvers = safe_yaml.StrictLoader.yaml_implicit_resolvers


def _read_with(loader, text: str) -> object:  # type: ignore[no-untyped-def]
    try:
        return ("read", yaml.load(text, Loader=loader))  # noqa: S506 - SafeConstructor's types only
    except Exception as err:  # noqa: BLE001 - what each reader refuses is compared, not raised
        return ("refused", type(err).__name__)


def _agree(text: str) -> None:
    ours, theirs = _read_with(safe_yaml.StrictLoader, text), _read_with(_PyYAML, text)
    if ours[0] == theirs[0] == "read":
        assert ours == theirs, text


needs_libyaml = pytest.mark.skipif(not yaml.__with_libyaml__, reason="PyYAML without libyaml reads in Python only")


@needs_libyaml
def test_the_reader_is_libyamls_and_reads_every_report_and_fixture_as_pyyaml_does():
    assert issubclass(safe_yaml.StrictLoader, yaml.CSafeLoader)
    paths = [*REPORTS, *sorted(FIXTURES.rglob("*.yaml"))]
    read = 0
    for path in paths:
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue  # refused before the reader sees it
        _agree(text)
        read += _read_with(safe_yaml.StrictLoader, text)[0] == "read"
    assert read >= len(REPORTS) + 30  # the reports and the bad fixtures that are well-formed YAML


# Documents in every style PyYAML writes, then cut or changed at random: what both read, both
# read alike.
_SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-10**15, 10**15), st.floats(allow_nan=False),
                     st.text(max_size=20), st.sampled_from(["2021-04-15", "1e3", "0o17", "0x1F", "yes", "~", ".inf"]))
_DOCUMENTS = st.recursive(_SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                            st.dictionaries(st.text(max_size=8), inner, max_size=4)),
                          max_leaves=20)


@needs_libyaml
@settings(max_examples=300, deadline=None)
@given(document=_DOCUMENTS, flow=st.sampled_from([None, True, False]), unicode=st.booleans(),
       style=st.sampled_from([None, "'", '"', "|", ">"]), cut=st.integers(0, 400), insert=st.text(max_size=3))
def test_both_yaml_readers_read_alike_any_document_both_read(document, flow, unicode, style, cut, insert):
    text = yaml.safe_dump(document, default_flow_style=flow, allow_unicode=unicode, default_style=style)
    _agree(text)
    _agree(text[:cut] + insert + text[cut:])


# Plain scalars as a person types them, unquoted: what each resolves to (a date, a number in
# another base, a boolean, null) is the readers' to agree on.
_PLAIN = st.one_of(st.sampled_from(["2021-04-15", "2001-12-14t21:59:43.10-05:00", "1e3", "1_000", "0o17", "017", "0x1F",
                                    "0b101", "+1", ".5", "-.inf", ".NaN", "12:30:00", "yes", "No", "on", "~", "null",
                                    "70个", "约1.2万", "4.5岁", "«»", "a #b", "'q'"]),
                   st.text(st.characters(blacklist_categories=("Cs",)), max_size=12))


@needs_libyaml
@settings(max_examples=300, deadline=None)
@given(rows=st.lists(st.tuples(st.sampled_from(["a", "b", "- c", "  d", "date", "- "]), _PLAIN), max_size=6))
def test_both_yaml_readers_agree_on_plain_text_as_typed(rows):
    _agree("".join(f"{key}: {value}\n" if not key.startswith("-") else f"{key}{value}\n" for key, value in rows))


