"""Render Altair charts as deterministic HTML that draws with the project's own vega bundle.

Altair's default HTML embeds a random element id and loads vega from a CDN; this renderer
names the element after a hash of the spec (same chart, same bytes) and draws with vegaEmbed
from ``villagereport/static/vega-bundle.min.js``: in the book, the site's copy, which a page
with charts loads, deferred; anywhere else (JupyterLab, Notebook 7, VS Code, a downloaded
copy), the copy the notebook carries, which ``vr.start()`` shows once, inline. Both work offline.
"""

from __future__ import annotations

import csv
import functools
import hashlib
import html
import io
import json
import math
import os
import re
import urllib.parse
from pathlib import Path

import altair as alt

import villagereport.altair_speed  # noqa: F401  (Altair's shorthand channels, 5 ms each, made cheap)

RENDERER = "villagebook"
# Where a chart finds the library: "site" in the book, whose build runs its kernels with this
# variable set (the page loads the library); unset anywhere else (the notebook carries it).
LIBRARY_ENV = "VILLAGEBOOK_CHARTS"
LIBRARY = Path(__file__).resolve().parent / "static" / "vega-bundle.min.js"  # and its LICENSES.txt
VEGALITE_MIME = f"application/vnd.vegalite.v{alt.SCHEMA_VERSION.split('.')[0].lstrip('v')}+json"

# Embed options shared by every chart: SVG (crisp, searchable text), and no vega-embed menu:
# the PNG/SVG/CSV buttons under each chart replace it, and its menu (a <details> inside the
# chart's role="img" element) is a control nested in an image, with an unnamed <summary>.
EMBED_OPTIONS = {"renderer": "svg", "actions": False}


def in_site() -> bool:
    """Whether the page this kernel's outputs go to loads the chart library itself (the book)."""
    return os.environ.get(LIBRARY_ENV) == "site"


def library_html() -> str:
    """The chart library and the figures' styles (static/figures.css, notebook.css), for a notebook opened
    outside the book: one invisible output, which every chart after it draws with, offline.

    Inside a function whose own ``define``, ``module`` and ``exports`` are undefined, the
    bundle's UMD wrappers set ``window.vega``, ``vegaLite`` and ``vegaEmbed`` even where the
    front end has a module loader of its own (require.js, CommonJS)."""
    code = LIBRARY.read_text(encoding="utf-8").replace("</script", "<\\/script")
    style = "\n".join((LIBRARY.parent / name).read_text(encoding="utf-8") for name in ("figures.css", "notebook.css"))
    return f"<style>{style}</style>\n<script>(function(define, module, exports){{\n{code}\n}})();</script>"


def json_safe(value: object) -> object:
    """NaN and infinities (a missing cell in a pandas text column) as JSON's null."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: json_safe(v) for k, v in value.items()}
    if isinstance(value, list):
        return [json_safe(v) for v in value]
    return value


# Where a Chinese chart title may be broken into lines: after these (figure.title_lines).
TITLE_BREAKS = "，；：、"


def title_text(spec: dict) -> str:
    """A chart's title as one string, its lines joined back (a space between English words)."""
    title = spec.get("title", {})
    text = title.get("text", "") if isinstance(title, dict) else title
    if isinstance(text, list):
        return "".join(line if line.endswith(tuple(TITLE_BREAKS)) or i == len(text) - 1 else line + " "
                       for i, line in enumerate(text))
    return str(text)


def spec_json(spec: dict) -> str:
    """The spec as canonical JSON, one value a line so that recorded outputs diff readably."""
    text = json.dumps(json_safe(spec), sort_keys=True, ensure_ascii=False, indent=1, allow_nan=False)
    # Inside <script>, "</" could end the element early; \u003c keeps the JSON identical in meaning.
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def chart_id(spec: dict) -> str:
    """An element id that depends only on the chart's content."""
    return "vb-" + hashlib.sha256(spec_json(spec).encode("utf-8")).hexdigest()[:16]


def _csv(columns: list[str], rows: list[list[object]]) -> str:
    """The chart's data as CSV text, with a BOM so spreadsheet programs read Chinese as UTF-8."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows(rows)
    return "\ufeff" + buffer.getvalue()


def _table(columns: list[str], rows: list[list[object]]) -> str:
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in columns)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(str(v))}</td>" for v in row) + "</tr>" for row in rows)
    return f'<table class="vb-table"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


_SCRIPT = """(function(){
var id="%(id)s";
function draw(){
var el=document.getElementById(id);
var spec=JSON.parse(document.getElementById(id+"-spec").textContent);
if(!window.vegaEmbed){if(!el.querySelector("svg")){el.textContent=%(no_js)s;}return;}
// The picture drawn at build time gives way to the library's drawing, at the same height.
var drawing=el.querySelector(".vb-static");
if(drawing){el.style.minHeight=drawing.offsetHeight+"px";drawing.remove();}
vegaEmbed(el,spec,%(options)s).then(function(result){
el.style.minHeight="";
el.setAttribute("data-rendered","true");
// A chart fits its box's width when drawn; if the box changes width afterwards (styles applied
// late, a rotated phone), Vega lays it out again: it listens for the window's resize.
if(window.ResizeObserver){var seen=el.clientWidth;new ResizeObserver(function(){
if(el.clientWidth!==seen){seen=el.clientWidth;window.dispatchEvent(new Event("resize"));}}).observe(el);}
var buttons=document.querySelectorAll("#"+id+"-figure button.vb-export");
buttons.forEach(function(button){
button.hidden=false;
button.addEventListener("click",function(){
var format=button.getAttribute("data-format");
result.view.toImageURL(format,format==="png"?2:1).then(function(url){
var link=document.createElement("a");link.href=url;link.download=id+"."+format;
document.body.appendChild(link);link.click();link.remove();});});});
}).catch(function(error){console.error(error);});
}
%(start)s
})();"""
# Outside the book: the library is the notebook's, loaded before; draw once the document is parsed.
_DRAW_NOW = 'if(document.readyState==="loading"){document.addEventListener("DOMContentLoaded",draw);}else{draw();}'
# In the book: the chart is on the page already (its SVG, drawn at build time); the library,
# which makes it interactive, is loaded by _static/vb-charts.js when a reader reaches for a
# chart, and then draws every chart queued here in place of its picture.
_DRAW_LATER = "(window.vbChartQueue=window.vbChartQueue||[]).push(draw);"


def chart_html(spec: dict, embed_options: dict | None = None, *, table: dict | None = None,
               source: str = "", ui: dict | None = None, kind: str = "") -> str:
    """HTML for one chart and what goes under it: source, CSV and image downloads, a table view.

    ``table`` ({"columns": [...], "rows": [[...]]}) is the chart's data as the reader should
    read it; it is given here by the figure wrapper, never carried inside the spec. The chart's
    description is its ARIA description; the table is also what a reader without JavaScript,
    or with a screen reader, gets.
    """
    element = chart_id(spec)
    ui = ui or {}
    table = table or {"columns": [], "rows": []}
    options = json.dumps({**EMBED_OPTIONS, **(embed_options or {})}, sort_keys=True, separators=(",", ":"))
    label = html.escape(title_text(spec), quote=True)
    description = html.escape(str(spec.get("description", "")))
    csv_href = "data:text/csv;charset=utf-8," + urllib.parse.quote(_csv(table["columns"], table["rows"]))
    # Outside the book, the library is the notebook's: its first cell (vr.start()) loads it.
    no_js = ui.get("no_js", "The chart library did not load.") if in_site() else ui.get("no_js_notebook", ui.get("no_js", ""))
    script = _SCRIPT % {"id": element, "options": options, "no_js": json.dumps(no_js, ensure_ascii=False),
                        "start": _DRAW_LATER if in_site() else _DRAW_NOW}
    drawn = static_svg(spec, element) if in_site() else ""
    caption = [f'<span class="vb-source">{html.escape(source)}</span>']
    if table["rows"]:
        caption.append(f'<a class="vb-csv" download="{element}.csv" href="{csv_href}">'
                       f'{html.escape(ui.get("csv", "CSV"))}</a>')
    caption += [f'<button type="button" class="vb-export" data-format="{fmt}" hidden>'
                f'{html.escape(ui.get(fmt, fmt.upper()))}</button>' for fmt in ("png", "svg")]
    parts = [
        f'<figure class="vb-figure" id="{element}-figure" data-kind="{html.escape(kind)}">',
        f'<div class="vb-chart" id="{element}" role="img" aria-label="{label}" aria-describedby="{element}-desc">'
        f'{drawn}</div>',
        f'<p class="vb-sr-only" id="{element}-desc">{description}</p>',
        f'<figcaption class="vb-caption">{" ".join(caption)}</figcaption>',
    ]
    if table["rows"]:
        parts.append(f'<details class="vb-table-view"><summary>{html.escape(ui.get("table", "Table"))}</summary>'
                     f'{_table(table["columns"], table["rows"])}</details>')
    parts += [f'<script type="application/json" id="{element}-spec">{spec_json(spec)}</script>',
              f"<script>{script}</script>", "</figure>"]
    return "\n".join(parts)


# The widths the chart is drawn at when the page is built: a phone's column and a wide one; the
# page shows the one that fits (static/figures.css), scaled to its box, until the library
# draws the chart again at the box's own width.
STATIC_WIDTHS = {"narrow": 340, "wide": 700}
_FONTS = Path("/usr/share/fonts/opentype/noto")  # Debian's fonts-noto-cjk: text measured as shown
_FONTS_REGISTERED: list[bool] = []  # registered with vl-convert once per process


def static_svg(spec: dict, element: str) -> str:
    """The chart drawn as SVG from its spec (vl-convert, Vega's own renderer), once per width in
    STATIC_WIDTHS: what a reader sees before (or without) the chart library. "" where
    vl-convert is not installed (the library draws the chart when loaded)."""
    return _static_svg(spec_json(spec), element)


# The same chart shown again (a page run again in a kernel, the same page read twice by the
# tests) is drawn once: the drawing depends on the spec alone.
@functools.lru_cache(maxsize=256)
def _static_svg(spec_text: str, element: str) -> str:
    spec = json.loads(spec_text)
    try:
        import vl_convert
    except ImportError:
        return ""
    if _FONTS.is_dir() and not _FONTS_REGISTERED:
        vl_convert.register_font_directory(str(_FONTS))
        _FONTS_REGISTERED.append(True)
    drawn = []
    for name, width in STATIC_WIDTHS.items():
        sized = dict(json_safe(spec))
        if sized.get("width") == "container":
            sized["width"] = width
        # As the library draws it in the page: no background of its own (vl-convert's is white).
        sized.setdefault("background", "transparent")
        svg = vl_convert.vegalite_to_svg(sized)
        # Ids of clip paths and gradients, one set per drawing, so that no two on a page clash.
        svg = re.sub(r'(id="|url\(#)([\w-]+)', rf"\g<1>{element}-{name}-\g<2>", svg)
        svg = svg.replace('class="marks"', f'class="marks vb-static-{name}" aria-hidden="true" focusable="false"', 1)
        # Inside HTML an <svg> is SVG without its XML namespace declarations (no address in the page).
        svg = re.sub(r' xmlns(:xlink)?="[^"]*"', "", svg, count=2)
        drawn.append(svg)
    return f'<div class="vb-static">{"".join(drawn)}</div>'



def render(spec: dict, **metadata: object) -> dict:
    """Altair renderer: the HTML for books, the Vega-Lite spec for Jupyter's own display."""
    return {"text/html": chart_html(spec, metadata.get("embed_options")), VEGALITE_MIME: json_safe(spec)}


def enable() -> None:
    """Register and switch on the renderer (idempotent)."""
    alt.renderers.register(RENDERER, render)
    alt.renderers.enable(RENDERER)
