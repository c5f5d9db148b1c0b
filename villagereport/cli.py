"""The command line: ``python -m villagereport validate FILE...``."""

from __future__ import annotations

import argparse
import sys

from villagereport.errors import ReportError
from villagereport.report import load_report


def _validate(paths: list[str]) -> int:
    failed = 0
    for path in paths:
        try:
            report = load_report(path)
        except ReportError as err:
            print(f"error: {err}", file=sys.stderr)
            failed += 1
            continue
        print(f"ok: {path}: {report.id}, {len(report.figures)} figures, {len(report.lists)} lists")
    return 1 if failed else 0


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    parser = argparse.ArgumentParser(prog="villagereport", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("validate", help="check report files; one line per file, non-zero exit on a fault")
    check.add_argument("reports", nargs="+", metavar="FILE")
    args = parser.parse_args(argv)
    if args.command == "validate":
        return _validate(args.reports)
    return 2


if __name__ == "__main__":
    sys.exit(main())
