"""What each page's notebook tells, run here on a report as the notebook would.

Each section notebook, and the Checking page's, decides what its page says in its cell tagged
``story`` (see ``villagereport.story.Story``) and which exercises it poses in its cells tagged
``exercise`` (each followed by its ``solution``; see ``villagereport.exercises``). The build
needs those before the notebooks run (the landing page explains only the terms the book uses;
the teacher's guide names only exercises the book has; a student's copy carries each answer
sealed), and the tests hold every sentence to the report (tests/test_claims.py): all run
those cells here, on a report, in the notebook's order.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import nbformat
import pandas as pd

import villagereport as vr
from villagebook import ROOT
from villagereport.exercises import Exercise
from villagereport.pages import Page
from villagereport.report import Report
from villagereport.sections import PAGE_STEMS, PAGES
from villagereport.story import Story

STORY_TAG = "story"
EXERCISE_TAG = "exercise"
SOLUTION_TAG = "solution"


@dataclass(frozen=True)
class Told:
    """One page as its notebook tells it for one report: its story and the exercises it poses."""

    section: str
    story: Story
    exercises: tuple[Exercise, ...]

    def texts(self) -> list[str]:
        """Everything the page says in words: its story, each exercise's question and solution."""
        return [self.story.markdown()] + [e.text(part) for e in self.exercises for part in ("question", "solution")]


@cache
def _code(section: str):  # type: ignore[no-untyped-def]
    path = ROOT / "book" / f"{PAGE_STEMS[section]}.ipynb"
    cells = nbformat.read(path, as_version=4).cells
    stories = [c for c in cells if STORY_TAG in c.metadata.get("tags", [])]
    if len(stories) != 1:
        raise ValueError(f"{path.name}: expected one cell tagged {STORY_TAG!r}, found {len(stories)}")
    told = [c.source for c in cells if {STORY_TAG, EXERCISE_TAG, SOLUTION_TAG} & set(c.metadata.get("tags", []))]
    return compile("\n\n".join(told), f"<{path.name}: story and exercises>", "exec")


def told(report: Report, section: str, lang: str) -> Told:
    """The section's page for ``report`` in ``lang``, as its notebook's cells tell it."""
    page = Page(section, report, lang)
    namespace = {"page": page, "pd": pd, "vr": vr}  # as the notebook imports them
    exec(_code(section), namespace)  # noqa: S102 - the book's own cells
    return Told(section, namespace["story"], tuple(e for e in page.exercises if e))


def story(report: Report, section: str, lang: str) -> Story:
    """The section's story for ``report`` in ``lang``, told by its notebook's story cell."""
    return told(report, section, lang).story


def told_book(report: Report, lang: str) -> list[Told]:
    """Every page, in the book's order: the sections', then the Checking page's."""
    return [told(report, section, lang) for section in PAGES]
