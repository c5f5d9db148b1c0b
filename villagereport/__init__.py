"""Load, check and tell the figures of village "two committees" election reports."""

from villagereport.catalogue import Catalogue, load_catalogue
from villagereport.errors import ReportError
from villagereport.report import Report, load_report

__all__ = ["Catalogue", "Report", "ReportError", "load_catalogue", "load_report"]
