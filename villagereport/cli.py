"""The library's command line: ``python -m villagereport validate FILE...`` (and ``pseudo DIR``,
the pseudo-locale's catalogue for checking that every word comes from a catalogue, and
``draft ARTICLE --out FILE``, a report file drafted from an article for a person to review).

Building the book is the build's command line (``python -m villagebook``), not the library's.
"""

from __future__ import annotations

import argparse
import sys

from villagereport.errors import ReportError
from villagereport.report import Report, load_report


def _counted(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def ok_line(path: object, report: Report) -> str:
    """What ``validate`` prints for a report it accepts (the how-to page shows the same line)."""
    return f"ok: {path}: {report.id}, {_counted(len(report.all_figures), 'figure')}, {_counted(len(report.lists), 'list')}"


def error_line(err: ReportError) -> str:
    """What ``validate`` prints for a report it refuses."""
    return f"error: {err}"


def validate_files(paths: list[str]) -> int:
    """Check each report file; one line per file; 1 if any is refused."""
    failed = 0
    for path in paths:
        try:
            report = load_report(path)
        except ReportError as err:
            print(error_line(err), file=sys.stderr)
            failed += 1
            continue
        print(ok_line(path, report))
    return 1 if failed else 0


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    parser = argparse.ArgumentParser(prog="villagereport", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("validate", help="check report files; one line per file, non-zero exit on a fault")
    check.add_argument("reports", nargs="+", metavar="FILE")
    pseudo = commands.add_parser("pseudo", help="write the pseudo-locale's catalogue (en-XA.po) into DIR")
    pseudo.add_argument("folder", metavar="DIR")
    sync = commands.add_parser("sync", help="bring a language's catalogue in step with the English one")
    sync.add_argument("lang", metavar="LANG")
    drafting = commands.add_parser("draft", help="draft a report file from an article (text or saved web page)")
    drafting.add_argument("article", metavar="ARTICLE")
    drafting.add_argument("--out", required=True, metavar="FILE", help="the report file to write (its review page "
                                                                       "is written beside it, FILE.review.html)")
    drafting.add_argument("--lang", default="zh", help="the review page's language (default: zh)")
    args = parser.parse_args(argv)
    if args.command == "sync":
        from villagereport.translating import sync_catalogue
        from villagereport.wording import check_language

        try:
            added = sync_catalogue(check_language(args.lang))
        except ReportError as err:
            print(f"error: {err}", file=sys.stderr)
            return 1
        print(f"{args.lang}: {len(added)} message(s) to translate" + (f": {', '.join(added)}" if added else ""))
        return 0
    if args.command == "draft":
        from villagereport.draft import review_path, write_draft
        from villagereport.wording import check_language

        try:
            out = write_draft(args.article, args.out, check_language(args.lang, "--lang", "draft"))
        except ReportError as err:
            print(f"error: {err}", file=sys.stderr)
            return 1
        print(f"drafted: {out}; review it on {review_path(out)} (open it in a browser), fill in its TODOs, "
              f"then: make validate REPORT={out}")
        return 0
    if args.command == "pseudo":
        from villagereport.pseudo import write_catalogue

        print(write_catalogue(args.folder))
        return 0
    return validate_files(args.reports)


if __name__ == "__main__":
    sys.exit(main())
