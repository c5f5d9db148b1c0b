"""What the validator accepts, the pages show: any text, from all of Unicode, in a text field
of a valid report is either refused by ``validate`` in one line, or shown on its page as
written (escaped like any text), in both languages, with nothing raised."""

from __future__ import annotations

import html
import json
import os
import re
import subprocess
import sys
import tempfile
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from conftest import DATA, ROOT
from inprocess import STEMS, outputs
from villagebook.build import build
from villagebook.edition import landing_page
from villagereport import load_report
from villagereport.errors import ReportError
from villagereport.report import refused_character
from villagereport.wording import escape_markdown

BASE = yaml.safe_load((DATA / "reports" / "linjiang-2021.yaml").read_text(encoding="utf-8"))
# Linjiang's report with the text fields it leaves out given too: every kind of text field the
# format has, in each of the forms it may take (a heading or a note as one text or per language).
FULL = json.loads(json.dumps(BASE))
# A text field as written (subtitle, republished_in) and per language (title, rights), both forms.
FULL["source"].update(republished_in="转载于某报", url="https://example.org/article", subtitle="选出乡村振兴“生力军”")
FULL["place"]["county"] = {"zh": "某县", "en": "A County"}
FULL["headings"]["overview"] = "总体情况"
FULL["figures"][0]["note"] = "注释"
FULL["lists"][0]["note"] = {"zh": "清单注释", "en": "a note on the list"}
FULL["lists"][1]["note"] = "清单注释"
next(c for f in FULL["figures"] for c in f.get("changes", []) if c["value"] == -4.5)["stated_as"] = "4.5"


def _text_fields(node, path=()) -> list[tuple]:
    """A path to every string in the report, one for each kind (figures[0].quote stands for
    every figure's quote; each place name, outlet or heading language is its own kind)."""
    if isinstance(node, dict):
        return [p for key, value in node.items() for p in _text_fields(value, (*path, key))]
    if isinstance(node, list):
        return [p for i, value in enumerate(node) for p in _text_fields(value, (*path, i))]
    return [path] if isinstance(node, str) else []


def _kind(path: tuple) -> tuple:
    return tuple("*" if isinstance(part, int) else part for part in path)


FIELDS: list[tuple] = []
for _path in _text_fields(FULL):  # the first field of each kind, in the file's order
    if _kind(_path) not in map(_kind, FIELDS):
        FIELDS.append(_path)
# All of Unicode, surrogates and unassigned code points included (hypothesis leaves surrogates
# out unless asked).
ANY_CHARACTER = st.characters(min_codepoint=0, max_codepoint=0x10FFFF, categories=None,
                              exclude_categories=[])
# ...and the characters the loader accepts: those a page shows.
SHOWABLE = ANY_CHARACTER.filter(lambda c: not refused_character(c))


def _with(field: tuple, text: str, document: dict | None = None) -> dict:
    """``document`` (a copy of FULL) with ``text`` put in ``field`` as a writer of the file would:
    a figure must stay in its quote, an item or a slogan in its list's quote, a web address
    starts with its scheme; any other text is put between two characters of its own."""
    document = json.loads(json.dumps(FULL if document is None else document))
    parent = document
    for part in field[:-1]:
        parent = parent[part]
    old = parent[field[-1]]
    if field[-1] == "quote":
        parent["quote"] = old + text
    elif field[-1] == "slogan" or len(field) > 2 and field[-2] == "items":
        listed = document["lists"][field[1]]
        parent[field[-1]] = old + text
        listed["quote"] = listed["quote"].replace(old, old + text, 1)
    elif field[-1] == "url":
        parent["url"] = old + "/" + text
    else:
        parent[field[-1]] = "甲" + text + "乙"
    return document


def _value(document: dict, field: tuple) -> str:
    node = document
    for part in field:
        node = node[part]
    return node


def _editions(field: tuple) -> tuple[str, ...]:
    """The editions that must show a field: a name in one language, its own; the article's
    items, the Chinese; their English, the English; anything else, both."""
    if field[-1] == "zh" or len(field) > 1 and field[-2] == "items":
        return ("zh",)
    if field[-1] == "en" or len(field) > 1 and field[-2] == "items_en":
        return ("en",)
    return ("zh", "en")


def _write(tmp_path, document: dict):
    path = tmp_path / "report.yaml"
    # Escaped, as a YAML file written by hand with \\u escapes would be: surrogates included.
    path.write_text(yaml.safe_dump(document, allow_unicode=False, sort_keys=False), encoding="utf-8")
    return path


def _shown_forms(text: str) -> set[str]:
    return {escape_markdown(text), html.escape(" ".join(text.split())), html.escape(text)}


def _pages(report, path, lang: str, field: tuple):
    """The edition's pages a report's text can be on, the field's own section's first."""
    yield landing_page(lang, report, [])
    own = _value(FULL, field[:2] + ("section",)) if field[0] in ("figures", "lists") else (
        field[1] if field[0] == "headings" else None)
    for section in sorted(STEMS, key=lambda s: s != own):
        bundles, written = outputs(section, path, lang)
        assert written == "", written
        yield "\n".join(str(v) for bundle in bundles for v in bundle.values())


def test_every_kind_of_text_field_is_drawn_from():
    # One of each kind, the optional ones and both forms of a note or heading included.
    kinds = {".".join(map(str, _kind(f))) for f in FIELDS}
    assert {"source.subtitle", "source.editor", "source.rights.zh", "source.rights.en", "source.republished_in", "source.url",
            "place.county.zh", "headings.overview", "headings.risk.en", "figures.*.note", "figures.*.note.en",
            "lists.*.note", "lists.*.note.zh", "lists.*.items.*", "lists.*.items_en.*", "lists.*.slogan",
            "lists.*.quote", "figures.*.threshold.unit", "figures.*.changes.*.stated_as"} <= kinds
    assert len(kinds) >= 45


@settings(max_examples=int(os.environ.get("VILLAGEBOOK_EXAMPLES", "60")) // 2, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
# Text from all of Unicode, or (half the time) from what a page can show: most characters of
# all of Unicode are showable, but drawn six at a time most texts would hold a refused one.
@given(field=st.sampled_from(FIELDS),
       text=st.text(ANY_CHARACTER, min_size=1, max_size=6) | st.text(SHOWABLE, min_size=1, max_size=6))
def test_any_text_in_any_field_is_refused_in_one_line_or_shown_as_written(tmp_path, field, text):
    document = _with(field, text)
    path = _write(tmp_path, document)
    try:
        report = load_report(path)
    except ReportError as error:
        assert "\n" not in str(error) and str(path) in str(error)
        event("refused")
        return
    event("accepted")
    assert not any(refused_character(c) for c in text)
    forms = _shown_forms(_value(document, field))
    for lang in _editions(field):
        assert any(any(form in page for form in forms) for page in _pages(report, path, lang, field)), (field, text, lang)
    assert report.id == BASE["id"]


def _field_name(field: tuple) -> str:
    """How the loader names a field: figures[7](women_members_per_village).note.zh."""
    pattern = ""
    for part in field:
        pattern += rf"\[{part}\](?:\([^)]*\))?" if isinstance(part, int) else (r"\." if pattern else "") + re.escape(part)
    return pattern


@pytest.mark.parametrize("field", FIELDS, ids=lambda f: ".".join(map(str, _kind(f))))
def test_each_field_refuses_a_character_no_page_can_show_naming_the_field(tmp_path, field):
    # The other direction for every field: a character no page can show is refused in one line
    # naming the field it is in, wherever in the file it is (an item or a slogan is also in its
    # list's quote, which is checked first).
    path = _write(tmp_path, _with(field, "\x00"))
    with pytest.raises(ReportError) as caught:
        load_report(path)
    named = _field_name(field[:2] + ("quote",) if field[-1] == "slogan" or "items" in field else field)
    assert re.fullmatch(re.escape(str(path)) + ": " + named + r": expected text a page can show, got a control "
                        r"character, U\+0000, at character \d+", str(caught.value)), str(caught.value)


CHARACTERS = [
    ("\ud800", True), ("\x00", True), ("\x1b", True), ("\x85", True), ("\u202e", True), ("\u2066", True),
    ("\ufffe", True), ("\U0010ffff", True),
    ("\u200b", False), ("\u200d", False), ("\ufeff", False), ("\ue000", False), ("\U000f0000", False),
    ("\u200e", False), ("\u200f", False), ("😀", False), ("\t", False)]


@pytest.fixture(scope="module")
def validated(tmp_path_factory):
    """The validate command run once over a report per character (a process each cost a second
    of the suite apiece), and once over the accepted ones alone: each file's line, the exits."""
    folder = tmp_path_factory.mktemp("characters")
    paths = {}
    for i, (char, _) in enumerate(CHARACTERS):
        (folder / str(i)).mkdir()
        paths[char] = _write(folder / str(i), _with(("source", "outlet", "en"), char))

    def validate(chars):  # type: ignore[no-untyped-def]
        return subprocess.run([sys.executable, "-m", "villagereport", "validate", *(str(paths[c]) for c in chars)],
                              capture_output=True, text=True, cwd=ROOT)

    return paths, validate([c for c, _ in CHARACTERS]), validate([c for c, refused in CHARACTERS if not refused])


@pytest.mark.parametrize(("char", "refused"), CHARACTERS)
def test_each_kind_of_character_is_refused_by_validate_in_one_line_or_accepted(validated, char, refused):
    paths, every, accepted = validated
    assert every.returncode == 1 and accepted.returncode == 0, accepted.stderr  # any refusal fails the run
    assert "Traceback" not in every.stderr
    path = str(paths[char])
    errors = [line for line in every.stderr.splitlines() if line.startswith(f"error: {path}: ")]
    oks = [line for line in every.stdout.splitlines() if line.startswith(f"ok: {path}: ")]
    if refused:
        assert len(errors) == 1 and not oks, every.stderr
        # A lone surrogate is written as an escape (\\ud800), which the YAML reader refuses where
        # it stands (line and column); any other character, the field's check (its name).
        where = "line 6, column 18: " if 0xD800 <= ord(char) <= 0xDFFF else "source.outlet.en: "
        assert f"{where}expected text a page can show, got" in errors[0]
        assert f"U+{ord(char):04X}" in errors[0]
    else:
        assert len(oks) == 1 and not errors, every.stderr
    # Nothing else is printed: one line per file.
    assert len(every.stdout.splitlines()) + len(every.stderr.splitlines()) == len(CHARACTERS)


@pytest.mark.parametrize("command", [
    ["villagereport", "validate", "{report}"],
    ["villagebook", "build", "--report", "{report}", "--no-gate", "--out", "{tmp}/site"],
    ["villagebook", "goldens", "--report", "{report}"],
    ["villagebook", "run", "book/01_overview.ipynb", "--report", "{report}", "--out", "{tmp}/site"],
])
def test_every_command_refuses_a_report_the_validator_refuses_in_the_same_one_line(tmp_path, command):
    # One definition of a valid report: each command that takes one gives the validator's line.
    path = _write(tmp_path, _with(("source", "outlet", "en"), "\ud800"))
    args = [part.format(report=path, tmp=tmp_path) for part in command]
    result = subprocess.run([sys.executable, "-m", *args], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    assert lines[0] == f"error: {path}: line 6, column 18: expected text a page can show, got an unpaired surrogate " \
                       f"(no UTF-8 page can hold it), U+D800"
    assert not (tmp_path / "site").exists()


# --- the whole book, built -------------------------------------------------------------------
def _accepted(field: tuple) -> bool:
    try:
        load_report(_write(Path(tempfile.mkdtemp()), _with(field, "字")))
    except ReportError:
        return False  # an id, a date, a unit or a form of a figure: no free text is ever accepted
    return True


class _Shown(HTMLParser):
    """What a page shows as text: its text, the words inside its charts' specifications (their
    titles, labels and tooltips are drawn from them), never the page's scripts and styles."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._in: str | None = None

    def handle_starttag(self, tag, attrs):  # type: ignore[no-untyped-def]
        kind = dict(attrs).get("type")
        self._in = "json" if tag == "script" and kind == "application/json" else tag if tag in ("script", "style") else None

    def handle_endtag(self, tag):  # type: ignore[no-untyped-def]
        self._in = None

    def handle_data(self, data):  # type: ignore[no-untyped-def]
        if self._in == "json":
            self.parts += [s for s in _strings(json.loads(data))]
        elif self._in is None:
            self.parts.append(data)


def _strings(node) -> list[str]:  # type: ignore[no-untyped-def]
    if isinstance(node, dict):
        return [s for value in node.values() for s in _strings(value)]
    if isinstance(node, list):
        return [s for value in node for s in _strings(value)]
    return [node] if isinstance(node, str) else []


def _one_line(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.slow
@settings(max_examples=int(os.environ.get("VILLAGEBOOK_BUILD_EXAMPLES", "1")), deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.data())
def test_a_report_with_drawn_text_in_every_field_validates_and_both_editions_build_and_show_it(tmp_path_factory, data):
    # Every field that takes text at all gets its own drawn text at once (numbered, so that each
    # is told from the others); the validator's "ok" is then a promise the build keeps.
    free = [field for field in FIELDS if _accepted(field)]
    document = FULL
    for i, field in enumerate(free):
        text = data.draw(st.text(SHOWABLE, min_size=1, max_size=6), label=".".join(map(str, field)))
        document = _with(field, f"〔{i}〕{text}", document)
    folder = tmp_path_factory.mktemp("drawn")
    path = _write(folder, document)
    result = subprocess.run([sys.executable, "-m", "villagereport", "validate", str(path)],
                            capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0 and result.stdout.startswith("ok: "), result.stderr
    build([path], ["zh", "en"], folder / "site", run_gate=False)
    shown = {}
    for lang in ("zh", "en"):
        parser = _Shown()
        for page in sorted((folder / "site" / lang).rglob("*.html")):
            if not {"_static", "_sources"} & set(page.relative_to(folder / "site").parts):
                parser.feed(page.read_text(encoding="utf-8"))
        # Joined as they follow each other: a web address made a link ends where its final
        # full stop, after the link, begins.
        shown[lang] = _one_line("".join(parser.parts))
    missing = [(".".join(map(str, field)), lang) for field in free for lang in _editions(field)
               if _one_line(_value(document, field)) not in shown[lang]]
    assert missing == []


@pytest.mark.kernels
def test_a_notebook_run_that_fails_names_the_cell_in_one_line_and_leaves_the_output_as_it_was(tmp_path):
    # A cell that raises (here one added to a copy of a page): `run` says which, in one line,
    # and the notebook the reader had at --out is untouched.
    import nbformat

    notebook = nbformat.read(ROOT / "book" / "01_overview.ipynb", as_version=4)
    notebook.cells.append(nbformat.v4.new_code_cell("raise ValueError('a cell that fails')"))
    copy = tmp_path / "notebook" / "01_overview.ipynb"
    copy.parent.mkdir()
    nbformat.write(notebook, copy)
    (tmp_path / "out").mkdir()
    out = tmp_path / "out" / "out.ipynb"
    out.write_text("the reader's earlier run", encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "villagebook", "run", str(copy), "--out", str(out)],
                            capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr, result.stderr
    assert re.fullmatch(rf"error: {re.escape(copy.name)}: cell {len(notebook.cells) - 1} \(\S+\): "
                        r"ValueError: a cell that fails\n", result.stderr), result.stderr
    assert out.read_text(encoding="utf-8") == "the reader's earlier run"
    assert [p.name for p in out.parent.iterdir()] == ["out.ipynb"]
