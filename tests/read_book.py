"""Print every page of a report's book as a reader reads it, as plain text, to read it against
its article: the landing page, the teacher's guide and each section page (intro, narrative,
chart titles and descriptions, tables, exercises and solutions), in each edition.

    .venv/bin/python tests/read_book.py data/unseen/reports/hongkou-2015.yaml [en,zh]

It renders in-process with the same library calls the notebooks make (tests/page_scan.py), in
a few seconds; the desk reads of the books in data/*/FINDINGS.md were made from its output.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from page_scan import SECTIONS, page_parts  # noqa: E402
from villagebook.edition import book_page, landing_page  # noqa: E402
from villagereport.report import load_report  # noqa: E402


def main(argv: list[str]) -> int:
    if not argv or argv[0] in ("-h", "--help"):
        print(__doc__)
        return 0 if argv else 2
    report = load_report(Path(argv[0]).resolve())
    langs = argv[1].split(",") if len(argv) > 1 else ["en", "zh"]
    # The notebooks open their report relative to book/, as a reader's kernel does.
    os.chdir(HERE.parent / "book")
    for lang in langs:
        print(f"######## {lang} landing\n{landing_page(lang, report, [])}")
        print(f"######## {lang} teacher\n{book_page(HERE.parent / 'book' / 'teachers_guide.md', lang, report)}")
        for section in SECTIONS:
            print(f"######## {lang} {section}")
            for part, text in page_parts(report, section, lang).items():
                print(f"--- {part}\n{text}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
