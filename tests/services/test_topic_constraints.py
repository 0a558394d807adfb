"""Topic constraints for the auto-scheduler: who may set them, every refusal, pairs kept apart, and pins."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from app.services import placements, topic_constraints, topics
from app.services.actors import Actor
from app.services.errors import Conflict, InvalidInput, NotAllowed, NotFound, TopicNotActive
from app.services.topic_constraints import TopicConstraints
from tests.factories import EVENT_DATE


def at(hhmm: str) -> datetime:
    return datetime.fromisoformat(f"{EVENT_DATE.isoformat()}T{hhmm}")


def set_for(database, event, actor, topic, **values):
    arguments = {"not_before": None, "not_after": None, "min_room_capacity": None, "apart_from": ()} | values
    with database.write_session() as session:
        return topic_constraints.set_constraints(
            session=session, event_id=event.id, actor=actor, topic_id=topic.id, **arguments
        ).result


def read(database, event, topic):
    with database.read_session() as session:
        return topic_constraints.get_constraints(session=session, event_id=event.id, topic_id=topic.id)


def test_a_new_topic_has_no_constraints(factory, database, backend):
    event = factory.event()
    topic = factory.topic(event, None)

    assert read(database, event, topic) == TopicConstraints(None, None, None, ())


def test_the_convener_sets_their_topics_constraints(factory, database, backend):
    event = factory.event()
    ada = factory.attendee(event, name="Ada")
    mine = factory.topic(event, ada, title="Mine")
    other = factory.topic(event, None, title="Other")

    saved = set_for(
        database,
        event,
        Actor(event_id=event.id, attendee_id=ada.id),
        mine,
        not_before=at("13:00"),
        not_after=at("17:00"),
        min_room_capacity=30,
        apart_from=[other.id, other.id],
    )

    expected = TopicConstraints(
        not_before=at("13:00"), not_after=at("17:00"), min_room_capacity=30, apart_from=(other.id,)
    )
    assert saved == expected
    assert read(database, event, mine) == expected


def test_another_attendee_may_not_set_someone_elses_constraints(factory, database, backend):
    event = factory.event()
    ada, bob = factory.attendee(event, name="Ada"), factory.attendee(event, name="Bob")
    topic = factory.topic(event, ada)

    with pytest.raises(NotAllowed) as refused:
        set_for(database, event, Actor(event_id=event.id, attendee_id=bob.id), topic, min_room_capacity=5)

    assert refused.value.message == "Only the topic's convener or the facilitator can say when and where it may run."
    assert read(database, event, topic).min_room_capacity is None


def test_only_the_facilitator_constrains_a_facilitators_topic(factory, database, backend):
    event = factory.event()
    ada = factory.attendee(event)
    topic = factory.topic(event, None)

    with pytest.raises(NotAllowed):
        set_for(database, event, Actor(event_id=event.id, attendee_id=ada.id), topic, min_room_capacity=5)
    saved = set_for(database, event, Actor.facilitator(event.id), topic, min_room_capacity=5)

    assert saved.min_room_capacity == 5


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        (
            {"not_before": at("14:00"), "not_after": at("14:00")},
            "not_after",
            "“Not before” must be earlier than “Not after”.",
        ),
        (
            {"not_before": at("15:00"), "not_after": at("11:00")},
            "not_after",
            "“Not before” must be earlier than “Not after”.",
        ),
        (
            {"not_before": at("14:00").replace(tzinfo=UTC)},
            "not_before",
            "“Not before” is a wall-clock time at the venue, like the slots: leave out the time zone.",
        ),
        (
            {"not_after": at("14:00").replace(tzinfo=UTC)},
            "not_after",
            "“Not after” is a wall-clock time at the venue, like the slots: leave out the time zone.",
        ),
        ({"min_room_capacity": 0}, "min_room_capacity", "The room size must be between 1 and 100,000 people."),
        ({"min_room_capacity": 100_001}, "min_room_capacity", "The room size must be between 1 and 100,000 people."),
    ],
)
def test_invalid_values_are_refused_with_the_field_and_nothing_is_written(
    factory, database, backend, values, field, message
):
    event = factory.event()
    topic = factory.topic(event, None)
    factory.constrain(event, topic, min_room_capacity=10)

    with pytest.raises(InvalidInput) as refused:
        set_for(database, event, Actor.facilitator(event.id), topic, **values)

    assert (refused.value.field, refused.value.message) == (field, message)
    assert read(database, event, topic) == TopicConstraints(None, None, 10, ())


def test_the_room_size_limits_themselves_are_accepted(factory, database, backend):
    event = factory.event()
    topic = factory.topic(event, None)

    assert set_for(database, event, Actor.facilitator(event.id), topic, min_room_capacity=1).min_room_capacity == 1
    assert (
        set_for(database, event, Actor.facilitator(event.id), topic, min_room_capacity=100_000).min_room_capacity
        == 100_000
    )


def test_apart_from_more_than_twenty_topics_is_refused(factory, database, backend):
    event = factory.event()
    topic = factory.topic(event, None, title="Busy")
    others = [factory.topic(event, None, title=f"T{n}") for n in range(21)]

    with pytest.raises(InvalidInput) as refused:
        set_for(database, event, Actor.facilitator(event.id), topic, apart_from=[t.id for t in others])
    twenty = set_for(database, event, Actor.facilitator(event.id), topic, apart_from=[t.id for t in others[:20]])

    assert (refused.value.field, refused.value.message) == (
        "apart_from",
        "A topic can be kept apart from at most 20 others; this asks for 21.",
    )
    assert twenty.apart_from == tuple(sorted(t.id for t in others[:20]))


def test_apart_from_itself_is_refused(factory, database, backend):
    event = factory.event()
    topic = factory.topic(event, None)

    with pytest.raises(InvalidInput) as refused:
        set_for(database, event, Actor.facilitator(event.id), topic, apart_from=[topic.id])

    assert (refused.value.field, refused.value.message) == ("apart_from", "A topic can't be kept apart from itself.")


def test_apart_from_an_unknown_or_another_events_topic_is_not_found(factory, database, backend):
    event, other_event = factory.event(), factory.event(slug="other")
    topic = factory.topic(event, None)
    theirs = factory.topic(other_event, None)

    for unknown in (theirs.id, 999_999):
        with pytest.raises(NotFound) as refused:
            set_for(database, event, Actor.facilitator(event.id), topic, apart_from=[unknown])
        assert refused.value.message == f"There is no topic {unknown} in this event."
    assert read(database, event, topic).apart_from == ()


def test_apart_from_a_withdrawn_topic_is_refused(factory, database, backend):
    event = factory.event()
    ada = factory.attendee(event)
    topic = factory.topic(event, None)
    gone = factory.topic(event, ada, title="Gone")
    with database.write_session() as session:
        topics.withdraw_topic(
            session=session, event_id=event.id, topic_id=gone.id, actor=Actor(event_id=event.id, attendee_id=ada.id)
        )

    with pytest.raises(InvalidInput) as refused:
        set_for(database, event, Actor.facilitator(event.id), topic, apart_from=[gone.id])

    assert (refused.value.field, refused.value.message) == (
        "apart_from",
        "“Gone” was withdrawn: it won't be scheduled, so there is nothing to keep apart from.",
    )


def test_a_withdrawn_topic_takes_no_constraints(factory, database, backend):
    event = factory.event()
    ada = factory.attendee(event)
    topic = factory.topic(event, ada, title="Gone")
    with database.write_session() as session:
        topics.withdraw_topic(
            session=session, event_id=event.id, topic_id=topic.id, actor=Actor(event_id=event.id, attendee_id=ada.id)
        )

    with pytest.raises(TopicNotActive):
        set_for(database, event, Actor.facilitator(event.id), topic, min_room_capacity=3)


def test_apart_is_symmetric_and_stored_once_per_pair(factory, database, backend):
    event = factory.event()
    a, b, c = (factory.topic(event, None, title=title) for title in "ABC")

    set_for(database, event, Actor.facilitator(event.id), c, apart_from=[a.id, b.id])
    set_for(database, event, Actor.facilitator(event.id), a, apart_from=[c.id])

    assert [read(database, event, t).apart_from for t in (a, b, c)] == [(c.id,), (c.id,), (a.id, b.id)]
    with database.read_session() as session:
        every = topic_constraints.all_constraints(session=session, event_id=event.id)
    assert {topic_id: k.apart_from for topic_id, k in every.items()} == {
        a.id: (c.id,),
        b.id: (c.id,),
        c.id: (a.id, b.id),
    }


def test_setting_replaces_the_pairs_on_either_side(factory, database, backend):
    event = factory.event()
    a, b, c = (factory.topic(event, None, title=title) for title in "ABC")
    set_for(database, event, Actor.facilitator(event.id), a, apart_from=[b.id])  # stored as (a, b)
    set_for(database, event, Actor.facilitator(event.id), c, apart_from=[b.id])  # stored as (b, c)

    set_for(database, event, Actor.facilitator(event.id), b, apart_from=[c.id])

    assert [read(database, event, t).apart_from for t in (a, b, c)] == [(), (c.id,), (b.id,)]


def test_all_constraints_covers_every_active_topic_and_drops_retired_partners(factory, database, backend):
    event = factory.event()
    ada = factory.attendee(event)
    a = factory.topic(event, None, title="A")
    b = factory.topic(event, ada, title="B")
    c = factory.topic(event, None, title="C")
    factory.constrain(event, a, not_before=at("13:00"), min_room_capacity=20, apart_from=(b, c))
    with database.write_session() as session:
        topics.withdraw_topic(
            session=session, event_id=event.id, topic_id=b.id, actor=Actor(event_id=event.id, attendee_id=ada.id)
        )

    with database.read_session() as session:
        every = topic_constraints.all_constraints(session=session, event_id=event.id)

    assert every == {
        a.id: TopicConstraints(not_before=at("13:00"), not_after=None, min_room_capacity=20, apart_from=(c.id,)),
        c.id: TopicConstraints(not_before=None, not_after=None, min_room_capacity=None, apart_from=(a.id,)),
    }
    assert read(database, event, a).apart_from == (c.id,)


def test_all_constraints_keeps_to_its_event(factory, database, backend):
    event, other = factory.event(), factory.event(slug="other")
    mine = factory.topic(event, None)
    factory.constrain(other, factory.topic(other, None), min_room_capacity=3)

    with database.read_session() as session:
        every = topic_constraints.all_constraints(session=session, event_id=event.id)

    assert every == {mine.id: TopicConstraints()}


# --- Pins --------------------------------------------------------------------------------------------


def pinned_of(database, event) -> dict[int, bool]:
    with database.read_session() as session:
        return {p.topic_id: p.pinned for p in placements.list_placements(session=session, event_id=event.id)}


@pytest.fixture
def wall(factory):
    event = factory.event()
    hall, attic = factory.room(event, name="Hall"), factory.room(event, name="Attic")
    morning = factory.slot(event, starts="10:00", ends="11:00")
    afternoon = factory.slot(event, starts="14:00", ends="15:00")
    return event, hall, attic, morning, afternoon


def test_the_facilitator_pins_and_unpins_a_placed_topic(factory, database, backend, wall):
    event, hall, _, morning, _ = wall
    topic = factory.topic(event, None)
    factory.place(event, topic, hall, morning)

    with database.write_session() as session:
        change = placements.set_pinned(
            session=session, event_id=event.id, actor=Actor.facilitator(event.id), topic_id=topic.id, pinned=True
        ).change
    pinned = pinned_of(database, event)
    factory.pin(event, topic, pinned=False)

    assert (change.kinds, change.topic_ids, change.slot_ids) == ({"placement"}, {topic.id}, {morning.id})
    assert pinned == {topic.id: True}
    assert pinned_of(database, event) == {topic.id: False}


def test_pinning_is_for_the_facilitator_only(factory, database, backend, wall):
    event, hall, _, morning, _ = wall
    ada = factory.attendee(event)
    topic = factory.topic(event, ada)
    factory.place(event, topic, hall, morning)

    with pytest.raises(NotAllowed) as refused, database.write_session() as session:
        placements.set_pinned(
            session=session,
            event_id=event.id,
            actor=Actor(event_id=event.id, attendee_id=ada.id),
            topic_id=topic.id,
            pinned=True,
        )

    assert refused.value.message == "Only the facilitator pins sessions for the auto-scheduler."
    assert pinned_of(database, event) == {topic.id: False}


def test_pinning_a_topic_off_the_wall_is_a_conflict(factory, database, backend, wall):
    event = wall[0]
    topic = factory.topic(event, None, title="Tea")

    with pytest.raises(Conflict) as refused, database.write_session() as session:
        placements.set_pinned(
            session=session, event_id=event.id, actor=Actor.facilitator(event.id), topic_id=topic.id, pinned=True
        )

    assert refused.value.message == "“Tea” isn't on the wall: place it first."


def test_a_pin_survives_a_move_and_a_swap(factory, database, backend, wall):
    event, hall, attic, morning, afternoon = wall
    first, second = factory.topic(event, None, title="First"), factory.topic(event, None, title="Second")
    factory.place(event, first, hall, morning)
    factory.place(event, second, attic, afternoon)
    factory.pin(event, second)

    factory.place(event, second, hall, afternoon)  # moved by hand
    moved = pinned_of(database, event)
    for topic, other in ((first, second), (second, first)):  # swapped both ways: each row is rebuilt once
        with database.write_session() as session:
            placements.swap_topics(
                session=session,
                event_id=event.id,
                actor=Actor.facilitator(event.id),
                topic_id=topic.id,
                other_topic_id=other.id,
            )
        assert pinned_of(database, event) == {first.id: False, second.id: True}

    assert moved == {first.id: False, second.id: True}


def test_taking_a_pinned_topic_off_the_wall_drops_the_pin(factory, database, backend, wall):
    event, hall, _, morning, _ = wall
    topic = factory.topic(event, None)
    factory.place(event, topic, hall, morning)
    factory.pin(event, topic)

    with database.write_session() as session:
        placements.take_off_wall(
            session=session, event_id=event.id, actor=Actor.facilitator(event.id), topic_id=topic.id
        )
    factory.place(event, topic, hall, morning)

    assert pinned_of(database, event) == {topic.id: False}
