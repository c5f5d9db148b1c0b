"""Each section notebook runs, for every report and language.

Every notebook runs in a real kernel through papermill at least once here (Linjiang in English:
its Chinese runs are the goldens, re-executed by nbval), and through the build in the site
tests. The rest of the report × language matrix runs the same cells in-process
(tests/inprocess.py), where a kernel adds nothing to what is checked: what the page shows.
"""

from __future__ import annotations

import re
import subprocess
import sys

import nbformat
from babel.messages.pofile import read_po
import papermill

from villagebook.errors import BuildError
import pytest

from villagereport.catalogue import indicator_name
from villagereport.coverage import Coverage
from villagereport.wording import fill, strings

from conftest import DATA, FIXTURES
from inprocess import outputs
from notebook_runs import NOTEBOOKS, outputs_json, outputs_text, report_arg, run
from villagereport import load_report
from villagereport.derived import derive
from villagereport.phrases import FigureText
from villagereport.sections import PAGES

SECTION_NOTEBOOKS = [nb for nb in NOTEBOOKS if int(nb.name[:2]) <= len(PAGES)]
SECTIONS = dict(zip((nb.name for nb in SECTION_NOTEBOOKS), PAGES, strict=True))
# Reports of different shapes: Linjiang in English (in a real kernel), Baiyin (changes only,
# villages and communities apart), the fixture with every shape and the minimal one. Every
# report in data/ and generated shapes are read in-process, page by page, in test_shapes.py.
MATRIX_REPORTS = {p.stem: p for p in [*(DATA / "reports" / f"{name}-2021.yaml"
                                        for name in ("linjiang", "baiyin", "tongguan", "jiaxiang")),
                                      FIXTURES / "shapes.yaml", FIXTURES / "minimal.yaml"]}
REAL_KERNEL = ("linjiang-2021", "en")
CASES = [pytest.param(nb, name, lang, marks=[pytest.mark.kernels] if (name, lang) == REAL_KERNEL else [])
         for nb in SECTION_NOTEBOOKS
         for name, lang in (REAL_KERNEL, ("baiyin-2021", "zh"), ("shapes", "en"), ("minimal", "zh"))]


@pytest.fixture(scope="session")
def executed(tmp_path_factory):
    """A notebook run through papermill in a real kernel, once per test session."""
    out = tmp_path_factory.mktemp("executed")
    cache: dict = {}

    def get(notebook, report, lang):
        key = (notebook.name, report, lang)
        if key not in cache:
            cache[key] = run(notebook, out / f"{notebook.stem}-{report}-{lang}.ipynb",
                             report=report_arg(MATRIX_REPORTS[report]), lang=lang)
        return cache[key]

    return get


def _shown(notebook, report, lang) -> str:
    """What a page shows, run in-process: every output's text; no error, nothing on stderr."""
    bundles, written = outputs(SECTIONS[notebook.name], MATRIX_REPORTS[report], lang)
    assert not written, f"{notebook.name} ({report}, {lang}) wrote: {written}"
    return "\n".join(data for bundle in bundles for mime, data in bundle.items() if mime.startswith("text/"))


def test_there_is_a_notebook_per_page_in_reading_order():
    assert [nb.name for nb in NOTEBOOKS] == [
        "01_overview.ipynb", "02_organisation.ipynb", "03_candidates.ipynb", "04_guidance.ipynb",
        "05_discipline.ipynb", "06_risk.ipynb", "07_checking.ipynb", "08_your_county.ipynb", "09_comparison.ipynb"]


@pytest.mark.parametrize(("notebook", "report", "lang"), CASES, ids=lambda v: getattr(v, "stem", v))
def test_notebook_runs_and_shows_the_sections_figures(request, notebook, report, lang):
    if (report, lang) == REAL_KERNEL:
        nb = request.getfixturevalue("executed")(notebook, report, lang)
        errors = [o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
        streams = [o for c in nb.cells for o in c.get("outputs", []) if o.get("name") == "stderr"]
        assert not errors and not streams
        shown = outputs_text(nb)
    else:
        shown = _shown(notebook, report, lang)
    data = load_report(MATRIX_REPORTS[report])
    section = SECTIONS[notebook.name]
    if section == "checking":
        # The checking page shows each stated figure a derived one is computed from.
        derived = derive(data)
        used = set(derived["indicator"]) | {i for inputs in derived["inputs"] for i in inputs}
        expected = [i for i in data.figures.index if i in used]
    else:
        expected = list(data.figures.index[data.figures["section"] == section])
    for indicator in expected:
        formatted = str(FigureText(data, indicator, lang))
        assert formatted in shown, f"{notebook.name}: {indicator} ({formatted}) not shown"


def test_parameters_cell_is_tagged_and_defaults_to_linjiang_in_chinese():
    for path in NOTEBOOKS:
        nb = nbformat.read(path, as_version=4)
        tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
        assert len(tagged) == 1
        namespace: dict = {}
        exec(tagged[0].source, namespace)  # noqa: S102 - our own parameters cell
        # A path relative to the notebook's folder: the library reads only what it is given.
        assert namespace["report"] == "../data/reports/linjiang-2021.yaml" and namespace["lang"] == "zh"
        assert (path.parent / namespace["report"]).is_file()


@pytest.mark.kernels
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_guide_runs_its_worked_example_for_real(tmp_path, lang):
    guide = next(nb for nb in NOTEBOOKS if "your_county" in nb.name)
    shown = outputs_text(run(guide, tmp_path / "guide.ipynb", lang=lang))
    example = MATRIX_REPORTS["tongguan-2021"]
    # The line the page shows is the line the command prints for the same file.
    printed = subprocess.run([sys.executable, "-m", "villagereport", "validate", example.name], cwd=example.parent,
                             capture_output=True, text=True, check=True).stdout.strip()
    lists = len(load_report(example).lists)
    assert printed.endswith(f", {lists} list" + ("s" if lists != 1 else "")), printed
    assert printed in shown
    assert "error: tongguan-2021.yaml: figures[1](members_total).value: expected a number, got text" in shown
    # Glossed in the page's language: the entry the field names, counted from 1 for a reader.
    assert ("`figures` 下的第2项" if lang == "zh" else "entry number 2 under `figures`") in shown
    assert "report-template.yaml" in shown and "data:text/yaml" in shown


@pytest.mark.kernels
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_comparison_shows_the_measures_two_reports_or_more_state(tmp_path, lang):
    comparison = next(nb for nb in NOTEBOOKS if "comparison" in nb.name)
    names = ["linjiang-2021", "tongguan-2021", "jiaxiang-2021"]
    nb = run(comparison, tmp_path / "comparison.ipynb", report=report_arg(MATRIX_REPORTS[names[0]]),
             others=[report_arg(MATRIX_REPORTS[n]) for n in names[1:]], lang=lang)
    reports = [load_report(MATRIX_REPORTS[n]) for n in names]
    # Shares and average ages (levels), worked out here from the tables, not from the page class.
    levels = [set(r.all_figures.loc[r.all_figures["kind"].isin(["share", "age"]) & r.all_figures["value"].notna(),
                                    "indicator"]) for r in reports]
    compared = {i for i in set.union(*levels) if sum(i in s for s in levels) >= 2}
    assert {"one_shoulder_share", "members_avg_age", "secretaries_avg_age"} <= compared
    table = next(o["data"]["text/html"] for c in nb.cells for o in c.get("outputs", [])
                 if "text/html" in o.get("data", {}) and "<table" in o["data"]["text/html"]
                 and "vb-figure" not in o["data"]["text/html"])
    rows = re.findall(r"<tr>\s*<td>([^<]*)</td>", table)
    # Rows are named without units and, for members' figures, with the body (both committees here).
    both = Coverage(bodies=frozenset({"party", "committee"}))
    assert all(r.coverage.bodies == both.bodies for r in reports)
    for indicator in compared:
        assert indicator_name(indicator, lang, both) in rows
    # counts of people or places never compare across places of different size
    assert indicator_name("members_total", lang, both) not in rows
    shown = outputs_text(nb)
    for report in reports:
        for indicator in compared & set(report.figures.index):
            assert str(FigureText(report, indicator, lang)) in shown


@pytest.mark.parametrize("section_notebook", ["02_organisation.ipynb", "05_discipline.ipynb", "06_risk.ipynb"])
def test_sparse_report_says_what_it_does_not_state(section_notebook):
    notebook = next(nb for nb in NOTEBOOKS if nb.name == section_notebook)
    zh = _shown(notebook, "tongguan-2021", "zh")
    en = _shown(notebook, "tongguan-2021", "en")
    # Tongguan's report has no figures on these sections: the page says so, once, by name.
    section = {"02_organisation.ipynb": "organisation", "05_discipline.ipynb": "discipline",
               "06_risk.ipynb": "risk"}[section_notebook]
    for text, lang in ((zh, "zh"), (en, "en")):
        page = strings(lang)["page"]
        assert text.count(fill(page["section_not_stated"], topic=page["section_topic"][section])) == 1
    assert "vb-chart" not in zh and "vb-chart" not in en  # no chart drawn from figures the report lacks


def test_numbers_are_formatted_for_the_language(executed):
    notebook = next(nb for nb in NOTEBOOKS if nb.name == "05_discipline.ipynb")
    leaflets = load_report("data/reports/linjiang-2021.yaml").value("leaflets")
    assert leaflets == 68000
    assert "6.8万" in outputs_text(executed(notebook, "linjiang-2021", "zh"))
    assert "68,000" in outputs_text(executed(notebook, "linjiang-2021", "en"))


def test_same_inputs_give_the_same_outputs_byte_for_byte(executed, tmp_path):
    notebook = next(nb for nb in NOTEBOOKS if nb.name == "01_overview.ipynb")
    again = run(notebook, tmp_path / "again.ipynb", report=report_arg(MATRIX_REPORTS["linjiang-2021"]), lang="zh")
    assert outputs_json(again) == outputs_json(executed(notebook, "linjiang-2021", "zh"))


@pytest.mark.kernels
@pytest.mark.parametrize(("parameters", "words"), [
    ({"lang": "fr"}, "lang: expected one of zh, en, got 'fr'"),
    ({"colour": "red"}, "expected only the parameters report, lang, got unknown colour"),
    ({"report": "no-such-report.yaml"}, "no-such-report.yaml: expected an existing file"),
])
def test_bad_parameters_stop_the_notebook_with_one_line(tmp_path, parameters, words):
    notebook = NOTEBOOKS[0]
    with pytest.raises(BuildError) as caught:
        run(notebook, tmp_path / "bad.ipynb", **parameters)
    err = caught.value.__cause__  # papermill's, which the build's one line is made from
    assert isinstance(err, papermill.PapermillExecutionError)
    assert err.ename == "ReportError" and words in err.evalue
    assert len(err.traceback) == 1 and "\n" not in err.traceback[0]
    nb = nbformat.read(tmp_path / "bad.ipynb", as_version=4)
    failed = [c for c in nb.cells if any(o.get("output_type") == "error" for o in c.get("outputs", []))]
    assert len(failed) == 1 and "open_page" in failed[0].source  # stopped at once, before any chart


ARTICLE_NUMBER = re.compile(r"(?<![\w.])\d+(?:\.\d+)?万?(?![\w.])")


def _article_figures() -> set[str]:
    report = load_report("data/reports/linjiang-2021.yaml")
    forms = set(report.figures["stated_as"]) | set(report.changes["stated_as"])
    # Single digits are too common in code (indices, widths) to mean an article's figure.
    return {f for f in forms if not re.fullmatch(r"\d", f) and any(ch.isdigit() for ch in f)}


def test_no_figure_of_the_article_is_typed_in_a_notebook():
    figures = _article_figures()
    assert {"311", "43.7", "6.8万", "538"} <= figures
    for path in NOTEBOOKS:
        nb = nbformat.read(path, as_version=4)
        for index, cell in enumerate(nb.cells):
            typed = set(ARTICLE_NUMBER.findall(cell.source)) & figures
            assert not typed, f"{path.name} cell {index} types the article's figures {typed}"


def test_no_figure_of_the_article_is_typed_in_a_template():
    # The words of every language (the message catalogues), the sentences' structure and the
    # HTML templates: a figure comes from the report, never from one of these.
    figures = _article_figures()
    package = DATA.parent / "villagereport"
    paths = [*sorted((package / "text").rglob("*.po")), *sorted((package / "text").glob("*.yaml")),
             *sorted((package / "templates").glob("*.html")), *sorted((DATA.parent / "villagebook" / "templates").rglob("*.html"))]
    assert {"en.po", "zh.po", "sentences.yaml"} <= {p.name for p in paths}
    for path in paths:
        if path.suffix == ".po":  # its messages, not its header's dates
            with path.open("rb") as po:
                text = "\n".join(str(m.string) for m in read_po(po) if m.id)
        else:
            text = path.read_text(encoding="utf-8")
        # A lesson plan's minutes ("15–30 min") are the plan's, not the article's.
        text = re.sub(r"\d+\s*[–—-]\s*\d+\s*(min|分钟)", "", text)
        typed = set(ARTICLE_NUMBER.findall(text)) & figures
        assert not typed, f"{path.relative_to(DATA.parent)} types the article's figures {typed}"


def nb_text(nb: nbformat.NotebookNode) -> str:
    return "\n".join(cell.source for cell in nb.cells)


def test_each_section_notebook_shows_its_own_pandas_and_altair_in_a_few_lines():
    visible: dict[str, set[str]] = {}
    for path in sorted(NOTEBOOKS[0].parent.glob("0[1-7]_*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        # Cells a reader can open on the page (folded code with its output).
        shown = [c.source for c in nb.cells if c.cell_type == "code" and "hide-input" in c.metadata.get("tags", [])
                 and "story" not in c.metadata.get("tags", [])]
        # The story cell is plain: sentences said, each under the condition it needs, nothing else.
        story = [c.source for c in nb.cells if "story" in c.metadata.get("tags", [])]
        assert len(story) == 1, f"{path.name}: {len(story)} story cells"
        # The Checking page's story: one item per quantity worked out, its words chosen in view.
        checks = (r"|story\.say\(\"general\", asserts_nothing=True\)|for (check|gap) in page\.(checks|unchecked)\(\):"
                  r"|    (el)?if check\.\w+ == \"\w+\"( and check\.\w+( == \"\w+\")?)?:|    else:  #.*|\s+#.*"
                  r"|\s+story\.say_check\(.*, (check|gap)\)(  #.*)?") if path.stem == "07_checking" else ""
        plain = re.compile(r"(#.*|story = page\.story\(\)|if story\.(states|lists|covers)\(.*\):|"
                           r"    story\.say\(\"\w+\"\)|story\.say\(\"\w+\"\)|story" + checks + ")")
        assert [line for line in story[0].splitlines() if not plain.fullmatch(line)] == [], path.name
        lines = [line for source in shown for line in source.splitlines()]
        # A few lines a chart: at most 60 a page, or 20 for each chart the page draws of its own.
        charts = sum(source.count("page.figure(") for source in shown)
        assert len(lines) <= max(60, 20 * charts), f"{path.name}: {len(lines)} visible lines for {charts} charts"
        code = "\n".join(lines)
        if "page.figure(" in nb_text(nb):
            # A page's own chart shows its encoding.
            assert "alt.Chart(" in code and ".encode(" in code, f"{path.name}: no Altair encoding in view"
            assert "page.figure(" in code, path.name
        # Furniture is shown by its output only: no folded cell holds only a page.* call.
        for cell in nb.cells:
            if re.fullmatch(r"page\.(narrative|lists|figures|downloads)\(\d*\)", cell.source.strip()):
                assert "remove-input" in cell.metadata.get("tags", []), (path.name, cell.source)
        visible[path.name] = {line.strip() for line in lines if line.strip() and not line.strip().startswith("#")}
    assert len(visible) == 7
    assert sum("alt.Chart(" in "\n".join(v) for v in visible.values()) >= 1
    names = sorted(name for name, lines in visible.items() if "page.figure(" in "\n".join(lines))
    for i, first in enumerate(names):
        for second in names[i + 1:]:
            # Some lines are shared (the changes chart, the tiles' encoding on two pages of counts),
            # but no page is a copy of another: each selects and titles its own figures.
            for one, other in ((first, second), (second, first)):
                own = visible[one] - visible[other]
                assert len(own) >= 4, (one, other, own)


def test_each_notebook_is_what_its_text_source_gives():
    # A page is edited as text (book/NN_name.md); papermill, nbval and Jupyter Book read the
    # .ipynb that `make notebooks` writes from it. Both are committed, and must agree.
    from villagebook.sources import text_sources, write_notebooks

    assert [p.stem for p in text_sources()] == [p.stem for p in NOTEBOOKS]
    stale = write_notebooks(check=True)
    assert stale == [], f"{[p.name for p in stale]}: not what their text gives; run make notebooks"
