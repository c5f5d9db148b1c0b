"""The book's words in each language: one sentence specification, one gettext catalogue each.

``villagereport/text/sentences.yaml`` says which sentences exist and when each is said, for
every language; ``villagereport/text/locale/<lang>.po`` holds only one language's messages
(msgid: the message's id; msgstr: its text), in the format translators' tools read. English
is the source: every other catalogue must translate each of its messages, and may hold no id
the English one does not. A language is added by adding its catalogue (with its glossary
entries, if it keeps terms in Chinese); more catalogue directories may be given in the
environment variable ``VILLAGEREPORT_CATALOGUES`` (separated like PATH).
"""

from __future__ import annotations

import gettext
import io
import os
import re
from functools import cache
from importlib import resources
from collections.abc import Mapping
from pathlib import Path

import jinja2
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from villagereport.errors import ReportError
from villagereport.safe_yaml import parse_yaml

SOURCE_LANGUAGE = "en"
CATALOGUES_ENV = "VILLAGEREPORT_CATALOGUES"
_TEXT = resources.files("villagereport.text")
# Message ids a catalogue may hold beyond the source's: its own glossary.
_OWN = ("glossary.",)
# Settings of how a language writes, not words: its Babel and Sphinx locales, whether it
# groups thousands or counts in 万, whether it spaces words. A language may leave one empty
# where English does not, and a pseudo-locale copies them.
SETTINGS = frozenset({"number.locale", "number.thousands", "number.wan",
                      "writing.system", "book.sphinx_language"})
# How messages are rendered: a name a message uses that its page does not give is an error.
RENDER = jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=False, keep_trailing_newline=True)
# The language the reports are written in: their quotes, items and headings are in it.
REPORT_LANGUAGE = "zh"

# Characters that Markdown, MyST or HTML read as syntax anywhere in a line.
_MARKDOWN_SYNTAX = re.compile(r"([\\`*_{}\[\]<>#|~$&])")
# ...and those that are syntax only where a line starts: list markers, "1." and "1)".
_LINE_START = re.compile(r"^(\s*)([-+=](?=\s|$)|\d{1,9}(?=[.)](?:\s|$)))")


def catalogue_paths() -> dict[str, Path]:
    """Each language's catalogue: the library's own, then those of ``VILLAGEREPORT_CATALOGUES``."""
    found = {p.stem: Path(str(p)) for p in _TEXT.joinpath("locale").iterdir() if p.name.endswith(".po")}
    for folder in filter(None, os.environ.get(CATALOGUES_ENV, "").split(os.pathsep)):
        found.update({p.stem: p for p in sorted(Path(folder).glob("*.po"))})
    return found


@cache
def languages() -> tuple[str, ...]:
    """The languages there are catalogues for: the reports' own first, then English, then the rest."""
    return tuple(sorted(catalogue_paths(), key=lambda lang: (lang != REPORT_LANGUAGE, lang != SOURCE_LANGUAGE, lang)))


def reload_catalogues() -> None:
    """Read the catalogues again (after ``VILLAGEREPORT_CATALOGUES`` changed)."""
    for cached in (languages, _read, messages, sentences, strings, translations):
        cached.cache_clear()


def check_language(lang: object, field: str = "lang", where: str = "parameters") -> str:
    """``lang`` if a catalogue holds it, else the one-line error naming the languages there are."""
    if lang not in languages():
        raise ReportError(where, field, f"expected one of {', '.join(languages())}, got {lang!r}")
    return str(lang)


@cache
def _read(lang: str) -> dict[str, str]:
    path = catalogue_paths()[lang]
    try:
        with open(path, "rb") as handle:
            catalog = read_po(handle, abort_invalid=True)
    except Exception as error:  # noqa: BLE001  (Babel raises its own kinds for a broken file)
        raise ReportError(path, "catalogue", f"expected a gettext catalogue Babel can read ({error})") from None
    # A plural message (msgid_plural, msgstr[n]) is kept by its id with its forms as a tuple.
    return {(message.id[0] if message.pluralizable else message.id):
            (tuple(message.string) if message.pluralizable else message.string)
            for message in catalog if message.id}


@cache
def translations(lang: str) -> gettext.GNUTranslations:
    """The catalogue of ``lang`` as gettext reads it, so that plural forms are chosen by its own
    ``Plural-Forms`` header (one form in Chinese; "one" and "other" in English)."""
    with open(catalogue_paths()[lang], "rb") as handle:
        catalog = read_po(handle)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


def plural(lang: str, key: str, count: float) -> str:
    """The form of plural message ``key`` that ``lang`` uses for ``count`` (gettext's ngettext;
    a count that is not whole takes the form of its rounded-up value, as "1.5 years")."""
    whole = int(count) if float(count).is_integer() else int(count) + 1
    forms = messages(lang).get(key)
    if not isinstance(forms, tuple):
        raise ReportError(catalogue_paths()[lang], key, "expected a plural message (msgid_plural), got none")
    return translations(lang).ngettext(key, key, whole)


@cache
def messages(lang: str) -> dict[str, str]:
    """All messages of ``lang`` by id, checked against the source catalogue."""
    check_language(lang)
    own, source = _read(lang), _read(SOURCE_LANGUAGE)
    path = catalogue_paths()[lang]
    for key in own:
        if key not in source and not key.startswith(_OWN):
            raise ReportError(path, key, "expected a message id of the English catalogue (en.po), got an unknown one")
    for key, text in source.items():
        if key.startswith(_OWN):
            continue
        if key not in own or (_filled(text) and not _filled(own[key]) and key not in SETTINGS):
            raise ReportError(path, key, f"expected a translation of the English {text!r}, got none")
    return own


def _filled(text: str | tuple[str, ...]) -> bool:
    """Whether a message has text (a plural message: in every form)."""
    return all(text) if isinstance(text, tuple) else bool(text)


@cache
def sentences() -> dict:
    """The sentence specification (villagereport/text/sentences.yaml)."""
    text = _TEXT.joinpath("sentences.yaml").read_text("utf-8")
    return parse_yaml(text, "villagereport/text/sentences.yaml")


class Message(str):
    """A message's text that knows its id and language, so that rendering finds its parts."""

    key: str
    lang: str

    def __new__(cls, text: str, key: str, lang: str) -> Message:
        """A message's text that remembers its key and language."""
        obj = super().__new__(cls, text)
        obj.key, obj.lang = key, lang
        return obj


def message(lang: str, key: str) -> Message:
    """One message of ``lang`` by its id; an id no catalogue holds stops with one line."""
    return _message(lang, key)


def _message(lang: str, key: str) -> Message:
    found = messages(lang)
    if key not in found:
        raise ReportError(catalogue_paths()[lang], key, "expected a message with this id; the catalogue has none")
    return Message(found[key], key, lang)


def parts_of(key: str | None) -> dict:
    """The clauses (``parts`` in sentences.yaml) of the message ``key``: name -> when, otherwise."""
    return sentences().get("parts", {}).get(key, {}) if key else {}


def render(text: str, context: dict) -> str:
    """A message rendered with ``context``: first each of its parts (by the specification's
    condition, the same in every language), then the message with the parts' texts."""
    key, lang = getattr(text, "key", None), getattr(text, "lang", None)
    if lang is not None and "plural" not in context:
        # {{ plural("plural.changes", n) }}: the language's form of a plural message for n,
        # itself a template that may print {{ n }} (formatted by the caller as ``count``).
        context = {**context, "plural": lambda id_, n, count=None: render(
            Message(plural(lang, id_, n), id_, lang), {**context, "n": n if count is None else count})}
    clauses = {}
    for name, part in parts_of(key).items():
        # A part may hold a part named before it (a table's rows holding a clause of their own).
        if RENDER.compile_expression(part["when"], undefined_to_none=False)(**context):
            clauses[name] = render(_message(lang, f"{key}.{name}"), {**context, **clauses})
        elif part.get("otherwise"):
            clauses[name] = render(_message(lang, f"{key}.{name}.otherwise"), {**context, **clauses})
        else:
            clauses[name] = ""
    if "{" not in text:
        return str(text)  # nothing to fill in
    return _template(str(text)).render({**context, **clauses})


def fill(text: str, mapping: Mapping | None = None, /, **fields: object) -> str:
    """A message with its placeholders filled: ``{{ name }}``, the catalogues' one template
    syntax (Jinja's). ``mapping`` may be lazy: only the names the message prints are looked up
    in it (so a check rests on the figures its words print)."""
    if "{" not in text:
        return str(text)  # nothing to fill in
    if mapping is not None:
        fields = {**{name: mapping[name] for name in _names(str(text)) if name not in fields}, **fields}
    return _template(str(text)).render(fields)


@cache
def _names(text: str) -> frozenset[str]:
    # Every name the message prints, Jinja's globals among them ({{ range }} is a field here).
    return frozenset(node.name for node in RENDER.parse(text).find_all(jinja2.nodes.Name) if node.ctx == "load")


@cache
def _template(text: str) -> jinja2.Template:
    """A message compiled once: the same names and sentences are rendered for every page."""
    return RENDER.from_string(text)


def _part_ids() -> set[str]:
    ids = set()
    for key, parts in sentences().get("parts", {}).items():
        for name, part in parts.items():
            ids.add(f"{key}.{name}")
            if part.get("otherwise"):
                ids.add(f"{key}.{name}.otherwise")
    return ids


@cache
def strings(lang: str) -> dict:
    """All strings and templates of ``lang``, as one nested mapping: the catalogue's messages
    by the parts of their ids, and the specification's sentences with their texts."""
    words: dict = {"lang": lang}
    clauses = _part_ids()
    for key, text in messages(lang).items():
        if key.startswith(("narrative.", "chart_titles.", "exercises.items.",
                           "book.toc_captions.", "catalogue.")) or key in clauses:
            continue  # assembled from the specification below, read by the catalogue of indicators, or a clause
        *parents, last = key.split(".")
        node = words
        for part in parents:
            node = node.setdefault(part, {})
        node[last] = text  # plain words (a Message only where it is rendered with its clauses)
    spec = sentences()
    # Each chart's titles, by chart and title id: which one a page gives, its notebook chooses.
    for key in messages(lang):
        if key.startswith("chart_titles.") and key.count(".") == 2:
            _, chart, title = key.split(".")
            words.setdefault("chart_titles", {}).setdefault(chart, {})[title] = _message(lang, key)
    # Each exercise's question and solution, by the exercise's id (a notebook poses it).
    exercise_ids = {key.split(".")[2] for key in messages(lang) if key.startswith("exercises.items.")}
    words["exercises"]["items"] = {name: {part: _message(lang, f"exercises.items.{name}.{part}")
                                          for part in ("question", "solution")} for name in sorted(exercise_ids)}
    words["book"]["toc_captions"] = [str(_message(lang, f"book.toc_captions.{part}")) for part in spec["toc_captions"]]
    return words


def in_language(text: dict | str | None, lang: str) -> str | None:
    """A report's text given per language ({zh: …, en: …}) in ``lang``, else as the report
    wrote it: a language the report gives no translation for shows the original."""
    if not isinstance(text, dict):
        return text
    return text.get(lang) or text.get(REPORT_LANGUAGE)


def spaced(lang: str) -> bool:
    """Whether ``lang`` puts spaces between words (English) or not (Chinese)."""
    return strings(lang)["writing"]["system"] == "spaced"


def catalogue_words(lang: str, key: str) -> str:
    """The name of a section, unit or indicator in ``lang`` (``catalogue.<kind>.<id>...``)."""
    return _message(lang, f"catalogue.{key}")


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
