"""Load, check and tell the figures of village "two committees" election reports.

A notebook imports the package as ``vr``: ``vr.start()``, ``vr.open_page(section, report,
lang)``, and the chart theme's ``vr.FIT_WIDTH``, ``vr.ROW`` (a named row's height), its colours
(``vr.MAIN``, ``vr.ACCENT``, ``vr.REST``, ``vr.TILE``, ``vr.LINE``),
``vr.TILE_FIGURE`` (a key figure's font size) and ``vr.wrap`` (a name in lines that fit its
tile), and ``vr.share_status`` (whether a stated share fits its count and whole); the notebook helpers load on first use, so the command line and the tests need not
import IPython.
"""

from villagereport.catalogue import Catalogue, load_catalogue
from villagereport.errors import ReportError
from villagereport.report import Report, load_report

__all__ = ["Catalogue", "Report", "ReportError", "load_catalogue", "load_report"]

_NOTEBOOK = {"start", "open_page", "open_guide", "open_comparison"}


def __getattr__(name: str):  # type: ignore[no-untyped-def]
    if name in _NOTEBOOK:
        from villagereport import notebook

        return getattr(notebook, name)
    if name in ("FIT_WIDTH", "PALETTE", "MAIN", "ACCENT", "REST", "TILE", "LINE", "ROW", "GRID_ROW", "BAR_ROW", "TILE_FIGURE", "wrap"):
        from villagereport import charts

        return getattr(charts, name)
    if name == "share_status":
        from villagereport.shares import share_status

        return share_status
    raise AttributeError(f"module 'villagereport' has no attribute {name!r}")
