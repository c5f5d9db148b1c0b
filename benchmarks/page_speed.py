"""How soon a reader sees the first chart, and what a section page loads.

Run with `make benchmark` after `make book` (or `.venv/bin/python benchmarks/page_speed.py
[SITE]`). It serves the built site on 127.0.0.1, opens each edition's first section page in
chromium (Debian's, through Playwright) with an empty cache and again with a warm one, and
prints milliseconds to the first drawn mark (the chart drawn at build time), the bytes of
scripts and styles the page loaded, then, after the pointer goes over the first chart, the
milliseconds until it is the library's (interactive) and the bytes loaded in all. Targets
(issue 33): a cold first chart within 300 ms; at most 800 KB of scripts and styles.
"""

from __future__ import annotations

import functools
import http.server
import sys
import threading
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
PAGES = ("zh/book/01_overview.html", "en/book/01_overview.html")
# Resolves when the first chart has drawn a mark, with the time since navigation started.
FIRST_MARK = """() => new Promise(resolve => {
  const look = () => {
    const mark = document.querySelector('.vb-chart svg .mark-rect path, .vb-chart svg .mark-symbol path, '
                                        + '.vb-chart svg .mark-text text, .vb-chart svg .mark-rule line');
    if (mark) { resolve(performance.now()); } else { requestAnimationFrame(look); }
  };
  look();
})"""


def main() -> None:
    site = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "_build" / "html"
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

    handler = functools.partial(Quiet, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    origin = f"http://127.0.0.1:{server.server_address[1]}"
    rows = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        for path in PAGES:
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            page = context.new_page()
            loaded: list[int] = []

            def count(response, loaded=loaded) -> None:  # type: ignore[no-untyped-def]
                if response.url.split("?")[0].endswith((".js", ".css")) and response.status < 300:
                    loaded.append(len(response.body()))

            page.on("response", count)
            for cache in ("cold", "warm"):
                loaded.clear()
                page.goto(f"{origin}/{path}", wait_until="commit")
                first = page.evaluate(FIRST_MARK)
                page.wait_for_load_state("load")
                before = sum(loaded)
                reached = page.evaluate("performance.now()")
                page.locator(".vb-figure").first.hover()
                page.wait_for_function("document.querySelector('.vb-chart').dataset.rendered === 'true'")
                interactive = page.evaluate("performance.now()") - reached
                page.wait_for_load_state("networkidle")
                rows.append((path, cache, first, before, interactive, sum(loaded)))
            context.close()
        browser.close()
    server.shutdown()
    print(f"{'page':<28} {'cache':<6} {'first chart (ms)':>17} {'JS+CSS bytes':>13} {'hover->drawn (ms)':>18} {'bytes after':>12}")
    for path, cache, first, size, interactive, after in rows:
        # Bytes of the page's scripts and styles (from the network cold, from the cache warm).
        print(f"{path:<28} {cache:<6} {first:>17.0f} {size:>13,} {interactive:>18.0f} {after:>12,}")
    cold = [row for row in rows if row[1] == "cold"]
    worst, heaviest = max(r[2] for r in cold), max(r[3] for r in cold)
    print(f"targets: cold first chart <= 300 ms: {'met' if worst <= 300 else 'NOT met'} (worst {worst:.0f} ms); "
          f"scripts and styles <= 800 KB before a chart is reached: {'met' if heaviest <= 800_000 else 'NOT met'} "
          f"({heaviest:,} bytes; {max(r[5] for r in cold):,} once the library is loaded)")


if __name__ == "__main__":
    main()
