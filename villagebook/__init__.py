"""Build the book: stage the editions, run the notebooks, gate them against their goldens, run
Jupyter Book, publish atomically. It depends on the ``villagereport`` library, never the reverse.

The repository's layout is known here, and only here: where the reports, the book's sources and
the goldens live.
"""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REPORTS_DIR = ROOT / "data" / "reports"
BOOK = ROOT / "book"  # the notebooks and pages, as text (NN_name.md) and as notebooks
DEFAULT_REPORT = REPORTS_DIR / "linjiang-2021.yaml"
