"""Shared paths and sources for the tests."""

from __future__ import annotations

import atexit
import fcntl
import os
import re
import shutil
import tempfile
from pathlib import Path

import pytest

# The tests' kernels (nbval's too) run the book's pages as its build does: the page loads the
# chart library. A test that opens a notebook as a reader would (in JupyterLab) starts without it.
os.environ["VILLAGEBOOK_CHARTS"] = "site"

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
# cache of the test run's own, never the developer's _build/cache: a stale entry there could
# hide a fault. The run's main process makes it and removes it when it exits; pytest-xdist's
# workers, started from it, inherit it, so a page one worker ran is not run again by the other
# (entries are written whole or not at all, and keyed by everything a page reads).
if not os.environ.get("PYTEST_XDIST_WORKER"):
    os.environ["VILLAGEBOOK_CACHE"] = tempfile.mkdtemp(prefix="villagebook-test-cache-")
    atexit.register(shutil.rmtree, os.environ["VILLAGEBOOK_CACHE"], True)

# Browser sessions that need minutes by nature (every page under axe at two widths in both
# colour schemes; JupyterLab driven in chromium): `make test-long`, which CI runs after `make test`.
LONG_MODULES = {"test_browser.py", "test_lab.py", "test_atlas.py"}
# Tests that build a site or start kernels; `pytest -m "not slow"` is the quick loop.
SLOW_MODULES = {"test_browser.py", "test_editions.py", "test_speed.py", "test_pipeline.py", "test_static_charts.py"}
SLOW_FIXTURES = {"built_site", "executed", "published", "hostile_site"}
# pytest-xdist runs the tests on one worker per core. The pipeline's module (its tests publish
# to one site in turn), the browser's (its tests read one walk through every page per width
# and scheme, made once) and each golden (nbval runs its cells in order in one kernel) go to one
# worker whole; every other test goes wherever a worker is free, the longest first (sites
# they share are built once: shared_site).
WHOLE_MODULES = {"test_pipeline.py", "test_browser.py"}
LONGEST_FIRST = ["test_hostile.py", "test_editions.py", "test_browser.py", "test_search.py", "test_speed.py", "test_words.py", "test_text_fields.py",
                 "test_shapes.py", "test_draft.py", "test_pipeline.py", "test_classroom.py", ".ipynb", "test_notebooks.py",
                 "test_commands.py"]


def _order(item) -> int:  # type: ignore[no-untyped-def]
    path = Path(str(item.fspath))
    key = ".ipynb" if path.suffix == ".ipynb" else path.name
    return LONGEST_FIRST.index(key) if key in LONGEST_FIRST else len(LONGEST_FIRST)


def pytest_collection_modifyitems(items):  # type: ignore[no-untyped-def]
    for item in items:
        path = Path(str(item.fspath))
        if (path.suffix == ".ipynb" or path.name in SLOW_MODULES
                or SLOW_FIXTURES & set(getattr(item, "fixturenames", ())) or item.get_closest_marker("kernels")):
            item.add_marker(pytest.mark.slow)
        if path.name in LONG_MODULES:
            item.add_marker(pytest.mark.long)
    items.sort(key=_order)  # stable: a module's tests, and a golden's cells, keep their order


class _Scheduler:
    """pytest-xdist's loadscope with the units above: whole modules where needed, else single
    tests, handed out in collection order (longest first), not by how many tests a unit holds."""

    @staticmethod
    def pytest_xdist_make_scheduler(config, log):  # type: ignore[no-untyped-def]
        from xdist.scheduler import LoadScopeScheduling

        config.option.loadscopereorder = False

        class ByModuleWhereNeeded(LoadScopeScheduling):
            def _split_scope(self, nodeid: str) -> str:
                file = nodeid.split("::", 1)[0]
                if file.endswith(".ipynb") or Path(file).name in WHOLE_MODULES:
                    return file
                # The browser tests of one window width read one visit of every page: one worker.
                width = re.search(r"\[(\d{3,4})\]$", nodeid)
                if Path(file).name == "test_browser.py" and width:
                    return f"{file}::width={width.group(1)}"
                return nodeid

        return ByModuleWhereNeeded(config, log)


def pytest_configure(config):  # type: ignore[no-untyped-def]
    if config.pluginmanager.hasplugin("xdist"):
        config.pluginmanager.register(_Scheduler())


def shared_site(tmp_path_factory, name: str, reports: list[Path], langs: list[str]) -> Path:  # type: ignore[no-untyped-def]
    """A site built once per test session and shared by every pytest-xdist worker: the first
    to need it builds it, the others wait for it."""
    from villagebook.build import build

    # Each worker's base folder sits in the session's; without xdist the base folder is the session's.
    shared = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        shared = shared.parent
    target, done = shared / name / "html", shared / f"{name}.done"
    with open(shared / f"{name}.lock", "w") as lock:
        # A POSIX record lock, which belongs to this process alone: the build's kept worker
        # processes, forked from it, would keep an flock(2) lock held through the file they inherit.
        fcntl.lockf(lock, fcntl.LOCK_EX)
        if not done.exists():
            build(reports, langs, target, run_gate=False)
            done.touch()
    return target


@pytest.fixture(scope="session")
def built_site(tmp_path_factory):
    """The book as the pipeline publishes it, both editions. The gate is left to
    test_pipeline.py, which builds with it."""
    return shared_site(tmp_path_factory, "built-site", [DATA / "reports" / "linjiang-2021.yaml"], ["zh", "en"])


# VILLAGEBOOK_TIMELINE=FILE: each test's worker, start and end (seconds since the epoch), one
# line each, to see how the two workers share the run.
if os.environ.get("VILLAGEBOOK_TIMELINE"):
    import time

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_protocol(item, nextitem):  # type: ignore[no-untyped-def]
        started = time.time()
        yield
        with open(os.environ["VILLAGEBOOK_TIMELINE"], "a", encoding="utf-8") as log:
            log.write(f"{os.environ.get('PYTEST_XDIST_WORKER', 'main')}\t{started:.2f}\t{time.time():.2f}\t{item.nodeid}\n")


# The browser tests' fixtures (a chromium per module, a server of the built site), for every
# module that asks for them by name. Imported last: tests/browser.py reads this module's names.
from browser import browser, server  # noqa: E402, F401
