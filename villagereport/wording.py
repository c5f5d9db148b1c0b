"""The book's words in each language, kept in villagereport/text/<lang>.yaml."""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

from villagereport.errors import ReportError
from villagereport.safe_yaml import parse_yaml

LANGUAGES = ("zh", "en")

# Characters that Markdown, MyST or HTML read as syntax anywhere in a line.
_MARKDOWN_SYNTAX = re.compile(r"([\\`*_{}\[\]<>#|~$&])")
# ...and those that are syntax only where a line starts: list markers, "1." and "1)".
_LINE_START = re.compile(r"^(\s*)([-+=](?=\s|$)|\d{1,9}(?=[.)](?:\s|$)))")


@cache
def strings(lang: str) -> dict:
    """All strings and templates of ``lang``."""
    if lang not in LANGUAGES:
        raise ReportError("parameter", "lang", f"expected one of {', '.join(LANGUAGES)}, got {lang!r}")
    text = resources.files("villagereport.text").joinpath(f"{lang}.yaml").read_text("utf-8")
    # Strictly: a key written twice would silently replace the first.
    return parse_yaml(text, f"villagereport/text/{lang}.yaml")


def escape_markdown(text: str) -> str:
    """Make text from a report appear literally in Markdown output: no markup, no HTML."""
    # Line breaks could start a heading or a list; a report's text is one line on the page.
    text = " ".join(str(text).split())
    text = _MARKDOWN_SYNTAX.sub(r"\\\1", text)
    match = _LINE_START.match(text)
    if match and match.group(2)[0] in "-+=":
        text = "\\" + text
    elif match:
        end = match.end()
        text = text[:end] + "\\" + text[end:]
    return text
