"""Shared paths and sources for the tests."""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
REPORTS = sorted((DATA / "reports").glob("*.yaml"))
FIXTURES = Path(__file__).resolve().parent / "fixtures"
# The article and the other places' excerpts live outside the repository, in ../shared
# (VILLAGEREPORT_SHARED overrides where).
SHARED = Path(os.environ.get("VILLAGEREPORT_SHARED", ROOT.parent / "shared"))
ARTICLE = SHARED / "seed" / "linjiang-2021.txt"
EXCERPTS = {
    "jiaxiang-2021": SHARED / "reports" / "jiaxiang-2021.md",
    "tongguan-2021": SHARED / "reports" / "tongguan-2021.md",
    "linjiang-2021": ARTICLE,
}


def _read(path: Path) -> str:
    if not path.exists():
        pytest.fail(f"{path} is missing: the tests need ../shared beside the repository")
    return path.read_text(encoding="utf-8")


def article_body() -> str:
    """The article's text from its first paragraph to its last, without page furniture."""
    text = _read(ARTICLE)
    start = re.search(r"^日期:.*$", text, flags=re.M).end()
    end = text.index("责任编辑")
    body = text[start:end].strip()
    # A lone "0" precedes the editor's line: the page's view counter, not the article's.
    return re.sub(r"\n0\s*$", "", body).strip()


@pytest.fixture(scope="session")
def body() -> str:
    return article_body()


@pytest.fixture(scope="session")
def excerpt():
    return lambda report_id: _read(EXCERPTS[report_id])


# Builds in tests (in this process and in the commands they start) keep their executions in a
# cache of their own, never the developer's _build/cache: a stale entry there could hide a fault.
os.environ["VILLAGEBOOK_CACHE"] = tempfile.mkdtemp(prefix="villagebook-test-cache-")

# Tests that build a site or start kernels; `pytest -m "not slow"` is the quick loop.
SLOW_MODULES = {"test_browser.py", "test_editions.py", "test_speed.py", "test_pipeline.py"}
SLOW_FIXTURES = {"built_site", "executed", "published", "hostile_site"}


def pytest_collection_modifyitems(items):  # type: ignore[no-untyped-def]
    for item in items:
        path = Path(str(item.fspath))
        if (path.suffix == ".ipynb" or path.name in SLOW_MODULES
                or SLOW_FIXTURES & set(getattr(item, "fixturenames", ())) or item.get_closest_marker("kernels")):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def built_site():
    """The book as the pipeline publishes it, both editions, under _build/test-site/.

    The gate is left to test_pipeline.py, which builds with it.
    """
    from villagebook.build import build

    target = ROOT / "_build" / "test-site"
    build([DATA / "reports" / "linjiang-2021.yaml"], ["zh", "en"], target, run_gate=False)
    return target
