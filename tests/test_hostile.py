"""Bad and hostile input: one-line errors, nothing injected, nothing lost."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from browser import CHROMIUM, CHROMIUM_ARGS, PageWatch, Server, require_chromium
from conftest import DATA, FIXTURES, ROOT
from villagereport import ReportError, load_report
from villagebook.build import BUILD, INPUT_KEY, SITE_KEY, build

HOSTILE = FIXTURES / "hostile" / "hostile.yaml"
MINIMAL = yaml.safe_load((FIXTURES / "minimal.yaml").read_text(encoding="utf-8"))


def test_every_bad_report_is_refused_in_one_line_naming_it_and_the_hostile_one_loads():
    refused = 0
    for path in sorted((FIXTURES / "bad").iterdir()):
        with pytest.raises(ReportError) as err:
            load_report(path)
        message = str(err.value)
        assert "\n" not in message and path.name in message, message
        refused += 1
    assert refused >= 30  # the corpus is all there: a missing folder would pass the loop above
    # Hostile text is not a fault: the report loads, and the pages show it inert (below).
    assert load_report(HOSTILE).id


def test_a_file_of_tens_of_megabytes_is_refused_without_reading_it(tmp_path):
    big = tmp_path / "big.yaml"
    with big.open("w", encoding="utf-8") as handle:
        handle.write("figures:\n")
        line = "  - {indicator: villages_completed, value: 70}\n"
        handle.write(line * (20_000_000 // len(line)))
    started = time.perf_counter()
    with pytest.raises(ReportError, match=r"expected a file under 1,000,000 bytes, got \d{2},\d{3},\d{3}"):
        load_report(big)
    assert time.perf_counter() - started < 1


# --- property-based: any document either loads or gets the project's error ----------------
scalars = st.one_of(st.none(), st.booleans(), st.integers(-10**15, 10**15), st.floats(allow_nan=True, allow_infinity=True),
                    st.text(max_size=30))
documents = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=5),
                                                          st.dictionaries(st.text(max_size=12), inner, max_size=6)),
                         max_leaves=40)


def _load_text(tmp_path: Path, text: str) -> None:
    path = tmp_path / "random.yaml"
    path.write_text(text, encoding="utf-8")
    try:
        load_report(path)
    except ReportError as err:
        assert "\n" not in str(err) and str(err).startswith(str(path))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(document=documents)
def test_random_documents_load_or_raise_the_projects_error(tmp_path, document):
    _load_text(tmp_path, yaml.safe_dump(document, allow_unicode=True))


def _paths(node, prefix=()):
    yield prefix
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _paths(value, (*prefix, i))


PATHS = [p for p in _paths(MINIMAL) if p]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(where=st.sampled_from(PATHS), value=documents)
def test_a_valid_report_with_one_field_changed_loads_or_raises_the_projects_error(tmp_path, where, value):
    import copy

    document = copy.deepcopy(MINIMAL)
    node = document
    for key in where[:-1]:
        node = node[key]
    node[where[-1]] = value
    _load_text(tmp_path, yaml.safe_dump(document, allow_unicode=True))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=st.binary(max_size=400))
def test_random_bytes_load_or_raise_the_projects_error(tmp_path, raw):
    path = tmp_path / "random.yaml"
    path.write_bytes(raw)
    try:
        load_report(path)
    except ReportError as err:
        assert "\n" not in str(err)


# --- hostile text: shown literally, never run ------------------------------------------------
@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory):
    target = tmp_path_factory.mktemp("hostile") / "html"
    build([HOSTILE], ["zh", "en"], target, run_gate=False)
    return target


LITERAL = {
    "zh/INDEX.html": ["<script>alert(1)</script>临江", "[x](javascript:alert(3))", "# 标题 {{ evil }}",
                      "<script>alert('outlet')</script>报"],
    "zh/book/01_overview.html": ["<script>alert('quote')</script>完成70个行政村", "零宽\u200b连接\u200d私用\ue000标记\u200e表情\U0001F600", "{{ config }}选举产生311名<b onmouseover=alert('b')>成员</b>"],
    "zh/book/04_guidance.html": ["<script>alert('item')</script>", "{{ x }}", "![img](x onerror=alert(9))"],
    "en/book/04_guidance.html": ["<svg onload=alert('svg')>", "</script><script>alert('end')</script>", "| a | b |"],
    "en/INDEX.html": ["<script>alert('en')</script>Linjiang", "# Heading {{ evil }}"],
    "zh/book/05_discipline.html": ["印发[单页](javascript:alert('link'))6.8万张"],
}


def test_hostile_text_appears_literally_and_no_script_runs(hostile_site):
    require_chromium()
    from playwright.sync_api import sync_playwright

    server = Server(hostile_site)
    dialogs: list[str] = []
    problems: dict[str, list[str]] = {}
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            # One tab sent from page to page (a context or a tab each cost more than the page): a
            # script that ran would still raise its dialog, and it is recorded with its page.
            context = browser.new_context()
            page = context.new_page()
            watch = PageWatch(page, server.origin)
            page.on("dialog", lambda d: (dialogs.append(f"{page.url}: {d.type}: {d.message}"), d.dismiss()))
            pages = sorted(str(p.relative_to(hostile_site)) for p in hostile_site.rglob("*.html")
                           if not {"_static", "_sources"} & set(p.parts))
            for path in pages:
                watch.next_page(page)
                page.goto(f"{server.origin}/{path}", wait_until="load")
                # Until every chart has drawn: its titles, labels and tooltips are the report's text too.
                page.wait_for_function("(window.vbCharts && window.vbCharts.load(), true)")  # the library, as a reader reaching for a chart loads it (survives a redirect)
                page.wait_for_function("Array.from(document.querySelectorAll('.vb-chart'))"
                                       ".every(el => el.dataset.rendered === 'true')", timeout=15000)
                text = page.inner_text("body")
                for literal in LITERAL.get(path, []):
                    assert literal in text, f"{path}: not shown as written: {literal}"
                # No element from a report: one page title, no injected tags or handlers.
                injected = page.evaluate("""() => ({
                    h1: document.querySelectorAll('article.bd-article h1').length,
                    tags: document.querySelectorAll('iframe, svg[onload], img[onerror], b[onmouseover]').length,
                    links: Array.from(document.querySelectorAll('a[href^="javascript:"]')).length,
                    scripts: Array.from(document.querySelectorAll('script:not([type="application/json"])'))
                        .filter(s => s.textContent.includes('alert(')).length})""")
                if injected["tags"] or injected["links"] or injected["scripts"] or injected["h1"] > 1:
                    problems.setdefault(path, []).append(str(injected))
                if watch.problems():
                    problems.setdefault(path, []).extend(watch.problems())
            browser.close()
    finally:
        server.close()
    assert not dialogs
    assert not problems


# --- nothing lost ----------------------------------------------------------------------------
def _digest(paths: list[Path]) -> dict[str, str]:
    out = {}
    for root in paths:
        files = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file())
        out.update({str(p): hashlib.sha256(p.read_bytes()).hexdigest() for p in files})
    return out


SOURCES = [ROOT / "book", ROOT / "data", ROOT / "INDEX.md", ROOT / "_config.yml", ROOT / "_toc.yml", ROOT / "_static"]


def _build_command(target: Path, *, cache: bool) -> list[str]:
    # One edition: the two are built the same way, side by side.
    return [sys.executable, "-m", "villagebook", "build", "--no-gate", *([] if cache else ["--no-cache"]),
            "--lang", "zh", "--out", str(target)]


@pytest.mark.slow
def test_a_killed_build_leaves_the_site_and_sources_untouched_and_the_next_one_succeeds(tmp_path):
    target = tmp_path / "html"
    build([DATA / "reports" / "linjiang-2021.yaml"], ["zh"], target, run_gate=False)
    # Without the keys that say what the site was built from, no build below may keep the site
    # as it is: each runs Jupyter Book and publishes (the cached executions save their kernels).
    (target / SITE_KEY).unlink()
    (target / INPUT_KEY).unlink()
    site_before, sources_before = _digest([target]), _digest(SOURCES)
    # Killed at two moments, found by what the build has written (not by a delay, which a
    # faster build outruns): once its notebooks are staged and running (no cache: they run),
    # and once Jupyter Book runs.
    for marker, cache in (("zh/source/_toc.yml", False), ("zh/output", True)):
        process = subprocess.Popen(_build_command(target, cache=cache), cwd=ROOT, start_new_session=True,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        work = BUILD / "work" / str(process.pid)
        deadline = time.monotonic() + 120
        while not (work / marker).exists() and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert process.poll() is None, f"the build finished before it reached {marker}"
        assert (work / marker).exists(), f"the build did not reach {marker} in two minutes"
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        assert _digest([target]) == site_before
        assert _digest(SOURCES) == sources_before
    result = subprocess.run(_build_command(target, cache=True), cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert (target / "zh" / "book" / "01_overview.html").exists() and (target / SITE_KEY).exists()
    assert _digest(SOURCES) == sources_before
