"""Every command a user runs answers bad input with one line and exit status 1: never a
traceback, never a half-written output. Run in this process (the commands' own ``main``), so
that any exception they let through fails here as it would reach the user."""

from __future__ import annotations

import pytest

from conftest import DATA, FIXTURES, ROOT
from villagebook.cli import main as villagebook
from villagereport.cli import main as villagereport

BAD_REPORTS = sorted((FIXTURES / "bad").glob("*.yaml"))
LINJIANG = DATA / "reports" / "linjiang-2021.yaml"
# Each command that takes a report, as a user types it ({report}, {out}: filled in below).
REPORT_COMMANDS = {
    "validate": (villagereport, ["validate", "{report}"]),
    "book": (villagebook, ["build", "--report", "{report}", "--no-gate", "--out", "{out}"]),
    "book, compared": (villagebook, ["build", "--report", str(LINJIANG), "--report", "{report}", "--no-gate", "--out", "{out}"]),
    "goldens": (villagebook, ["goldens", "--report", "{report}"]),
    "run": (villagebook, ["run", str(ROOT / "book" / "01_overview.ipynb"), "--report", "{report}", "--out", "{out}"]),
}


def _one_line(capsys, status: int, *names: str) -> str:
    out, err = capsys.readouterr()
    assert status == 1, (out, err)
    assert err.count("\n") == 1 and err.startswith("error: ") and "Traceback" not in err, err
    assert all(name in err for name in names), err
    return err


@pytest.mark.parametrize("command", REPORT_COMMANDS)
def test_every_command_refuses_every_bad_report_in_one_line(tmp_path, capsys, command):
    run, args = REPORT_COMMANDS[command]
    for report in BAD_REPORTS:
        out = tmp_path / "out" / report.stem
        status = run([a.format(report=report, out=out) for a in args])
        _one_line(capsys, status, report.name)
        assert not out.exists(), f"{command} wrote {out} for {report.name}"


@pytest.mark.parametrize("command", REPORT_COMMANDS)
@pytest.mark.parametrize("report", ["missing.yaml", "a-folder"])
def test_every_command_refuses_a_report_that_is_not_a_file_in_one_line(tmp_path, capsys, command, report):
    (tmp_path / "a-folder").mkdir()
    run, args = REPORT_COMMANDS[command]
    out = tmp_path / "out"
    status = run([a.format(report=tmp_path / report, out=out) for a in args])
    _one_line(capsys, status, report)
    assert not out.exists()


@pytest.mark.parametrize("out", ["a-file/site", "no-such-folder/deeper/x.ipynb"])
def test_build_and_run_refuse_an_output_they_cannot_write_in_one_line(tmp_path, capsys, out):
    (tmp_path / "a-file").write_text("not a folder", encoding="utf-8")
    target = tmp_path / out
    if out.endswith(".ipynb"):
        status = villagebook(["run", str(ROOT / "book" / "01_overview.ipynb"), "--out", str(target)])
    else:
        status = villagebook(["build", "--no-gate", "--lang", "zh", "--out", str(target)])
    _one_line(capsys, status, str(target))
    assert (tmp_path / "a-file").read_text(encoding="utf-8") == "not a folder"


@pytest.mark.parametrize("args", [["build", "--lang", "xx"], ["run", "book/01_overview.ipynb", "--lang", "xx", "--out", "x.ipynb"],
                                  ["run", "book/no_such_page.ipynb", "--out", "x.ipynb"],
                                  ["run", "data/reports/linjiang-2021.yaml", "--out", "x.ipynb"]])
def test_a_bad_language_or_notebook_is_refused_in_one_line(tmp_path, capsys, monkeypatch, args):
    monkeypatch.chdir(ROOT)
    status = villagebook([a if a != "x.ipynb" else str(tmp_path / a) for a in args])
    _one_line(capsys, status)
    assert not (tmp_path / "x.ipynb").exists()


@pytest.mark.parametrize("article", ["missing.txt", "a-folder", "binary.txt", "empty.txt"])
def test_draft_refuses_an_article_it_cannot_read_in_one_line(tmp_path, capsys, article):
    (tmp_path / "a-folder").mkdir()
    (tmp_path / "binary.txt").write_bytes(bytes(range(256)) * 4)
    (tmp_path / "empty.txt").write_text("", encoding="utf-8")
    out = tmp_path / "draft.yaml"
    status = villagereport(["draft", str(tmp_path / article), "--out", str(out)])
    _one_line(capsys, status, article)
    assert not out.exists()


@pytest.mark.parametrize("command", [["build", "--no-gate", "--out", "{out}"],
                                     ["run", str(ROOT / "book" / "01_overview.ipynb"), "--out", "{out}/x.ipynb"]])
def test_a_disk_that_fails_under_a_command_is_one_line_too(tmp_path, capsys, monkeypatch, command):
    # A full disk cannot be made here (the tests run as root), so the step that writes fails as one would.
    from villagebook import build, kernels

    def full(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise OSError(28, "No space left on device", str(tmp_path / "partial"))

    monkeypatch.setattr(build, "build", full)
    monkeypatch.setattr(kernels, "execute", full)
    status = villagebook([a.format(out=tmp_path) for a in command])
    assert _one_line(capsys, status, "No space left on device", str(tmp_path / "partial"))
