"""Placements: topics on the agenda wall, and the rules of the wall."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import bindparam, delete, select, update
from sqlmodel import Session, col

from app.db import exec_select
from app.i18n import _
from app.models import ActivityKind, Attendance, Event, Placement, Room, Slot, SlotKind, Topic, TopicStatus, id_of
from app.services import activity, calendar_changes, co_conveners
from app.services.actors import Actor
from app.services.changes import Written, placement_change
from app.services.errors import CellTaken, Conflict, ConvenerClash, InvalidInput, NotAllowed, SlotNotForSessions
from app.services.lookups import get_active_topic, get_event_by_id, get_room, get_slot, slot_time


def place_topic(
    *, session: Session, event_id: int, actor: Actor, topic_id: int, room_id: int, slot_id: int
) -> Written[Placement]:
    """Put a topic into a cell, or move it there; the live wall redraws the slots it left and entered."""
    was_in = slot_of(session=session, topic_id=topic_id)
    placed = _place(
        session=session, event_id=event_id, actor=actor, topic_id=topic_id, room_id=room_id, slot_id=slot_id
    )
    _record_cell(session, actor, placed, ActivityKind.place if was_in is None else ActivityKind.move)
    return Written(placed.placement, placement_change(event_id, topic_id, was_in, placed.placement.slot_id))


@dataclass(frozen=True)
class _Placed:
    """What placing read, kept at hand for the activity line. The session holds unchanged rows only weakly:
    read again by id, the topic, room, slot and event each cost a query, a fifth of a placement's time (the
    facilitator's request that every open page then waits for: bench/fanout.py's "first client")."""

    placement: Placement
    event: Event
    topic: Topic
    room: Room
    slot: Slot


def _record_cell(session: Session, actor: Actor, placed: _Placed, kind: ActivityKind) -> None:
    where = {
        "topic": activity.quoted(placed.topic.title),
        "room": placed.room.name,
        "time": slot_time(session, placed.slot),
    }
    activity.record(
        session=session,
        actor=actor,
        event_id=placed.placement.event_id,
        kind=kind,
        summary=_("placed {topic} in {room} at {time}", **where)
        if kind == ActivityKind.place
        else _("moved {topic} in {room} at {time}", **where),
        topic_id=placed.placement.topic_id,
    )


def place_cell(
    *, session: Session, event_id: int, actor: Actor, topic_id: int, room_id: int, slot_id: int
) -> Placement:
    """Put a topic into a cell, or move it there. Refused with the reason when a rule would break."""
    return _place(
        session=session, event_id=event_id, actor=actor, topic_id=topic_id, room_id=room_id, slot_id=slot_id
    ).placement


# The reads of a placement, built once: every open page waits for the facilitator's placement before its
# update (bench/fanout.py's "first client"), and building a statement cost more than running it (app/db.py).
_IN_CELL = select(Placement).where(
    col(Placement.room_id) == bindparam("room_id"), col(Placement.slot_id) == bindparam("slot_id")
)
_CONVENER_IN_SLOT = select(Placement).where(
    col(Placement.slot_id) == bindparam("slot_id"),
    col(Placement.convener_id) == bindparam("convener_id"),
    col(Placement.topic_id) != bindparam("topic_id"),
)
_PLACEMENT_OF = select(Placement).where(col(Placement.topic_id) == bindparam("topic_id"))
_SLOT_OF = select(col(Placement.slot_id)).where(col(Placement.topic_id) == bindparam("topic_id"))
_ANYONE_GOING = select(col(Attendance.id)).where(col(Attendance.topic_id) == bindparam("topic_id")).limit(1)


def _place(*, session: Session, event_id: int, actor: Actor, topic_id: int, room_id: int, slot_id: int) -> _Placed:
    topic = get_active_topic(session=session, event_id=event_id, topic_id=topic_id)
    event = get_event_by_id(session=session, event_id=event_id)
    _check_may_place(session, event, actor, topic)
    room = get_room(session=session, event_id=event_id, room_id=room_id)
    slot = get_slot(session=session, event_id=event_id, slot_id=slot_id)
    if slot.kind != SlotKind.sessions:
        label = slot.label or _("This slot")
        if slot.kind == SlotKind.plenary:
            raise SlotNotForSessions(_("'{label}' is a plenary slot: only session slots take topics.", label=label))
        raise SlotNotForSessions(_("'{label}' is a break slot: only session slots take topics.", label=label))

    in_cell = exec_select(session, _IN_CELL, room_id=room_id, slot_id=slot_id).scalars().first()
    if in_cell is not None and in_cell.topic_id != topic.id:
        other = session.get(Topic, in_cell.topic_id)
        raise CellTaken(
            _(
                "{room} at {time} already has '{title}'.",
                room=room.name,
                time=slot_time(session, slot),
                title=other.title if other else _("a topic"),
            )
        )
    if topic.convener_id is not None:
        clash = (
            exec_select(session, _CONVENER_IN_SLOT, slot_id=slot_id, convener_id=topic.convener_id, topic_id=topic.id)
            .scalars()
            .first()
        )
        if clash is not None:
            other = session.get(Topic, clash.topic_id)
            raise ConvenerClash(
                _(
                    "The convener already runs '{title}' in this slot and can't be in two rooms at once.",
                    title=other.title if other else _("another topic"),
                )
            )
    co_conveners.check_no_clash(session=session, topic=topic, slot_id=slot_id)

    placement = exec_select(session, _PLACEMENT_OF, topic_id=topic.id).scalars().first()
    if placement is None:
        placement = Placement(
            event_id=event_id, topic_id=id_of(topic), room_id=room_id, slot_id=slot_id, convener_id=topic.convener_id
        )
    elif placement.slot_id != slot_id:
        _follow_to_slot(session, topic_id=id_of(topic), slot_id=slot_id)
    if placement.id is None or (placement.room_id, placement.slot_id) != (room_id, slot_id):
        topic.calendar_sequence += 1  # calendars take the session's new time or place (calendar_changes.py)
    placement.room_id, placement.slot_id = room_id, slot_id
    topic.status = TopicStatus.placed
    session.add_all([placement, topic])
    session.flush()
    return _Placed(placement=placement, event=event, topic=topic, room=room, slot=slot)


def take_off_wall(*, session: Session, event_id: int, actor: Actor, topic_id: int) -> Written[None]:
    """Take a topic off the wall: it goes back to the marketplace with its votes."""
    topic = get_active_topic(session=session, event_id=event_id, topic_id=topic_id)
    _check_may_place(session, get_event_by_id(session=session, event_id=event_id), actor, topic)
    placement = exec_select(session, select(Placement).where(col(Placement.topic_id) == topic_id)).scalars().first()
    if placement is not None and actor.is_facilitator:
        _record_taken_off(session, actor, topic, placement)
    was_in = placement.slot_id if placement is not None else None
    unplace_topics(session=session, topic_ids=[id_of(topic)])
    return Written(None, placement_change(event_id, topic_id, was_in))


def _record_taken_off(session: Session, actor: Actor, topic: Topic, placement: Placement) -> None:
    """The cell, the pin and who was going: what putting the topic back needs (app/services/undo.py)."""
    room, slot = session.get(Room, placement.room_id), session.get(Slot, placement.slot_id)
    going = sorted(
        exec_select(session, select(col(Attendance.attendee_id)).where(col(Attendance.topic_id) == topic.id)).scalars()
    )
    title = activity.quoted(topic.title)
    activity.record(
        session=session,
        actor=actor,
        event_id=placement.event_id,
        kind=ActivityKind.unplace,
        summary=_(
            "took {topic} off the wall from {room} at {time}",
            topic=title,
            room=room.name,
            time=slot_time(session, slot),
        )
        if room is not None and slot is not None
        else _("took {topic} off the wall", topic=title),
        topic_id=placement.topic_id,
        undo={
            "room_id": placement.room_id,
            "slot_id": placement.slot_id,
            "pinned": placement.pinned,
            "going": going,
            "edited": activity.stamp(topic.updated_at),
        },
    )


def unplace_topics(*, session: Session, topic_ids: list[int]) -> None:
    """Remove these topics' placements and the "I'm going" that pointed at them."""
    if not topic_ids:
        return
    calendar_changes.called_off(session=session, topic_ids=topic_ids)
    session.exec(delete(Attendance).where(col(Attendance.topic_id).in_(topic_ids)))
    session.exec(delete(Placement).where(col(Placement.topic_id).in_(topic_ids)))
    session.exec(
        update(Topic)
        .where(col(Topic.id).in_(topic_ids), col(Topic.status) == TopicStatus.placed)
        .values(status=TopicStatus.proposed)
        .execution_options(synchronize_session="fetch")
    )
    session.flush()


def swap_topics(*, session: Session, event_id: int, actor: Actor, topic_id: int, other_topic_id: int) -> Written[None]:
    """Exchange the cells of two placed topics (the facilitator drops one topic onto another).

    Each topic's "I'm going"s follow it, so nobody's day changes but for the time. The rules of
    placing hold for both; a refusal of either leaves both where they were (the caller's savepoint).
    """
    if topic_id == other_topic_id:
        raise InvalidInput(_("Pick two different topics to swap."))
    first = _placement_of(session, event_id, topic_id)
    second = _placement_of(session, event_id, other_topic_id)
    if first is None or second is None:
        raise InvalidInput(_("Both topics must be on the wall to swap them; place the other one instead."))
    first_cell, second_cell = (first.room_id, first.slot_id), (second.room_id, second.slot_id)
    second_pinned = second.pinned  # its row is replaced below; the pin belongs to the topic's placement
    new_slot = {topic_id: second_cell[1], other_topic_id: first_cell[1]}
    # Set the "I'm going"s aside: moved one at a time they would collide with each other's slot.
    going = [
        (a.attendee_id, a.topic_id)
        for a in exec_select(
            session, select(Attendance).where(col(Attendance.topic_id).in_([topic_id, other_topic_id]))
        ).scalars()
    ]
    session.exec(delete(Attendance).where(col(Attendance.topic_id).in_([topic_id, other_topic_id])))
    session.delete(second)  # cells are unique: free one before filling it
    session.flush()
    place_cell(
        session=session,
        event_id=event_id,
        actor=actor,
        topic_id=topic_id,
        room_id=second_cell[0],
        slot_id=second_cell[1],
    )
    moved_back = place_cell(
        session=session,
        event_id=event_id,
        actor=actor,
        topic_id=other_topic_id,
        room_id=first_cell[0],
        slot_id=first_cell[1],
    )
    moved_back.pinned = second_pinned
    session.add(moved_back)
    # Someone who already goes to a third session at the new time keeps that choice, as in a move.
    busy = set(
        exec_select(
            session,
            select(col(Attendance.attendee_id), col(Attendance.slot_id)).where(
                col(Attendance.slot_id).in_(set(new_slot.values()))
            ),
        ).tuples()
    )
    session.add_all(
        Attendance(attendee_id=attendee_id, topic_id=moved, slot_id=new_slot[moved])
        for attendee_id, moved in going
        if (attendee_id, new_slot[moved]) not in busy
    )
    session.flush()
    first_topic, second_topic = session.get(Topic, topic_id), session.get(Topic, other_topic_id)
    if first_topic is not None and second_topic is not None:
        activity.record(
            session=session,
            actor=actor,
            event_id=event_id,
            kind=ActivityKind.swap,
            summary=_(
                "swapped {topic} and {other}",
                topic=activity.quoted(first_topic.title),
                other=activity.quoted(second_topic.title),
            ),
            topic_id=topic_id,
            other_topic_id=other_topic_id,
        )
    change = placement_change(event_id, topic_id, first_cell[1], second_cell[1])
    return Written(None, change.merge(placement_change(event_id, other_topic_id)))


def set_pinned(*, session: Session, event_id: int, actor: Actor, topic_id: int, pinned: bool) -> Written[Placement]:
    """Pin a placed topic to its cell, or unpin it: the auto-scheduler keeps pinned placements as they are.

    The pin belongs to the placement: moving or swapping the topic by hand keeps it, taking the topic
    off the wall drops it.
    """
    actor.check_in(event_id)
    if not actor.is_facilitator:
        raise NotAllowed(_("Only the facilitator pins sessions for the auto-scheduler."))
    placement = get_placement(session=session, event_id=event_id, topic_id=topic_id)
    was_pinned, placement.pinned = placement.pinned, pinned
    session.add(placement)
    session.flush()
    topic = session.get(Topic, topic_id)
    if topic is not None and was_pinned != pinned:
        title = activity.quoted(topic.title)
        activity.record(
            session=session,
            actor=actor,
            event_id=event_id,
            kind=ActivityKind.pin,
            summary=_("pinned {topic}", topic=title) if pinned else _("unpinned {topic}", topic=title),
            topic_id=topic_id,
        )
    return Written(placement, placement_change(event_id, topic_id, placement.slot_id))


def get_placement(*, session: Session, event_id: int, topic_id: int) -> Placement:
    """The placement of an active topic of the event; a Conflict when it isn't on the wall."""
    topic = get_active_topic(session=session, event_id=event_id, topic_id=topic_id)
    placement = exec_select(session, select(Placement).where(col(Placement.topic_id) == topic_id)).scalars().first()
    if placement is None:
        raise Conflict(_("“{title}” isn't on the wall: place it first.", title=topic.title))
    return placement


def slot_of(*, session: Session, topic_id: int) -> int | None:
    """The slot a topic is placed in now, if any."""
    return exec_select(session, _SLOT_OF, topic_id=topic_id).scalars().first()


def list_placements(*, session: Session, event_id: int) -> list[Placement]:
    return list(exec_select(session, select(Placement).where(col(Placement.event_id) == event_id)).scalars())


def _placement_of(session: Session, event_id: int, topic_id: int) -> Placement | None:
    get_active_topic(session=session, event_id=event_id, topic_id=topic_id)
    return exec_select(session, select(Placement).where(col(Placement.topic_id) == topic_id)).scalars().first()


def _check_may_place(session: Session, event: Event, actor: Actor, topic: Topic) -> None:
    actor.check_in(id_of(event))
    if actor.is_facilitator:
        return
    if not event.self_placement:
        raise NotAllowed(_("Only the facilitator places topics on the wall in this event."))
    if not co_conveners.is_convener(session=session, topic=topic, attendee_id=actor.attendee_id):
        raise NotAllowed(_("You can only place your own topics on the wall."))


def _follow_to_slot(session: Session, *, topic_id: int, slot_id: int) -> None:
    """A topic moved to another slot: its attendees follow, unless they already go elsewhere then."""
    if exec_select(session, _ANYONE_GOING, topic_id=topic_id).first() is None:
        # Nobody to move (before the day, usually): the two statements below, whose keeping of the
        # session's rows in step is the dearest part of a placement, would change nothing.
        return
    busy = select(col(Attendance.attendee_id)).where(col(Attendance.slot_id) == slot_id)
    session.exec(delete(Attendance).where(col(Attendance.topic_id) == topic_id, col(Attendance.attendee_id).in_(busy)))
    session.exec(update(Attendance).where(col(Attendance.topic_id) == topic_id).values(slot_id=slot_id))
