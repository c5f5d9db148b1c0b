"""Sphinx extension: a link on every page to its other editions; titles escaped for the theme."""

from __future__ import annotations

import html
from pathlib import Path

from markupsafe import Markup

TEMPLATES = Path(__file__).resolve().parent / "templates"


# The chart library is loaded only by pages that draw charts, and there only when a reader
# reaches for a chart: the loader does it (the charts are drawn as SVG at build time).
VEGA, LOADER = "vendor/vega-bundle.min.js", "vb-charts.js"
# Makes a table or code block that scrolls sideways reachable with the keyboard.
SCROLL = "vb-scroll.js"


def _config_inited(app, config) -> None:  # type: ignore[no-untyped-def]
    config.templates_path = [*config.templates_path, str(TEMPLATES)]
    # Jupyter Book puts every script in _static on every page; the chart library is added per page.
    config.html_js_files = [f for f in config.html_js_files if (f[0] if isinstance(f, tuple) else f) not in (VEGA, LOADER, SCROLL)]
    options = dict(config.html_theme_options or {})
    header = options.get("article_header_end", ["article-header-buttons.html"])
    header = [header] if isinstance(header, str) else list(header)
    options["article_header_end"] = ["edition-switch.html", *header]
    # One search box: the sidebar's (and the search button in the article header on a phone),
    # not a second one in a page header of its own.
    options["navbar_persistent"] = []
    # The search box's prompt in the edition's language (the theme's own is English only).
    if config.villagebook_search_text:
        options["search_bar_text"] = config.villagebook_search_text
    config.html_theme_options = options


def _page_context(app, pagename, templatename, context, doctree) -> None:  # type: ignore[no-untyped-def]
    if "<table" in context.get("body", "") or "<pre" in context.get("body", ""):
        app.add_js_file(SCROLL, loading_method="defer")
    if 'class="vb-chart"' in context.get("body", ""):
        app.add_js_file(LOADER, loading_method="defer")
    lang = app.config.villagebook_lang
    # Editions sit side by side (site/zh, site/en), with the same page names in each.
    up = "../" * (pagename.count("/") + 1)
    context["vb_editions"] = [
        {"lang": other, "label": label, "href": f"{up}{other}/{pagename}.html"}
        for other, label in app.config.villagebook_editions.items() if other != lang
    ]


# The book's title names the report's place. sphinx-book-theme and the PyData theme print
# these as they are (`{{ docstitle }}`, `{{ root_title }}`, `{{ pagetitle }}`), so a place
# written "<script>…" would run; as escaped Markup they print as text, and templates that
# escape them themselves (`|e`) leave Markup alone.
RAW_TITLES = ("docstitle", "root_title", "pagetitle")


def _escape_titles(app, pagename, templatename, context, doctree) -> None:  # type: ignore[no-untyped-def]
    for key in RAW_TITLES:
        value = context.get(key)
        if isinstance(value, str) and not isinstance(value, Markup):
            context[key] = Markup(html.escape(value, quote=True))


def setup(app):  # type: ignore[no-untyped-def]
    """Register the settings and hooks; the build sets villagebook_lang and _editions."""
    app.add_config_value("villagebook_lang", "zh", "html")
    app.add_config_value("villagebook_editions", {}, "html")
    app.add_config_value("villagebook_search_text", "", "html")
    app.connect("config-inited", _config_inited)
    app.connect("html-page-context", _page_context)
    # After the theme's own handlers (priority 500-501), which set root_title and pagetitle.
    app.connect("html-page-context", _escape_titles, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
