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


def update_comment_catalogue(lang: str, sources: list[str]) -> list[str]:
    """Bring ``lang``'s comment catalogue (comments.CATALOGUES/LANG.po) in step with the
    comments of ``sources`` (the notebooks' code), as gettext's msgmerge does (Babel's
    ``Catalog.update``): a new comment is added untranslated, one whose English changed keeps
    its old translation marked fuzzy (not used until reviewed), one no longer there is dropped.
    Returns the comments that have no translation in use."""
    from babel.messages.catalog import Catalog

    from villagereport.comments import CATALOGUES, blocks

    path = CATALOGUES / f"{lang}.po"
    if path.is_file():
        with open(path, "rb") as handle:
            catalog = read_po(handle)
    else:
        catalog = Catalog(locale=lang)
    # The template's date becomes the catalogue's: the catalogue's own, so an update that adds
    # nothing writes the same file.
    template = Catalog(locale=None, creation_date=catalog.creation_date)
    for source in sources:
        for block in blocks(source):
            template.add(block.text)
    catalog.update(template)
    with open(path, "wb") as handle:
        write_po(handle, catalog, width=0, sort_output=False, ignore_obsolete=True, include_previous=True,
                 no_location=True)
    return [m.id for m in catalog if m.id and (not m.string or m.fuzzy)]
