"""Sphinx extension: a link on every page to the same page in the book's other editions."""

from __future__ import annotations

from pathlib import Path

TEMPLATES = Path(__file__).resolve().parent / "templates"


def _config_inited(app, config) -> None:  # type: ignore[no-untyped-def]
    config.templates_path = [*config.templates_path, str(TEMPLATES)]
    options = dict(config.html_theme_options or {})
    header = options.get("article_header_end", ["article-header-buttons.html"])
    header = [header] if isinstance(header, str) else list(header)
    options["article_header_end"] = ["edition-switch.html", *header]
    config.html_theme_options = options


def _page_context(app, pagename, templatename, context, doctree) -> None:  # type: ignore[no-untyped-def]
    lang = app.config.villagebook_lang
    # Editions sit side by side (site/zh, site/en), with the same page names in each.
    up = "../" * (pagename.count("/") + 1)
    context["vb_editions"] = [
        {"lang": other, "label": label, "href": f"{up}{other}/{pagename}.html"}
        for other, label in app.config.villagebook_editions.items() if other != lang
    ]


def setup(app):  # type: ignore[no-untyped-def]
    """Register the settings and hooks; the build sets villagebook_lang and _editions."""
    app.add_config_value("villagebook_lang", "zh", "html")
    app.add_config_value("villagebook_editions", {}, "html")
    app.connect("config-inited", _config_inited)
    app.connect("html-page-context", _page_context)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
