"""The built book served with JupyterLab beside it: each section page links to its notebook.

``make serve`` (``python -m villagebook serve``) serves the published site and the project's
JupyterLab on this machine only (127.0.0.1). As it sends a section page it adds one link, in
the page's language, that opens the page's notebook in that JupyterLab (with its token); the
published site itself is unchanged, and a static host shows no such link.
"""

from __future__ import annotations

import functools
import html
import http.server
import json
import re
import secrets
import subprocess
from pathlib import Path

from villagebook import lab
from villagereport.wording import strings

SECTION_PAGE = re.compile(r"^/(?P<lang>[a-z]{2}(?:-[A-Z]{2})?)/book/(?P<stem>\d\d_[a-z_]+)\.html$")


def lab_link(lang: str, stem: str, lab_url: str, token: str) -> str:
    """The link a section page gets: its notebook, opened in the served JupyterLab."""
    href = f"{lab_url}/lab/tree/book/{stem}.ipynb?token={token}"
    text = strings(lang)["page"]["open_in_lab"]
    return (f'<p class="vb-lab"><a href="{html.escape(href, quote=True)}" target="_blank" rel="noopener">'
            f"{html.escape(text)}</a></p>")


class _Handler(http.server.SimpleHTTPRequestHandler):
    """The site's files as a static host serves them; a section page with its link added."""

    lab_url = ""
    token = ""

    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:  # noqa: N802 - the standard library's name
        page = SECTION_PAGE.match(self.path.split("?", 1)[0])
        path = Path(self.translate_path(self.path))
        if page is None or not path.is_file():
            super().do_GET()
            return
        text = path.read_text(encoding="utf-8")
        link = lab_link(page["lang"], page["stem"], self.lab_url, self.token)
        # Under the page's title: the first heading of the article.
        text = re.sub(r"(</h1>)", lambda m: m.group(1) + link, text, count=1)
        body = text.encode("utf-8")
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def server(site: Path, *, port: int, lab_url: str, token: str) -> http.server.ThreadingHTTPServer:
    """The site's server on 127.0.0.1:``port`` (0: any free port)."""
    handler = type("Handler", (_Handler,), {"lab_url": lab_url, "token": token})
    return http.server.ThreadingHTTPServer(("127.0.0.1", port), functools.partial(handler, directory=str(site)))


def run(site: Path, root: Path, *, port: int, lab_port: int) -> int:
    """Serve ``site`` and JupyterLab until stopped (Ctrl+C)."""
    if not (site / "index.html").is_file():
        print(f"error: {site}: expected a built book (run make book first), got none", flush=True)
        return 1
    token = secrets.token_urlsafe(24)
    state = root / "_build" / "lab"
    lab.prepare(state)
    command = lab.lab_command(root, state, port=lab_port, token=token, browser=False)
    jupyter = subprocess.Popen(command, env=lab.environment())
    site_server = server(site, port=port, lab_url=f"http://127.0.0.1:{lab_port}", token=token)
    print(json.dumps({"book": f"http://127.0.0.1:{site_server.server_address[1]}/",
                      "lab": f"http://127.0.0.1:{lab_port}/lab?token={token}"}), flush=True)
    try:
        site_server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        site_server.server_close()
        jupyter.terminate()
        jupyter.wait(20)
    return 0
