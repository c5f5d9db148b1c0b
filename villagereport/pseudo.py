"""A pseudo-locale: the English catalogue with every letter of its words accented (Ŧĥé…),
placeholders, template code, Markdown code and HTML tags kept as they are.

A book built in it shows at a glance, and to a test, any word that does not come from a
catalogue: such a word is still plain English. ``python -m villagereport pseudo DIR`` writes
``DIR/en-XA.po``; give DIR in ``VILLAGEREPORT_CATALOGUES`` and build with ``--lang en-XA``.
"""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

from villagereport.wording import SETTINGS, SOURCE_LANGUAGE, catalogue_paths

LANGUAGE = "en-XA"  # the pseudo-locale's usual tag: English, "accented"
_ACCENTED = str.maketrans(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "áƀçđéƒĝĥíĵķĺɱñóƥʠŕšţúʋŵẋýžÁƁÇĐÉƑĜĤÍĴĶĹṀÑÓƤɊŔŠŢÚṼŴẊÝŽ")
# What is not words: Jinja ({{ }}, {% %}, {# #}), str.format fields ({name}, {}), Markdown
# code (`…`), HTML tags and entities, and a link's target.
_KEEP = re.compile(r"```.*?```|\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}|\{[A-Za-z_0-9]*\}|`[^`]*`|<[^>]+>|&[a-z]+;|\]\([^)]*\)", re.S)


def accent(text: str) -> str:
    """``text`` with the letters of its words accented, what is not words kept."""
    out, last = [], 0
    for match in _KEEP.finditer(text):
        out.append(text[last:match.start()].translate(_ACCENTED))
        out.append(match.group())
        last = match.end()
    out.append(text[last:].translate(_ACCENTED))
    return "".join(out)


def write_catalogue(folder: str | Path) -> Path:
    """Write the pseudo-locale's catalogue into ``folder``; return its path."""
    with open(catalogue_paths()[SOURCE_LANGUAGE], "rb") as handle:
        source = read_po(handle)
    catalog = Catalog(locale="en", domain=source.domain, project=source.project, version=source.version,
                      header_comment="# The pseudo-locale en-XA, made by villagereport.pseudo from en.po.")
    catalog.fuzzy = False
    for message in source:
        if message.id:
            if message.pluralizable:  # each plural form accented
                catalog.add(message.id, tuple(accent(form) for form in message.string))
                continue
            catalog.add(message.id, message.string if message.id in SETTINGS else accent(message.string))
    path = Path(folder) / f"{LANGUAGE}.po"
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as handle:
        write_po(handle, catalog, width=0, sort_output=False, no_location=True)
    return path
