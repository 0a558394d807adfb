"""Attendance: "I'm going" to one placed topic per slot; the law of two feet lets people switch."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlmodel import Session, col

from app.db import exec_select
from app.i18n import _
from app.models import Attendance, Attendee, Placement, Room, Topic, id_of
from app.services.changes import BoardChange, Written
from app.services.errors import Conflict, NotAuthenticated
from app.services.lookups import get_active_topic, get_slot


@dataclass(frozen=True)
class AttendanceResult:
    slot_id: int
    topic_id: int | None  # None: not going to anything in this slot
    going: int  # people going to that topic now
    capacity: int | None  # of its room
    room_full: bool  # a soft cap: people may still go, they are only told


def room_is_full(*, going: int, capacity: int, counting_me: bool) -> bool:
    """A soft cap: full means no seat is left for one more person. People are told, never refused.

    `counting_me` says whether `going` already includes the person being told (after their "I'm going").
    """
    others = going - 1 if counting_me else going
    return others >= capacity


def attend(*, session: Session, attendee_id: int, slot_id: int, topic_id: int) -> Written[AttendanceResult]:
    """Say "I'm going" to a topic in a slot, replacing any earlier choice in that slot."""
    event_id = _event_of(session, attendee_id)
    slot = get_slot(session=session, event_id=event_id, slot_id=slot_id)
    topic = get_active_topic(session=session, event_id=event_id, topic_id=topic_id)
    placement = exec_select(session, select(Placement).where(col(Placement.topic_id) == topic.id)).scalars().first()
    if placement is None or placement.slot_id != slot.id:
        raise Conflict(_("'{title}' is not on the wall in this slot.", title=topic.title))
    current = (
        exec_select(
            session,
            select(Attendance).where(col(Attendance.attendee_id) == attendee_id, col(Attendance.slot_id) == slot.id),
        )
        .scalars()
        .first()
    )
    if current is None:
        session.add(Attendance(attendee_id=attendee_id, slot_id=id_of(slot), topic_id=id_of(topic)))
    elif current.topic_id != topic.id:
        current.topic_id = id_of(topic)
        session.add(current)
    session.flush()
    result = _result(session, slot_id=id_of(slot), topic_id=id_of(topic), room_id=placement.room_id)
    return Written(result, _attendance_change(event_id, id_of(slot)))


def leave(*, session: Session, attendee_id: int, slot_id: int) -> Written[AttendanceResult]:
    """Not going to anything in this slot any more."""
    event_id = _event_of(session, attendee_id)
    slot = get_slot(session=session, event_id=event_id, slot_id=slot_id)
    session.exec(
        delete(Attendance).where(col(Attendance.attendee_id) == attendee_id, col(Attendance.slot_id) == slot.id)
    )
    result = AttendanceResult(slot_id=id_of(slot), topic_id=None, going=0, capacity=None, room_full=False)
    return Written(result, _attendance_change(event_id, id_of(slot)))


def _attendance_change(event_id: int, slot_id: int) -> BoardChange:
    """The slot's "going" counts and My day change."""
    return BoardChange.of(event_id, "attendance", slot_ids=slot_id)


def my_day(*, session: Session, attendee_id: int) -> dict[int, int]:
    """slot id → topic id the attendee is going to."""
    rows = (
        exec_select(
            session,
            select(col(Attendance.slot_id), col(Attendance.topic_id)).where(col(Attendance.attendee_id) == attendee_id),
        )
        .tuples()
        .all()
    )
    return {slot_id: topic_id for slot_id, topic_id in rows}


def going_counts(*, session: Session, event_id: int) -> dict[int, int]:
    """topic id → how many people said they are going."""
    rows = (
        exec_select(
            session,
            select(col(Attendance.topic_id), func.count(col(Attendance.id)))
            .join(Topic, col(Topic.id) == col(Attendance.topic_id))
            .where(col(Topic.event_id) == event_id)
            .group_by(col(Attendance.topic_id)),
        )
        .tuples()
        .all()
    )
    return {topic_id: count for topic_id, count in rows}


def _result(session: Session, *, slot_id: int, topic_id: int, room_id: int) -> AttendanceResult:
    going = exec_select(
        session, select(func.count(col(Attendance.id))).where(col(Attendance.topic_id) == topic_id)
    ).scalar_one()
    capacity = exec_select(session, select(col(Room.capacity)).where(col(Room.id) == room_id)).scalar_one()
    return AttendanceResult(
        slot_id=slot_id,
        topic_id=topic_id,
        going=going,
        capacity=capacity,
        room_full=room_is_full(going=going, capacity=capacity, counting_me=True),
    )


def _event_of(session: Session, attendee_id: int) -> int:
    event_id = exec_select(
        session, select(col(Attendee.event_id)).where(col(Attendee.id) == attendee_id)
    ).scalar_one_or_none()
    if event_id is None:
        raise NotAuthenticated(_("We don't know you in this event any more. Please join again."))
    return event_id
