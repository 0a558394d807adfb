"""Topics as a spreadsheet: one row a topic, with its theme, its dots, its place on the wall and who is going.

Cells are text a person typed, so one that starts with = + - @ (or a tab or carriage return) gets a
leading apostrophe: spreadsheets would otherwise run it as a formula (CSV injection, OWASP).
"""

from __future__ import annotations

import csv
import io

from app.exporters.base import Export, file_name
from app.exporters.data import ExportData, TopicData

CONTENT_TYPE = "text/csv; charset=utf-8; header=present"
COLUMNS = (
    "title",
    "theme",
    "convener",
    "status",
    "votes",
    "room",
    "slot",
    "starts_at",
    "ends_at",
    "going",
    "room_capacity",
    "description",
)
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def export_csv(data: ExportData) -> Export:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for topic in _in_order(data):
        room = data.rooms_by_id.get(topic.room_id) if topic.room_id is not None else None
        slot = data.slots_by_id.get(topic.slot_id) if topic.slot_id is not None else None
        theme = data.theme_of(topic)
        writer.writerow(
            [
                safe_cell(topic.title),
                safe_cell(theme.name) if theme else "",
                safe_cell(data.convener_name(topic)),
                topic.status,
                topic.votes,
                safe_cell(room.name) if room else "",
                safe_cell(slot.name) if slot else "",
                slot.starts_at.isoformat(timespec="minutes") if slot else "",
                slot.ends_at.isoformat(timespec="minutes") if slot else "",
                topic.going,
                room.capacity if room else "",
                safe_cell(topic.description),
            ]
        )
    # The byte order mark lets Excel see UTF-8 (names in any script); other tools skip it.
    return Export(
        content=buffer.getvalue().encode("utf-8-sig"),
        content_type=CONTENT_TYPE,
        filename=file_name(f"{data.event.name} topics", extension="csv"),
    )


def safe_cell(text: str) -> str:
    """Text a spreadsheet shows as text, never evaluates."""
    return f"'{text}" if text.startswith(_FORMULA_STARTS) else text


def _in_order(data: ExportData) -> list[TopicData]:
    """Most dots first; ties in the order the topics were proposed."""
    return sorted(data.topics, key=lambda topic: -topic.votes)
