"""A teacher's path in JupyterLab (and Jupyter Notebook 7), offline: `make lab`'s server, a
student's copy as the site offers it, run all, every chart drawn, an answer checked wrongly and rightly.

JupyterLab is started as `make lab` starts it (villagebook.lab), on 127.0.0.1 behind a token,
without the build's VILLAGEBOOK_CHARTS: its kernels carry the chart library, as a reader's do.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import nbformat
import pytest

from browser import CHROMIUM_ARGS, require_chromium
from conftest import DATA
from villagebook import lab
from villagebook.classroom import CHROMIUM, Posed, student, with_parameters
from villagebook.stories import told
from villagereport import load_report

pytestmark = pytest.mark.slow

LINJIANG = DATA / "reports" / "linjiang-2021.yaml"
BOOK = Path(__file__).resolve().parent.parent / "book"
TOKEN = "a-test-token"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def classroom(tmp_path_factory):  # type: ignore[no-untyped-def]
    """A folder as a student's download leaves it (the notebook and the report beside it), and
    JupyterLab serving it as `make lab` would."""
    folder = tmp_path_factory.mktemp("class")
    shutil.copy2(LINJIANG, folder / LINJIANG.name)
    report = load_report(LINJIANG)
    posed = told(report, "overview", "en").exercises
    source = with_parameters(nbformat.read(BOOK / "01_overview.ipynb", as_version=4),
                             {"report": LINJIANG.name, "lang": "en"})
    copy = student(source, "en", {e.id: Posed.of(e) for e in posed}, LINJIANG.name)
    # The student answers exercise 1 rightly (this term's average age less its change, worked
    # out here from the report's table) and exercise 2, a yes/no question, wrongly.
    figures = report.figures
    previous = figures.at["members_avg_age", "value"] - report.changes.set_index("indicator").at["members_avg_age", "value"]
    checks = [c for c in copy.cells if "sealed=" in c.source]
    checks[0].source = checks[0].source.replace("answer = None", f"answer = {round(previous, 1)}", 1)
    checks[1].source = checks[1].source.replace("answer = None", 'answer = "no"', 1)
    nbformat.write(copy, folder / "01_overview.ipynb")
    state, port = folder / ".lab", _free_port()
    lab.prepare(state)
    # Every cell in the page's DOM, so the test sees every chart (JupyterLab renders only the cells
    # in view by default; a reader scrolls).
    notebook_settings = state / "settings" / "@jupyterlab" / "notebook-extension" / "tracker.jupyterlab-settings"
    notebook_settings.parent.mkdir(parents=True, exist_ok=True)
    notebook_settings.write_text('{"windowingMode": "none"}', encoding="utf-8")
    command = lab.lab_command(folder, state, port=port, token=TOKEN, browser=False, open_path="")
    # Lets the test run the notebook's cells, in JupyterLab and in Jupyter Notebook 7.
    command += ["--LabApp.expose_app_in_browser=True", "--JupyterNotebookApp.expose_app_in_browser=True"]
    environment = {**lab.environment(), "JUPYTER_RUNTIME_DIR": str(folder / ".runtime")}
    assert "VILLAGEBOOK_CHARTS" not in environment
    server = subprocess.Popen(command, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/api/status?token={TOKEN}", timeout=1)
                break
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.3)
        else:
            pytest.fail("JupyterLab did not start within 60 s")
        yield port, round(previous, 1)
    finally:
        server.terminate()
        server.wait(20)


def test_the_lab_serves_this_machine_only_and_only_with_its_token(classroom):
    port, _ = classroom
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"http://127.0.0.1:{port}/api/contents", timeout=5)
    assert refused.value.code == 403
    assert urllib.request.urlopen(f"http://127.0.0.1:{port}/api/contents?token={TOKEN}", timeout=5).status == 200
    # Bound to 127.0.0.1: the machine's other addresses do not answer.
    others = {a[4][0] for a in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)} - {"127.0.0.1"}
    for address in others:
        with pytest.raises(OSError):
            socket.create_connection((address, port), timeout=2).close()


@pytest.mark.parametrize("front_end", ["lab/tree", "notebooks"], ids=["JupyterLab", "Notebook 7"])
def test_a_students_copy_opens_runs_and_draws_every_chart_offline(classroom, tmp_path, front_end):
    require_chromium()
    from playwright.sync_api import sync_playwright

    port, previous = classroom
    outside: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM,
                                             args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.on("request", lambda r: None if r.url.startswith(
            (f"http://127.0.0.1:{port}/", f"ws://127.0.0.1:{port}/", "data:", "blob:")) else outside.append(r.url))
        page.goto(f"http://127.0.0.1:{port}/{front_end}/01_overview.ipynb?token={TOKEN}")
        page.wait_for_function("window.jupyterapp && document.querySelector('.jp-Notebook .jp-Cell')", timeout=60000)
        # The questions are there before anything runs.
        page.wait_for_selector(".vb-exercise", timeout=30000)
        assert "Exercise 1" in page.text_content(".vb-exercise")
        # Once the notebook's kernel is up and idle, run every cell.
        page.wait_for_function("(() => { const w = window.jupyterapp.shell.currentWidget;"
                               " const kernel = w && w.sessionContext && w.sessionContext.session"
                               " && w.sessionContext.session.kernel; return kernel && kernel.status === 'idle'; })()",
                               timeout=60000)
        page.evaluate("window.jupyterapp.commands.execute('notebook:run-all-cells')")
        page.wait_for_function("document.body.innerText.includes('Exercise 4: ')", timeout=120000)
        page.wait_for_function("document.querySelectorAll('.vb-chart').length > 0 && Array.from("
                               "document.querySelectorAll('.vb-chart')).every(e => e.dataset.rendered === 'true')",
                               timeout=60000)
        charts = page.evaluate("Array.from(document.querySelectorAll('.vb-chart')).map(e => {"
                               "const svg = e.querySelector('svg'); return svg ? svg.getBoundingClientRect().width : 0;})")
        text = page.inner_text(".jp-Notebook")
        page.screenshot(path=str(tmp_path / "lab.png"))
        browser.close()
    # As many charts as the book's page draws for the same report (its golden), each drawn the
    # width of the notebook's column.
    drawn_in_book = (Path(__file__).parent / "goldens" / "01_overview.ipynb").read_text(encoding="utf-8")
    assert len(charts) == drawn_in_book.count('<figure class=\\"vb-figure\\"') > 0, charts
    assert all(width > 300 for width in charts), charts
    assert f"Exercise 1: {previous} is right." in text
    assert "Exercise 2: no is not right yet. Hint:" in text
    assert "did not load" not in text and "not loaded" not in text
    assert outside == [], outside


@pytest.fixture(scope="module")
def served_book(built_site):  # type: ignore[no-untyped-def]
    """`make serve` as a reader starts it (``python -m villagebook serve``): the built book and
    the project's JupyterLab, on 127.0.0.1; yields the two addresses it prints."""
    port, lab_port = _free_port(), _free_port()
    command = [sys.executable, "-m", "villagebook", "serve", "--site", str(built_site), "--port", str(port),
               "--lab-port", str(lab_port)]
    environment = {name: value for name, value in os.environ.items() if name != "VILLAGEBOOK_CHARTS"}
    process = subprocess.Popen(command, env=environment, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        line = process.stdout.readline()  # printed once JupyterLab answers
        assert line.startswith("{"), line
        yield json.loads(line)
    finally:
        process.send_signal(signal.SIGTERM)  # serve stops JupyterLab with itself
        process.wait(30)


def _live_run(page, parameters: str) -> str:  # type: ignore[no-untyped-def]
    """Write the parameters, run the page, and return the status line once the run ends."""
    page.fill("#vb-live-parameters", parameters)
    page.click("#vb-live-run")
    page.wait_for_function("document.querySelector('#vb-live-run').disabled === false"
                           " && document.querySelector('#vb-live-status').textContent !== ''", timeout=120000)
    return page.inner_text("#vb-live-status")


def test_the_served_book_runs_a_page_again_for_another_report_and_language(served_book, built_site, tmp_path):
    # `make serve`: each section page, as it is sent, gets a link to its notebook in the lab and
    # "run this page": its parameters to edit; running draws every output again in place, for
    # another report and language, from a kernel of the served lab, with nothing from outside.
    require_chromium()
    from playwright.sync_api import sync_playwright

    book, lab_url = served_book["book"].rstrip("/"), served_book["lab"].split("/lab?")[0]
    token = served_book["lab"].split("token=")[1]
    outside: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.on("request", lambda r: None if r.url.startswith(
            ("http://127.0.0.1:", "ws://127.0.0.1:", "data:", "blob:")) else outside.append(r.url))
        page.goto(f"{book}/en/book/01_overview.html")
        link = page.locator("p.vb-lab a")
        assert link.count() == 1 and link.is_visible() and "JupyterLab" in link.inner_text()
        assert link.get_attribute("href") == f"{lab_url}/lab/tree/book/01_overview.ipynb?token={token}"
        # The parameters as the page was told with: the report the book was built for, in English.
        page.click("details.vb-live summary")
        assert page.input_value("#vb-live-parameters").splitlines()[1].startswith('lang = "en"')
        assert "../data/reports/bazhou-2021.yaml" in page.inner_text(".vb-live-help")
        before = page.inner_text("article")
        assert "Linjiang" in before and "Bazhou" not in before
        status = _live_run(page, 'report = "../data/reports/bazhou-2021.yaml"\nlang = "zh"')
        assert status.startswith("Done"), status
        after = page.inner_text("article")
        # Bazhou's story, in Chinese, where Linjiang's English one was; Linjiang's figures gone.
        assert "巴州区" in after and "In Linjiang" not in after
        page.screenshot(path=str(tmp_path / "live.png"), full_page=True)
        # Linjiang again: every chart drawn again, as many as the book's page has.
        status = _live_run(page, 'report = "../data/reports/linjiang-2021.yaml"\nlang = "en"')
        assert status.startswith("Done"), status
        page.wait_for_function("Array.from(document.querySelectorAll('.vb-chart')).every(e => e.dataset.rendered === 'true')",
                               timeout=30000)
        charts = page.locator(".vb-chart").count()
        assert "Exercise 4" in page.inner_text("article")
        # A report that is not there: the run stops at the cell that reads it, with its one-line error.
        status = _live_run(page, 'report = "../data/reports/nowhere.yaml"\nlang = "en"')
        assert status.startswith("Stopped at cell"), status
        assert "nowhere.yaml: expected an existing file" in page.inner_text("article")
        page.goto(f"{book}/en/INDEX.html")
        assert page.locator("p.vb-lab").count() == 0 and page.locator(".vb-live").count() == 0  # section pages only
        browser.close()
    # The page's kernel ended with the page.
    deadline = time.monotonic() + 10
    while (sessions := json.load(urllib.request.urlopen(f"{lab_url}/api/sessions?token={token}", timeout=5))) \
            and time.monotonic() < deadline:
        time.sleep(0.3)
    assert sessions == []
    drawn_in_book = (built_site / "en" / "book" / "01_overview.html").read_text(encoding="utf-8")
    assert charts == drawn_in_book.count('class="vb-chart"') > 0
    assert outside == [], outside
    # The published files are unchanged: a static host shows neither the link nor the panel.
    assert 'class="vb-lab"' not in drawn_in_book and "vb-live" not in drawn_in_book


def test_serve_says_when_the_lab_cannot_start(built_site):
    # The lab's port already taken: one line on what went wrong, and a non-zero exit.
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        result = subprocess.run([sys.executable, "-m", "villagebook", "serve", "--site", str(built_site), "--port", "0",
                                 "--lab-port", str(taken.getsockname()[1])],
                                capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert result.stdout.strip().splitlines()[-1].startswith("error: --lab-port: expected JupyterLab to serve on 127.0.0.1:")
