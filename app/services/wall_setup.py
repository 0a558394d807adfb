"""Rooms and slots: the columns and rows of the agenda wall, set up by the facilitator."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, bindparam, func, select, true
from sqlmodel import Session, col

from app.db import exec_select
from app.i18n import _, day_name, hour_minute
from app.models import ActivityKind, Event, Placement, Room, Slot, SlotKind
from app.models.room import LOCATION_NOTES_MAX, MAX_ROOM_CAPACITY, ROOM_NAME_MAX
from app.models.slot import SLOT_LABEL_MAX
from app.services import activity, calendar_changes
from app.services.actors import Actor
from app.services.changes import BoardChange, Written
from app.services.errors import InvalidInput, SlotOverlap
from app.services.lookups import get_event_by_id, get_room, get_slot
from app.services.placements import unplace_topics
from app.services.text import clean_line

# Built once: every render of the live board reads them (app/db.py's exec_select says why).
_ROOMS = select(Room).where(col(Room.event_id) == bindparam("event_id")).order_by(col(Room.position), col(Room.id))
_SLOTS = select(Slot).where(col(Slot.event_id) == bindparam("event_id")).order_by(col(Slot.starts_at))


def list_rooms(*, session: Session, event_id: int) -> list[Room]:
    return list(exec_select(session, _ROOMS, event_id=event_id).scalars())


def list_slots(*, session: Session, event_id: int) -> list[Slot]:
    return list(exec_select(session, _SLOTS, event_id=event_id).scalars())


def add_room(
    *,
    session: Session,
    event_id: int,
    name: str,
    capacity: int,
    location_notes: str = "",
    actor: Actor | None = None,
) -> Written[Room]:
    last = exec_select(session, select(func.max(col(Room.position))).where(col(Room.event_id) == event_id)).scalar_one()
    room = Room(
        event_id=event_id,
        name=_room_name(name),
        capacity=_capacity(capacity),
        position=(last + 1) if last is not None else 0,
        location_notes=_location_notes(location_notes),
    )
    session.add(room)
    session.flush()
    _record(session, actor, event_id, ActivityKind.room, _("added the room {name}", name=room.name))
    return Written(room, wall_change(event_id))


def update_room(
    *,
    session: Session,
    event_id: int,
    room_id: int,
    name: str | None = None,
    capacity: int | None = None,
    location_notes: str | None = None,
    position: int | None = None,
    actor: Actor | None = None,
) -> Written[Room]:
    room = get_room(session=session, event_id=event_id, room_id=room_id)
    was = room.name
    if name is not None:
        room.name = _room_name(name)
    if capacity is not None:
        room.capacity = _capacity(capacity)
    if location_notes is not None:
        room.location_notes = _location_notes(location_notes)
    if position is not None:
        _move_room(session, room, position)
    session.add(room)
    session.flush()
    said = (
        _("changed the room {was}, now {name}", was=was, name=room.name)
        if room.name != was
        else _("changed the room {name}", name=was)
    )
    _record(session, actor, event_id, ActivityKind.room, said)
    return Written(room, wall_change(event_id))


def move_room(*, session: Session, event_id: int, room_id: int, by: int, actor: Actor | None = None) -> Written[Room]:
    """Move a room left (by=-1) or right (by=+1) on the wall."""
    room = get_room(session=session, event_id=event_id, room_id=room_id)
    rooms = list_rooms(session=session, event_id=event_id)
    _move_room(session, room, rooms.index(room) + by)
    said = (
        _("moved the room {name} left", name=room.name) if by < 0 else _("moved the room {name} right", name=room.name)
    )
    _record(session, actor, event_id, ActivityKind.room, said)
    return Written(room, wall_change(event_id))


def remove_room(*, session: Session, event_id: int, room_id: int, actor: Actor | None = None) -> Written[None]:
    """Remove a room; topics placed in it go back to the marketplace, nothing else is lost."""
    room = get_room(session=session, event_id=event_id, room_id=room_id)
    _unplace_where(session, col(Placement.room_id) == room.id)
    session.delete(room)
    session.flush()
    _renumber_rooms(session, event_id)
    _record(session, actor, event_id, ActivityKind.room, _("removed the room {name}", name=room.name))
    return Written(None, wall_change(event_id))


def add_slot(
    *,
    session: Session,
    event_id: int,
    starts_at: datetime,
    ends_at: datetime,
    label: str = "",
    kind: SlotKind | str = SlotKind.sessions,
    actor: Actor | None = None,
) -> Written[Slot]:
    slot = Slot(
        event_id=event_id,
        starts_at=_wall_clock(starts_at),
        ends_at=_wall_clock(ends_at),
        label=_slot_label(label),
        kind=_kind(kind),
    )
    event = get_event_by_id(session=session, event_id=event_id)
    _check_times(session, slot)
    _check_day(event, slot)
    session.add(slot)
    session.flush()
    said = _("added the slot {slot}", slot=_slot_words(slot, event))
    _record(session, actor, event_id, ActivityKind.slot, said)
    return Written(slot, wall_change(event_id))


def update_slot(
    *,
    session: Session,
    event_id: int,
    slot_id: int,
    starts_at: datetime | None = None,
    ends_at: datetime | None = None,
    label: str | None = None,
    kind: SlotKind | str | None = None,
    actor: Actor | None = None,
) -> Written[Slot]:
    slot = get_slot(session=session, event_id=event_id, slot_id=slot_id)
    event = get_event_by_id(session=session, event_id=event_id)
    was = _slot_words(slot, event)
    times_were = (slot.starts_at, slot.ends_at)
    if starts_at is not None:
        slot.starts_at = _wall_clock(starts_at)
    if ends_at is not None:
        slot.ends_at = _wall_clock(ends_at)
    if label is not None:
        slot.label = _slot_label(label)
    if kind is not None:
        slot.kind = _kind(kind)
    _check_times(session, slot)
    _check_day(event, slot)
    if slot.kind != SlotKind.sessions:
        # A session slot turned into a break or plenary no longer holds topics.
        _unplace_where(session, col(Placement.slot_id) == slot.id)
    if (slot.starts_at, slot.ends_at) != times_were:
        calendar_changes.slot_moved(session=session, slot=slot)
    session.add(slot)
    session.flush()
    now = _slot_words(slot, event)
    said = (
        _("changed the slot {was}, now {slot}", was=was, slot=now)
        if now != was
        else _("changed the slot {slot}", slot=was)
    )
    _record(session, actor, event_id, ActivityKind.slot, said)
    return Written(slot, wall_change(event_id))


def remove_slot(*, session: Session, event_id: int, slot_id: int, actor: Actor | None = None) -> Written[None]:
    slot = get_slot(session=session, event_id=event_id, slot_id=slot_id)
    words = _slot_words(slot, get_event_by_id(session=session, event_id=event_id))
    _unplace_where(session, col(Placement.slot_id) == slot.id)
    session.delete(slot)
    session.flush()
    _record(session, actor, event_id, ActivityKind.slot, _("removed the slot {slot}", slot=words))
    return Written(None, wall_change(event_id))


def wall_change(event_id: int) -> BoardChange:
    """Rooms or slots were set up differently: every live wall is drawn again."""
    return BoardChange.of(event_id, "wall", wall=True)


def _record(session: Session, actor: Actor | None, event_id: int, kind: ActivityKind, summary: str) -> None:
    activity.record(session=session, actor=actor, event_id=event_id, kind=kind, summary=summary)


def _slot_words(slot: Slot, event: Event) -> str:
    """A slot as the activity list names it: "10:30–11:30 (Morning)", with its day on an event of several days."""
    if event.several_days:
        return slot_on_its_day(slot)
    label = f" ({slot.label})" if slot.label else ""
    return f"{hour_minute(slot.starts_at)}–{hour_minute(slot.ends_at)}{label}"


def slot_on_its_day(slot: Slot) -> str:
    """A slot named with its day, for sentences about days: "Saturday 7 March, 10:30–11:30 (Morning)"."""
    label = f" ({slot.label})" if slot.label else ""
    return f"{day_name(slot.starts_at)}, {hour_minute(slot.starts_at)}–{hour_minute(slot.ends_at)}{label}"


def _check_day(event: Event, slot: Slot) -> None:
    """A slot belongs to the day it starts on (wall-clock, at the venue), one of the event's days; it may run
    past midnight, as an evening session does."""
    day = slot.starts_at.date()
    if event.date <= day <= event.last_day:
        return
    if event.several_days:
        message = _(
            "This slot is on {day}, outside the event's days ({first} to {last}). "
            "Choose one of them, or change the event's days first.",
            day=day_name(day),
            first=day_name(event.date),
            last=day_name(event.last_day),
        )
    else:
        message = _(
            "This slot is on {day}, but the event is on {first} only. Choose that day, or give the event more days "
            "first.",
            day=day_name(day),
            first=day_name(event.date),
        )
    raise InvalidInput(message, field="starts_at")


def _unplace_where(session: Session, condition: ColumnElement[bool]) -> None:
    topic_ids = list(exec_select(session, select(col(Placement.topic_id)).where(condition)).scalars())
    unplace_topics(session=session, topic_ids=topic_ids)


def _move_room(session: Session, room: Room, position: int) -> None:
    rooms = [r for r in list_rooms(session=session, event_id=room.event_id) if r.id != room.id]
    position = max(0, min(position, len(rooms)))
    rooms.insert(position, room)
    for index, each in enumerate(rooms):
        each.position = index
        session.add(each)
    session.flush()


def _renumber_rooms(session: Session, event_id: int) -> None:
    for index, room in enumerate(list_rooms(session=session, event_id=event_id)):
        room.position = index
        session.add(room)
    session.flush()


def _check_times(session: Session, slot: Slot) -> None:
    if slot.ends_at <= slot.starts_at:
        raise InvalidInput(_("A slot must end after it starts."), field="ends_at")
    if slot.starts_at.date() != slot.ends_at.date() and (slot.ends_at - slot.starts_at).days >= 1:
        raise InvalidInput(_("A slot can't last a day or more."), field="ends_at")
    overlapping = (
        exec_select(
            session,
            select(Slot).where(
                col(Slot.event_id) == slot.event_id,
                col(Slot.id) != slot.id if slot.id is not None else true(),
                col(Slot.starts_at) < slot.ends_at,
                col(Slot.ends_at) > slot.starts_at,
            ),
        )
        .scalars()
        .first()
    )
    if overlapping is not None:
        raise SlotOverlap(
            _(
                "This slot overlaps '{label}' ({starts}–{ends}); slots of one event never overlap.",
                label=overlapping.label or _("a slot"),
                starts=hour_minute(overlapping.starts_at),
                ends=hour_minute(overlapping.ends_at),
            )
        )


def _wall_clock(moment: datetime) -> datetime:
    """Slot times are wall-clock times at the venue, to the minute: an offset sent along is dropped, not converted."""
    return moment.replace(tzinfo=None, second=0, microsecond=0)


def _room_name(name: str) -> str:
    return clean_line(name, field="name", label=_("The room's name"), max_length=ROOM_NAME_MAX)


def _location_notes(notes: str) -> str:
    return clean_line(
        notes, field="location_notes", label=_("The location notes"), max_length=LOCATION_NOTES_MAX, required=False
    )


def _slot_label(label: str) -> str:
    return clean_line(label, field="label", label=_("The slot's label"), max_length=SLOT_LABEL_MAX, required=False)


def _capacity(capacity: int) -> int:
    if not 1 <= capacity <= MAX_ROOM_CAPACITY:
        raise InvalidInput(
            _("A room's capacity must be between 1 and {most}.", most=MAX_ROOM_CAPACITY), field="capacity"
        )
    return capacity


def _kind(kind: SlotKind | str) -> SlotKind:
    try:
        return SlotKind(kind)
    except ValueError:
        raise InvalidInput(_("A slot's kind is 'sessions', 'plenary' or 'break'."), field="kind") from None
