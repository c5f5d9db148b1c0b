"""The book's search, as a reader uses it in chromium: both editions, served and from disk.

A reader types a word or a name that appears on a page and expects that page among the
results. In the Chinese edition a query has no spaces between words (平均年龄, 临江市一肩挑), so
the index and the query must be cut into words alike (villagebook/sphinx_search.py).
"""

from __future__ import annotations

import json
import random
import re
import urllib.parse

import pytest

from browser import PageWatch
from conftest import DATA
from villagereport.report import load_report
from villagereport.wording import strings

LINJIANG = DATA / "reports" / "linjiang-2021.yaml"
PAGE_OF = {"overview": "01_overview", "organisation": "02_organisation", "candidates": "03_candidates",
           "guidance": "04_guidance", "discipline": "05_discipline", "risk": "06_risk"}
_HAN_RUN = re.compile(r"[\u4e00-\u9fff]{4,}")


def _results(page, base: str, query: str) -> list[str]:
    """The pages the search page lists for ``query`` (their paths in the edition)."""
    page.goto(f"{base}/search.html?q={urllib.parse.quote(query)}")
    page.wait_for_function("(() => { const s = document.querySelector('#search-results .search-summary');"
                           " return s && s.textContent.trim().length > 0; })()", timeout=20000)
    return [href.split("#")[0].split("?")[0] for href in
            page.eval_on_selector_all("#search-results ul.search li a", "links => links.map(a => a.getAttribute('href'))")]


def _queries(lang: str, built_site) -> list[tuple[str, str]]:
    """(query, a page it must find): the place, the names of figures as their pages show them,
    and, in Chinese, runs of characters cut from the middle of the overview's text at random."""
    report = load_report(LINJIANG)
    wanted = [(report.place["name"][lang], "book/01_overview.html")]
    figures = report.all_figures
    for section in ("overview", "candidates", "discipline"):
        name = figures.loc[figures["section"] == section, f"name_{lang}"].iloc[0]
        wanted.append((name, f"book/{PAGE_OF[section]}.html"))
    if lang == "zh":
        wanted += [("平均年龄", "book/01_overview.html"), ("一肩挑", "book/01_overview.html"),
                   ("候选人", "book/03_candidates.html"), ("临江市一肩挑", "book/01_overview.html")]
        text = (built_site / "zh" / "book" / "01_overview.html").read_text(encoding="utf-8")
        narrative = re.sub(r"<[^>]+>", " ", text[text.index('class="vb-narrative'):] if 'class="vb-narrative' in text else text)
        runs = _HAN_RUN.findall(narrative)
        picker = random.Random(27)
        for run in picker.sample(runs, min(3, len(runs))):
            start = picker.randrange(0, len(run) - 3)
            wanted.append((run[start:start + picker.choice((3, 4, 5))], "book/01_overview.html"))
    else:
        wanted += [("average age", "book/01_overview.html"), ("一肩挑", "book/01_overview.html")]
    return wanted


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("where", ["served", "file"])
def test_a_word_on_a_page_finds_that_page(browser, server, built_site, lang, where):
    base = f"{server.origin}/{lang}" if where == "served" else (built_site / lang).as_uri()
    context = browser.new_context()
    page = context.new_page()
    watch = PageWatch(page, server.origin)
    missed = []
    for query, target in _queries(lang, built_site):
        found = _results(page, base, query)
        if target not in found:
            missed.append(f"{query!r}: {target} not in {found}")
    context.close()
    assert not missed, "\n".join(missed)
    assert not watch.console_errors and not watch.blocked


def test_the_chinese_index_holds_chinese_words(built_site):
    # What the page's search reads: without a segmenter, no Chinese term at all.
    text = (built_site / "zh" / "searchindex.js").read_text(encoding="utf-8")
    terms = json.loads(text[text.index("(") + 1:text.rindex(")")])["terms"]
    for word in ("平均年龄", "候选人", "临江"):
        assert word in terms, word


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_search_box_prompts_in_the_editions_language(built_site, lang):
    prompts = set()
    for page in (built_site / lang).rglob("*.html"):
        if "_static" not in page.parts:
            prompts |= set(re.findall(r'placeholder="([^"]*)"', page.read_text(encoding="utf-8")))
    assert prompts == {strings(lang)["book"]["search_bar_text"]}
    if lang == "zh":
        assert not any(re.search("[A-Za-z]", prompt) for prompt in prompts), prompts


ICON_AND_TEXT = """() => {
  const box = Array.from(document.querySelectorAll("input[name=q]")).find(i => i.getBoundingClientRect().width > 0);
  const icon = box.parentElement.querySelector("i, svg");
  return [icon.getBoundingClientRect().right, box.getBoundingClientRect().left + parseFloat(getComputedStyle(box).paddingLeft)];
}"""


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("width", [390, 1280])
def test_the_search_pages_prompt_is_not_drawn_under_its_magnifier(browser, server, lang, width):
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    page.goto(f"{server.origin}/{lang}/search.html", wait_until="load")
    icon_right, text_left = page.evaluate(ICON_AND_TEXT)
    context.close()
    assert icon_right <= text_left, (icon_right, text_left)
