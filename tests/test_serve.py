"""`make serve`'s page additions, without a browser: the parameters a page ran with, which of
its notebook's cells the page shows, and text from a report kept inert in what is added."""

from __future__ import annotations

import json
import re

from villagebook.serve import PREAMBLE, live_cells, live_panel, parameters_text
from villagereport.render import LIBRARY_ENV

DECLARED = 'report = "../data/reports/linjiang-2021.yaml"  # a report file (relative to this notebook)\nlang = "zh"  # "zh" or "en"'


def test_the_parameters_cell_keeps_its_comments_and_takes_the_values_the_book_gave():
    injected = '# Parameters\nreport = "/somewhere/bazhou-2021.yaml"\nlang = "en"\n'
    assert parameters_text(DECLARED, injected) == (
        'report = "/somewhere/bazhou-2021.yaml"  # a report file (relative to this notebook)\n'
        'lang = "en"  # "zh" or "en"')
    # A value with a "#" inside its string is replaced whole; a value given for a name the cell
    # does not declare is added after it; with nothing injected, the defaults stay.
    assert parameters_text(DECLARED, 'report = "a#b.yaml"\nothers = ["x.yaml"]').splitlines() == [
        'report = "a#b.yaml"  # a report file (relative to this notebook)', 'lang = "zh"  # "zh" or "en"',
        'others = ["x.yaml"]']
    assert parameters_text(DECLARED, "") == DECLARED


def _cell(source: str, *tags: str) -> dict:
    return {"cell_type": "code", "source": source, "metadata": {"tags": list(tags)}, "outputs": []}


def test_each_cell_is_marked_shown_as_the_page_renders_it():
    executed = {"cells": [
        {"cell_type": "markdown", "source": "# Title", "metadata": {}},
        _cell("import villagereport as vr\nvr.start()", "remove-cell"),
        _cell(DECLARED, "parameters", "remove-cell"),
        _cell('# Parameters\nreport = "b.yaml"\nlang = "en"\n', "injected-parameters", "remove-cell"),
        _cell("page = vr.open_page('overview', report, lang)", "remove-input"),
        _cell("chart_of_changes()", "hide-input", "remove-cell"),  # nothing to show for this report
        _cell("page.figures()"),
    ]}
    cells = live_cells(executed)
    assert [(c["shown"], c["parameters"]) for c in cells] == [
        (False, False), (False, True), (True, False), (False, False), (True, False)]
    assert cells[1]["source"].startswith('report = "b.yaml"  # a report file')
    assert "injected" not in json.dumps(cells) and "# Parameters" not in json.dumps(cells)


def test_the_kernel_is_told_the_page_loads_the_chart_library():
    namespace: dict = {}
    import os

    before = os.environ.pop(LIBRARY_ENV, None)
    try:
        exec(PREAMBLE, namespace)
        assert os.environ[LIBRARY_ENV] == "site"
        assert [name for name in namespace if not name.startswith("__")] == []  # no name a parameter check sees
    finally:
        os.environ.pop(LIBRARY_ENV, None)
        if before is not None:
            os.environ[LIBRARY_ENV] = before


def test_what_the_panel_carries_stays_text():
    hostile = 'report = "</textarea><script>alert(1)</script>"\nlang = "en"'
    cells = [{"source": hostile, "shown": False, "parameters": True},
             {"source": 'print("</script><script>alert(2)</script>")', "shown": True, "parameters": False}]
    panel = live_panel("en", "01_overview", cells, lab_url="http://127.0.0.1:8888", token="t",
                       reports=["../data/reports/<b>x</b>.yaml"])
    assert panel.count("<script") == 2  # the configuration's and live.js's, nothing from the cells
    assert "<b>x</b>" not in panel and "&lt;b&gt;x&lt;/b&gt;" in panel
    assert "</textarea><script>" not in panel
    config = re.search(r'<script type="application/json" id="vb-live-config">(.*?)</script>', panel, re.S)
    assert json.loads(config.group(1))["cells"] == cells  # the same text once parsed
