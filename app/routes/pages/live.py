"""What a live page needs to follow the board over the websocket: its view, the version it shows, and the
facilitator's latest announcement (drawn by base.html on every live page)."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from app.models import Announcement, Event, id_of
from app.realtime.notes_view import local_time
from app.services import announcements
from app.services.changes import board_version


def live_context(session: Session, event: Event, view: str) -> dict[str, Any]:
    """For a page that does not load the whole board: the websocket's view and where it starts."""
    return {
        "live_view": view,
        "live_version": board_version(session=session, event_id=id_of(event)),
        **announcement_context(event, announcements.latest(session=session, event_id=id_of(event))),
    }


def announcement_context(event: Event, announcement: Announcement | None) -> dict[str, Any]:
    return {
        "announcement": announcement,
        "announcement_time": local_time(event, announcement.created_at) if announcement else "",
    }
