"""Announcements: the facilitator's word to everyone at once ("Lunch is in the garden"), on the board and every
open page. Each person dismisses one on their own device; the last few stay listed for latecomers."""

from __future__ import annotations

from sqlalchemy import bindparam, select
from sqlmodel import Session, col

from app.db import exec_select
from app.i18n import _
from app.models import ActivityKind, Announcement
from app.models.announcement import ANNOUNCEMENT_MAX
from app.services import activity
from app.services.actors import Actor
from app.services.changes import BoardChange, Written
from app.services.errors import NotAllowed
from app.services.lookups import get_event_by_id
from app.services.text import clean_line

RECENT = 5  # the short list the facilitator page and the API keep showing


def announce(*, session: Session, event_id: int, actor: Actor, text: str) -> Written[Announcement]:
    """Say something to everyone in the event now: the board and every open page show it at once."""
    actor.check_in(event_id)
    if not actor.is_facilitator:
        raise NotAllowed(_("Only the event's facilitator makes announcements."))
    get_event_by_id(session=session, event_id=event_id)
    cleaned = clean_line(text, field="text", label=_("The announcement"), max_length=ANNOUNCEMENT_MAX)
    announcement = Announcement(event_id=event_id, text=cleaned)
    session.add(announcement)
    session.flush()
    activity.record(
        session=session,
        actor=actor,
        event_id=event_id,
        kind=ActivityKind.announce,
        summary=_("announced {announcement}", announcement=activity.quoted(cleaned)),
    )
    return Written(announcement, BoardChange.of(event_id, "announcement", announcement=True))


# Built once: every render of the live board reads the latest (app/db.py's exec_select says why).
_RECENT = (
    select(Announcement)
    .where(col(Announcement.event_id) == bindparam("event_id"))
    .order_by(col(Announcement.id).desc())
    .limit(bindparam("limit"))
)


def recent(*, session: Session, event_id: int, limit: int = RECENT) -> list[Announcement]:
    """The latest announcements, newest first."""
    return list(exec_select(session, _RECENT, event_id=event_id, limit=limit).scalars())


def latest(*, session: Session, event_id: int) -> Announcement | None:
    found = recent(session=session, event_id=event_id, limit=1)
    return found[0] if found else None
