"""The agenda wall as attendees read it: each slot with its placed topics, rooms and who is going."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlmodel import Session, col

from app.db import exec_select
from app.models import Attendee, Placement, Room, Slot, SlotKind, Topic, id_of
from app.services import attendance, wall_setup
from app.services.attendance import room_is_full


@dataclass(frozen=True)
class PlacedTopic:
    """A topic in its cell, with its room and how many people said they are going."""

    topic_id: int
    title: str
    description: str
    convener_name: str | None
    room_name: str
    room_location: str
    capacity: int
    going: int

    @property
    def room_full(self) -> bool:
        """Full for someone not going yet (the wall shows the note beside "I'm going")."""
        return room_is_full(going=self.going, capacity=self.capacity, counting_me=False)


@dataclass(frozen=True)
class WallSlot:
    slot: Slot
    topics: list[PlacedTopic] = field(default_factory=list)
    chosen_topic_id: int | None = None  # where the attendee is going in this slot

    @property
    def takes_topics(self) -> bool:
        return self.slot.kind == SlotKind.sessions

    @property
    def chosen(self) -> PlacedTopic | None:
        return next((t for t in self.topics if t.topic_id == self.chosen_topic_id), None)


@dataclass(frozen=True)
class Wall:
    slots: list[WallSlot]

    def slot(self, slot_id: int) -> WallSlot | None:
        return next((s for s in self.slots if s.slot.id == slot_id), None)

    @property
    def session_slots(self) -> list[WallSlot]:
        return [s for s in self.slots if s.takes_topics]


def load_wall(*, session: Session, event_id: int, attendee_id: int | None = None) -> Wall:
    """Every slot in time order, each with its topics in room order; with the attendee's choices when given."""
    slots = wall_setup.list_slots(session=session, event_id=event_id)
    rows = (
        exec_select(
            session,
            select(col(Placement.slot_id), Topic, Room, col(Attendee.display_name))
            .join(Topic, col(Topic.id) == col(Placement.topic_id))
            .join(Room, col(Room.id) == col(Placement.room_id))
            .outerjoin(Attendee, col(Attendee.id) == col(Topic.convener_id))
            .where(col(Placement.event_id) == event_id)
            .order_by(col(Room.position), col(Room.id)),
        )
        .tuples()
        .all()
    )
    going = attendance.going_counts(session=session, event_id=event_id)
    chosen = attendance.my_day(session=session, attendee_id=attendee_id) if attendee_id is not None else {}
    by_slot: dict[int, list[PlacedTopic]] = {}
    for slot_id, topic, room, convener_name in rows:
        by_slot.setdefault(slot_id, []).append(
            PlacedTopic(
                topic_id=id_of(topic),
                title=topic.title,
                description=topic.description,
                convener_name=convener_name,
                room_name=room.name,
                room_location=room.location_notes,
                capacity=room.capacity,
                going=going.get(id_of(topic), 0),
            )
        )
    return Wall(
        slots=[
            WallSlot(slot=slot, topics=by_slot.get(id_of(slot), []), chosen_topic_id=chosen.get(id_of(slot)))
            for slot in slots
        ]
    )
