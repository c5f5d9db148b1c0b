"""The library's command line: ``python -m villagereport validate FILE...``.

Building the book is the build's command line (``python -m villagebook``), not the library's.
"""

from __future__ import annotations

import argparse
import sys

from villagereport.errors import ReportError
from villagereport.report import load_report


def validate_files(paths: list[str]) -> int:
    """Check each report file; one line per file; 1 if any is refused."""
    failed = 0
    for path in paths:
        try:
            report = load_report(path)
        except ReportError as err:
            print(f"error: {err}", file=sys.stderr)
            failed += 1
            continue
        print(f"ok: {path}: {report.id}, {len(report.all_figures)} figures, {len(report.lists)} lists")
    return 1 if failed else 0


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    parser = argparse.ArgumentParser(prog="villagereport", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("validate", help="check report files; one line per file, non-zero exit on a fault")
    check.add_argument("reports", nargs="+", metavar="FILE")
    args = parser.parse_args(argv)
    return validate_files(args.reports)


if __name__ == "__main__":
    sys.exit(main())
