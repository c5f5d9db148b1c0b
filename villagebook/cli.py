"""The build's command line: ``python -m villagebook build|atlas|run|lab|serve|goldens|handouts|validate``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from villagebook import DEFAULT_REPORT, ROOT
from villagereport.cli import validate_files as _validate
from villagereport.errors import ReportError
from villagereport.wording import languages


def _refused(err: Exception, out: str) -> int:
    """Say what stopped a command in one line on stderr; the exit status 1."""
    if isinstance(err, OSError):  # the disk, not the input: full, or changed under the command
        print(f"error: {err.filename or out}: {err.strerror or err}", file=sys.stderr)
    else:
        print(f"error: {err}", file=sys.stderr)
    return 1


def _build(reports: list[str], langs: list[str], out: str, *, gate: bool = True, cache: bool = True) -> int:
    # Imported here: building needs papermill and Jupyter Book, validating does not.
    from villagebook.build import BuildError, build

    try:
        executions = build([Path(r) for r in reports], langs, Path(out), run_gate=gate, use_cache=cache)
    except (ReportError, BuildError, OSError) as err:
        return _refused(err, out)
    if not any(executions.values()):
        print(f"nothing the book is made from has changed since {out} was built: kept it")
        return 0
    for lang, runs in executions.items():
        for ex in runs:
            print(f"{lang}: {ex.source.name}: " + ("unchanged, reused" if ex.cached else f"executed in {ex.seconds:.1f} s"))
    print(f"published {out} ({', '.join(executions)})")
    return 0


def _atlas(extra: list[str], langs: list[str], out: str, *, cache: bool = True) -> int:
    from villagebook.atlas import atlas, reports_of
    from villagebook.errors import BuildError

    reports = reports_of([Path(r) for r in extra])
    try:
        pages = atlas(reports, langs, Path(out), use_cache=cache)
    except (ReportError, BuildError, OSError) as err:
        return _refused(err, out)
    print(f"published {out}: {len(reports)} reports, {', '.join(str(p) for p in pages)}")
    return 0


def _run(notebook: str, report: str, lang: str, out: str) -> int:
    """Run one notebook of the book for ``report`` in ``lang`` into ``out``, as a reader reruns
    it: every fault is one line (the notebook, the report, or the cell and its error), and
    ``out`` is written whole or left as it was."""
    import os
    import tempfile

    from villagebook.errors import BuildError
    from villagebook.kernels import execute
    from villagebook.stage import finish_page
    from villagereport import load_report
    from villagereport.wording import check_language

    source, target = Path(notebook), Path(out)
    try:
        if source.suffix != ".ipynb" or not source.is_file():
            raise ReportError(source, "notebook", "expected a notebook of the book (book/NN_name.ipynb)")
        load_report(Path(report))
        check_language(lang)
        if target.suffix != ".ipynb" or target.is_dir() or not target.parent.is_dir():
            raise ReportError(target, "out", "expected a notebook file (.ipynb) in an existing folder")
        # The report by its full path: the notebook runs in its own folder, and runs again
        # wherever the executed copy is saved.
        parameters = {"report": str(Path(report).resolve()), "lang": lang}
        handle, partial = tempfile.mkstemp(suffix=".ipynb", dir=target.parent, prefix=f".{target.name}.")
        os.close(handle)
        try:
            execute(source.resolve(), Path(partial), parameters)
            finish_page(Path(partial))
            # Readable as any file papermill writes (mkstemp's are the owner's alone).
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(partial, 0o666 & ~umask)
            os.replace(partial, target)
        finally:
            Path(partial).unlink(missing_ok=True)
    except (ReportError, BuildError, OSError) as err:
        return _refused(err, out)
    print(f"ran {source.name} for {report} ({lang}) into {target}")
    return 0


def _goldens(report: str | None = None) -> int:
    from villagebook.gate import refresh_goldens

    try:
        written = refresh_goldens(report=Path(report) if report else None)
    except ReportError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    for path in written:
        print(f"recorded {path}")
    return 0


def _handouts(site: str, out: str, solutions: bool) -> int:
    from villagebook.classroom import handouts

    written = handouts(Path(site), Path(out), solutions=solutions)
    for path in written:
        print(f"printed {path}")
    if not written:
        print(f"error: {site}: expected a built book (run make book first), got no section pages", file=sys.stderr)
        return 1
    return 0


def _notebooks(check: bool) -> int:
    from villagebook.sources import write_notebooks

    stale = write_notebooks(check=check)
    for notebook in stale:
        if check:
            print(f"error: {notebook.relative_to(ROOT)}: expected the notebook its text source "
                  f"{notebook.with_suffix('.md').name} gives, got another (run make notebooks)", file=sys.stderr)
        else:
            print(f"wrote {notebook.relative_to(ROOT)}")
    return 1 if check and stale else 0


def _comments() -> int:
    import nbformat

    from villagereport.comments import CATALOGUES
    from villagereport.translating import update_comment_catalogue

    sources = [cell.source for path in sorted((ROOT / "book").glob("[0-9][0-9]_*.ipynb"))
               for cell in nbformat.read(path, as_version=4).cells if cell.cell_type == "code"]
    missing = 0
    for catalogue in sorted(CATALOGUES.glob("*.po")):
        for text in update_comment_catalogue(catalogue.stem, sources):
            print(f"{catalogue.relative_to(ROOT)}: expected a translation of the comment {text!r}, got none "
                  "(or a fuzzy one: review it and remove its fuzzy flag)", file=sys.stderr)
            missing += 1
    return 1 if missing else 0


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    parser = argparse.ArgumentParser(prog="villagebook", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    check = commands.add_parser("validate", help="check report files; one line per file, non-zero exit on a fault")
    check.add_argument("reports", nargs="+", metavar="FILE")
    make = commands.add_parser("build", help="execute the notebooks and publish the book")
    make.add_argument("--report", action="append", metavar="FILE",
                      help="report file; give several for a comparison page (default: Linjiang 2021)")
    make.add_argument("--lang", action="append", metavar="LANG", help="an edition's language (zh, en, or one a catalogue adds); repeat for more (default: every one)")
    make.add_argument("--out", default="_build/html", help="where the site is published")
    make.add_argument("--no-gate", action="store_true", help="skip the nbval regression gate (not for publishing)")
    make.add_argument("--no-cache", action="store_true", help="execute every notebook even if nothing changed")
    every = commands.add_parser("atlas", help="every report's book, the comparison of all, and a front page, in one folder")
    every.add_argument("--report", action="append", metavar="FILE", help="a report to add to those in data/reports/")
    every.add_argument("--lang", action="append", metavar="LANG", help="an edition's language (default: every one)")
    every.add_argument("--out", default="_build/atlas", help="where the atlas is published (default: _build/atlas)")
    every.add_argument("--no-cache", action="store_true", help="execute every notebook even if nothing changed")
    rerun = commands.add_parser("run", help="run one notebook for a report and a language, as a reader reruns it")
    rerun.add_argument("notebook", metavar="NOTEBOOK", help="a notebook of the book, e.g. book/01_overview.ipynb")
    rerun.add_argument("--report", default=str(DEFAULT_REPORT), metavar="FILE", help="report file (default: Linjiang 2021)")
    rerun.add_argument("--lang", default="zh", metavar="LANG", help="the language to write it in (default: zh)")
    rerun.add_argument("--out", required=True, metavar="FILE", help="the executed notebook to write")
    record = commands.add_parser("goldens", help="re-record the goldens: tests/goldens from the default parameters, "
                                                  "or tests/goldens/<id>/ for --report FILE")
    record.add_argument("--report", metavar="FILE", help="record the goldens of this report (in Chinese)")
    text = commands.add_parser("notebooks", help="write book/NN_name.ipynb from each page's text source, book/NN_name.md")
    text.add_argument("--check", action="store_true", help="write nothing; fail if a notebook is not its text's")
    commands.add_parser("comments", help="bring each comment catalogue (villagereport/text/locale/comments/) in step "
                                         "with the notebooks' code comments; name every comment left to translate")
    hand = commands.add_parser("handouts", help="print each section page of a built book to PDF")
    hand.add_argument("--site", default="_build/html", help="the built book (default: _build/html)")
    hand.add_argument("--out", default="_build/handouts", help="where the PDFs go")
    hand.add_argument("--solutions", action="store_true", help="print the solutions too")
    lab = commands.add_parser("lab", help="JupyterLab on the book's notebooks and reports, behind a token")
    lab.add_argument("--address", default="127.0.0.1",
                     help="the address to serve on (default: 127.0.0.1, this machine only; a school network: this "
                          "machine's address on it)")
    lab.add_argument("--port", type=int, default=8888, help="the port (default: 8888)")
    lab.add_argument("--no-browser", action="store_true", help="do not open a browser")
    serving = commands.add_parser("serve", help="the built book and JupyterLab on this machine: each section page "
                                                "links to its notebook in the lab")
    serving.add_argument("--site", default="_build/html", help="the built book (default: _build/html)")
    serving.add_argument("--port", type=int, default=8000, help="the book's port (default: 8000)")
    serving.add_argument("--lab-port", type=int, default=8888, help="JupyterLab's port (default: 8888)")
    args = parser.parse_args(argv)
    if args.command == "serve":
        from villagebook.serve import run as serve_book

        return serve_book(Path(args.site), ROOT, port=args.port, lab_port=args.lab_port)
    if args.command == "lab":
        from villagebook.lab import run as serve_lab

        return serve_lab(ROOT, address=args.address, port=args.port, browser=not args.no_browser)
    if args.command == "goldens":
        return _goldens(args.report)
    if args.command == "handouts":
        return _handouts(args.site, args.out, args.solutions)
    if args.command == "notebooks":
        return _notebooks(args.check)
    if args.command == "run":
        return _run(args.notebook, args.report, args.lang, args.out)
    if args.command == "validate":
        return _validate(args.reports)
    if args.command == "comments":
        return _comments()
    if args.command == "atlas":
        return _atlas(args.report or [], args.lang or list(languages()), args.out, cache=not args.no_cache)
    if args.command == "build":
        return _build(args.report or [str(DEFAULT_REPORT)], args.lang or list(languages()), args.out, gate=not args.no_gate,
                      cache=not args.no_cache)
    return 2


if __name__ == "__main__":
    sys.exit(main())
