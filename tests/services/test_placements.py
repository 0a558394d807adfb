"""The agenda wall's rules: placing and moving, taken cells, convener clashes, who places, swaps, taking off, pins."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from app.models import Placement, Room, Slot, SlotKind, Topic, TopicStatus
from app.services import attendance, placements, topics
from app.services.actors import Actor
from app.services.errors import (
    CellTaken,
    ConvenerClash,
    InvalidInput,
    NotAllowed,
    NotFound,
    SlotNotForSessions,
    TopicNotActive,
)
from tests.factories import AttendeeWithToken, EventWithKey, Factory


@dataclass
class Wall:
    """An event with two rooms and two session slots, nothing placed yet."""

    event: EventWithKey
    hall: Room
    attic: Room
    morning: Slot
    afternoon: Slot

    @property
    def facilitator(self) -> Actor:
        return Actor.facilitator(self.event.id)


def make_wall(factory: Factory, *, self_placement: bool = False) -> Wall:
    event = factory.event(self_placement=self_placement)
    hall, attic = factory.room(event, name="Hall"), factory.room(event, name="Attic")
    morning = factory.slot(event, starts="10:00", ends="11:00", label="Morning")
    afternoon = factory.slot(event, starts="14:00", ends="15:00", label="Afternoon")
    return Wall(event, hall, attic, morning, afternoon)


@pytest.fixture
def wall(factory: Factory) -> Wall:
    return make_wall(factory)


def as_attendee(event: EventWithKey, attendee: AttendeeWithToken) -> Actor:
    return Actor(event_id=event.id, attendee_id=attendee.id, attendee_name=attendee.attendee.display_name)


def place(database, wall: Wall, actor: Actor, topic: Topic, room: Room, slot: Slot) -> Placement:
    with database.write_session() as session:
        return placements.place_topic(
            session=session, event_id=wall.event.id, actor=actor, topic_id=topic.id, room_id=room.id, slot_id=slot.id
        ).result


def swap(database, wall: Wall, actor: Actor, topic: Topic, other: Topic) -> None:
    with database.write_session() as session:
        placements.swap_topics(
            session=session, event_id=wall.event.id, actor=actor, topic_id=topic.id, other_topic_id=other.id
        )


def take_off(database, wall: Wall, actor: Actor, topic: Topic) -> None:
    with database.write_session() as session:
        placements.take_off_wall(session=session, event_id=wall.event.id, actor=actor, topic_id=topic.id)


def cells(database, wall: Wall) -> dict[int, tuple[int, int]]:
    """topic id → (room id, slot id) of every placement of the wall's event."""
    with database.read_session() as session:
        return {
            p.topic_id: (p.room_id, p.slot_id)
            for p in placements.list_placements(session=session, event_id=wall.event.id)
        }


def pins(database, wall: Wall) -> dict[int, bool]:
    with database.read_session() as session:
        return {p.topic_id: p.pinned for p in placements.list_placements(session=session, event_id=wall.event.id)}


def status_of(database, topic: Topic) -> TopicStatus:
    with database.read_session() as session:
        found = session.get(Topic, topic.id)
        assert found is not None
        return found.status


def day_of(database, attendee: AttendeeWithToken) -> dict[int, int]:
    with database.read_session() as session:
        return attendance.my_day(session=session, attendee_id=attendee.id)


def going(database, wall: Wall) -> dict[int, int]:
    with database.read_session() as session:
        return attendance.going_counts(session=session, event_id=wall.event.id)


# --- Placing and moving ------------------------------------------------------------------------------


def test_place_topic_puts_it_in_the_cell_and_marks_it_placed(factory, database, backend, wall):
    ada = factory.attendee(wall.event)
    topic = factory.topic(wall.event, ada, title="Remote work")

    placed = place(database, wall, wall.facilitator, topic, wall.hall, wall.morning)

    assert (placed.topic_id, placed.room_id, placed.slot_id, placed.convener_id, placed.pinned) == (
        topic.id,
        wall.hall.id,
        wall.morning.id,
        ada.id,
        False,
    )
    assert cells(database, wall) == {topic.id: (wall.hall.id, wall.morning.id)}
    assert status_of(database, topic) == TopicStatus.placed


def test_place_topic_again_moves_it_keeping_one_placement(factory, database, backend, wall):
    topic = factory.topic(wall.event, None)
    first = place(database, wall, wall.facilitator, topic, wall.hall, wall.morning)

    moved = place(database, wall, wall.facilitator, topic, wall.attic, wall.afternoon)

    assert moved.id == first.id
    assert cells(database, wall) == {topic.id: (wall.attic.id, wall.afternoon.id)}
    assert status_of(database, topic) == TopicStatus.placed


def test_place_topic_into_its_own_cell_changes_nothing(factory, database, backend, wall):
    topic = factory.topic(wall.event, None)
    factory.place(wall.event, topic, wall.hall, wall.morning)

    place(database, wall, wall.facilitator, topic, wall.hall, wall.morning)

    assert cells(database, wall) == {topic.id: (wall.hall.id, wall.morning.id)}


def test_place_topic_into_another_slot_takes_its_attendees_along(factory, database, backend, wall):
    ada, bob = factory.attendee(wall.event, name="Ada"), factory.attendee(wall.event, name="Bob")
    moving = factory.topic(wall.event, None, title="Moving")
    other = factory.topic(wall.event, None, title="Other")
    factory.place(wall.event, moving, wall.hall, wall.morning)
    factory.place(wall.event, other, wall.attic, wall.afternoon)
    factory.attend(ada, wall.morning, moving)
    factory.attend(bob, wall.morning, moving)
    factory.attend(bob, wall.afternoon, other)  # Bob is already going elsewhere then

    place(database, wall, wall.facilitator, moving, wall.hall, wall.afternoon)

    assert day_of(database, ada) == {wall.afternoon.id: moving.id}
    assert day_of(database, bob) == {wall.afternoon.id: other.id}
    assert going(database, wall) == {moving.id: 1, other.id: 1}


def test_place_topic_into_another_room_of_the_same_slot_keeps_its_attendees(factory, database, backend, wall):
    ada = factory.attendee(wall.event)
    topic = factory.topic(wall.event, None)
    factory.place(wall.event, topic, wall.hall, wall.morning)
    factory.attend(ada, wall.morning, topic)

    place(database, wall, wall.facilitator, topic, wall.attic, wall.morning)

    assert day_of(database, ada) == {wall.morning.id: topic.id}


def test_place_topic_into_a_taken_cell_is_refused_naming_the_topic_there(factory, database, backend, wall):
    there = factory.topic(wall.event, None, title="Already here")
    topic = factory.topic(wall.event, None, title="Newcomer")
    factory.place(wall.event, there, wall.hall, wall.morning)

    with pytest.raises(CellTaken) as refused:
        place(database, wall, wall.facilitator, topic, wall.hall, wall.morning)

    assert refused.value.message == "Hall at 10:00 already has 'Already here'."
    assert cells(database, wall) == {there.id: (wall.hall.id, wall.morning.id)}
    assert status_of(database, topic) == TopicStatus.proposed


def test_place_topic_where_its_convener_already_runs_one_is_refused(factory, database, backend, wall):
    ada = factory.attendee(wall.event)
    first = factory.topic(wall.event, ada, title="First of Ada's")
    second = factory.topic(wall.event, ada, title="Second of Ada's")
    factory.place(wall.event, first, wall.hall, wall.morning)
    factory.place(wall.event, second, wall.hall, wall.afternoon)

    with pytest.raises(ConvenerClash) as refused:
        place(database, wall, wall.facilitator, second, wall.attic, wall.morning)

    assert refused.value.message == (
        "The convener already runs 'First of Ada's' in this slot and can't be in two rooms at once."
    )
    assert cells(database, wall) == {
        first.id: (wall.hall.id, wall.morning.id),
        second.id: (wall.hall.id, wall.afternoon.id),
    }


def test_place_topic_facilitators_topics_may_run_side_by_side(factory, database, backend, wall):
    first = factory.topic(wall.event, None, title="First")
    second = factory.topic(wall.event, None, title="Second")
    factory.place(wall.event, first, wall.hall, wall.morning)

    place(database, wall, wall.facilitator, second, wall.attic, wall.morning)

    assert cells(database, wall) == {
        first.id: (wall.hall.id, wall.morning.id),
        second.id: (wall.attic.id, wall.morning.id),
    }


def test_place_topic_of_two_conveners_in_one_slot_is_allowed(factory, database, backend, wall):
    ada, bob = factory.attendee(wall.event, name="Ada"), factory.attendee(wall.event, name="Bob")
    adas, bobs = factory.topic(wall.event, ada, title="Ada's"), factory.topic(wall.event, bob, title="Bob's")
    factory.place(wall.event, adas, wall.hall, wall.morning)

    place(database, wall, wall.facilitator, bobs, wall.attic, wall.morning)

    assert cells(database, wall)[bobs.id] == (wall.attic.id, wall.morning.id)


@pytest.mark.parametrize(
    ("kind", "label", "message"),
    [
        (SlotKind.break_, "Lunch", "'Lunch' is a break slot: only session slots take topics."),
        (SlotKind.plenary, "Opening circle", "'Opening circle' is a plenary slot: only session slots take topics."),
        (SlotKind.plenary, "", "'This slot' is a plenary slot: only session slots take topics."),
    ],
)
def test_place_topic_into_a_slot_not_for_sessions_is_refused(factory, database, backend, wall, kind, label, message):
    not_for_sessions = factory.slot(wall.event, starts="12:00", ends="13:00", label=label, kind=kind)
    topic = factory.topic(wall.event, None)

    with pytest.raises(SlotNotForSessions) as refused:
        place(database, wall, wall.facilitator, topic, wall.hall, not_for_sessions)

    assert refused.value.message == message
    assert cells(database, wall) == {}
    assert status_of(database, topic) == TopicStatus.proposed


def test_place_topic_in_an_unknown_or_another_events_room_or_slot_is_not_found(factory, database, backend, wall):
    elsewhere = factory.event(slug="elsewhere")
    their_room = factory.room(elsewhere, name="Their room")
    their_slot = factory.slot(elsewhere)
    topic = factory.topic(wall.event, None)

    with pytest.raises(NotFound) as no_room:
        place(database, wall, wall.facilitator, topic, their_room, wall.morning)
    with pytest.raises(NotFound) as no_slot:
        place(database, wall, wall.facilitator, topic, wall.hall, their_slot)
    with pytest.raises(NotFound) as no_topic, database.write_session() as session:
        placements.place_topic(
            session=session,
            event_id=wall.event.id,
            actor=wall.facilitator,
            topic_id=999_999,
            room_id=wall.hall.id,
            slot_id=wall.morning.id,
        )

    assert no_room.value.message == f"There is no room {their_room.id} in this event."
    assert no_slot.value.message == f"There is no slot {their_slot.id} in this event."
    assert no_topic.value.message == "There is no topic 999999 in this event."
    assert cells(database, wall) == {}


@pytest.mark.parametrize("retire", ["withdraw", "hide"])
def test_place_topic_that_is_no_longer_active_is_refused(factory, database, backend, wall, retire):
    ada = factory.attendee(wall.event)
    topic = factory.topic(wall.event, ada, title="Gone")
    with database.write_session() as session:
        if retire == "withdraw":
            topics.withdraw_topic(
                session=session, event_id=wall.event.id, topic_id=topic.id, actor=as_attendee(wall.event, ada)
            )
        else:
            topics.hide_topic(session=session, event_id=wall.event.id, topic_id=topic.id)

    with pytest.raises(TopicNotActive) as refused:
        place(database, wall, wall.facilitator, topic, wall.hall, wall.morning)

    expected = "withdrawn" if retire == "withdraw" else "hidden"
    assert refused.value.message == f"'Gone' was {expected}: it is no longer on the marketplace."
    assert cells(database, wall) == {}


def test_place_topic_by_an_actor_of_another_event_is_refused(factory, database, backend, wall):
    elsewhere = factory.event(slug="elsewhere")
    topic = factory.topic(wall.event, None)

    with pytest.raises(NotAllowed) as refused:
        place(database, wall, Actor.facilitator(elsewhere.id), topic, wall.hall, wall.morning)

    assert refused.value.message == "You are not part of this event."
    assert cells(database, wall) == {}


# --- Who may place -----------------------------------------------------------------------------------


def test_place_topic_by_its_convener_with_self_placement_on(factory, database, backend):
    wall = make_wall(factory, self_placement=True)
    ada = factory.attendee(wall.event)
    topic = factory.topic(wall.event, ada)

    place(database, wall, as_attendee(wall.event, ada), topic, wall.hall, wall.morning)
    place(database, wall, as_attendee(wall.event, ada), topic, wall.attic, wall.afternoon)

    assert cells(database, wall) == {topic.id: (wall.attic.id, wall.afternoon.id)}


def test_place_topic_by_its_convener_with_self_placement_off_is_refused(factory, database, backend, wall):
    ada = factory.attendee(wall.event)
    topic = factory.topic(wall.event, ada)

    with pytest.raises(NotAllowed) as refused:
        place(database, wall, as_attendee(wall.event, ada), topic, wall.hall, wall.morning)

    assert refused.value.message == "Only the facilitator places topics on the wall in this event."
    assert cells(database, wall) == {}


@pytest.mark.parametrize("convened_by", ["another attendee", "the facilitator"])
def test_place_topic_of_someone_else_by_an_attendee_is_refused(factory, database, backend, convened_by):
    wall = make_wall(factory, self_placement=True)
    ada, bob = factory.attendee(wall.event, name="Ada"), factory.attendee(wall.event, name="Bob")
    topic = factory.topic(wall.event, bob if convened_by == "another attendee" else None)

    with pytest.raises(NotAllowed) as refused:
        place(database, wall, as_attendee(wall.event, ada), topic, wall.hall, wall.morning)

    assert refused.value.message == "You can only place your own topics on the wall."
    assert cells(database, wall) == {}


def test_place_topic_by_a_visitor_is_refused(factory, database, backend):
    wall = make_wall(factory, self_placement=True)
    topic = factory.topic(wall.event, None)

    with pytest.raises(NotAllowed) as refused:
        place(database, wall, Actor(event_id=wall.event.id), topic, wall.hall, wall.morning)

    assert refused.value.message == "You can only place your own topics on the wall."


def test_place_topic_by_the_facilitator_places_any_topic(factory, database, backend, wall):
    ada = factory.attendee(wall.event)
    adas, own = factory.topic(wall.event, ada, title="Ada's"), factory.topic(wall.event, None, title="Own")

    place(database, wall, wall.facilitator, adas, wall.hall, wall.morning)
    place(database, wall, wall.facilitator, own, wall.attic, wall.morning)

    assert cells(database, wall) == {
        adas.id: (wall.hall.id, wall.morning.id),
        own.id: (wall.attic.id, wall.morning.id),
    }


def test_place_topic_by_a_convener_still_obeys_the_wall(factory, database, backend):
    wall = make_wall(factory, self_placement=True)
    ada, bob = factory.attendee(wall.event, name="Ada"), factory.attendee(wall.event, name="Bob")
    bobs = factory.topic(wall.event, bob, title="Bob's")
    adas = factory.topic(wall.event, ada, title="Ada's")
    factory.place(wall.event, bobs, wall.hall, wall.morning)

    with pytest.raises(CellTaken) as refused:
        place(database, wall, as_attendee(wall.event, ada), adas, wall.hall, wall.morning)

    assert refused.value.message == "Hall at 10:00 already has 'Bob's'."


# --- Swapping ----------------------------------------------------------------------------------------


def test_swap_topics_exchanges_their_cells_and_their_attendees_follow(factory, database, backend, wall):
    ada, bob, cy = (factory.attendee(wall.event, name=name) for name in ("Ada", "Bob", "Cy"))
    first, second = factory.topic(wall.event, ada, title="First"), factory.topic(wall.event, bob, title="Second")
    factory.place(wall.event, first, wall.hall, wall.morning)
    factory.place(wall.event, second, wall.attic, wall.afternoon)
    factory.attend(ada, wall.morning, first)
    factory.attend(bob, wall.afternoon, second)
    factory.attend(cy, wall.morning, first)
    factory.attend(cy, wall.afternoon, second)

    swap(database, wall, wall.facilitator, first, second)

    assert cells(database, wall) == {
        first.id: (wall.attic.id, wall.afternoon.id),
        second.id: (wall.hall.id, wall.morning.id),
    }
    assert day_of(database, ada) == {wall.afternoon.id: first.id}
    assert day_of(database, bob) == {wall.morning.id: second.id}
    assert day_of(database, cy) == {wall.afternoon.id: first.id, wall.morning.id: second.id}
    assert (status_of(database, first), status_of(database, second)) == (TopicStatus.placed, TopicStatus.placed)


def test_swap_topics_keeps_each_topics_pin(factory, database, backend, wall):
    first, second = factory.topic(wall.event, None, title="First"), factory.topic(wall.event, None, title="Second")
    factory.place(wall.event, first, wall.hall, wall.morning)
    factory.place(wall.event, second, wall.attic, wall.morning)
    factory.pin(wall.event, first)

    swap(database, wall, wall.facilitator, first, second)

    assert cells(database, wall) == {
        first.id: (wall.attic.id, wall.morning.id),
        second.id: (wall.hall.id, wall.morning.id),
    }
    assert pins(database, wall) == {first.id: True, second.id: False}


def test_swap_topics_with_itself_is_refused(factory, database, backend, wall):
    topic = factory.topic(wall.event, None)
    factory.place(wall.event, topic, wall.hall, wall.morning)

    with pytest.raises(InvalidInput) as refused:
        swap(database, wall, wall.facilitator, topic, topic)

    assert refused.value.message == "Pick two different topics to swap."


def test_swap_topics_with_one_off_the_wall_is_refused(factory, database, backend, wall):
    placed, loose = factory.topic(wall.event, None, title="Placed"), factory.topic(wall.event, None, title="Loose")
    factory.place(wall.event, placed, wall.hall, wall.morning)

    with pytest.raises(InvalidInput) as refused:
        swap(database, wall, wall.facilitator, placed, loose)

    assert refused.value.message == "Both topics must be on the wall to swap them; place the other one instead."
    assert cells(database, wall) == {placed.id: (wall.hall.id, wall.morning.id)}


def test_swap_topics_into_a_convener_clash_is_refused_and_leaves_both_in_place(factory, database, backend, wall):
    ada, bob = factory.attendee(wall.event, name="Ada"), factory.attendee(wall.event, name="Bob")
    adas_morning = factory.topic(wall.event, ada, title="Ada's morning")
    adas_afternoon = factory.topic(wall.event, ada, title="Ada's afternoon")
    bobs = factory.topic(wall.event, bob, title="Bob's")
    factory.place(wall.event, adas_morning, wall.hall, wall.morning)
    factory.place(wall.event, bobs, wall.attic, wall.afternoon)
    factory.place(wall.event, adas_afternoon, wall.hall, wall.afternoon)
    factory.attend(bob, wall.morning, adas_morning)
    factory.pin(wall.event, bobs)
    before = cells(database, wall)

    with pytest.raises(ConvenerClash) as refused:
        swap(database, wall, wall.facilitator, adas_morning, bobs)

    assert refused.value.message == (
        "The convener already runs 'Ada's afternoon' in this slot and can't be in two rooms at once."
    )
    assert cells(database, wall) == before
    assert pins(database, wall)[bobs.id] is True
    assert day_of(database, bob) == {wall.morning.id: adas_morning.id}


def test_swap_topics_by_a_convener_needs_both_topics_to_be_theirs(factory, database, backend):
    wall = make_wall(factory, self_placement=True)
    ada, bob = factory.attendee(wall.event, name="Ada"), factory.attendee(wall.event, name="Bob")
    adas, bobs = factory.topic(wall.event, ada, title="Ada's"), factory.topic(wall.event, bob, title="Bob's")
    factory.place(wall.event, adas, wall.hall, wall.morning)
    factory.place(wall.event, bobs, wall.hall, wall.afternoon)
    before = cells(database, wall)

    with pytest.raises(NotAllowed) as refused:
        swap(database, wall, as_attendee(wall.event, ada), adas, bobs)

    assert refused.value.message == "You can only place your own topics on the wall."
    assert cells(database, wall) == before


def test_swap_topics_of_a_retired_topic_is_refused(factory, database, backend, wall):
    placed, hidden = factory.topic(wall.event, None, title="Placed"), factory.topic(wall.event, None, title="Hidden")
    factory.place(wall.event, placed, wall.hall, wall.morning)
    with database.write_session() as session:
        topics.hide_topic(session=session, event_id=wall.event.id, topic_id=hidden.id)

    with pytest.raises(TopicNotActive) as refused:
        swap(database, wall, wall.facilitator, placed, hidden)

    assert refused.value.message == "'Hidden' was hidden: it is no longer on the marketplace."


def test_swap_topics_when_an_attendee_already_goes_elsewhere_in_the_new_slot(factory, database, backend, wall):
    cy = factory.attendee(wall.event, name="Cy")
    first, second = factory.topic(wall.event, None, title="First"), factory.topic(wall.event, None, title="Second")
    elsewhere = factory.topic(wall.event, None, title="Elsewhere")
    factory.place(wall.event, first, wall.hall, wall.morning)
    factory.place(wall.event, second, wall.hall, wall.afternoon)
    factory.place(wall.event, elsewhere, wall.attic, wall.afternoon)
    factory.attend(cy, wall.morning, first)
    factory.attend(cy, wall.afternoon, elsewhere)

    swap(database, wall, wall.facilitator, first, second)

    assert cells(database, wall)[first.id] == (wall.hall.id, wall.afternoon.id)
    assert day_of(database, cy) == {wall.afternoon.id: elsewhere.id}


# --- Taking off the wall -----------------------------------------------------------------------------


def test_take_off_wall_returns_the_topic_to_the_marketplace_with_its_votes(factory, database, backend, wall):
    ada, bob = factory.attendee(wall.event, name="Ada"), factory.attendee(wall.event, name="Bob")
    topic, stays = factory.topic(wall.event, None, title="Leaves"), factory.topic(wall.event, None, title="Stays")
    factory.vote(ada, topic)
    factory.place(wall.event, topic, wall.hall, wall.morning)
    factory.place(wall.event, stays, wall.attic, wall.morning)
    factory.attend(ada, wall.morning, topic)
    factory.attend(bob, wall.morning, stays)

    take_off(database, wall, wall.facilitator, topic)

    assert cells(database, wall) == {stays.id: (wall.attic.id, wall.morning.id)}
    assert status_of(database, topic) == TopicStatus.proposed
    assert (day_of(database, ada), day_of(database, bob)) == ({}, {wall.morning.id: stays.id})
    with database.read_session() as session:
        assert (
            topics.get_topic_view(
                session=session, event_id=wall.event.id, topic_id=topic.id, actor=Actor.facilitator(wall.event.id)
            ).votes
            == 1
        )


def test_take_off_wall_of_a_topic_not_on_it_changes_nothing(factory, database, backend, wall):
    topic = factory.topic(wall.event, None)

    take_off(database, wall, wall.facilitator, topic)

    assert (cells(database, wall), status_of(database, topic)) == ({}, TopicStatus.proposed)


def test_take_off_wall_by_its_convener_with_self_placement(factory, database, backend):
    wall = make_wall(factory, self_placement=True)
    ada = factory.attendee(wall.event)
    topic = factory.topic(wall.event, ada)
    factory.place(wall.event, topic, wall.hall, wall.morning)

    take_off(database, wall, as_attendee(wall.event, ada), topic)

    assert (cells(database, wall), status_of(database, topic)) == ({}, TopicStatus.proposed)


@pytest.mark.parametrize(
    ("self_placement", "message"),
    [
        (False, "Only the facilitator places topics on the wall in this event."),
        (True, "You can only place your own topics on the wall."),
    ],
)
def test_take_off_wall_by_another_attendee_is_refused(factory, database, backend, self_placement, message):
    wall = make_wall(factory, self_placement=self_placement)
    ada, bob = factory.attendee(wall.event, name="Ada"), factory.attendee(wall.event, name="Bob")
    topic = factory.topic(wall.event, ada)
    factory.place(wall.event, topic, wall.hall, wall.morning)

    with pytest.raises(NotAllowed) as refused:
        take_off(database, wall, as_attendee(wall.event, bob), topic)

    assert refused.value.message == message
    assert cells(database, wall) == {topic.id: (wall.hall.id, wall.morning.id)}


def test_take_off_wall_by_an_actor_of_another_event_is_refused(factory, database, backend, wall):
    elsewhere = factory.event(slug="elsewhere")
    topic = factory.topic(wall.event, None)
    factory.place(wall.event, topic, wall.hall, wall.morning)

    with pytest.raises(NotAllowed) as refused:
        take_off(database, wall, Actor.facilitator(elsewhere.id), topic)

    assert refused.value.message == "You are not part of this event."
    assert cells(database, wall) == {topic.id: (wall.hall.id, wall.morning.id)}


# --- Pins (more in test_topic_constraints.py, beside the auto-scheduler's other inputs) ---------------


def test_set_pinned_returns_the_placement(factory, database, backend, wall):
    topic = factory.topic(wall.event, None)
    factory.place(wall.event, topic, wall.hall, wall.morning)

    with database.write_session() as session:
        pinned = placements.set_pinned(
            session=session, event_id=wall.event.id, actor=wall.facilitator, topic_id=topic.id, pinned=True
        ).result

    assert (pinned.topic_id, pinned.room_id, pinned.slot_id, pinned.pinned) == (
        topic.id,
        wall.hall.id,
        wall.morning.id,
        True,
    )


def test_set_pinned_by_an_actor_of_another_event_is_refused(factory, database, backend, wall):
    elsewhere = factory.event(slug="elsewhere")
    topic = factory.topic(wall.event, None)
    factory.place(wall.event, topic, wall.hall, wall.morning)

    with pytest.raises(NotAllowed) as refused, database.write_session() as session:
        placements.set_pinned(
            session=session,
            event_id=wall.event.id,
            actor=Actor.facilitator(elsewhere.id),
            topic_id=topic.id,
            pinned=True,
        )

    assert refused.value.message == "You are not part of this event."
    assert pins(database, wall) == {topic.id: False}


def test_set_pinned_on_a_withdrawn_topic_is_refused(factory, database, backend, wall):
    ada = factory.attendee(wall.event)
    topic = factory.topic(wall.event, ada, title="Gone")
    factory.place(wall.event, topic, wall.hall, wall.morning)
    with database.write_session() as session:
        topics.withdraw_topic(
            session=session, event_id=wall.event.id, topic_id=topic.id, actor=as_attendee(wall.event, ada)
        )

    with pytest.raises(TopicNotActive) as refused, database.write_session() as session:
        placements.set_pinned(
            session=session, event_id=wall.event.id, actor=wall.facilitator, topic_id=topic.id, pinned=True
        )

    assert refused.value.message == "'Gone' was withdrawn: it is no longer on the marketplace."
    assert pins(database, wall) == {}
