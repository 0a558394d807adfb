"""Exporters: pure functions from an event's loaded data (ExportData) to the bytes of one file.

Each returns an Export (content, content type, file name). They read nothing but what they are given,
so the same function serves the API, the facilitator page and `hallway export`.
"""

from collections.abc import Callable
from typing import Literal

from app.exporters.base import Export
from app.exporters.booklet import export_booklet
from app.exporters.csv import export_csv
from app.exporters.data import ExportData
from app.exporters.icalendar import export_agenda
from app.exporters.json import export_json
from app.exporters.markdown_zip import export_markdown_zip

__all__ = ["EXPORTERS", "Export", "ExportData", "ExportFormat"]

ExportFormat = Literal["md", "html", "csv", "json", "ics"]

EXPORTERS: dict[str, Callable[[ExportData], Export]] = {
    "md": export_markdown_zip,
    "html": export_booklet,
    "csv": export_csv,
    "json": export_json,
    "ics": export_agenda,
}
