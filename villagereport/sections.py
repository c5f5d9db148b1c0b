"""The book's pages, in reading order: the one list the rest is derived from or checked against.

The article's sections come first; every figure of a report sits on one of them (a report's
``section``, the catalogue's indicators). The Checking page follows: it holds no figure of its
own but tells what the book works out from all of them. Each page is the notebook
``book/<stem>.ipynb``. Derived from this list: the catalogue's sections (and so the sections a
report file may name), the pages ``vr.open_page`` opens, the stories the build and tests run.
Checked against it by tests: the report schema's ``section`` enum, ``_toc.yml``, the notebooks.
"""

from __future__ import annotations

PAGE_STEMS = {
    "overview": "01_overview",
    "organisation": "02_organisation",
    "candidates": "03_candidates",
    "guidance": "04_guidance",
    "discipline": "05_discipline",
    "risk": "06_risk",
    "checking": "07_checking",
}
PAGES = tuple(PAGE_STEMS)
# The article's sections: the pages on which a report's figures sit.
SECTIONS = PAGES[:-1]
