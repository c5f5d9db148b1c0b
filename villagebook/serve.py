"""The built book served with JupyterLab beside it: each section page runs live, or in the lab.

``make serve`` (``python -m villagebook serve``) serves the published site and the project's
JupyterLab on this machine only (127.0.0.1). As it sends a section page it adds, in the page's
language, a link that opens the page's notebook in that JupyterLab (with its token), and "run
this page": the parameters cell, editable, and a button that runs every cell of the page's
notebook again in a kernel of that server (thebe-core, vendored in ``static/thebe-core``), each
cell's output drawn where the page shows it. The published site itself is unchanged, and a
static host shows neither.
"""

from __future__ import annotations

import ast
import functools
import html
import http.server
import json
import re
import secrets
import signal
import subprocess
import time
import urllib.request
from pathlib import Path

from villagebook import lab
from villagereport.render import LIBRARY_ENV
from villagereport.wording import fill, languages, strings

SECTION_PAGE = re.compile(r"^/(?P<lang>[a-z]{2}(?:-[A-Z]{2})?)/book/(?P<stem>\d\d_[a-z_]+)\.html$")
STATIC = Path(__file__).resolve().parent / "static"
# thebe-core's bundle loads its chunks from the site's root (its webpack public path is "/").
THEBE_FILE = re.compile(r"^/(?:\d+\.)?thebe-core\.min\.js$")
# "Run this page"'s own script and styles, and markdown-it (vendored beside thebe-core).
LIVE_FILES = {"/_live/live.js": STATIC / "live.js", "/_live/live.css": STATIC / "live.css",
              "/_live/markdown-it.min.js": STATIC / "thebe-core" / "markdown-it.min.js"}
# Run before the page's cells: the page already loads the chart library, so its charts need no
# copy of it (render.LIBRARY_ENV, as the book's build tells its kernels). A name the notebook's
# parameter check would not see as a parameter.
PREAMBLE = f'__import__("os").environ["{LIBRARY_ENV}"] = "site"  # the page loads the chart library'


def parameters_text(declared: str, injected: str) -> str:
    """The parameters cell as the page ran it: the notebook's own cell (its comments say what each
    parameter is) with each value the book gave (papermill's injected cell) in place of its default."""
    given = {node.targets[0].id: ast.get_source_segment(injected, node.value)
             for node in ast.parse(injected).body
             if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)}
    lines = declared.splitlines()
    for node in reversed(ast.parse(declared).body):
        if (isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)
                and node.targets[0].id in given and node.lineno == node.end_lineno):
            line = lines[node.lineno - 1]
            value = given.pop(node.targets[0].id)
            lines[node.lineno - 1] = line[:node.value.col_offset] + value + line[node.value.end_col_offset:]
    lines += [f"{name} = {value}" for name, value in given.items()]  # given, though the cell has no default
    return "\n".join(lines)


def live_cells(executed: dict) -> list[dict]:
    """The code cells of a page's notebook as the book ran them (its executed copy, which the site
    keeps in ``_sources``), in order: each one's source, whether the page shows it (a ``div.cell``,
    so its output has a place), and which one is the parameters cell, given the values it ran with."""
    cells = [c for c in executed["cells"] if c["cell_type"] == "code"]
    source = {id(c): "".join(c["source"]) if isinstance(c["source"], list) else c["source"] for c in cells}
    injected = next((source[id(c)] for c in cells if "injected-parameters" in c["metadata"].get("tags", [])), "")
    live = []
    for cell in cells:
        tags = cell["metadata"].get("tags", [])
        if "injected-parameters" in tags:
            continue
        if "parameters" in tags:
            live.append({"source": parameters_text(source[id(cell)], injected), "shown": False, "parameters": True})
        else:
            live.append({"source": source[id(cell)], "shown": "remove-cell" not in tags, "parameters": False})
    return live


def _json_in_html(value: object) -> str:
    # Inside <script>, "</" could end the element early; \u003c keeps the JSON the same in meaning.
    return json.dumps(value, ensure_ascii=False).replace("<", "\\u003c")


def live_panel(lang: str, stem: str, cells: list[dict], *, lab_url: str, token: str, reports: list[str]) -> str:
    """"Run this page": the parameters cell to edit, the button, a status line, and what the page's
    script (static/live.js) needs: the cells, the kernel server and the words."""
    words = strings(lang)["page"]["live"]
    parameters = next(c["source"] for c in cells if c["parameters"])
    config = {"server": {"baseUrl": f"{lab_url}/", "token": token},
              # The kernel's folder is book/, as the notebook's; the page adds a suffix of its own.
              "path": f"book/{stem}.live.ipynb", "preamble": PREAMBLE, "cells": cells,
              "strings": {key: words[key] for key in ("starting", "running", "done", "failed", "unreachable", "unmatched")}}
    help_text = fill(words["reports"], reports=", ".join(reports), languages=", ".join(languages()))
    return (f'<details class="vb-live"><summary>{html.escape(words["heading"])}</summary>'
            f'<label for="vb-live-parameters">{html.escape(words["label"])}</label>'
            f'<textarea id="vb-live-parameters" rows="{parameters.count(chr(10)) + 1}" spellcheck="false" '
            f'autocapitalize="off" autocomplete="off" translate="no">{html.escape(parameters)}</textarea>'
            f'<p class="vb-live-help">{html.escape(help_text)}</p>'
            f'<p><button type="button" id="vb-live-run">{html.escape(words["run"])}</button></p>'
            f'<div id="vb-live-output"></div>'
            f'<p id="vb-live-status" role="status" aria-live="polite"></p></details>'
            f'<script type="application/json" id="vb-live-config">{_json_in_html(config)}</script>'
            f'<script defer src="/_live/live.js"></script>')


def lab_link(lang: str, stem: str, lab_url: str, token: str) -> str:
    """The link a section page gets: its notebook, opened in the served JupyterLab."""
    href = f"{lab_url}/lab/tree/book/{stem}.ipynb?token={token}"
    text = strings(lang)["page"]["open_in_lab"]
    return (f'<p class="vb-lab"><a href="{html.escape(href, quote=True)}" target="_blank" rel="noopener">'
            f"{html.escape(text)}</a></p>")


class _Handler(http.server.SimpleHTTPRequestHandler):
    """The site's files as a static host serves them; a section page with its link and "run this
    page" added; the script that runs it, and thebe-core's files."""

    lab_url = ""
    token = ""
    reports: tuple[str, ...] = ()

    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:  # noqa: N802 - the standard library's name
        request = self.path.split("?", 1)[0]
        if THEBE_FILE.match(request):
            self._send_file(STATIC / "thebe-core" / request.lstrip("/"))
            return
        if request in LIVE_FILES:
            self._send_file(LIVE_FILES[request])
            return
        page = SECTION_PAGE.match(request)
        path = Path(self.translate_path(self.path))
        if page is None or not path.is_file():
            super().do_GET()
            return
        text = path.read_text(encoding="utf-8")
        added = lab_link(page["lang"], page["stem"], self.lab_url, self.token)
        executed = path.parent.parent / "_sources" / "book" / f"{page['stem']}.ipynb"
        if executed.is_file():
            cells = live_cells(json.loads(executed.read_text(encoding="utf-8")))
            if any(c["parameters"] for c in cells):
                added += live_panel(page["lang"], page["stem"], cells, lab_url=self.lab_url, token=self.token,
                                    reports=list(self.reports))
                text = text.replace("</head>", '<link rel="stylesheet" href="/_live/live.css"></head>', 1)
        # Under the page's title: the article's first heading (the print-only header before the
        # article has one too).
        title = re.search(r"<article.*?</h1>", text, re.S)
        if title:
            text = text[:title.end()] + added + text[title.end():]
        self._send(text.encode("utf-8"), "text/html; charset=utf-8")

    def _send_file(self, path: Path) -> None:
        if not path.is_file():
            self.send_error(404)
            return
        kind = "text/css" if path.suffix == ".css" else "text/javascript"
        self._send(path.read_bytes(), f"{kind}; charset=utf-8")

    def _send(self, body: bytes, kind: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def server(site: Path, *, port: int, lab_url: str, token: str, reports: list[str] = ()) -> http.server.ThreadingHTTPServer:
    """The site's server on 127.0.0.1:``port`` (0: any free port); ``reports``, the report files a
    reader may run a page for, as the notebooks name them (relative to ``book/``)."""
    handler = type("Handler", (_Handler,), {"lab_url": lab_url, "token": token, "reports": tuple(reports)})
    return http.server.ThreadingHTTPServer(("127.0.0.1", port), functools.partial(handler, directory=str(site)))


def run(site: Path, root: Path, *, port: int, lab_port: int) -> int:
    """Serve ``site`` and JupyterLab until stopped (Ctrl+C)."""
    if not (site / "index.html").is_file():
        print(f"error: {site}: expected a built book (run make book first), got none", flush=True)
        return 1
    token = secrets.token_urlsafe(24)
    state = root / "_build" / "lab"
    lab.prepare(state)
    reports = [f"../data/reports/{p.name}" for p in sorted((root / "data" / "reports").glob("*.yaml"))]
    site_server = server(site, port=port, lab_url=f"http://127.0.0.1:{lab_port}", token=token, reports=reports)
    # The book's pages call the lab's kernels from their own address: that one origin is let in.
    book_origin = f"http://127.0.0.1:{site_server.server_address[1]}"
    command = lab.lab_command(root, state, port=lab_port, token=token, browser=False, allow_origin=book_origin)
    jupyter = subprocess.Popen(command, env=lab.environment())
    # Stopped by Ctrl+C or by a signal (a service manager's, a test's): JupyterLab stops with it.
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        if not _ready(jupyter, f"http://127.0.0.1:{lab_port}/api/status?token={token}"):
            print(f"error: --lab-port: expected JupyterLab to serve on 127.0.0.1:{lab_port}, got none "
                  "(is the port in use? give another)", flush=True)
            return 1
        print(json.dumps({"book": f"{book_origin}/", "lab": f"http://127.0.0.1:{lab_port}/lab?token={token}"}),
              flush=True)
        site_server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        site_server.server_close()
        jupyter.terminate()
        jupyter.wait(20)
    return 0


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _ready(process: subprocess.Popen, status_url: str, wait: float = 60) -> bool:
    """Whether JupyterLab answers (with the token) before it stops or ``wait`` seconds pass."""
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline and process.poll() is None:
        try:
            with urllib.request.urlopen(status_url, timeout=1):
                return True
        except OSError:  # refused, not yet answering, or another server's (its 403 for our token)
            time.sleep(0.3)
    return False
