"""A real browser on the built book: Debian's chromium driven by Playwright, network cut."""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import threading
from pathlib import Path

import pytest

# The site is served on 127.0.0.1, which the proxy in these arguments leaves alone (a
# browser never sends this machine's requests to a proxy unless told to); every other request
# fails at the proxy, and PageWatch reports it as outside the site.
from villagebook.classroom import CHROMIUM, OFFLINE_CHROMIUM_ARGS as CHROMIUM_ARGS


def require_chromium() -> None:
    """Skip where no browser is installed, except under CI, where its absence is a failure."""
    if Path(CHROMIUM).exists() and shutil.which("fc-list"):
        return
    message = f"{CHROMIUM} (Debian's chromium) and fonts-noto-cjk are needed for the browser tests"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


class Server:
    """A static file server on 127.0.0.1, as any static host would serve the site."""

    def __init__(self, root: Path) -> None:
        handler = functools.partial(_QuietHandler, directory=str(root))
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.origin = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


class PageWatch:
    """Everything a page did that a reader would suffer from: errors, failed requests, requests
    for anything outside the site (which the proxy in CHROMIUM_ARGS lets nowhere)."""

    def __init__(self, page, origin: str) -> None:  # type: ignore[no-untyped-def]
        self.console_errors: list[str] = []
        self.failed: list[str] = []
        self.blocked: list[str] = []
        self.bad_status: list[str] = []
        own = (origin.rstrip("/") + "/", "file://", "data:", "blob:", "about:")
        page.on("console", lambda m: self.console_errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: self.console_errors.append(str(e)))
        page.on("request", lambda r: None if r.url.startswith(own) else self.blocked.append(r.url))
        page.on("requestfailed", lambda r: self.failed.append(f"{r.url} {r.failure}"))
        page.on("response", lambda r: self.bad_status.append(f"{r.status} {r.url}") if r.status >= 400 else None)

    def next_page(self, page) -> None:  # type: ignore[no-untyped-def]
        """Leave the page the tab shows, then forget what was seen on it: requests that leaving
        cuts off (a font still loading) fail with net::ERR_ABORTED as the tab moves on, and are
        not the next page's."""
        page.goto("about:blank")
        for seen in (self.console_errors, self.failed, self.blocked, self.bad_status):
            seen.clear()

    def problems(self) -> list[str]:
        # An outside request also fails (at the proxy); report it once, as outside the site.
        failed = [f for f in self.failed if not any(f.startswith(b) for b in self.blocked)]
        return ([f"console: {e}" for e in self.console_errors] + [f"failed: {f}" for f in failed]
                + [f"outside the site: {b}" for b in self.blocked] + [f"status {s}" for s in self.bad_status])


@pytest.fixture(scope="module")
def browser():
    """Debian's chromium, driven by Playwright, with the network cut (CHROMIUM_ARGS)."""
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def server(built_site):
    """The built book served on 127.0.0.1."""
    serving = Server(built_site)
    yield serving
    serving.close()
