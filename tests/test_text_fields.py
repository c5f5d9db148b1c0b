"""What the validator accepts, the pages show: any text, from all of Unicode, in a text field
of a valid report is either refused by ``validate`` in one line, or shown on its page as
written (escaped like any text), in both languages, with nothing raised."""

from __future__ import annotations

import html
import json
import os
import subprocess
import sys

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import DATA, ROOT
from inprocess import outputs
from villagebook.edition import landing_page
from villagereport import load_report
from villagereport.errors import ReportError
from villagereport.report import refused_character
from villagereport.wording import escape_markdown

BASE = yaml.safe_load((DATA / "reports" / "linjiang-2021.yaml").read_text(encoding="utf-8"))

# Text fields the overview page shows, each as a path into the report file.
FIELDS = [("place", "name", "zh"), ("place", "name", "en"), ("source", "outlet", "zh"), ("source", "outlet", "en"),
          ("figures", 0, "note"), ("figures", 0, "quote"), ("lists", 0, "items", 1), ("source", "title")]
# All of Unicode, surrogates and unassigned code points included (hypothesis leaves surrogates
# out unless asked).
ANY_CHARACTER = st.characters(min_codepoint=0, max_codepoint=0x10FFFF, categories=None,
                              exclude_categories=[])


def _with(field: tuple, text: str) -> dict:
    document = json.loads(json.dumps(BASE))
    node = document
    for part in field[:-1]:
        node = node[part]
    # A quote must still state its figure: the text goes after it.
    node[field[-1]] = (node.get(field[-1]) or "") + text if field[-1] == "quote" else "甲" + text + "乙"
    return document


def _write(tmp_path, document: dict):
    path = tmp_path / "report.yaml"
    # Escaped, as a YAML file written by hand with \\u escapes would be: surrogates included.
    path.write_text(yaml.safe_dump(document, allow_unicode=False, sort_keys=False), encoding="utf-8")
    return path


@settings(max_examples=int(os.environ.get("VILLAGEBOOK_EXAMPLES", "60")) // 4, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(field=st.sampled_from(FIELDS), text=st.text(ANY_CHARACTER, min_size=1, max_size=6))
def test_any_text_in_a_field_is_refused_in_one_line_or_shown_as_written(tmp_path, field, text):
    document = _with(field, text)
    path = _write(tmp_path, document)
    try:
        report = load_report(path)
    except ReportError as error:
        assert "\n" not in str(error) and str(path) in str(error)
        assert any(refused_character(c) for c in text) or "quote" in str(error), str(error)
        return
    assert not any(refused_character(c) for c in text)
    node = document
    for part in field:
        node = node[part]
    shown_forms = {escape_markdown(node), html.escape(" ".join(node.split())), html.escape(node)}
    for lang in ("zh", "en"):
        if field == ("source", "title"):
            page = landing_page(lang, report, [])  # the title is on the landing page
        else:
            bundles, written = outputs("overview", path, lang)
            assert written == "", written
            page = "\n".join(str(v) for bundle in bundles for v in bundle.values())
        if field[-1] in ("zh", "en") and field[-1] != lang or field[0] == "lists" and lang != "zh":
            continue  # the other language's name, or the Chinese item (English has items_en), is not on this page
        assert any(form in page for form in shown_forms), (field, text, lang)
    assert report.id == BASE["id"]


@pytest.mark.parametrize(("char", "refused"), [
    ("\ud800", True), ("\x00", True), ("\x1b", True), ("\x85", True), ("\u202e", True), ("\u2066", True),
    ("\ufffe", True), ("\U0010ffff", True),
    ("\u200b", False), ("\u200d", False), ("\ufeff", False), ("\ue000", False), ("\U000f0000", False),
    ("\u200e", False), ("\u200f", False), ("😀", False), ("\t", False)])
def test_each_kind_of_character_is_refused_by_validate_in_one_line_or_accepted(tmp_path, char, refused):
    path = _write(tmp_path, _with(("source", "outlet", "en"), char))
    result = subprocess.run([sys.executable, "-m", "villagereport", "validate", str(path)],
                            capture_output=True, text=True, cwd=ROOT)
    if refused:
        assert result.returncode == 1 and len(result.stderr.splitlines()) == 1
        assert f"source.outlet.en: expected text a page can show, got" in result.stderr
        assert f"U+{ord(char):04X}" in result.stderr and "Traceback" not in result.stderr
    else:
        assert result.returncode == 0 and result.stdout.startswith("ok: "), result.stderr


@pytest.mark.parametrize("command", [
    ["villagereport", "validate", "{report}"],
    ["villagebook", "build", "--report", "{report}", "--no-gate", "--out", "{tmp}/site"],
    ["villagebook", "goldens", "--report", "{report}"],
])
def test_every_command_refuses_a_report_the_validator_refuses_in_the_same_one_line(tmp_path, command):
    # One definition of a valid report: each command that takes one gives the validator's line.
    path = _write(tmp_path, _with(("source", "outlet", "en"), "\ud800"))
    args = [part.format(report=path, tmp=tmp_path) for part in command]
    result = subprocess.run([sys.executable, "-m", *args], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    assert lines[0] == f"error: {path}: source.outlet.en: expected text a page can show, got an unpaired surrogate " \
                       f"(no UTF-8 page can hold it), U+D800, at character 2"
    assert not (tmp_path / "site").exists()
