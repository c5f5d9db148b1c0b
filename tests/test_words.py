"""The book's words: one sentence specification, a gettext catalogue per language, and a
pseudo-locale that shows any word not taken from a catalogue."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from babel.dates import get_month_names
from bs4 import BeautifulSoup

from conftest import DATA, ROOT
from villagereport import load_report, pseudo, translating, wording
from villagereport.catalogue import check_words, load_catalogue
from villagereport.errors import ReportError
from villagereport.sourcing import romanised
from villagereport.sections import PAGE_STEMS, SECTIONS

LOCALE = ROOT / "villagereport" / "text" / "locale"


@pytest.fixture
def catalogues(tmp_path, monkeypatch):
    """A folder of extra catalogues, read instead of the library's cached ones; the library's
    state is read afresh again after the test."""
    monkeypatch.setenv(wording.CATALOGUES_ENV, str(tmp_path))

    def reload() -> None:
        wording.reload_catalogues()
        load_catalogue.cache_clear()

    reload()
    yield tmp_path
    monkeypatch.undo()
    reload()


def _edited(source: str, old: str, new: str, folder: Path, lang: str = "xx") -> Path:
    text = (LOCALE / source).read_text(encoding="utf-8")
    assert old in text
    path = folder / f"{lang}.po"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    wording.reload_catalogues()
    load_catalogue.cache_clear()
    return path


def test_every_language_translates_every_message_of_the_english_catalogue():
    english = wording.messages("en")
    for lang in wording.languages():
        words = wording.messages(lang)
        # A glossary is the language's own: the terms it keeps in Chinese.
        assert {k for k in set(english) - set(words) if not k.startswith("glossary.")} == set(), lang
        # Settings aside, no message is left empty where English has words.
        assert [k for k, v in english.items() if v and k in words and not words[k] and k not in wording.SETTINGS] == [], lang
    # Both editions' sentences are said by the same story cells: each has its message in every
    # language, and no narrative message is left that no notebook says.
    said = {f"narrative.{section}.{sentence}" for section, sentence in _said_by_notebooks()}
    assert said and said <= set(english), sorted(said - set(english))
    orphans = {k for k in english if k.startswith("narrative.") and k.count(".") == 2} - said - {"narrative.checking.general"}
    assert orphans == set(), sorted(orphans)


def _said_by_notebooks() -> set[tuple[str, str]]:
    """(section, sentence id) for every story.say("…") in the section notebooks' story cells."""
    said = set()
    for section in SECTIONS:
        source = "\n".join(c.source for c in nbformat.read(ROOT / "book" / f"{PAGE_STEMS[section]}.ipynb", as_version=4).cells
                           if "story" in c.metadata.get("tags", []))
        said |= {(section, sentence) for sentence in re.findall(r'story\.say\("(\w+)"', source)}
    return said


def test_conditions_are_the_specifications_and_no_catalogues():
    # A catalogue holds only words: every "when" is in sentences.yaml, once for all languages.
    for lang in wording.languages():
        assert {k for k, v in wording.messages(lang).items() if "{%" in v} == set(), lang
    assert len(wording.sentences()["parts"]) >= 30


def test_every_placeholder_of_every_catalogue_is_written_one_way():
    # {{ name }}, Jinja's, everywhere: a translator meets one syntax, not two ({name} too).
    single = re.compile(r"(?<!\{)\{[a-z_][a-z_0-9]*\}(?!\})")
    for lang in wording.languages():
        texts = {k: " ".join(v) if isinstance(v, tuple) else v for k, v in wording.messages(lang).items()}
        assert {k for k, v in texts.items() if single.search(v)} == set(), lang
        assert sum("{{" in v for v in texts.values()) > 250, lang  # the check reads the messages' placeholders


@pytest.mark.parametrize(("lang", "all_fit", "some_fit"), [
    ("en", "All 3 checkable percentages fit their counts and wholes", "2 of 3 checkable percentages fit"),
    ("zh", None, None)])
def test_a_clause_follows_its_condition_in_every_language(lang, all_fit, some_fit):
    title = wording.strings(lang)["chart_titles"]["share_checks"]["general"]
    every, some = wording.render(title, {"fitting": 3, "total": 3}), wording.render(title, {"fitting": 2, "total": 3})
    assert every != some and "2" in some and "3" in some and "2" not in every
    if all_fit:
        assert every.startswith(all_fit) and some.startswith(some_fit)
    # One check is "the" check, not "all 1" (the catalogue's plural forms choose).
    one = wording.render(title, {"fitting": 1, "total": 1})
    assert one != every and "1" not in one if lang == "en" else "1" in one


def test_a_condition_naming_an_unknown_indicator_is_named(monkeypatch):
    spec = {**wording.sentences(), "parts": {"narrative.overview.villages_completed": {
        "communities_completed": {"when": "f.communities_complted"}}}}
    monkeypatch.setattr(wording, "sentences", lambda: spec)
    with pytest.raises(ReportError, match=r"sentences\.yaml: parts\.narrative\.overview\.villages_completed\."
                                          r"communities_completed: expected an indicator id .*f\.communities_complted"):
        check_words("en", set(load_catalogue().indicators.index), spec)


def test_a_catalogue_missing_a_message_stops_with_one_line_naming_it(catalogues):
    path = _edited("zh.po", 'msgid "page.not_stated"\nmsgstr "', 'msgid "page.not_stated_gone"\nmsgstr "', catalogues)
    with pytest.raises(ReportError) as error:
        wording.strings("xx")
    message = str(error.value)
    assert "\n" not in message and str(path) in message
    # The first problem found is named: here the id English has no message for.
    assert "page.not_stated_gone" in message and "unknown" in message


def test_an_untranslated_message_is_named(catalogues):
    _edited("zh.po", 'msgid "page.not_stated"\nmsgstr "本报道', 'msgid "page.not_stated"\nmsgstr "" "', catalogues)
    text = (catalogues / "xx.po").read_text(encoding="utf-8")
    (catalogues / "xx.po").write_text(re.sub(r'msgstr "" "[^\n]*', 'msgstr ""', text, count=1), encoding="utf-8")
    wording.reload_catalogues()
    with pytest.raises(ReportError, match=r"page\.not_stated: expected a translation"):
        wording.strings("xx")


def test_a_misspelt_figure_id_in_a_message_stops_the_build(catalogues):
    _edited("en.po", "{{ f.villages_completed }} villages {{ cov.elected }}", "{{ f.villages_complted }} villages {{ cov.elected }}",
            catalogues)
    with pytest.raises(ReportError, match=r"narrative\.overview\.villages_completed: expected an indicator id .*"
                                          r"f\.villages_complted"):
        load_catalogue()  # every report's build loads it: the misspelling stops the build


def test_a_broken_template_in_a_message_is_named(catalogues):
    _edited("en.po", ", as did {{ f.communities_completed }} communities", ", as did {{ f.communities_completed } communities", catalogues)
    with pytest.raises(ReportError, match=r"villages_completed\.communities_completed: expected a Jinja template"):
        load_catalogue()


def test_an_unknown_message_id_asked_for_is_named():
    with pytest.raises(ReportError, match=r"en\.po: index\.titel: expected a message with this id"):
        wording.message("en", "index.titel")


def test_a_language_with_no_catalogue_is_refused_in_one_line():
    with pytest.raises(ReportError, match=r"lang: expected one of zh, en, got 'fr'"):
        wording.check_language("fr")


def test_the_pseudo_locale_accents_words_and_keeps_what_is_not_words():
    text = "Read {{ f.x }} in {name}: `make book` and {% if a %}**more**{% endif %} <br>"
    shown = pseudo.accent(text)
    assert shown == "Ŕéáđ {{ f.x }} íñ {name}: `make book` áñđ {% if a %}**ɱóŕé**{% endif %} <br>"


# Words a page may show in the pseudo-locale that are not the catalogue's: what Babel's
# English locale data writes (month names, "and" in a list), people's names in pinyin,
# the indicator ids (identifiers, not words) and the software on the status page.
def _not_catalogue_words() -> set[str]:
    report = load_report(DATA / "reports" / "linjiang-2021.yaml")
    # The authors' and the editor's names, romanised as every edition but the Chinese writes them.
    people = [*report.source.get("authors", []), *([report.source["editor"]] if report.source.get("editor") else [])]
    names = {w for a in people for w in re.findall(r"[A-Za-z]+", romanised(a))}
    software = {"python", "papermill", "nbval", "nbclient", "ipykernel", "sphinx", "altair", "pandas", "jsonschema",
                "vega", "jupyter", "book", "babel"}
    return set(get_month_names("wide", locale="en").values()) | {"and"} | names | software | \
        set(load_catalogue().indicators.index)


QUOTED = re.compile(r"“[^”]*”|「[^」]*」|《[^》]*》|‘[^’]*’|\"[^\"]*\"")
WORD = re.compile(r"(?<![\w./-])[A-Za-z][A-Za-z']{2,}(?![\w/-])")


def _english_words(edition: Path, allowed: set[str]) -> tuple[dict[str, list[str]], str]:
    """The English words on each page of ``edition`` (the article, outside code and quotes)
    that are not ``allowed``; and all the pages' text."""
    pages = sorted(p for p in edition.rglob("*.html")
                   if not {"_static", "_sources"} & set(p.parts) and p.name not in ("search.html", "genindex.html"))
    assert len(pages) >= 10
    found, texts = {}, []
    for page in pages:
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        if soup.select_one('meta[http-equiv="Refresh"]'):
            continue  # index.html only sends the reader on to the landing page
        article = soup.select_one("article.bd-article")
        # Code is code (Python, YAML, commands), in any edition.
        for tag in article.select("pre, code, script, style, .cell_input"):
            tag.decompose()
        text = QUOTED.sub(" ", article.get_text(" "))
        texts.append(text)
        words = sorted({w for w in WORD.findall(text) if w not in allowed and w.lower() not in allowed})
        if words:
            found[page.name] = words
    return found, "\n".join(texts)


@pytest.mark.slow
def test_a_book_in_the_pseudo_locale_shows_no_english_word_outside_quotes(tmp_path):
    folder = tmp_path / "catalogues"
    pseudo.write_catalogue(folder)
    env = dict(os.environ, **{wording.CATALOGUES_ENV: str(folder)})
    site = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "villagebook", "build", "--lang", pseudo.LANGUAGE, "--no-gate",
                    "--out", str(site)], cwd=ROOT, env=env, check=True, capture_output=True, text=True)
    leaks, text = _english_words(site / pseudo.LANGUAGE, _not_catalogue_words())
    assert leaks == {}
    assert len(re.findall(r"[áéíóúŕšţ]", text)) > 1000  # the pages are in the pseudo-locale, not empty


def test_the_chinese_edition_carries_no_english_interface_words(built_site):
    # What may stay: file formats and the README's name, the notebooks' parameter names
    # (report, lang) as the page states them, and the names of the software on the status page
    # and in the teacher's guide (JupyterLab, JupyterHub, and the word "token" its screen shows).
    allowed = _not_catalogue_words() - {"and"} - set(get_month_names("wide", locale="en").values())
    allowed |= {"CSV", "PNG", "SVG", "YAML", "README", "report", "lang", "JupyterLab", "JupyterHub", "token"}
    leaks, text = _english_words(built_site / "zh", allowed)
    assert leaks == {}
    assert len(re.findall(r"[\u4e00-\u9fff]", text)) > 5000


def test_sync_brings_a_new_language_in_step_with_english_plurals_and_all(catalogues):
    # A new language starts as a copy of the Chinese catalogue with some messages gone, a plural
    # one (msgid_plural) among them: sync adds each back, empty, with its English above it.
    text = (LOCALE / "zh.po").read_text(encoding="utf-8")
    start = text.index('msgid "generic.counters.village"')
    end = text.index("\n\n", start)
    assert "msgid_plural" in text[start:end]
    (catalogues / "xx.po").write_text(text[:start] + text[end + 2:], encoding="utf-8")
    wording.reload_catalogues()
    added = translating.sync_catalogue("xx")
    assert added == ["generic.counters.village"]
    synced = (catalogues / "xx.po").read_text(encoding="utf-8")
    assert re.search(r'#\. en: village \| villages\nmsgid "generic.counters.village"\nmsgid_plural', synced)
