"""The notebooks' code comments in the reader's language: every comment translated, the code
itself untouched, the lines wrapped to the notebook's width; the Chinese copies and pages show them."""

from __future__ import annotations

import ast
from pathlib import Path

import nbformat
import pytest

from villagereport.comments import WIDTH, _width, blocks, catalogue, in_language

BOOK = Path(__file__).resolve().parent.parent / "book"
CELLS = [cell.source for path in sorted(BOOK.glob("[0-9][0-9]_*.ipynb"))
         for cell in nbformat.read(path, as_version=4).cells if cell.cell_type == "code"]


def test_every_comment_in_the_notebooks_has_a_chinese_translation():
    # A comment added or changed without its translation (make comments names it) fails here.
    untranslated = sorted({b.text for source in CELLS for b in blocks(source)} - set(catalogue("zh")))
    assert untranslated == [], untranslated


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_translated_cells_are_the_same_code(lang):
    for source in CELLS:
        translated = in_language(source, lang)
        assert ast.dump(ast.parse(translated)) == ast.dump(ast.parse(source))
        if lang == "en":
            assert translated == source  # English is what the notebooks are written in


def test_the_chinese_comments_are_chinese_and_fit_the_width():
    changed = 0
    for source in CELLS:
        translated = in_language(source, "zh")
        changed += translated != source
        for block in blocks(translated):
            assert not block.text.isascii() or block.text in {'"zh" 或 "en"'}, block.text
        for line in set(translated.splitlines()) - set(source.splitlines()):
            if line.lstrip().startswith("#") and _width(line) > WIDTH:
                pytest.fail(f"{line!r}: expected at most {WIDTH} columns")
    assert changed > 40


def test_a_run_of_comment_lines_is_one_message_and_an_inline_comment_its_own():
    source = "x = 1  # one\n    # two\n# three\n# four\ny = 2\n# noqa: F401\n# solution\n"
    assert [(b.first, b.last, b.text, b.inline) for b in blocks(source)] == [
        (0, 0, "one", True), (1, 1, "two", False), (2, 3, "three four", False)]


@pytest.mark.parametrize("width", [40, 60, 92])
def test_wrapping_keeps_every_character_and_starts_no_line_with_punctuation(width):
    from villagereport.comments import wrap

    for text in catalogue("zh").values():
        lines = wrap(text, width)
        assert "".join(lines).replace(" ", "") == text.replace(" ", "")
        for line in lines:
            assert line[0] not in "，。、；：！？）」』”’》】", lines
            assert _width(line) <= width + 2 or " " not in line and line.isascii(), lines


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_copies_comment_in_their_language(tmp_path, lang):
    from villagebook.classroom import write_copies

    write_copies([BOOK / "01_overview.ipynb"], tmp_path, parameters={"report": "linjiang-2021.yaml", "lang": lang})
    english = "a report file (relative to this notebook)"
    for kind in ("student", "teacher"):
        text = "\n".join(c.source for c in nbformat.read(tmp_path / kind / "01_overview.ipynb", as_version=4).cells)
        assert (english in text) == (lang == "en")
        assert (catalogue("zh")[english] in text) == (lang == "zh")


def test_each_edition_shows_the_code_with_comments_in_its_language(built_site):
    english = "This page's figures as a tidy table: one row per figure the report states."
    zh_page = (built_site / "zh" / "book" / "01_overview.html").read_text(encoding="utf-8")
    en_page = (built_site / "en" / "book" / "01_overview.html").read_text(encoding="utf-8")
    assert catalogue("zh")[english].split("：")[0] in zh_page and "one row per figure" not in zh_page
    assert "one row per figure" in en_page
