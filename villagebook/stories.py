"""The sections' stories as their notebooks tell them.

Each section notebook, and the Checking page's, decides what its page says in its cell tagged ``story`` (see
``villagereport.story.Story``). The build needs those words before the notebooks run (the
landing page explains only the terms the book uses), and the tests hold every sentence to the
report (tests/test_claims.py): both run that cell here, on a report, as the notebook would.
"""

from __future__ import annotations

from functools import cache

import nbformat

from villagebook import ROOT
from villagereport.pages import Page
from villagereport.report import Report
from villagereport.sections import PAGE_STEMS, PAGES
from villagereport.story import Story

STORY_TAG = "story"


@cache
def _story_code(section: str):  # type: ignore[no-untyped-def]
    path = ROOT / "book" / f"{PAGE_STEMS[section]}.ipynb"
    cells = [c for c in nbformat.read(path, as_version=4).cells if STORY_TAG in c.metadata.get("tags", [])]
    if len(cells) != 1:
        raise ValueError(f"{path.name}: expected one cell tagged {STORY_TAG!r}, found {len(cells)}")
    return compile(cells[0].source, f"<{path.name}: story>", "exec")


def story(report: Report, section: str, lang: str) -> Story:
    """The section's story for ``report`` in ``lang``, told by its notebook's story cell."""
    namespace = {"page": Page(section, report, lang)}
    exec(_story_code(section), namespace)  # noqa: S102 - the book's own cell
    return namespace["story"]


def stories(report: Report, lang: str) -> list[Story]:
    """Every page's story, in the book's order: the sections', then the Checking page's."""
    return [story(report, section, lang) for section in PAGES]
