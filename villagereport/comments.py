"""A notebook's code comments in the reader's language.

The notebooks are written with English comments; a language's comment catalogue
(``text/locale/comments/LANG.po``, gettext's format: each comment as its ``msgid``, the
translation as its ``msgstr``) gives them in that language. A run of full-line comments is one
message (one sentence may run over several lines); the translation is wrapped again to the
block's indentation. A comment a catalogue lacks, or marks fuzzy (its English changed since it
was translated), stays in English.
"""

from __future__ import annotations

import io
import re
import tokenize
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from babel.messages.pofile import read_po

CATALOGUES = Path(__file__).resolve().parent / "text" / "locale" / "comments"
# Directives for tools, not words for a reader; "# solution" marks a line a student's copy drops.
_DIRECTIVE = re.compile(r"^(noqa\b|type:|fmt:|pragma\b|ruff:|solution$)")
# The width a comment line is wrapped to, in columns (a Chinese character takes two).
WIDTH = 96


@dataclass(frozen=True)
class Block:
    """Comment lines ``first``..``last`` (0-based) of a cell, starting at ``column``: one message.
    ``inline`` when it follows code on its line."""

    first: int
    last: int
    column: int
    text: str
    inline: bool


def blocks(source: str) -> list[Block]:
    """The comments of a cell's code, runs of full-line comments joined into one text each."""
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return []
    lines = source.splitlines()
    found: list[Block] = []
    for token in tokens:
        if token.type != tokenize.COMMENT:
            continue
        row, column = token.start[0] - 1, token.start[1]
        text = token.string[1:].strip()
        if not text or _DIRECTIVE.match(text):
            continue
        inline = bool(lines[row][:column].strip())
        previous = found[-1] if found else None
        if (not inline and previous and not previous.inline and previous.last == row - 1
                and previous.column == column):
            found[-1] = Block(previous.first, row, column, f"{previous.text} {text}", False)
        else:
            found.append(Block(row, row, column, text, inline))
    return found


@cache
def catalogue(lang: str) -> dict[str, str]:
    """``lang``'s translations of the comments, by English text (none where it has no catalogue)."""
    path = CATALOGUES / f"{lang}.po"
    if not path.is_file():
        return {}
    with open(path, "rb") as handle:
        return {m.id: m.string for m in read_po(handle) if m.id and m.string and not m.fuzzy}


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


# Chinese punctuation never starts a line (it hangs at the end of the one before); a line is
# best broken after it.
_CLOSING = frozenset("，。、；：！？）」』”’》】")
# How far back a break after punctuation is looked for, in columns, before breaking anywhere.
_LOOK_BACK = 24


def wrap(text: str, width: int) -> list[str]:
    """``text`` in lines of at most ``width`` columns (a hanging punctuation mark may add two):
    broken after Chinese punctuation where one is near, else between Chinese characters or at
    spaces; never inside a run of Latin letters, digits or code."""
    pieces = re.findall(r"\s+|[\x21-\x7e]+|.", text)
    lines, line = [], ""
    for piece in pieces:
        over = _width(line + piece.rstrip()) - width
        if line and (over > 2 or (over > 0 and piece not in _CLOSING)):
            after = [i + 1 for i, ch in enumerate(line) if ch in _CLOSING and _width(line[i + 1:]) <= _LOOK_BACK]
            cut = after[-1] if after and piece not in _CLOSING else len(line)
            if piece in _CLOSING:
                # A second mark in a row does not hang: the marks and the word before them go down.
                cut = len(line.rstrip("".join(_CLOSING)))
                cut = len(re.sub(r"(?:[\x21-\x7e]+|.)$", "", line[:cut])) or len(line)
            lines.append(line[:cut].rstrip())
            line = (line[cut:] + piece).lstrip()
        else:
            line += piece
    if line.strip():
        lines.append(line.rstrip())
    return lines


def in_language(source: str, lang: str) -> str:
    """A cell's code with its comments in ``lang`` where its catalogue translates them."""
    translated = catalogue(lang)
    found = [b for b in blocks(source) if b.text in translated]
    if not found:
        return source
    lines = source.splitlines()
    for block in reversed(found):
        text = translated[block.text]
        if block.inline:
            line = lines[block.first]
            lines[block.first] = f"{line[:block.column]}# {text}"
            continue
        indent = lines[block.first][:block.column]
        wrapped = [f"{indent}# {part}" for part in wrap(text, WIDTH - block.column - 4)]
        lines[block.first:block.last + 1] = wrapped
    return "\n".join(lines) + ("\n" if source.endswith("\n") else "")
