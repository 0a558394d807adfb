"""What calendars need told when a session changes: its SEQUENCE, and who had it in their day when it was called off.

A calendar keeps the version of an event with the highest SEQUENCE (RFC 5546, 2.1.4), so every change of a
session's time, place or presence on the wall counts one more on its topic (`moved`, `called_off`), and a
change of a slot's times one more on the slot and on the sessions in it (`slot_moved`). A session taken off the
wall ends its "I'm going"s; `called_off` keeps them as CancelledAttendance first, so that each person's feed
says STATUS:CANCELLED instead of dropping the session without a word. Called by the services that move
sessions, in their transaction.
"""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import delete, select, update
from sqlmodel import Session, col

from app.db import exec_select
from app.models import Attendance, CancelledAttendance, Placement, Slot, Topic


def moved(*, session: Session, topic_ids: Collection[int]) -> None:
    """These sessions were placed, moved to another cell, or moved in time: one more SEQUENCE each."""
    if topic_ids:
        session.exec(
            update(Topic)
            .where(col(Topic.id).in_(list(topic_ids)))
            .values(calendar_sequence=col(Topic.calendar_sequence) + 1)
            .execution_options(synchronize_session="fetch")
        )


def called_off(*, session: Session, topic_ids: Collection[int]) -> None:
    """These sessions are leaving the wall: whoever was going keeps a cancelled entry in their feed. Call it
    before their "I'm going"s are deleted."""
    if not topic_ids:
        return
    going = list(
        exec_select(
            session,
            select(col(Topic.event_id), col(Attendance.attendee_id), col(Attendance.topic_id), Slot)
            .join(Topic, col(Topic.id) == col(Attendance.topic_id))
            .join(Slot, col(Slot.id) == col(Attendance.slot_id))
            .where(col(Attendance.topic_id).in_(list(topic_ids))),
        ).tuples()
    )
    for event_id, attendee_id, topic_id, slot in going:
        session.exec(
            delete(CancelledAttendance).where(
                col(CancelledAttendance.attendee_id) == attendee_id, col(CancelledAttendance.topic_id) == topic_id
            )
        )
        session.add(
            CancelledAttendance(
                event_id=event_id,
                attendee_id=attendee_id,
                topic_id=topic_id,
                starts_at=slot.starts_at,
                ends_at=slot.ends_at,
            )
        )
    moved(session=session, topic_ids=topic_ids)
    session.flush()


def slot_moved(*, session: Session, slot: Slot) -> None:
    """A slot's times changed: the slot (a plenary, a break) and every session in it have a new version."""
    slot.calendar_sequence += 1
    session.add(slot)
    in_slot = list(
        exec_select(session, select(col(Placement.topic_id)).where(col(Placement.slot_id) == slot.id)).scalars()
    )
    moved(session=session, topic_ids=in_slot)


def zone_changed(*, session: Session, event_id: int) -> None:
    """The event moved to another time zone: the same wall-clock times are other instants, for every slot and
    every session on the wall."""
    session.exec(
        update(Slot)
        .where(col(Slot.event_id) == event_id)
        .values(calendar_sequence=col(Slot.calendar_sequence) + 1)
        .execution_options(synchronize_session="fetch")
    )
    placed = list(
        exec_select(session, select(col(Placement.topic_id)).where(col(Placement.event_id) == event_id)).scalars()
    )
    moved(session=session, topic_ids=placed)
