"""The notes pages' live part: the latest saved version of each changed session's notes, as fragments.

Rendered once per change and sent to every notes page of the event (app/realtime/render.py): nothing
personal is in it. For each changed session, the `notes-latest-{topic_id}` line ("saved by … — version N"),
which only the page showing that session has. Its static/js/notes.js then asks for the new text itself
(`saved_fragments`, from GET …/notes/latest): the text goes to the few pages of that session only, never to
every notes page of the event on every autosave. With an older base in the editor, the line says "A newer
version (N) was saved by … — your text is kept; save to merge".
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session

from app.i18n import _, day_and_time, hour_minute
from app.markdown import render_markdown
from app.models import Event, Note, id_of
from app.models.note import FIELD_NAMES
from app.services.notes import latest_notes
from app.templating import templates


def local_time(event: Event, moment: datetime | None) -> str:
    """A moment as people at the venue read it: 14:02 in the event's time zone, the reader's way.

    With its day too ("Wed 25 14:02") on an event of several days, or when it is not the event's day: notes,
    revisions and the activity list are read on the other days, and written up after the event.
    """
    if moment is None:
        return ""
    if moment.tzinfo is None:  # SQLite hands back naive UTC
        moment = moment.replace(tzinfo=UTC)
    local = moment.astimezone(ZoneInfo(event.timezone))
    if event.several_days or local.date() != event.date:
        return day_and_time(local)
    return hour_minute(local)


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
    template = templates.get_template("partials/notes_latest.html")
    return "".join(template.render(oob=True, **latest_context(event, note.topic_id, note)) for note in rows)


def saved_fragments(*, topic_id: int, note: Note | None) -> str:
    """One session's saved notes, out of band: rendered for readers, and as text for an editor nobody has typed
    in (static/js/notes.js decides). Asked for by that session's pages only, when its latest line changes."""
    fields = {name: str(getattr(note, name)) if note else "" for name in FIELD_NAMES}
    shown = {"topic_id": topic_id, "fields": fields, "oob": True}
    reading = templates.get_template("partials/notes_reading.html").render(
        **shown, rendered=render_markdown(fields["body"]), preview_title=_("The notes as saved")
    )
    current = templates.get_template("partials/notes_current.html").render(**shown, version=note.version if note else 0)
    return reading + current
