"""How big events are: the people in them, their topics, the sessions on the wall and the wall's frame.

The organisers' page lists every event with these, the facilitator's overview shows its own event's: one
grouped count a table, whatever the number of events, never a row loaded to be counted.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import func, select
from sqlmodel import Session, col

from app.db import exec_select
from app.models import Attendee, Event, Placement, Room, Slot, SlotKind, Theme, Topic, Vote, id_of
from app.models.enums import ACTIVE_TOPIC_STATUSES


@dataclass(frozen=True)
class EventSize:
    attendees: int = 0  # joined and still in (neither removed nor banned)
    topics: int = 0  # on offer: proposed or placed
    sessions: int = 0  # topics placed on the wall
    dots: int = 0  # on the topics on offer
    rooms: int = 0
    slots: int = 0  # of every kind: sessions, plenaries, breaks
    session_slots: int = 0
    themes: int = 0

    @property
    def waiting(self) -> int:
        """Topics on the marketplace that have no place on the wall yet."""
        return self.topics - self.sessions

    @property
    def free_cells(self) -> int:
        """Cells of the wall (a room in a sessions slot) with no session in them."""
        return max(0, self.rooms * self.session_slots - self.sessions)


@dataclass(frozen=True)
class ListedEvent:
    """An event as the organisers' page lists it."""

    event: Event
    size: EventSize


def sizes_of(*, session: Session, event_ids: Collection[int] | None = None) -> dict[int, EventSize]:
    """Each event's size, by event id (every event's when no ids are given); an event with nothing counts zeros."""
    ids = list(event_ids) if event_ids is not None else None
    active = col(Topic.status).in_(ACTIVE_TOPIC_STATUSES)

    def per_event(event_id: Any, *where: Any) -> Any:
        statement = select(event_id, func.count()).where(*where)
        if ids is not None:
            statement = statement.where(event_id.in_(ids))
        return statement.group_by(event_id)

    counts: dict[str, Any] = {
        "attendees": per_event(
            col(Attendee.event_id), col(Attendee.removed_at).is_(None), col(Attendee.banned_at).is_(None)
        ),
        "topics": per_event(col(Topic.event_id), active),
        "sessions": per_event(col(Placement.event_id)),
        "dots": per_event(col(Topic.event_id), active).join_from(Vote, Topic, col(Topic.id) == col(Vote.topic_id)),
        "rooms": per_event(col(Room.event_id)),
        "slots": per_event(col(Slot.event_id)),
        "session_slots": per_event(col(Slot.event_id), col(Slot.kind) == SlotKind.sessions),
        "themes": per_event(col(Theme.event_id)),
    }
    sizes: dict[int, EventSize] = dict.fromkeys(ids or [], EventSize())
    for name, statement in counts.items():
        for event_id, count in exec_select(session, statement).all():
            sizes[event_id] = replace(sizes.get(event_id, EventSize()), **{name: count})
    return sizes


def list_events(*, session: Session) -> list[ListedEvent]:
    """Every event of the deployment, the latest date first, each with its size."""
    listed = exec_select(
        session, select(Event).order_by(col(Event.date).desc(), col(Event.name), col(Event.id))
    ).scalars()
    found = list(listed)
    sizes = sizes_of(session=session)
    return [ListedEvent(event=event, size=sizes.get(id_of(event), EventSize())) for event in found]
