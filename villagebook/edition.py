"""Lay out one edition's book source: its config, contents and landing page, in its language."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from pathlib import Path

import jinja2
import papermill
import yaml

from villagebook import ROOT
from villagebook.stories import Told, told_book
from villagereport.coverage import CoverageText
from villagereport.phrases import join_items
from villagereport.report import Report
from villagereport.sourcing import book_text, byline, outlet_name, place_line, published
from villagereport.wording import (
    REPORT_LANGUAGE,
    escape_markdown,
    fill,
    in_language,
    message,
    plural,
    render,
    strings,
)

COMPARISON = "book/09_comparison"
# The site's icon, relative to an edition's folder: html.favicon in _config.yml.
FAVICON = "_static/favicon.svg"
_ENV = jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=False, keep_trailing_newline=True)


def declared_parameters(notebook: Path) -> list[str]:
    """The names a notebook's ``parameters`` cell assigns: all papermill may set (papermill's
    own reading of the cell)."""
    return list(papermill.inspect_notebook(str(notebook)))


def edition_labels(langs: list[str]) -> dict[str, str]:
    """Each edition's name in its own language, for links between editions."""
    return {lang: strings(lang)["book"]["edition"] for lang in langs}


def book_title(report: Report, lang: str) -> str:
    """The book's title: its place, and the units its report covers (village, community)."""
    units = CoverageText(report.coverage, lang).title
    return fill(strings(lang)["book"]["title"], place=in_language(report.place["name"], lang), units=units)


def book_config(lang: str, editions: list[str], report: Report) -> dict:
    """The repository's _config.yml, set for this edition: title, language, its siblings."""
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    words = strings(lang)["book"]
    config["title"] = book_title(report, lang)
    config["author"] = words["author"]  # the footer's "By …", in the edition's language
    sphinx = config["sphinx"]["config"]
    sphinx["language"] = words["sphinx_language"]
    sphinx["villagebook_lang"] = lang
    # The toggle over each folded code cell, in the edition's language.
    sphinx["nb_code_prompt_show"] = words["code_prompt_show"]
    sphinx["nb_code_prompt_hide"] = words["code_prompt_hide"]
    sphinx["villagebook_editions"] = edition_labels(editions)
    sphinx["villagebook_search_text"] = words["search_bar_text"]
    config["html"]["favicon"] = FAVICON  # the icon chooser_page names too
    return config


def table_of_contents(lang: str, *, comparison: bool) -> dict:
    """The repository's _toc.yml with captions in this language; the comparison page only if wanted."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    captions = strings(lang)["book"]["toc_captions"]
    for part, caption in zip(toc["parts"], captions, strict=True):
        part["caption"] = caption
        if not comparison:
            part["chapters"] = [c for c in part["chapters"] if c["file"] != COMPARISON]
    return toc


def _render(template: str, lang: str, context: dict) -> str:
    """A page template of the project (INDEX.md, book/*.md): its words are messages of the
    language's catalogue, each written in the template as ``t("id")`` and rendered (they are
    Jinja too) with the page's context."""
    context = dict(context, lang=lang)
    context["t"] = lambda key: render(message(lang, key), context)
    return _ENV.from_string(template).render(context)


_CJK = re.compile(r"[\u3400-\u9fff]")


def landing_page(lang: str, report: Report, others: list[Report], pages: Iterable[Told] | None = None) -> str:
    """INDEX.md, rendered for this edition and report: a template, since it names the report.
    ``pages``: what each page's notebook tells for the report (told here when not given)."""
    source, place = report.source, report.place
    words = strings(lang)
    # A term is glossed only where the book uses it: in its sentences, names, quotes or items.
    pages = told_book(report, lang) if pages is None else pages
    used = book_text(report, lang, [text for page in pages for text in page.texts()])
    glossary = [(escape_markdown(term), escape_markdown(text)) for term, text in words.get("glossary", {}).items()
                if term in used]
    context = {
        "place": escape_markdown(in_language(place["name"], lang)),
        "where": escape_markdown(place_line(report, lang)),
        "rights": bool(source.get("rights")),
        "report_file": report_file(report),
        "cov": CoverageText(report.coverage, lang, where=escape_markdown(place_line(report, lang))),
        "others": [escape_markdown(in_language(o.place["name"], lang)) for o in others],
        "glossary": glossary,
        "source_fields": _source_fields(report, lang),
    }
    return _render((ROOT / "INDEX.md").read_text(encoding="utf-8"), lang, context)


# What the report file says of its article, in this order, each under its own label.
SOURCE_FIELDS = ("title", "subtitle", "outlet", "date", "authors", "editor", "republished_in", "rights", "url")


def _source_fields(report: Report, lang: str) -> list[tuple[str, str]]:
    """Every field of the report's ``source`` the file gives, as (label, text as written): the
    article's credits in full (its rights statement, editor, where it was republished) rather
    than the book's summary of them. A field given per language ({zh: …, en: …}) is shown in
    the edition's language."""
    source = report.source
    # The three the book writes in the page's language (《》, the date, romanised names).
    shown = {"outlet": outlet_name(report, lang), "date": published(report, lang),
             "authors": byline(source.get("authors", []), lang),
             "editor": source.get("editor") and byline([source["editor"]], lang)}
    fields = []
    for field in SOURCE_FIELDS:
        if not source.get(field):
            continue
        if field == "url":
            # An autolink: its address is kept byte for byte (a Markdown escape inside it
            # would become part of the link); the schema allows no space, < or > in it.
            text = f"<{source['url']}>"
        elif isinstance(source[field], dict) and lang != REPORT_LANGUAGE and source[field].get(lang):
            # A translation, with the article's own words beside it: a reader can find the original.
            text = escape_markdown(f"{source[field][lang]} ({source[field][REPORT_LANGUAGE]})")
        elif shown.get(field):
            text = escape_markdown(shown[field])
        else:
            text = escape_markdown(in_language(source[field], lang))
            if lang != REPORT_LANGUAGE and _CJK.search(text):
                # The article's words with no translation: said so, not passed off as English.
                text = fill(message(lang, "index.source.untranslated"), text=text)
        fields.append((message(lang, f"index.source.{field}"), text))
    return fields


def report_file(report: Report) -> str:
    """Where the report's file is, as the landing page names it: its path in the project when
    it is kept here (data/reports/linjiang-2021.yaml), else its file name. Shown in a code
    span, so a backtick, the one character that could end the span, is left out."""
    try:
        shown = report.path.resolve().relative_to(ROOT.resolve()).as_posix()
    except ValueError:
        shown = report.path.name
    return shown.replace("`", "")


# Aspects a reader might expect a report to give; the teacher's guide names those it does not.
UNMENTIONED = (
    ("voter_turnout_share", "voters_voted", "voters_registered", "party_member_turnout_share", "party_members_voted"),
    ("candidates_vetted",),
    ("women_members", "women_members_share", "women_heads", "women_heads_share", "women_secretaries",
     "women_secretaries_share", "women_directors", "women_directors_share", "women_members_per_village"),
    ("members_avg_age", "secretaries_avg_age", "directors_avg_age"),
)



def book_page(path: Path, lang: str, report: Report, pages: Iterable[Told] | None = None) -> str:
    """A Markdown page of book/ (a template, like INDEX.md), rendered for this edition and report.

    The teacher's guide refers to exercises and asks questions only where the report has them
    (``pages``: what each page's notebook poses for the report; told here when not given).
    """
    posed = {page.section: page.exercises for page in (told_book(report, lang) if pages is None else pages)}
    words = strings(lang)
    context = {"place": escape_markdown(in_language(report.place["name"], lang)),
               "cov": CoverageText(report.coverage, lang, where=escape_markdown(place_line(report, lang)))}
    overview = posed.get("overview", ())
    context["any_exercises"] = any(posed.values())
    context["first_exercises"] = None
    if overview:
        numbers = list(range(1, min(len(overview), 2) + 1))
        context["first_exercises"] = {
            "title": words["page_titles"].get("overview") or report.catalogue.sections.at["overview", f"title_{lang}"],
            # "exercises 1 and 2", "练习1和2": the language's plural form and its list.
            "numbers": fill(plural(lang, "teacher.exercise_numbers", len(numbers)),
                            numbers=join_items([str(n) for n in numbers], lang)),
        }
    # Groups read the pages that have figures; the limits name aspects this report leaves out.
    sections = report.catalogue.sections
    pages = [sections.at[s, f"title_{lang}"] for s in sections.index
             if (report.all_figures["section"] == s).any() or (report.lists["section"] == s).any()]
    context["pages_with_figures"] = strings(lang)["number"]["list_sep"].join(pages)
    context["pages_with_figures_count"] = len(pages)
    # The limits of this report: changes against the last term, readings left open, bounds, open lists.
    context["changes"] = not report.all_changes.empty
    context["ambiguous"] = bool((report.all_changes["reading"] == "ambiguous").any())
    context["bounds"] = bool((report.all_figures["qualifier"] != "exact").any())
    context["open_list"] = bool((~report.lists["exhaustive"].astype(bool)).any()) if not report.lists.empty else False
    # An aspect is unmentioned only when no figure of its kind is stated (voters who voted
    # speak to turnout; women heads to women on the committees).
    unmentioned = [report.name(group[0], lang) for group in UNMENTIONED if not any(report.states(i) for i in group)]
    context["unmentioned"] = strings(lang)["number"]["list_sep"].join(
        n[:1].lower() + n[1:] if n[1:2].islower() else n for n in unmentioned[:3])
    ids = [e.id for e in overview]
    context["readings_exercise"] = ids.index("college_readings") + 1 if "college_readings" in ids else None
    # What the guide's questions ask about: a figure the report states, a change it gives.
    context["states"] = lambda *indicators: all(report.states(i) for i in indicators)
    context["changed"] = lambda indicator: bool((report.all_changes["indicator"] == indicator).any())
    return _render(path.read_text(encoding="utf-8"), lang, context)


def chooser_page(editions: list[str], report: Report) -> str:
    """The site's root page: one link per edition, in each edition's own language."""
    links = []
    for lang in editions:
        title = book_title(report, lang)
        links.append(f'<li><a href="{lang}/INDEX.html" hreflang="{lang}" lang="{lang}">'
                     f'{html.escape(strings(lang)["book"]["edition"])}{html.escape(strings(lang)["page"]["label_colon"])}'
                     f'{html.escape(title)}</a></li>')
    heading = html.escape(strings(editions[0])["book"]["chooser_title"])
    # The page is in its first edition's language (zh_CN is written zh-CN in HTML).
    page_lang = strings(editions[0])["book"]["sphinx_language"].replace("_", "-")
    return (
        f"<!DOCTYPE html>\n<html lang=\"{page_lang}\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        f"<title>{heading}</title>\n"
        f"<link rel=\"icon\" href=\"{editions[0]}/{FAVICON}\">\n"
        "<style>body{font-family:\"Noto Sans CJK SC\",\"PingFang SC\",\"Microsoft YaHei\",sans-serif;"
        "max-width:40em;margin:3em auto;padding:0 1em;line-height:1.6}a{color:#0072B2}"
        "li{margin:.6em 0;font-size:1.2em}"
        "html[data-theme=dark] body{background:#121212;color:#ced6dd}html[data-theme=dark] a{color:#66b3ff}</style>\n"
        # The scheme the reader chose in the book (the theme keeps it as `mode`), or the system's.
        "<script>(function(){var m=localStorage.getItem(\"mode\");"
        "if(!m||m===\"auto\"){m=matchMedia(\"(prefers-color-scheme: dark)\").matches?\"dark\":\"light\";}"
        "document.documentElement.dataset.theme=m;})();</script>\n</head>\n<body>\n"
        f"<main>\n<h1>{heading}</h1>\n<ul>\n" + "\n".join(links) + "\n</ul>\n</main>\n</body>\n</html>\n"
    )
