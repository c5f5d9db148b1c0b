"""The book's words in each language, kept in villagereport/text/<lang>.yaml."""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

import yaml

from villagereport.errors import ReportError

LANGUAGES = ("zh", "en")

# Characters that Markdown, MyST or HTML would read as syntax rather than text.
_MARKDOWN_SYNTAX = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~:$=\"'&@^])")


@cache
def strings(lang: str) -> dict:
    """All strings and templates of ``lang``."""
    if lang not in LANGUAGES:
        raise ReportError("parameter", "lang", f"expected one of {', '.join(LANGUAGES)}, got {lang!r}")
    text = resources.files("villagereport.text").joinpath(f"{lang}.yaml").read_text("utf-8")
    return yaml.safe_load(text)


def escape_markdown(text: str) -> str:
    """Make text from a report appear literally in Markdown output: no markup, no HTML."""
    text = _MARKDOWN_SYNTAX.sub(r"\\\1", str(text))
    # Line breaks could start a heading or a list; a report's text is one line on the page.
    return " ".join(text.split())
