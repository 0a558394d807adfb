"""The activity list: who of the facilitation team did what, in words, newest first.

Each facilitator action records one row in its own transaction (`record`), with what an undo needs for the
few that can be undone (app/services/undo.py). Attendees' actions record nothing, and the vote path never
comes here.

A line is stored as text, written in the event's language (`record` says the marked summary in it): the
team of one gathering reads one list, whoever's browser speaks what.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlmodel import Session, col

from app import i18n
from app.db import exec_select
from app.i18n import _
from app.models import Activity, ActivityKind, Attendee, Event, Facilitator
from app.models.activity import ACTIVITY_SUMMARY_MAX, UNDOABLE_KINDS
from app.services.actors import FACILITATOR_NAME, Actor

RECENT = 20
QUOTED_MAX = 80  # characters of a title or an announcement quoted in a line


@dataclass(frozen=True)
class ActivityLine:
    """One line of the list, ready to read: "Sam placed “Who owns data?” in Studio at 10:30"."""

    activity: Activity
    who: str
    text: str  # the whole sentence, the doer's name first
    created_at: datetime
    undone_by: str | None  # who undid it, once undone

    @property
    def id(self) -> int:
        return self.activity.id or 0

    @property
    def undoable(self) -> bool:
        return self.activity.kind in UNDOABLE_KINDS and self.activity.undone_at is None and bool(self.activity.undo)

    @property
    def asks_first(self) -> bool:
        """An undo that changes much (the dots of a merge): asked once more, as hiding is."""
        return self.activity.kind == ActivityKind.merge


def record(
    *,
    session: Session,
    actor: Actor | None,
    event_id: int,
    kind: ActivityKind,
    summary: str,
    topic_id: int | None = None,
    other_topic_id: int | None = None,
    attendee_id: int | None = None,
    undo: dict[str, Any] | None = None,
) -> Activity | None:
    """Write down a facilitator's action, in the action's transaction; nothing for anyone else (an attendee
    placing their own topic, a command with no actor). `summary` (marked with `_`) is stored in the event's
    language, whoever's browser made the change."""
    if actor is None or not actor.is_facilitator:
        return None
    event = session.get(Event, event_id)
    with i18n.speaking(event.language if event is not None else None):
        said = i18n.translated(summary)
    row = Activity(
        event_id=event_id,
        facilitator_id=actor.facilitator_id,
        kind=kind,
        summary=_cut(said, ACTIVITY_SUMMARY_MAX),
        topic_id=topic_id,
        other_topic_id=other_topic_id,
        attendee_id=attendee_id,
        undo=undo,
    )
    session.add(row)
    session.flush()
    return row


def recent(*, session: Session, event_id: int, limit: int = RECENT) -> list[ActivityLine]:
    """The latest actions, newest first, in words."""
    rows = list(
        exec_select(
            session,
            select(Activity).where(col(Activity.event_id) == event_id).order_by(col(Activity.id).desc()).limit(limit),
        ).scalars()
    )
    people = {id_ for row in rows for id_ in (row.facilitator_id, row.undone_by_id) if id_ is not None}
    names = _names(session, Facilitator, col(Facilitator.name), people)
    attendee_names = _names(
        session, Attendee, col(Attendee.display_name), {r.attendee_id for r in rows if r.attendee_id is not None}
    )
    event = session.get(Event, event_id)
    with i18n.speaking(event.language if event is not None else None):  # as the lines themselves are stored
        nobody = i18n.translated(_("a participant"))
    lines = []
    for row in rows:
        who = names.get(row.facilitator_id or 0, FACILITATOR_NAME)
        summary = row.summary
        if row.attendee_id is not None:  # named now: a name removed since (forget me) is not kept here
            summary = summary.replace("{attendee}", attendee_names.get(row.attendee_id or 0, nobody))
        undone_by = names.get(row.undone_by_id or 0, FACILITATOR_NAME) if row.undone_at is not None else None
        # Translators: a line of the activity list: a facilitator's name, then what they did ("placed “X” in …").
        text = _("{who} {did}", who=who, did=summary)
        lines.append(ActivityLine(activity=row, who=who, text=text, created_at=row.created_at, undone_by=undone_by))
    return lines


def quoted(text: str) -> str:
    """A title (or an announcement) as a line quotes it, cut short when long."""
    return _("“{title}”", title=_cut(text, QUOTED_MAX))


def stamp(moment: datetime) -> str:
    """A topic's `updated_at` as an undo keeps it, to notice an edit since: the same text from either database
    (SQLite hands back naive UTC)."""
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return aware.astimezone(UTC).isoformat(timespec="microseconds")


def _cut(text: str, most: int) -> str:
    return text if len(text) <= most else text[: most - 1].rstrip() + "…"


def _names(session: Session, model: Any, column: Any, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    return dict(exec_select(session, select(col(model.id), column).where(col(model.id).in_(ids))).tuples().all())
