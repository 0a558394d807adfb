"""Attendance: one "I'm going" per attendee and slot, only to a topic placed there; rooms fill softly."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from app.models import Room, Slot, Topic
from app.services import attendance, topics
from app.services.actors import Actor
from app.services.attendance import AttendanceResult
from app.services.errors import Conflict, NotAuthenticated, NotFound, TopicNotActive
from tests.factories import AttendeeWithToken, EventWithKey, Factory


@dataclass
class Day:
    """Two session slots; two topics in the morning (hall and a small attic), one in the afternoon."""

    event: EventWithKey
    hall: Room
    attic: Room
    morning: Slot
    afternoon: Slot
    keynote: Topic
    small_talk: Topic
    later: Topic
    unplaced: Topic


@pytest.fixture
def day(factory: Factory) -> Day:
    event = factory.event()
    hall, attic = factory.room(event, name="Hall", capacity=50), factory.room(event, name="Attic", capacity=2)
    morning = factory.slot(event, starts="10:00", ends="11:00")
    afternoon = factory.slot(event, starts="14:00", ends="15:00")
    keynote, small_talk = factory.topic(event, None, title="Keynote"), factory.topic(event, None, title="Small talk")
    later, unplaced = factory.topic(event, None, title="Later"), factory.topic(event, None, title="Unplaced")
    factory.place(event, keynote, hall, morning)
    factory.place(event, small_talk, attic, morning)
    factory.place(event, later, hall, afternoon)
    return Day(event, hall, attic, morning, afternoon, keynote, small_talk, later, unplaced)


def attend(database, attendee: AttendeeWithToken, slot: Slot, topic: Topic) -> AttendanceResult:
    with database.write_session() as session:
        return attendance.attend(session=session, attendee_id=attendee.id, slot_id=slot.id, topic_id=topic.id).result


def leave(database, attendee: AttendeeWithToken, slot: Slot) -> AttendanceResult:
    with database.write_session() as session:
        return attendance.leave(session=session, attendee_id=attendee.id, slot_id=slot.id).result


def day_of(database, attendee: AttendeeWithToken) -> dict[int, int]:
    with database.read_session() as session:
        return attendance.my_day(session=session, attendee_id=attendee.id)


def going(database, event: EventWithKey) -> dict[int, int]:
    with database.read_session() as session:
        return attendance.going_counts(session=session, event_id=event.id)


# --- The soft cap ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("going_now", "capacity", "counting_me", "full"),
    [
        (0, 1, False, False),  # an empty room of one has a seat
        (1, 1, False, True),  # one is there: no seat for another
        (1, 1, True, False),  # I am that one: there was a seat for me
        (2, 1, True, True),  # I came second to a room of one
        (49, 50, False, False),
        (50, 50, False, True),
        (50, 50, True, False),
        (51, 50, True, True),
        (80, 50, False, True),  # past capacity: still only told, never refused
    ],
)
def test_room_is_full_when_no_seat_is_left_for_one_more(going_now, capacity, counting_me, full):
    assert attendance.room_is_full(going=going_now, capacity=capacity, counting_me=counting_me) is full


def test_attend_in_a_small_room_says_full_without_refusing(factory, database, backend, day):
    ada, bob, cy = (factory.attendee(day.event, name=name) for name in ("Ada", "Bob", "Cy"))

    first = attend(database, ada, day.morning, day.small_talk)
    second = attend(database, bob, day.morning, day.small_talk)
    third = attend(database, cy, day.morning, day.small_talk)

    assert [(r.going, r.capacity, r.room_full) for r in (first, second, third)] == [
        (1, 2, False),
        (2, 2, False),
        (3, 2, True),
    ]
    assert going(database, day.event) == {day.small_talk.id: 3}


# --- Attending ---------------------------------------------------------------------------------------


def test_attend_says_where_the_attendee_is_going(factory, database, backend, day):
    ada = factory.attendee(day.event)

    result = attend(database, ada, day.morning, day.keynote)

    assert result == AttendanceResult(
        slot_id=day.morning.id, topic_id=day.keynote.id, going=1, capacity=50, room_full=False
    )
    assert day_of(database, ada) == {day.morning.id: day.keynote.id}


def test_attend_again_in_a_slot_replaces_the_earlier_choice(factory, database, backend, day):
    ada, bob = factory.attendee(day.event, name="Ada"), factory.attendee(day.event, name="Bob")
    attend(database, bob, day.morning, day.keynote)
    attend(database, ada, day.morning, day.keynote)

    result = attend(database, ada, day.morning, day.small_talk)

    assert (result.topic_id, result.going, result.capacity) == (day.small_talk.id, 1, 2)
    assert day_of(database, ada) == {day.morning.id: day.small_talk.id}
    assert going(database, day.event) == {day.keynote.id: 1, day.small_talk.id: 1}


def test_attend_the_same_topic_twice_counts_once(factory, database, backend, day):
    ada = factory.attendee(day.event)
    attend(database, ada, day.morning, day.keynote)

    again = attend(database, ada, day.morning, day.keynote)

    assert (again.going, day_of(database, ada)) == (1, {day.morning.id: day.keynote.id})


def test_attend_in_each_slot_makes_the_day(factory, database, backend, day):
    ada = factory.attendee(day.event)

    attend(database, ada, day.morning, day.keynote)
    attend(database, ada, day.afternoon, day.later)

    assert day_of(database, ada) == {day.morning.id: day.keynote.id, day.afternoon.id: day.later.id}


@pytest.mark.parametrize("topic_name", ["later", "unplaced"])
def test_attend_a_topic_not_placed_in_that_slot_is_refused(factory, database, backend, day, topic_name):
    ada = factory.attendee(day.event)
    attend(database, ada, day.morning, day.keynote)
    topic = getattr(day, topic_name)

    with pytest.raises(Conflict) as refused:
        attend(database, ada, day.morning, topic)

    assert refused.value.message == f"'{topic.title}' is not on the wall in this slot."
    assert day_of(database, ada) == {day.morning.id: day.keynote.id}


def test_attend_a_hidden_topic_is_refused(factory, database, backend, day):
    ada = factory.attendee(day.event)
    with database.write_session() as session:
        topics.hide_topic(session=session, event_id=day.event.id, topic_id=day.keynote.id)

    with pytest.raises(TopicNotActive) as refused:
        attend(database, ada, day.morning, day.keynote)

    assert refused.value.message == "'Keynote' was hidden: it is no longer on the marketplace."
    assert day_of(database, ada) == {}


def test_attend_by_an_attendee_of_another_event_is_not_found(factory, database, backend, day):
    elsewhere = factory.event(slug="elsewhere")
    stranger = factory.attendee(elsewhere, name="Stranger")

    with pytest.raises(NotFound) as refused:
        attend(database, stranger, day.morning, day.keynote)

    assert refused.value.message == f"There is no slot {day.morning.id} in this event."
    assert going(database, day.event) == {}


def test_attend_a_topic_of_another_event_in_my_slot_is_not_found(factory, database, backend, day):
    elsewhere = factory.event(slug="elsewhere")
    theirs = factory.topic(elsewhere, None, title="Theirs")
    ada = factory.attendee(day.event)

    with pytest.raises(NotFound) as refused:
        attend(database, ada, day.morning, theirs)

    assert refused.value.message == f"There is no topic {theirs.id} in this event."
    assert day_of(database, ada) == {}


def test_attend_by_an_unknown_attendee_is_refused(factory, database, backend, day):
    with pytest.raises(NotAuthenticated) as refused, database.write_session() as session:
        attendance.attend(session=session, attendee_id=999_999, slot_id=day.morning.id, topic_id=day.keynote.id)

    assert refused.value.message == "We don't know you in this event any more. Please join again."
    assert going(database, day.event) == {}


# --- Leaving -----------------------------------------------------------------------------------------


def test_leave_a_slot_ends_only_that_choice(factory, database, backend, day):
    ada, bob = factory.attendee(day.event, name="Ada"), factory.attendee(day.event, name="Bob")
    attend(database, ada, day.morning, day.keynote)
    attend(database, ada, day.afternoon, day.later)
    attend(database, bob, day.morning, day.keynote)

    result = leave(database, ada, day.morning)

    assert result == AttendanceResult(slot_id=day.morning.id, topic_id=None, going=0, capacity=None, room_full=False)
    assert day_of(database, ada) == {day.afternoon.id: day.later.id}
    assert going(database, day.event) == {day.keynote.id: 1, day.later.id: 1}


def test_leave_a_slot_nobody_chose_changes_nothing(factory, database, backend, day):
    ada = factory.attendee(day.event)

    result = leave(database, ada, day.afternoon)

    assert (result.topic_id, day_of(database, ada)) == (None, {})


def test_leave_by_an_attendee_of_another_event_is_not_found(factory, database, backend, day):
    ada = factory.attendee(day.event)
    attend(database, ada, day.morning, day.keynote)
    stranger = factory.attendee(factory.event(slug="elsewhere"), name="Stranger")

    with pytest.raises(NotFound) as refused:
        leave(database, stranger, day.morning)

    assert refused.value.message == f"There is no slot {day.morning.id} in this event."
    assert going(database, day.event) == {day.keynote.id: 1}


def test_leave_by_an_unknown_attendee_is_refused(factory, database, backend, day):
    with pytest.raises(NotAuthenticated) as refused, database.write_session() as session:
        attendance.leave(session=session, attendee_id=999_999, slot_id=day.morning.id)

    assert refused.value.message == "We don't know you in this event any more. Please join again."


# --- Reading -----------------------------------------------------------------------------------------


def test_going_counts_keep_to_their_event(factory, database, backend, day):
    elsewhere = factory.event(slug="elsewhere")
    their_topic, their_slot = factory.topic(elsewhere, None, title="Theirs"), factory.slot(elsewhere)
    factory.place(elsewhere, their_topic, factory.room(elsewhere), their_slot)
    ada, cy = factory.attendee(day.event, name="Ada"), factory.attendee(elsewhere, name="Cy")
    factory.attend(cy, their_slot, their_topic)
    attend(database, ada, day.morning, day.small_talk)

    assert going(database, day.event) == {day.small_talk.id: 1}
    assert going(database, elsewhere) == {their_topic.id: 1}


def test_my_day_is_empty_for_someone_going_nowhere(factory, database, backend, day):
    ada = factory.attendee(day.event)

    assert day_of(database, ada) == {}


def test_my_day_of_a_topic_taken_off_the_wall_forgets_it(factory, database, backend, day):
    ada = factory.attendee(day.event)
    attend(database, ada, day.morning, day.keynote)
    attend(database, ada, day.afternoon, day.later)
    with database.write_session() as session:
        topics.withdraw_topic(
            session=session, event_id=day.event.id, topic_id=day.later.id, actor=Actor.facilitator(day.event.id)
        )

    assert day_of(database, ada) == {day.morning.id: day.keynote.id}
