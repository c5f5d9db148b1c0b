"""Exercises with computed answers, student and teacher notebooks, handouts, the teacher's guide."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import nbformat
import pytest
import yaml

from browser import require_chromium
from conftest import DATA, FIXTURES, REPORTS
from notebook_runs import NOTEBOOKS, outputs_text, run
from villagereport import load_catalogue, load_report
from villagebook.stories import told, told_book
from villagereport.wording import strings
from villagebook.classroom import SOLUTION_TAG, Posed, drift, handouts, student, teacher, with_parameters
from villagereport.notebook import open_page
from villagereport.numbers import format_number
from villagereport.sections import PAGE_STEMS

ALL_REPORTS = [*REPORTS, FIXTURES / "minimal.yaml"]
ROOT_BOOK = DATA.parent / "book"
LINJIANG = DATA / "reports" / "linjiang-2021.yaml"


def _value(report, indicator):
    return report.figures.at[indicator, "value"]


def _change(report, indicator):
    """The stated change in the indicator's own unit, else the (ambiguous) percent one."""
    rows = report.changes[report.changes["indicator"] == indicator]
    plain = rows[rows["reading"] != "relative"]
    return (plain if not plain.empty else rows).iloc[0]["value"]


def _leaflet_step(report):
    """What a written figure is rounded to, read from its words: 6.8万 -> 1000, 68000 -> 0."""
    stated = report.figures.at["leaflets", "stated_as"]
    if stated.endswith("万"):
        decimals = len(stated[:-1].partition(".")[2])
        return 10000 / 10 ** decimals
    return 0


# Each answer worked out here from the report's own table, apart from the package's code and the
# notebooks' cells: "answer" is the number a student's is checked against, the rest what the
# solution's words print.
EXPECTED = {
    "previous_age": lambda r: {"answer": _value(r, "members_avg_age") - _change(r, "members_avg_age")},
    "secretary_age": lambda r: {"answer": _value(r, "secretaries_avg_age") - _change(r, "secretaries_avg_age")},
    "women_heads": lambda r: {"exact": 100 * _value(r, "women_heads") / _value(r, "villages_completed")},
    "college_readings": lambda r: {
        "answer": 100 * _value(r, "members_college") / _value(r, "members_total") - _change(r, "members_college"),
        "previous_count": _value(r, "members_college") / (1 + _change(r, "members_college") / 100)},
    "women_minimum": lambda r: {"answer": _value(r, "women_members_per_village") * _value(r, "villages_completed")},
    "staff_per_group": lambda r: {"answer": _value(r, "staff_seconded") / _value(r, "working_groups")},
    "meetings": lambda r: {"answer": _value(r, "special_meetings") + _value(r, "dispatch_meetings")},
    "candidates_per_seat": lambda r: {"answer": _value(r, "candidates_vetted") / _value(r, "members_total"),
                                      "not_elected_at_least": _value(r, "candidates_vetted") - _value(r, "members_total")},
    "entrepreneurs": lambda r: {"answer": min(range(int(_value(r, "secretaries_elected")) + 1), key=lambda n: abs(
        100 * n / _value(r, "secretaries_elected") - _value(r, "secretaries_entrepreneur_share")))},
    "attendances": lambda r: {"attendances": _value(r, "training_attendances"), "answer": False},
    "routines": lambda r: {"answer": len(r.items("work_routines"))},
    "clarities": lambda r: {"answer": len(r.items("survey_clarities"))},
    # 6.8万 stands for 67,500 to 68,500 (rounded to the thousand), over 70 villages: 964 to 979.
    "leaflets": lambda r: {"answer": round((_value(r, "leaflets") - _leaflet_step(r) / 2) / _value(r, "villages_completed")),
                           "high": round((_value(r, "leaflets") + _leaflet_step(r) / 2) / _value(r, "villages_completed"))},
    "pledges": lambda r: {"answer": 100 * _value(r, "discipline_pledges") / _value(r, "candidates_vetted")},
    "zero": lambda r: {"answer": _value(r, "negative_opinion_incidents")},
    # Counted from the file itself: every stated change, of any scope, with or without a level.
    "previous_terms": lambda r: _stated_changes(r.path),
}


def _stated_changes(path) -> dict:  # type: ignore[no-untyped-def]
    figures = yaml.safe_load(Path(path).read_text(encoding="utf-8")).get("figures", [])
    changes = [(figure, change) for figure in figures for change in figure.get("changes", [])]
    return {"changes": len(changes),
            "answer": sum("value" in f and c["reading"] != "ambiguous" for f, c in changes),
            "no_level": sum("value" not in f for f, c in changes)}


def _posed(report, lang="en"):  # type: ignore[no-untyped-def]
    """Every exercise the book's notebooks pose for ``report``, page by page."""
    return {page.section: page.exercises for page in told_book(report, lang)}


NOTEBOOK_IDS = {match for path in sorted(ROOT_BOOK.glob("0*.md"))
                for match in re.findall(r'page\.exercise\("(\w+)"', path.read_text(encoding="utf-8"))}


def test_every_exercise_has_words_and_an_independent_check_or_is_checked_below():
    for lang in ("zh", "en"):
        assert set(strings(lang)["exercises"]["items"]) == NOTEBOOK_IDS  # no exercise without words, no words unused
    assert NOTEBOOK_IDS - set(EXPECTED) == {"checks", "implied_total"}


@pytest.mark.parametrize("path", ALL_REPORTS, ids=lambda p: p.stem)
def test_every_answer_matches_the_data(path):
    report = load_report(path)
    for posed in _posed(report).values():
        for exercise in posed:
            if exercise.id not in EXPECTED:
                continue
            said = {**exercise.given, **exercise.worked}
            for key, expected in EXPECTED[exercise.id](report).items():
                assert said[key] == pytest.approx(expected), (path.stem, exercise.id, key)


def test_the_checking_answers_match_the_derived_table():
    # Jiaxiang's three count/share pairs: the widest range any pair allows, found by brute force.
    report = load_report(DATA / "reports" / "jiaxiang-2021.yaml")
    implied = next(e for e in _posed(report)["checking"] if e.id == "implied_total")
    fits = []
    for count_id, share_id in (("members_45_or_under", "members_45_or_under_share"),
                               ("members_college", "members_college_share"),
                               ("members_60_or_over", "members_60_or_over_share")):
        count, share = _value(report, count_id), _value(report, share_id)
        fits += [n for n in range(int(count), 5000) if format_number(100 * count / n, "en", 2) == format_number(share, "en", 2)]
    assert (implied.worked["answer"], implied.worked["high"]) == (min(fits), max(fits))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_each_section_page_has_two_to_four_exercises_for_linjiang(lang):
    for section, posed in _posed(load_report(LINJIANG), lang).items():
        assert 2 <= len(posed) <= 4, section
        assert [e.number for e in posed] == list(range(1, len(posed) + 1))  # numbered in the order posed
        assert all(e.question() is not None and e.solution() is not None for e in posed)


def test_the_solution_states_the_computed_answer_in_the_pages_language():
    report = load_report(LINJIANG)
    count = EXPECTED["entrepreneurs"](report)["answer"]
    for lang in ("zh", "en"):
        exercise = next(e for e in _posed(report, lang)["candidates"] if e.id == "entrepreneurs")
        shown = exercise.solution().data
        assert f"{count}" in shown
        assert '<details class="vb-solution"' in shown and " open" not in shown


def test_an_exercise_a_report_cannot_support_is_left_out():
    # Tongguan's report states none of the organisation page's figures: the page poses nothing,
    # and a cell that would pose an exercise shows nothing.
    page = told(load_report(DATA / "reports" / "tongguan-2021.yaml"), "organisation", "en")
    assert page.exercises == ()
    meetings = open_page("organisation", DATA / "reports" / "tongguan-2021.yaml", "en").exercise(
        "meetings", "question", needs=["special_meetings", "dispatch_meetings"])
    assert not meetings and meetings.question() is None and meetings.solution() is None and meetings.check(10) is None


SECTION_NOTEBOOKS = [nb for nb in NOTEBOOKS if nb.name[:2] <= "07"]


@pytest.mark.parametrize("path", SECTION_NOTEBOOKS, ids=lambda p: p.stem)
def test_student_notebooks_hold_no_solution_and_match_their_source(path):
    source = nbformat.read(path, as_version=4)
    assert any(SOLUTION_TAG in c.metadata.get("tags", []) for c in source.cells)
    pupil, master = student(source), teacher(source)
    assert not any(SOLUTION_TAG in c.metadata.get("tags", []) for c in pupil.cells)
    assert not any("page.solution" in c.source for c in pupil.cells)
    assert drift(source, pupil, master) == []
    # ...and the drift check would notice an edited copy.
    pupil.cells[3].source += "\n# edited by hand"
    assert drift(source, pupil, master)


def test_a_solution_line_is_removed_from_student_copies():
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("answer = 48.2  # solution\nprint('work it out')")]
    assert student(nb).cells[0].source == "print('work it out')"


def _copies(report, section, lang="zh"):  # type: ignore[no-untyped-def]
    """What a student's copy of ``section`` made for ``report`` is given: each posed exercise."""
    return {e.id: Posed.of(e) for e in _posed(report, lang)[section]}


def _right(exercise):  # type: ignore[no-untyped-def]
    """The worked answer as a student would write it."""
    return ("yes" if exercise.answers[0] else "no") if exercise.yes_no else exercise.answers[0]


def _wrong(exercise):  # type: ignore[no-untyped-def]
    return ("no" if exercise.answers[0] else "yes") if exercise.yes_no else exercise.answers[0] + 1


@pytest.mark.kernels
@pytest.mark.parametrize("kind", ["student", "teacher"])
def test_both_kinds_of_notebook_run_as_downloaded_outside_the_project(tmp_path, kind):
    report = load_report(LINJIANG)
    sections = {stem: section for section, stem in PAGE_STEMS.items()}
    # As the book offers them: opening the report by its file name, saved beside the notebook.
    shutil.copy2(LINJIANG, tmp_path / LINJIANG.name)
    for path in SECTION_NOTEBOOKS:
        section = sections[path.stem]
        source = with_parameters(nbformat.read(path, as_version=4), {"report": LINJIANG.name, "lang": "en"})
        copy = nbformat.read(path, as_version=4)
        if kind == "student":
            copy = student(source, "en", _copies(report, section, "en"), LINJIANG.name)
            # A student answers each exercise: the first rightly (the value the solution cell
            # produced), the second wrongly.
            checks = [c for c in copy.cells if "sealed=" in c.source]
            posed = _posed(report)[section]
            assert len(checks) == len(posed), path.name  # one check for each exercise the page poses
            checks[0].source = checks[0].source.replace("answer = None", f"answer = {_right(posed[0])!r}", 1)
            checks[1].source = checks[1].source.replace("answer = None", f"answer = {_wrong(posed[1])!r}", 1)
        else:
            copy = teacher(source)
        nbformat.write(copy, tmp_path / f"{kind}-{path.name}")
        # Run from a folder outside the project, as a reader's download would be.
        ran = run(tmp_path / f"{kind}-{path.name}", tmp_path / f"{kind}-{path.name}", cwd=tmp_path)
        shown = outputs_text(ran)
        assert "vb-exercise" in shown, path.name  # Linjiang has exercises on every section page
        assert ("vb-solution" in shown) == (kind == "teacher"), path.name
        if kind == "student":
            assert "Exercise 1: " in shown and " is right." in shown.split("Exercise 2: ")[0], path.name
            assert "Exercise 2: " in shown and "is not right yet" in shown, path.name


@pytest.mark.parametrize("path", ALL_REPORTS, ids=lambda p: p.stem)
def test_a_sealed_check_takes_the_worked_answer_as_a_student_writes_it(path):
    # Whatever decimals a student rounds the worked answer to (0 to 3), the seal takes it; a
    # number off by one is refused, and so is the answer under another report's seal.
    report = load_report(path)
    for posed in _posed(report).values():
        for exercise in posed:
            seal = exercise.seal()
            if exercise.yes_no:
                right, wrong = ("yes", "是", True), ("no", "否", False)
                right, wrong = (right, wrong) if exercise.answers[0] else (wrong, right)
                assert all("is right" in exercise.check(a, sealed=seal).data for a in right), exercise.id
                assert all("not right" in exercise.check(a, sealed=seal).data for a in wrong), exercise.id
                assert "yes or no" in exercise.check(12.9, sealed=seal).data
                continue
            for answer in exercise.answers:
                for places in range(4):
                    written = f"{answer:.{places}f}"
                    assert "is right" in exercise.check(written, sealed=seal).data, (exercise.id, written)
            if all(abs(a - exercise.answers[0] - 1) >= 0.5 for a in exercise.answers):
                assert "not right" in exercise.check(exercise.answers[0] + 1, sealed=seal).data, exercise.id
            other = seal.replace(seal.split()[0], "0" * 12, 1)
            assert "sealed for the report it came with" in exercise.check(exercise.answers[0], sealed=other).data


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_exercises_and_downloads_are_in_both_editions(built_site, lang):
    page = (built_site / lang / "book" / "01_overview.html").read_text(encoding="utf-8")
    assert page.count('class="vb-exercise"') == 4 and page.count('<details class="vb-solution"') == 4
    for kind in ("student", "teacher"):
        notebook = built_site / lang / "_static" / "notebooks" / kind / "01_overview.ipynb"
        assert f'href="../_static/notebooks/{kind}/01_overview.ipynb"' in page and notebook.exists()
        # A plain title, in the edition's language, and no MyST syntax that only the book reads.
        first = nbformat.read(notebook, as_version=4).cells[0].source
        assert first == "# " + load_catalogue().sections.at["overview", f"title_{lang}"], first
        assert "{page title}" not in notebook.read_text(encoding="utf-8")
        # The report the copy opens is offered beside it.
        assert (notebook.parent / "linjiang-2021.yaml").is_file()
    guide = (built_site / lang / "book" / "teachers_guide.html").read_text(encoding="utf-8")
    for words in (("45分钟", "90分钟", "学习目标") if lang == "zh" else ("45-minute", "90-minute", "Learning goals")):
        assert words in guide


def _pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_handouts_print_with_or_without_solutions(built_site, tmp_path):
    require_chromium()
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) reads the handouts back")
    site = tmp_path / "site"
    shutil.copytree(built_site, site)
    chart_text: dict = {}
    without = handouts(site, tmp_path / "plain", solutions=False, langs=("en",), chart_text=chart_text)
    with_solutions = handouts(site, tmp_path / "full", solutions=True, langs=("en",))
    assert len(without) == len(with_solutions) == 7
    plain = _pdf_text(tmp_path / "plain" / "en" / "01_overview.pdf")
    full = _pdf_text(tmp_path / "full" / "en" / "01_overview-solutions.pdf")
    assert "Exercise 1" in plain and "Exercise 1" in full
    assert "Solution 1" not in plain and "Solution 1" in full
    assert "Show the code" not in plain and "Show code cell" not in plain  # code toggles are not printed
    assert "report = " not in plain and "lang = " not in plain  # nor the notebook's parameters
    # Chart text a class can read on paper: 8 pt or more, on every page that draws a chart.
    assert chart_text and min(chart_text.values()) >= 8, chart_text
    # No page left blank at the end of a handout.
    for pdf in [*without, *with_solutions]:
        pages = int(re.search(r"Pages:\s+(\d+)", subprocess.run(["pdfinfo", str(pdf)], capture_output=True,
                                                                   text=True, check=True).stdout).group(1))
        last = subprocess.run(["pdftotext", "-f", str(pages), "-l", str(pages), str(pdf), "-"],
                              capture_output=True, text=True, check=True).stdout
        assert last.strip(), f"{pdf.name}: its last page is blank"


def test_handouts_ask_nothing_of_the_network_not_even_this_machine(tmp_path):
    # A page of a site that asks a server on this machine for a script and an image: printing
    # it sends neither request, and the handout still prints.
    require_chromium()
    from browser import Server

    asked = tmp_path / "served"
    asked.mkdir()
    (asked / "probe.js").write_text("document.title = 'reached';", encoding="utf-8")
    probe = Server(asked)
    requests: list[str] = []
    handler = probe.httpd.RequestHandlerClass
    probe.httpd.RequestHandlerClass = lambda *a, **k: (requests.append("asked"), handler(*a, **k))[1]
    try:
        page = tmp_path / "site" / "en" / "book" / "01_page.html"
        page.parent.mkdir(parents=True)
        (tmp_path / "site" / "en" / "INDEX.html").write_text("<p>index</p>", encoding="utf-8")
        page.write_text(f'<html><head><script src="{probe.origin}/probe.js"></script></head>'
                        f'<body><p>A handout</p><img src="{probe.origin}/probe.png"></body></html>', encoding="utf-8")
        printed = handouts(tmp_path / "site", tmp_path / "out", solutions=False)
    finally:
        probe.close()
    assert printed == [tmp_path / "out" / "en" / "01_page.pdf"] and printed[0].stat().st_size > 0
    assert requests == []


def test_student_notebooks_leave_a_cell_to_work_in_and_a_check_after_each_exercise():
    report = load_report(LINJIANG)
    for lang, work in (("zh", "# 在这里计算练习1"), ("en", "# Work out exercise 1")):
        seals = _copies(report, "overview", lang)
        nb = student(nbformat.read(ROOT_BOOK / "01_overview.ipynb", as_version=4), lang, seals, LINJIANG.name)
        code = [c.source for c in nb.cells]
        at = next(i for i, c in enumerate(code) if c.startswith("# The page's exercises"))
        assert 'previous_age = page.exercise("previous_age"' in code[at]
        assert code[at + 1].startswith(work)
        assert code[at + 2].endswith(f'previous_age.check(answer, sealed="{seals["previous_age"].seal}")')
        # The question is there before anything is run; a yes/no question's cell asks for yes or no.
        assert nb.cells[at].outputs[0]["data"]["text/html"] == seals["previous_age"].question
        women = next(i for i, c in enumerate(code) if c.startswith("# One head a place"))
        assert ("是" if lang == "zh" else '"yes" or "no"') in code[women + 2]
        # Under the title: how to use the copy, naming the report file to save beside it.
        assert nb.cells[1].cell_type == "markdown" and f"`{LINJIANG.name}`" in nb.cells[1].source
        assert sum("sealed=" in c for c in code) == len(seals)
        assert len({c.id for c in nb.cells}) == len(nb.cells)
    # A page that poses fewer exercises for another report gets fewer cells to work in.
    tongguan = load_report(DATA / "reports" / "tongguan-2021.yaml")
    nb = student(nbformat.read(ROOT_BOOK / "02_organisation.ipynb", as_version=4), "en", _copies(tongguan, "organisation"))
    assert not any("sealed=" in c.source for c in nb.cells)


def test_the_check_says_right_or_wrong_from_the_data():
    report = load_report(LINJIANG)
    exercise = _posed(report)["overview"][0]
    assert exercise.id == "previous_age"
    # worked out here from the tables: this term's average age less its (negative) change
    previous = _value(report, "members_avg_age") - _change(report, "members_avg_age")
    right = exercise.check(round(previous, 1)).data
    wrong = exercise.check(round(previous, 1) + 1).data
    assert "is right" in right and "not right" not in right
    # A wrong answer gets a hint naming the figures to use, not the answer.
    assert "is not right" in wrong and report.name("members_avg_age", "en") in wrong
    assert format_number(previous, "en", 1) not in wrong
    assert "set answer" in exercise.check().data
    assert "number only" in exercise.check("48.2岁").data and "number only" in exercise.check(True).data
    assert "is right" in exercise.check(f"{previous:,.1f}").data  # 48.2, and 1,234.5 written with its comma
