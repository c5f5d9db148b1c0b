"""Render Altair charts as deterministic HTML that uses the book's own vega bundle.

Altair's default HTML embeds a random element id and loads vega from a CDN; this renderer
names the element after a hash of the spec (same chart, same bytes) and expects vegaEmbed
from ``_static/vendor/vega-bundle.min.js``, which the book loads once on every page.
"""

from __future__ import annotations

import hashlib
import html
import json

import altair as alt

RENDERER = "villagebook"
VEGALITE_MIME = f"application/vnd.vegalite.v{alt.SCHEMA_VERSION.split('.')[0].lstrip('v')}+json"

# Embed options shared by every chart: SVG (crisp, searchable text), export menu only.
EMBED_OPTIONS = {"renderer": "svg", "actions": {"export": True, "source": False, "compiled": False, "editor": False}}


def spec_json(spec: dict) -> str:
    """The spec as canonical JSON, one value a line so that recorded outputs diff readably."""
    text = json.dumps(spec, sort_keys=True, ensure_ascii=False, indent=1)
    # Inside <script>, "</" could end the element early; \u003c keeps the JSON identical in meaning.
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def chart_id(spec: dict) -> str:
    """An element id that depends only on the chart's content."""
    return "vb-" + hashlib.sha256(spec_json(spec).encode("utf-8")).hexdigest()[:16]


def chart_html(spec: dict, embed_options: dict | None = None) -> str:
    """HTML for one chart: a labelled container, the spec as JSON data, a call to vegaEmbed."""
    element = chart_id(spec)
    options = json.dumps({**EMBED_OPTIONS, **(embed_options or {})}, sort_keys=True, separators=(",", ":"))
    label = html.escape(str(spec.get("description", "")), quote=True)
    return (
        f'<div class="vb-chart" id="{element}" role="figure" aria-label="{label}"></div>\n'
        f'<script type="application/json" id="{element}-spec">{spec_json(spec)}</script>\n'
        "<script>(function(){"
        f'var el=document.getElementById("{element}");'
        f'var spec=JSON.parse(document.getElementById("{element}-spec").textContent);'
        f"if(window.vegaEmbed){{vegaEmbed(el,spec,{options}).catch(function(e){{console.error(e);}});}}"
        f'else{{el.textContent="The chart library did not load.";}}'
        "})();</script>"
    )


def render(spec: dict, **metadata: object) -> dict:
    """Altair renderer: the HTML for books, the Vega-Lite spec for Jupyter's own display."""
    return {"text/html": chart_html(spec, metadata.get("embed_options")), VEGALITE_MIME: spec}


def enable() -> None:
    """Register and switch on the renderer (idempotent)."""
    alt.renderers.register(RENDERER, render)
    alt.renderers.enable(RENDERER)
