"""The atlas: every report's book, a comparison of all of them, and a front page (``make atlas``).

One folder: ``<id>/`` is each report's own book in every edition (as ``make book`` builds it,
so a warm atlas rebuilds only what changed: an added report costs its own book), ``comparison/``
is a book of all the reports whose Comparison page sets every place side by side, and
``index.html`` (and ``index.<lang>.html`` for each other edition) lists every place: its name,
year, what its report covers, how many figures it states, and links to its book. Every report
is checked before anything is built; each book is published atomically, the front page last.
"""

from __future__ import annotations

import html
import os
from pathlib import Path

from villagebook import DEFAULT_REPORT, REPORTS_DIR
from villagebook.build import build
from villagereport.coverage import CoverageText
from villagereport.report import Report, load_report
from villagereport.sourcing import place_line
from villagereport.wording import check_language, in_language, strings


def reports_of(extra: list[Path]) -> list[Path]:
    """The repository's reports (data/reports/, the default first) and any others given."""
    found = [DEFAULT_REPORT, *sorted(p for p in REPORTS_DIR.glob("*.yaml") if p != DEFAULT_REPORT)]
    return [*found, *(p for p in extra if p.resolve() not in {f.resolve() for f in found})]


def _front_page(loaded: list[Report], lang: str, langs: list[str]) -> str:
    words = strings(lang)["atlas"]
    rows = []
    for report in loaded:
        year = str(report.election_year or report.source.get("date", "")[:4] or "—")
        covers = CoverageText(report.coverage, lang, where=place_line(report, lang)).story
        links = " ".join(f'<a href="{html.escape(report.id)}/{edition}/INDEX.html" hreflang="{edition}" lang="{edition}">'
                         f'{html.escape(strings(edition)["book"]["edition"])}</a>' for edition in langs)
        rows.append(f"<tr><th scope=\"row\">{html.escape(in_language(report.place['name'], lang))}</th>"
                    f"<td>{html.escape(year)}</td><td>{html.escape(covers)}</td>"
                    f"<td>{len(report.all_figures)}</td><td>{links}</td></tr>")
    others = " ".join(f'<a href="{"index.html" if other == langs[0] else f"index.{other}.html"}" hreflang="{other}">'
                      f'{html.escape(strings(other)["book"]["edition"])}</a>' for other in langs if other != lang)
    heads = "".join(f"<th scope=\"col\">{html.escape(words[k])}</th>" for k in ("place", "round", "covers", "figures", "books"))
    page_lang = strings(lang)["book"]["sphinx_language"].replace("_", "-")
    comparison = (f'<p><a href="comparison/{lang}/book/09_comparison.html">{html.escape(words["comparison"])}</a></p>'
                  if len(loaded) > 1 else "")
    return (f"<!DOCTYPE html>\n<html lang=\"{page_lang}\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            f"<title>{html.escape(words['title'])}</title>\n<link rel=\"icon\" href=\"data:,\">\n"
            "<style>body{font-family:\"Noto Sans CJK SC\",\"PingFang SC\",\"Microsoft YaHei\",sans-serif;"
            "max-width:60em;margin:2em auto;padding:0 1em;line-height:1.6}a{color:#0072B2}"
            ".scroll{overflow-x:auto}table{border-collapse:collapse}th,td{text-align:left;padding:.3em .6em;"
            "border-bottom:1px solid #ddd;vertical-align:top}"
            "html[data-theme=dark] body{background:#121212;color:#ced6dd}html[data-theme=dark] a{color:#66b3ff}</style>\n"
            "<script>(function(){var m=localStorage.getItem(\"mode\");"
            "if(!m||m===\"auto\"){m=matchMedia(\"(prefers-color-scheme: dark)\").matches?\"dark\":\"light\";}"
            "document.documentElement.dataset.theme=m;})();</script>\n</head>\n<body>\n<main>\n"
            f"<h1>{html.escape(words['title'])}</h1>\n<p>{html.escape(words['intro'])}</p>\n"
            + (f"<p>{others}</p>\n" if others else "") + comparison
            + f"\n<div class=\"scroll\" tabindex=\"0\"><table>\n<thead><tr>{heads}</tr></thead>\n<tbody>\n"
            + "\n".join(rows) + "\n</tbody>\n</table></div>\n</main>\n</body>\n</html>\n")


def atlas(reports: list[Path], langs: list[str], out: Path, *, use_cache: bool = True) -> list[Path]:
    """Build every report's book, the comparison of all, and the front page into ``out``;
    return the front pages written."""
    loaded = [load_report(report) for report in reports]  # every file checked before any build
    for lang in langs:
        check_language(lang)
    ids = [report.id for report in loaded]
    if len(set(ids)) != len(ids):
        from villagereport.errors import ReportError

        twice = next(i for i in ids if ids.count(i) > 1)
        raise ReportError(reports[ids.index(twice)], "id", f"expected each report's id once in an atlas, got {twice!r} twice")
    out.mkdir(parents=True, exist_ok=True)
    for report, path in zip(loaded, reports, strict=True):
        # The default report's book is gated against the goldens, as `make book` gates it.
        build([path], langs, out / report.id, run_gate=path.resolve() == DEFAULT_REPORT.resolve(), use_cache=use_cache)
    if len(reports) > 1:
        build(reports, langs, out / "comparison", run_gate=False, use_cache=use_cache)
    written = []
    for lang in langs:
        page = out / ("index.html" if lang == langs[0] else f"index.{lang}.html")
        partial = page.with_name(f".{page.name}.{os.getpid()}")
        partial.write_text(_front_page(loaded, lang, langs), encoding="utf-8")
        os.replace(partial, page)  # whole or not at all
        written.append(page)
    return written
