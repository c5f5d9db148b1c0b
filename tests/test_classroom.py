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
from villagereport import exercises, load_catalogue, load_report
from villagebook.classroom import SOLUTION_TAG, drift, handouts, student, teacher, with_parameters
from villagereport.notebook import open_page
from villagereport.numbers import format_number
from villagereport.sections import PAGE_STEMS, PAGES

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


# Each answer worked out here from the report's own table, apart from the package's code.
EXPECTED = {
    "previous_age": lambda r: {"previous": _value(r, "members_avg_age") - _change(r, "members_avg_age")},
    "secretary_age": lambda r: {"previous": _value(r, "secretaries_avg_age") - _change(r, "secretaries_avg_age")},
    "women_heads": lambda r: {"exact": 100 * _value(r, "women_heads") / _value(r, "villages_completed")},
    "college_readings": lambda r: {
        "points": 100 * _value(r, "members_college") / _value(r, "members_total") - _change(r, "members_college"),
        "previous_count": _value(r, "members_college") / (1 + _change(r, "members_college") / 100)},
    "women_minimum": lambda r: {"minimum": _value(r, "women_members_per_village") * _value(r, "villages_completed")},
    "staff_per_group": lambda r: {"per_group": _value(r, "staff_seconded") / _value(r, "working_groups")},
    "meetings": lambda r: {"total": _value(r, "special_meetings") + _value(r, "dispatch_meetings")},
    "candidates_per_seat": lambda r: {"ratio": _value(r, "candidates_vetted") / _value(r, "members_total"),
                                      "not_elected_at_least": _value(r, "candidates_vetted") - _value(r, "members_total")},
    "entrepreneurs": lambda r: {"count": min(range(int(_value(r, "secretaries_elected")) + 1), key=lambda n: abs(
        100 * n / _value(r, "secretaries_elected") - _value(r, "secretaries_entrepreneur_share")))},
    "attendances": lambda r: {"attendances": _value(r, "training_attendances")},
    "routines": lambda r: {"listed": len(r.items("work_routines"))},
    "clarities": lambda r: {"listed": len(r.items("survey_clarities"))},
    # 6.8万 stands for 67,500 to 68,500 (rounded to the thousand), over 70 villages: 964 to 979.
    "leaflets": lambda r: {"low": round((_value(r, "leaflets") - _leaflet_step(r) / 2) / _value(r, "villages_completed")),
                           "high": round((_value(r, "leaflets") + _leaflet_step(r) / 2) / _value(r, "villages_completed"))},
    "pledges": lambda r: {"share": 100 * _value(r, "discipline_pledges") / _value(r, "candidates_vetted")},
    "zero": lambda r: {"incidents": _value(r, "negative_opinion_incidents")},
    # Counted from the file itself: every stated change, of any scope, with or without a level.
    "previous_terms": lambda r: _stated_changes(r.path),
}


def _stated_changes(path) -> dict:  # type: ignore[no-untyped-def]
    figures = yaml.safe_load(Path(path).read_text(encoding="utf-8")).get("figures", [])
    changes = [(figure, change) for figure in figures for change in figure.get("changes", [])]
    return {"changes": len(changes),
            "definite": sum("value" in f and c["reading"] != "ambiguous" for f, c in changes),
            "no_level": sum("value" not in f for f, c in changes)}


def test_every_exercise_has_an_independent_check_or_is_checked_below():
    assert {e.id for e in exercises.EXERCISES} - set(EXPECTED) == {"checks", "implied_total"}


@pytest.mark.parametrize("path", ALL_REPORTS, ids=lambda p: p.stem)
def test_every_answer_matches_the_data(path):
    report = load_report(path)
    for section in PAGES:
        for exercise in exercises.for_section(report, section):
            if exercise.id not in EXPECTED:
                continue
            answer = exercise.answer(report)
            for key, expected in EXPECTED[exercise.id](report).items():
                assert answer[key] == pytest.approx(expected), (path.stem, exercise.id, key)


def test_the_checking_answers_match_the_derived_table():
    # Jiaxiang's three count/share pairs: the widest range any pair allows, found by brute force.
    report = load_report(DATA / "reports" / "jiaxiang-2021.yaml")
    answer = next(e for e in exercises.EXERCISES if e.id == "implied_total").answer(report)
    fits = []
    for count_id, share_id in (("members_45_or_under", "members_45_or_under_share"),
                               ("members_college", "members_college_share"),
                               ("members_60_or_over", "members_60_or_over_share")):
        count, share = _value(report, count_id), _value(report, share_id)
        fits += [n for n in range(int(count), 5000) if format_number(100 * count / n, "en", 2) == format_number(share, "en", 2)]
    assert (answer["low"], answer["high"]) == (min(fits), max(fits))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_each_section_page_has_two_to_four_exercises_for_linjiang(lang):
    for section in PAGES:
        page = open_page(section, LINJIANG, lang)
        shown = [k for k in range(1, 5) if page.exercise(k) is not None]
        assert 2 <= len(shown) <= 4, section
        assert all(page.solution(k) is not None for k in shown)
        assert page.exercise(len(shown) + 1) is None  # none past the last, and never a fifth


def test_the_solution_states_the_computed_answer_in_the_pages_language():
    for lang in ("zh", "en"):
        page = open_page("candidates", LINJIANG, lang)
        report = page.report
        count = EXPECTED["entrepreneurs"](report)["count"]
        number = next(k for k in range(1, 5)
                      if exercises.for_section(report, "candidates")[k - 1].id == "entrepreneurs")
        assert f"{count}" in page.solution(number).data
        assert '<details class="vb-solution"' in page.solution(number).data and " open" not in page.solution(number).data


def test_an_exercise_a_report_cannot_support_is_left_out():
    page = open_page("organisation", DATA / "reports" / "tongguan-2021.yaml", "en")
    assert page.exercise(1) is None and page.solution(1) is None


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


@pytest.mark.kernels
@pytest.mark.parametrize("kind", ["student", "teacher"])
def test_both_kinds_of_notebook_run_as_downloaded_outside_the_project(tmp_path, kind):
    report = load_report(LINJIANG)
    sections = {stem: section for section, stem in PAGE_STEMS.items()}
    # As the book offers them: opening the report by its file name, saved beside the notebook.
    shutil.copy2(LINJIANG, tmp_path / LINJIANG.name)
    for path in SECTION_NOTEBOOKS:
        codes = exercises.solution_codes(report, sections[path.stem])
        source = with_parameters(nbformat.read(path, as_version=4), {"report": LINJIANG.name, "lang": "zh"})
        copy = tmp_path / f"{kind}-{path.name}"
        nbformat.write(student(source) if kind == "student" else teacher(source, codes), copy)
        # Run from a folder outside the project, as a reader's download would be.
        ran = run(copy, copy, cwd=tmp_path)
        shown = outputs_text(ran)
        assert "vb-exercise" in shown, path.name  # Linjiang has exercises on every section page
        assert ("vb-solution" in shown) == (kind == "teacher"), path.name
        if kind == "teacher":
            # Each worked answer is followed by the pandas that computes it, and its result is the answer.
            worked = [c for c in ran.cells if SOLUTION_TAG in c.metadata.get("tags", [])
                      and not c.source.startswith("page.solution")]
            assert [c.source for c in worked] == list(codes.values()), path.name
            for number, cell in enumerate(worked, start=1):
                result = cell.outputs[-1]["data"]["text/plain"]
                exercise = exercises.for_section(report, sections[path.stem])[number - 1]
                number_shown = float(re.findall(r"-?\d+(?:\.\d+)?", result)[-1])  # 48.2 or np.float64(48.2)
                assert exercises.check(exercise, report, number_shown)[0], \
                    (path.name, number, result)


@pytest.mark.parametrize("path", ALL_REPORTS, ids=lambda p: p.stem)
def test_every_exercises_pandas_answer_is_the_answer_the_page_checks_against(path):
    import ast

    from villagereport.pages import Page

    report = load_report(path)
    answered = 0
    for section in PAGES:
        for exercise in exercises.for_section(report, section):
            namespace = {"page": Page(section, report, "en")}
            tree = ast.parse(exercise.code)
            last = tree.body.pop()
            exec(compile(tree, exercise.id, "exec"), namespace)  # noqa: S102
            result = eval(compile(ast.Expression(last.value), exercise.id, "eval"), namespace)  # noqa: S307
            assert exercises.check(exercise, report, result)[0], (exercise.id, result)
            answered += 1
    assert answered == sum(len(exercises.for_section(report, s)) for s in PAGES)


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
    without = handouts(site, tmp_path / "plain", solutions=False, langs=("en",))
    with_solutions = handouts(site, tmp_path / "full", solutions=True, langs=("en",))
    assert len(without) == len(with_solutions) == 7
    plain = _pdf_text(tmp_path / "plain" / "en" / "01_overview.pdf")
    full = _pdf_text(tmp_path / "full" / "en" / "01_overview-solutions.pdf")
    assert "Exercise 1" in plain and "Exercise 1" in full
    assert "Solution 1" not in plain and "Solution 1" in full
    assert "Show the code" not in plain and "Show code cell" not in plain  # code toggles are not printed


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
    for lang, work in (("zh", "# 在这里计算练习1"), ("en", "# Work out exercise 1")):
        nb = student(nbformat.read(ROOT_BOOK / "01_overview.ipynb", as_version=4), lang)
        code = [c.source for c in nb.cells]
        at = code.index("page.exercise(1)")
        assert code[at + 1].startswith(work) and code[at + 2].endswith("page.check(1, answer)")
        assert len({c.id for c in nb.cells}) == len(nb.cells)


def test_the_check_says_right_or_wrong_from_the_data():
    page = open_page("overview", LINJIANG, "en")
    report = page.report
    assert exercises.for_section(report, "overview")[0].id == "previous_age"
    # worked out here from the tables: this term's average age less its (negative) change
    previous = _value(report, "members_avg_age") - _change(report, "members_avg_age")
    right = page.check(1, round(previous, 1)).data
    wrong = page.check(1, round(previous, 1) + 1).data
    assert "is right" in right and "not right" not in right
    assert "is not right" in wrong and format_number(previous, "en", 2) in wrong
    assert "set answer" in page.check(1).data
