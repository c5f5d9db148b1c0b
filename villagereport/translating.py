"""Keeping a language's catalogue in step with the English one, as translators' tools expect
(``python -m villagereport sync LANG``)."""

from __future__ import annotations

from babel.messages.catalog import Message
from babel.messages.pofile import read_po, write_po

from villagereport.wording import _OWN, SOURCE_LANGUAGE, catalogue_paths, reload_catalogues


def sync_catalogue(lang: str) -> list[str]:
    """Bring ``lang``'s catalogue in step with the English one, as translators' tools expect:
    each message's English text above it (``#. en:``), an empty message for each id it lacks
    (the build then names it until it is translated). Returns the ids added."""
    path = catalogue_paths()[lang]
    with open(catalogue_paths()[SOURCE_LANGUAGE], "rb") as handle:
        source = read_po(handle)
    with open(path, "rb") as handle:
        catalog = read_po(handle)
    added = []
    for message in source:
        # A plural message's id and text are pairs (msgid, msgid_plural): it is found by the first.
        key = message.id[0] if isinstance(message.id, tuple) else message.id
        if not key or key.startswith(_OWN):
            continue
        if key not in catalog:
            empty = ("",) * catalog.num_plurals if isinstance(message.id, tuple) else ""
            catalog[message.id] = Message(message.id, empty)
            added.append(key)
        english = " | ".join(message.string) if isinstance(message.string, tuple) else message.string
        catalog[key].auto_comments = ["en: " + line for line in english.split("\n")]
    with open(path, "wb") as handle:
        write_po(handle, catalog, width=0, sort_output=False, include_previous=False, no_location=True)
    reload_catalogues()
    return added
