"""Sphinx extension: search that finds Chinese words in the Chinese edition.

Sphinx's Chinese search indexes the words jieba cuts a page into, and splits a reader's query
only at spaces and punctuation, so a query such as 「临江市一肩挑」 is one term that no page
holds. Here the index holds jieba's words (``cut_for_search``: 平均年龄, and 平均, 年龄 within
it) and every pair of adjacent Chinese characters, and the page cuts a query into the index's
own words, longest first. A reader who types any word or name of two characters or more that
appears on a page finds that page, whichever way it is segmented.

The parts are Sphinx's public ones: a ``SearchLanguage`` registered with
``app.add_search_language``, its ``split`` for the index and its ``js_splitter_code`` for the
page (Sphinx's searchtools.js uses a ``splitQuery`` defined before it, "overridden ... per
language").
"""

from __future__ import annotations

import logging
import re

from sphinx.search.zh import SearchChinese

# Han characters: what jieba segments and the bigrams are made of.
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")

# The query, cut like the index: runs of Chinese characters into the longest terms the index
# holds (greedy, up to 8 characters), other runs as Sphinx cuts them. A lone character no term
# starts with is dropped, as the index drops one-character words.
SPLIT_QUERY = r"""
var splitQuery = (query) => {
  const terms = (typeof Search !== "undefined" && Search._index && Search._index.terms) || {};
  const out = [];
  for (const part of query.split(/[^\p{Letter}\p{Number}_\p{Emoji_Presentation}]+/gu)) {
    for (const run of part.split(/(\p{Script=Han}+)/u)) {
      if (!run) continue;
      if (!/^\p{Script=Han}/u.test(run)) { out.push(run); continue; }
      let start = 0;
      while (start < run.length) {
        let end = Math.min(run.length, start + 8);
        while (end > start + 1 && !Object.prototype.hasOwnProperty.call(terms, run.slice(start, end))) end--;
        const word = run.slice(start, end);
        if (word.length > 1 || Object.prototype.hasOwnProperty.call(terms, word)) out.push(word);
        start = end;
      }
    }
  }
  return out;
};
"""


class SegmentedChinese(SearchChinese):
    """Chinese search whose index and queries are cut the same way (see the module's text)."""

    js_splitter_code = SPLIT_QUERY

    def init(self, options: dict[str, str]) -> None:
        """Load jieba, quietly, when Sphinx starts the language."""
        import jieba

        # jieba reports building its dictionary on stderr at every build; the build's own log is enough.
        jieba.setLogLevel(logging.WARNING)
        super().init(options)

    def split(self, input: str) -> list[str]:
        """The words of ``input`` to index or to look up: jieba's, the Latin terms, and every two Chinese characters."""
        words = super().split(input)  # jieba's words (cut for search) and the Latin terms
        for run in _HAN.findall(input):
            words += [run[i:i + 2] for i in range(len(run) - 1)]
        return words


# Opened from disk, a browser refuses the search page's requests for each result's page (the
# summary under a result): the results are listed without summaries rather than with errors.
NO_SUMMARIES_FROM_DISK = ('if (location.protocol === "file:" && typeof DOCUMENTATION_OPTIONS !== "undefined")'
                          ' DOCUMENTATION_OPTIONS.SHOW_SEARCH_SUMMARY = false;')


def _search_page(app, pagename, templatename, context, doctree) -> None:  # type: ignore[no-untyped-def]
    if pagename == "search":
        app.add_js_file(None, body=NO_SUMMARIES_FROM_DISK)


def setup(app):  # type: ignore[no-untyped-def]
    """Register the Chinese search with Sphinx (the edition's ``html_search_language``)."""
    app.add_search_language(SegmentedChinese)
    app.connect("html-page-context", _search_page)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
