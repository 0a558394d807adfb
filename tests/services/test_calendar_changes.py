"""Calendars are told of every move: a session's SEQUENCE grows with each, and the people going to a session
taken off the wall find it cancelled in their feed."""

from __future__ import annotations

import datetime as dt

from icalendar import Calendar
from sqlmodel import select

from app.exporters.icalendar import export_personal_calendar
from app.models import CancelledAttendance, Slot, Topic
from app.models.event import EventUpdate
from app.scheduling import Cell
from app.services import events, placements, scheduling, topics, wall_setup
from app.services.actors import Actor
from app.services.export_data import load_export_data
from tests.factories import EVENT_DATE, Factory


def sequence(database, model: type[Topic] | type[Slot], row_id: int) -> int:
    with database.read_session() as session:
        row = session.get(model, row_id)
        assert row is not None
        return row.calendar_sequence


def feed(database, event, attendee_id: int) -> dict[str, tuple[str, str, int, dt.datetime]]:
    with database.read_session() as session:
        data = load_export_data(session=session, event=event.event, with_notes=False)
    return {
        str(e["UID"]): (str(e["SUMMARY"]), str(e["STATUS"]), e["SEQUENCE"], e.decoded("DTSTART").replace(tzinfo=None))
        for e in Calendar.from_ical(export_personal_calendar(data, attendee_id=attendee_id).content).walk("VEVENT")
    }


def test_placing_moving_and_retiming_a_session_each_count_one_more(database, factory: Factory):
    event = factory.event(slug="seq")
    ada = factory.attendee(event)
    hall, attic = factory.room(event, name="Hall"), factory.room(event, name="Attic")
    morning = factory.slot(event, starts="10:00", ends="11:00")
    talk = factory.topic(event, ada, title="Kettles")

    factory.place(event, talk, hall, morning)
    placed = sequence(database, Topic, talk.id)
    factory.place(event, talk, hall, morning)  # the same cell again: nothing moved
    again = sequence(database, Topic, talk.id)
    factory.place(event, talk, attic, morning)
    moved = sequence(database, Topic, talk.id)
    with database.write_session() as session:
        wall_setup.update_slot(
            session=session, event_id=event.id, slot_id=morning.id, starts_at=dt.datetime(2026, 11, 24, 10, 15)
        )
    retimed = sequence(database, Topic, talk.id), sequence(database, Slot, morning.id)
    with database.write_session() as session:
        wall_setup.update_slot(session=session, event_id=event.id, slot_id=morning.id, label="Morning")
    relabelled = sequence(database, Topic, talk.id), sequence(database, Slot, morning.id)
    with database.write_session() as session:
        events.update_event(session=session, event_id=event.id, update=EventUpdate(timezone="Pacific/Auckland"))
    rezoned = sequence(database, Topic, talk.id), sequence(database, Slot, morning.id)

    assert (placed, again, moved, retimed, relabelled, rezoned) == (1, 1, 2, (3, 1), (3, 1), (4, 2))


def test_a_swap_counts_one_more_for_both_sessions(database, factory: Factory):
    event = factory.event(slug="swap")
    ada, bo = factory.attendee(event), factory.attendee(event, name="Bo")
    hall = factory.room(event, name="Hall")
    morning, afternoon = (
        factory.slot(event, starts="10:00", ends="11:00"),
        factory.slot(event, starts="14:00", ends="15:00"),
    )
    first, second = factory.topic(event, ada, title="First"), factory.topic(event, bo, title="Second")
    factory.place(event, first, hall, morning)
    factory.place(event, second, hall, afternoon)

    with database.write_session() as session:
        placements.swap_topics(
            session=session, event_id=event.id, actor=Actor.facilitator(event.id), topic_id=first.id,
            other_topic_id=second.id,
        )  # fmt: skip

    assert (sequence(database, Topic, first.id), sequence(database, Topic, second.id)) == (2, 2)


def test_a_session_taken_off_the_wall_is_cancelled_in_the_feeds_of_those_going(database, factory: Factory):
    event = factory.event(slug="off")
    ada, bo = factory.attendee(event), factory.attendee(event, name="Bo")
    hall = factory.room(event, name="Hall")
    morning = factory.slot(event, starts="10:00", ends="11:00")
    talk = factory.topic(event, ada, title="Kettles")
    factory.place(event, talk, hall, morning)
    factory.attend(bo, morning, talk)
    before = feed(database, event, bo.id)

    with database.write_session() as session:
        placements.take_off_wall(
            session=session, event_id=event.id, actor=Actor.facilitator(event.id), topic_id=talk.id
        )

    at_ten = dt.datetime.combine(EVENT_DATE, dt.time(10))
    assert before == {f"off-{talk.id}@hallway": ("Kettles", "CONFIRMED", 1, at_ten)}
    assert feed(database, event, bo.id) == {f"off-{talk.id}@hallway": ("Kettles", "CANCELLED", 2, at_ten)}
    assert feed(database, event, ada.id) == {}  # she was not going: nothing to cancel


def test_a_session_back_on_the_wall_is_confirmed_again_for_those_going_again(database, factory: Factory):
    event = factory.event(slug="back")
    ada, bo = factory.attendee(event), factory.attendee(event, name="Bo")
    hall = factory.room(event, name="Hall")
    morning, afternoon = (
        factory.slot(event, starts="10:00", ends="11:00"),
        factory.slot(event, starts="14:00", ends="15:00"),
    )
    talk = factory.topic(event, ada, title="Kettles")
    factory.place(event, talk, hall, morning)
    factory.attend(bo, morning, talk)
    with database.write_session() as session:
        placements.take_off_wall(
            session=session, event_id=event.id, actor=Actor.facilitator(event.id), topic_id=talk.id
        )
    factory.place(event, talk, hall, afternoon)
    factory.attend(bo, afternoon, talk)

    assert feed(database, event, bo.id) == {
        f"back-{talk.id}@hallway": ("Kettles", "CONFIRMED", 3, dt.datetime.combine(EVENT_DATE, dt.time(14)))
    }


def test_withdrawn_and_hidden_sessions_are_cancelled_the_hidden_one_without_its_title(database, factory: Factory):
    event = factory.event(slug="gone")
    ada, bo = factory.attendee(event), factory.attendee(event, name="Bo")
    hall, attic = factory.room(event, name="Hall"), factory.room(event, name="Attic")
    morning, afternoon = (
        factory.slot(event, starts="10:00", ends="11:00"),
        factory.slot(event, starts="14:00", ends="15:00"),
    )
    withdrawn, spam = factory.topic(event, ada, title="Changed my mind"), factory.topic(event, ada, title="Buy now")
    factory.place(event, withdrawn, hall, morning)
    factory.place(event, spam, attic, afternoon)
    factory.attend(bo, morning, withdrawn)
    factory.attend(bo, afternoon, spam)

    with database.write_session() as session:
        ada_actor = Actor(event_id=event.id, attendee_id=ada.id, attendee_name="Ada")
        topics.withdraw_topic(session=session, event_id=event.id, topic_id=withdrawn.id, actor=ada_actor)
        topics.hide_topic(session=session, event_id=event.id, topic_id=spam.id)

    assert {uid: (summary, status) for uid, (summary, status, _, _) in feed(database, event, bo.id).items()} == {
        f"gone-{withdrawn.id}@hallway": ("Changed my mind", "CANCELLED"),
        f"gone-{spam.id}@hallway": ("A session taken off the agenda", "CANCELLED"),
    }


def test_the_auto_scheduler_taking_a_session_off_cancels_it_and_counts_the_ones_it_moves(database, factory: Factory):
    event = factory.event(slug="auto")
    ada, bo = factory.attendee(event), factory.attendee(event, name="Bo")
    hall, attic = factory.room(event, name="Hall"), factory.room(event, name="Attic")
    morning = factory.slot(event, starts="10:00", ends="11:00")
    leaving, staying = factory.topic(event, ada, title="Leaving"), factory.topic(event, bo, title="Staying")
    factory.place(event, leaving, hall, morning)
    factory.place(event, staying, attic, morning)
    factory.attend(bo, morning, leaving)
    with database.read_session() as session:
        planning = scheduling.plan(session=session, event_id=event.id)

    with database.write_session() as session:
        scheduling.apply_schedule(
            session=session,
            event_id=event.id,
            placements={staying.id: Cell(hall.id, morning.id)},
            based_on=planning.wall,
        )

    with database.read_session() as session:
        kept = session.exec(select(CancelledAttendance)).all()
    assert [(c.attendee_id, c.topic_id, c.starts_at.hour) for c in kept] == [(bo.id, leaving.id, 10)]
    assert (sequence(database, Topic, leaving.id), sequence(database, Topic, staying.id)) == (2, 2)
