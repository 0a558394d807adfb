"""The notes pages' live part: the latest saved version of each changed session's notes, as fragments.

Rendered once per change and sent to every notes page of the event (app/realtime/render.py): nothing
personal is in it. For each changed session, by id on the page showing it:
- `notes-latest-{topic_id}`, the "saved by … — version N" line; static/js/notes.js compares its version
  with the editor's base and, when the page holds an older one, says "A newer version (N) was saved by
  … — your text is kept; save to merge";
- `notes-reading-{topic_id}`, the text rendered and the report's fields, for readers;
- `notes-current-{topic_id}`, the saved text itself, which notes.js puts in an editor nobody has typed in.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session

from app.markdown import render_markdown
from app.models import Event, Note, id_of
from app.models.note import FIELD_NAMES
from app.services.notes import latest_notes
from app.templating import templates


def local_time(event: Event, moment: datetime | None) -> str:
    """A time of the event's day as people there read it: 14:02 in the event's time zone."""
    if moment is None:
        return ""
    if moment.tzinfo is None:  # SQLite hands back naive UTC
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(ZoneInfo(event.timezone)).strftime("%H:%M")


def latest_context(event: Event, topic_id: int, note: Note | None) -> dict[str, Any]:
    """What partials/notes_latest.html shows for one session (the page renders it with the same context)."""
    return {
        "topic_id": topic_id,
        "version": note.version if note else 0,
        "updated_by": note.updated_by if note else "",
        "updated_at": local_time(event, note.updated_at) if note else "",
    }


def render_notes_update(*, session: Session, event: Event, topic_ids: frozenset[int]) -> str:
    """The `notes-latest-…` fragment of each session whose notes changed, for htmx to swap out of band."""
    if not topic_ids:
        return ""
    rows = latest_notes(session=session, event_id=id_of(event), topic_ids=topic_ids)
    latest, reading, current = (
        templates.get_template(f"partials/{name}.html") for name in ("notes_latest", "notes_reading", "notes_current")
    )
    parts = []
    for note in rows:
        fields = {name: str(getattr(note, name)) for name in FIELD_NAMES}
        shown = {"topic_id": note.topic_id, "fields": fields, "oob": True}
        parts.append(latest.render(oob=True, **latest_context(event, note.topic_id, note)))
        # Readers see the new text at once; writers' editors take it if nobody has typed in them.
        parts.append(reading.render(**shown, rendered=render_markdown(note.body), preview_title="The notes as saved"))
        parts.append(current.render(**shown, version=note.version))
    return "".join(parts)
