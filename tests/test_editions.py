"""Two editions from one set of notebooks; any report; several reports compared."""

from __future__ import annotations

import html
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest

from conftest import DATA, FIXTURES, ROOT, shared_site
from villagebook.edition import book_page, landing_page
from villagebook.stories import told, told_book
from villagereport import comments, load_report
from villagereport.catalogue import indicator_name
from villagereport.coverage import Coverage
from villagereport.sections import PAGE_STEMS
from villagereport.sourcing import book_text
from villagereport.wording import strings

# The overview notebook's parameters cell, which no reader should see.
PARAMETERS_CELL = next(c.source for c in nbformat.read(ROOT / "book" / "01_overview.ipynb", as_version=4).cells
                       if "parameters" in c.metadata.get("tags", []))

CJK = re.compile(r"[\u4e00-\u9fff]")
QUOTED = re.compile(r"「[^」]*」|“[^”]*”|《[^》]*》|‘[^’]*’")


class _VisibleText(HTMLParser):
    """Text a reader sees, less code listings, scripts and elements marked lang="zh"."""

    SKIP = {"script", "style", "pre", "code", "template"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):  # type: ignore[no-untyped-def]
        if tag in ("br", "img", "meta", "link", "input", "hr"):
            return
        # lang="zh" marks a quoted word (the link to the Chinese edition); the page's own
        # <html lang> is the edition's language, not a quote.
        skip = tag in self.SKIP or (tag != "html" and (dict(attrs).get("lang") or "").startswith("zh"))
        self.stack.append((tag, skip or any(s for _, s in self.stack)))

    def handle_endtag(self, tag):  # type: ignore[no-untyped-def]
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                break

    def handle_data(self, data):  # type: ignore[no-untyped-def]
        if not (self.stack and self.stack[-1][1]):
            self.text.append(data)


def _visible(path: Path) -> str:
    parser = _VisibleText()
    parser.feed(path.read_text(encoding="utf-8"))
    return " ".join(parser.text)


def _allowed_chinese(report_paths: list[Path]) -> list[str]:
    """Names from the reports and the terms the English edition explains, longest first."""
    allowed = set(strings("en")["glossary"])
    for path in report_paths:
        report = load_report(path)
        allowed |= {report.place[k]["zh"] for k in ("name", "county", "prefecture", "province") if k in report.place}
        allowed |= {*report.source.get("outlet", {}).values(), *report.source.get("authors", [])}
        # The article's own words for its credits (given per language, the original beside the translation).
        allowed |= {v.get("zh") if isinstance(v, dict) else v for k, v in report.source.items()
                    if k in ("editor", "title", "subtitle", "rights", "republished_in") and v}
    return sorted(allowed, key=len, reverse=True)


def _chinese_left(site: Path, reports: list[Path]) -> dict[str, list[str]]:
    allowed = _allowed_chinese(reports)
    left = {}
    for page in sorted((site / "en").rglob("*.html")):
        if {"_static", "_sources"} & set(page.parts):
            continue
        text = _visible(page)
        for term in allowed:  # terms first: 村“两委” holds a quote of its own
            text = text.replace(term, " ")
        text = QUOTED.sub(" ", text)
        snippets = [text[max(0, m.start() - 20): m.end() + 20] for m in CJK.finditer(text)]
        if snippets:
            left[str(page.relative_to(site))] = snippets[:3]
    return left


def _pages(site: Path, lang: str) -> list[Path]:
    return [p for p in sorted((site / lang).rglob("*.html")) if not {"_static", "_sources"} & set(p.parts)]


LINJIANG = DATA / "reports" / "linjiang-2021.yaml"
TONGGUAN = DATA / "reports" / "tongguan-2021.yaml"
JIAXIANG = DATA / "reports" / "jiaxiang-2021.yaml"


@pytest.fixture(scope="session")
def tongguan_compared(tmp_path_factory):
    """Tongguan's book, both editions, with Linjiang and Jiaxiang on a comparison page."""
    return shared_site(tmp_path_factory, "tongguan", [TONGGUAN, LINJIANG, JIAXIANG], ["zh", "en"])


@pytest.fixture(scope="session")
def jiaxiang_site(tmp_path_factory):
    return shared_site(tmp_path_factory, "jiaxiang", [JIAXIANG], ["zh", "en"])


def test_both_editions_are_published_with_a_page_to_choose(built_site):
    chooser = (built_site / "index.html").read_text(encoding="utf-8")
    assert 'href="zh/INDEX.html"' in chooser and 'href="en/INDEX.html"' in chooser
    for lang in ("zh", "en"):
        assert len(list((built_site / lang / "book").glob("*.html"))) == 9  # 8 notebooks, the teacher's guide


@pytest.fixture(scope="session")
def own_county(tmp_path_factory):
    """A county's own book: a report file the package does not ship, of every shape."""
    folder = tmp_path_factory.mktemp("own")
    report = folder / "shapes.yaml"
    report.write_bytes((FIXTURES / "shapes.yaml").read_bytes())
    return shared_site(tmp_path_factory, "own-county", [report], ["zh", "en"])


def test_a_countys_own_book_offers_notebooks_that_open_its_report_and_language(own_county):
    for lang in ("zh", "en"):
        notebooks = own_county / lang / "_static" / "notebooks"
        for kind in ("student", "teacher"):
            nb = nbformat.read(notebooks / kind / "01_overview.ipynb", as_version=4)
            # The parameters cell (its defaults), then the cell papermill's way injects after it.
            tagged = [c for c in nb.cells if {"parameters", "injected-parameters"} & set(c.metadata.get("tags", []))]
            assert [c.metadata["tags"] for c in tagged] == [["parameters"], ["injected-parameters"]]
            namespace: dict = {}
            for cell in tagged:
                exec(cell.source, namespace)  # noqa: S102 - the book's own parameter cells
            assert (namespace["report"], namespace["lang"]) == ("shapes.yaml", lang)
            assert (notebooks / kind / "shapes.yaml").read_bytes() == (FIXTURES / "shapes.yaml").read_bytes()
        page = (own_county / lang / "book" / "01_overview.html").read_text(encoding="utf-8")
        assert 'href="../_static/notebooks/student/shapes.yaml"' in page


def test_the_guides_field_table_renders_as_a_table(built_site):
    for lang, header in (("en", "what it holds"), ("zh", "写什么")):
        page = (built_site / lang / "book" / "08_your_county.html").read_text(encoding="utf-8")
        assert f"<th class=\"head\"><p>{header}</p></th>" in page or f"<th>{header}</th>" in page \
            or re.search(rf"<th[^>]*>\s*(<p>)?{header}", page), header
        assert "| --- |" not in page


def test_the_english_edition_is_in_english(built_site, tongguan_compared, jiaxiang_site, own_county):
    assert _chinese_left(built_site, [LINJIANG]) == {}
    assert _chinese_left(tongguan_compared, [TONGGUAN, LINJIANG, JIAXIANG]) == {}
    assert _chinese_left(jiaxiang_site, [JIAXIANG]) == {}
    assert _chinese_left(own_county, [FIXTURES / "shapes.yaml"]) == {}


def test_the_check_for_chinese_would_catch_some(built_site):
    page = built_site / "zh" / "book" / "01_overview.html"
    text = QUOTED.sub(" ", _visible(page))
    assert CJK.search(text)  # the Chinese edition, read by the same check, is full of it


def test_every_term_the_book_uses_is_explained_on_the_english_landing_page_and_no_other(built_site):
    landing = _visible(built_site / "en" / "INDEX.html")
    glossary = landing[landing.index("Terms kept in Chinese"):]
    report = load_report(LINJIANG)
    used = book_text(report, "en", [text for page in told_book(report, "en") for text in page.texts()])
    for term, meaning in strings("en")["glossary"].items():
        explained = term in glossary and meaning.split(":")[0][:20] in glossary
        assert explained == (term in used), term


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_page_links_to_its_counterpart(built_site, lang):
    other = "en" if lang == "zh" else "zh"
    for page in _pages(built_site, lang):
        if 'http-equiv="Refresh"' in page.read_text(encoding="utf-8"):
            continue  # Jupyter Book's redirect from index.html to the landing page
        links = re.findall(r'<a class="vb-edition[^"]*" href="([^"]+)" hreflang="(\w+)"', page.read_text(encoding="utf-8"))
        assert len(links) == 1, page
        href, hreflang = links[0]
        target = (page.parent / href).resolve()
        assert hreflang == other and target == (built_site / other / page.relative_to(built_site / lang)).resolve()
        assert target.exists(), f"{page} links to a missing {target}"


def test_titles_and_interface_follow_the_edition(built_site):
    en = (built_site / "en" / "book" / "02_organisation.html").read_text(encoding="utf-8")
    zh = (built_site / "zh" / "book" / "02_organisation.html").read_text(encoding="utf-8")
    assert "<title>Organisation" in en and '<html lang="en"' in en
    assert "<title>组织部署" in zh and '<html lang="zh-CN"' in zh


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_book_builds_for_each_shared_report(tongguan_compared, jiaxiang_site, lang):
    for site, report in ((tongguan_compared, TONGGUAN), (jiaxiang_site, JIAXIANG)):
        place = load_report(report).place["name"][lang]
        landing = (site / lang / "INDEX.html").read_text(encoding="utf-8")
        assert place in landing
        assert len(list((site / lang / "book").glob("*.html"))) >= 8


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_several_reports_add_a_comparison_page_of_the_measures_that_compare(tongguan_compared, lang):
    page = (tongguan_compared / lang / "book" / "09_comparison.html").read_text(encoding="utf-8")
    reports = [load_report(p) for p in (TONGGUAN, LINJIANG, JIAXIANG)]
    table = page.split('<table class="dataframe vb-table">')[-1]
    rows = re.findall(r"<tr>\s*<td>([^<]*)</td>", html.unescape(table))
    # A row names its measure without units (the reports' differ) and, for members' figures, with
    # the body: these three reports cover both committees.
    both = Coverage(bodies=frozenset({"party", "committee"}))
    assert all(r.coverage.bodies == both.bodies for r in reports)
    names = {i: indicator_name(i, lang, both) for i in reports[0].catalogue.indicators.index}
    # levels: shares and average ages two reports state, worked out here from the tables
    levels = [set(r.figures.index[r.figures["kind"].isin(["share", "age"])]) for r in reports]
    twice = {i for i in set.union(*levels) if sum(i in s for s in levels) >= 2}
    assert {names[i] for i in twice} <= set(rows)
    # a share or age only one report states, and totals of people, are not compared
    once = {i for i in set.union(*levels) if sum(i in s for s in levels) == 1}
    assert not {names[i] for i in once} & set(rows)
    assert names["members_total"] not in rows and names["villages_completed"] not in rows
    for report in reports:
        assert report.place["name"][lang] in table


def test_a_single_report_book_has_no_comparison_page(built_site):
    assert not (built_site / "zh" / "book" / "09_comparison.html").exists()


def _make_n(*args: str) -> str:
    result = subprocess.run(["make", "-n", "book", *args], capture_output=True, text=True, cwd=ROOT, check=True,
                            env={"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"})
    return next(line for line in result.stdout.splitlines() if "villagebook build" in line)


def test_make_book_takes_report_and_language():
    # No LANG: every edition there is a catalogue for (the build's default).
    assert _make_n().endswith("build --out _build/html")
    line = _make_n("REPORT=data/reports/tongguan-2021.yaml", "LANG=en", "OUT=_build/tg")
    assert line.endswith("build --report data/reports/tongguan-2021.yaml --lang en --out _build/tg")
    both = _make_n("REPORT=data/reports/tongguan-2021.yaml data/reports/jiaxiang-2021.yaml")
    assert "--report data/reports/tongguan-2021.yaml --report data/reports/jiaxiang-2021.yaml" in both


@pytest.mark.parametrize(("args", "words"), [
    (["--lang", "fr"], "lang: expected one of zh, en, got 'fr'"),
    (["--report", "nowhere.yaml"], "nowhere.yaml: expected an existing file"),
    (["--colour", "red"], "unrecognized arguments: --colour red"),
])
def test_build_checks_parameters_before_anything_runs(tmp_path, args, words):
    result = subprocess.run([sys.executable, "-m", "villagebook", "build", *args, "--out", str(tmp_path / "site")],
                            capture_output=True, text=True, cwd=ROOT, check=False)
    assert result.returncode != 0 and words in result.stderr
    assert len([line for line in result.stderr.splitlines() if line.strip()]) <= 2  # argparse adds its usage line
    assert not (tmp_path / "site").exists()


def test_a_page_shows_readers_no_parameters_and_hides_the_parameter_cells(built_site):
    # A report id and a language code are the notebook's business, not the reader's: the cell
    # that sets them is hidden and no line of the page repeats them.
    for lang in ("zh", "en"):
        path = built_site / lang / "book" / "01_overview.html"
        page, visible = path.read_text(encoding="utf-8"), _visible(path)
        assert "linjiang-2021" not in visible and "lang = " not in visible
        # Neither the notebook's parameters cell (its comments included) nor the cell papermill
        # injects ("# Parameters") shows in the page's HTML.
        assert "# Parameters" not in page
        source = comments.in_language(PARAMETERS_CELL, lang)  # as "show the code" would give it
        said = [part.strip() for line in source.splitlines() for part in line.split("#") if part.strip()]
        assert len(said) >= 4  # each line's code and its comment
        assert not [part for part in said if html.escape(part, quote=False) in page]

@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_sparse_report_leaves_no_empty_cell_on_its_pages(tongguan_compared, lang):
    # Tongguan's report has no exercises on most pages: the cells that would show them show
    # nothing, and are left off the page rather than kept as empty boxes.
    for page in sorted((tongguan_compared / lang / "book").glob("0*.html")):
        text = page.read_text(encoding="utf-8")
        # Each cell's HTML up to the next cell: an output or an input must be in it.
        cells = re.split(r'<div class="cell(?: [^"]*)? docutils container[^"]*"', text)[1:]
        empty = [c[:120] for c in cells if 'class="cell_output' not in c and 'class="cell_input' not in c]
        assert not empty, f"{page.name}: {empty}"


@pytest.mark.parametrize("report_id", ["jiaxiang-2021", "linjiang-2021"])
def test_the_english_credits_say_which_of_the_articles_words_are_not_translated(report_id):
    report = load_report(DATA / "reports" / f"{report_id}.yaml")
    page = landing_page("en", report, [])
    credits = {m[1]: m[2] for m in re.finditer(r"^- \*\*(.+?)\*\*: (.*)$", page, re.M)}
    title = report.source["title"]
    translated = isinstance(title, dict) and title.get("en")
    assert credits["Title"].endswith("(in Chinese: the report file gives no translation)") != bool(translated), credits
    assert "no translation" not in landing_page("zh", report, [])


@pytest.mark.parametrize("report_path", sorted((DATA / "reports").glob("*.yaml")), ids=lambda p: p.stem)
def test_the_workshop_plans_a_group_a_page_only_where_pages_go_round(report_path):
    report = load_report(report_path)
    # Pages with figures, counted here from the report's own tables.
    pages = set(report.all_figures["section"]) | set(report.lists["section"])
    for lang in ("zh", "en"):
        guide = book_page(ROOT / "book" / "teachers_guide.md", lang, report)
        one_each = ("有数字的每一页一组" if lang == "zh" else "one group for each page") in guide
        assert one_each == (len(pages) >= 3), (lang, sorted(pages))


def test_a_page_offers_its_notebooks_only_where_it_has_exercises(tongguan_compared):
    # The build writes the links (it alone knows where the site keeps the copies); a page whose
    # report supports none of its exercises offers nothing to download.
    report = load_report(TONGGUAN)
    for section, stem in PAGE_STEMS.items():
        page = (tongguan_compared / "en" / "book" / f"{stem}.html").read_text(encoding="utf-8")
        offered = bool(told(report, section, "en").exercises)
        assert ('class="vb-downloads"' in page) == offered, stem
        if offered:
            assert f'href="../_static/notebooks/student/{stem}.ipynb"' in page
            assert (tongguan_compared / "en" / "_static" / "notebooks" / "student" / f"{stem}.ipynb").is_file()
    assert not all(told(report, s, "en").exercises for s in PAGE_STEMS)  # the check saw a page without
