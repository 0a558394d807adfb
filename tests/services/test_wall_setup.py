"""Rooms and slots: positions on the wall, what their removal returns to the marketplace, times, and the limits."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from app.models import SlotKind, Topic, TopicStatus
from app.services import attendance, placements, wall_setup
from app.services.errors import InvalidInput, NotFound, SlotOverlap
from tests.factories import EVENT_DATE, EventWithKey


def at(hhmm: str, *, days: int = 0) -> datetime:
    return datetime.fromisoformat(f"{(EVENT_DATE + timedelta(days=days)).isoformat()}T{hhmm}")


def rooms(database, event: EventWithKey) -> list[tuple[str, int, int, str]]:
    """(name, capacity, position, location notes) of each room, in wall order."""
    with database.read_session() as session:
        return [
            (r.name, r.capacity, r.position, r.location_notes)
            for r in wall_setup.list_rooms(session=session, event_id=event.id)
        ]


def room_names(database, event: EventWithKey) -> list[tuple[str, int]]:
    return [(name, position) for name, _, position, _ in rooms(database, event)]


def slots(database, event: EventWithKey) -> list[tuple[datetime, datetime, str, SlotKind]]:
    with database.read_session() as session:
        return [
            (s.starts_at, s.ends_at, s.label, SlotKind(s.kind))
            for s in wall_setup.list_slots(session=session, event_id=event.id)
        ]


def cells(database, event: EventWithKey) -> dict[int, tuple[int, int]]:
    with database.read_session() as session:
        return {
            p.topic_id: (p.room_id, p.slot_id) for p in placements.list_placements(session=session, event_id=event.id)
        }


def status_of(database, topic: Topic) -> TopicStatus:
    with database.read_session() as session:
        found = session.get(Topic, topic.id)
        assert found is not None
        return found.status


def add_room(database, event: EventWithKey, **values):
    with database.write_session() as session:
        return wall_setup.add_room(session=session, event_id=event.id, **values).result


def update_room(database, event: EventWithKey, room_id: int, **values):
    with database.write_session() as session:
        return wall_setup.update_room(session=session, event_id=event.id, room_id=room_id, **values).result


def move_room(database, event: EventWithKey, room_id: int, by: int):
    with database.write_session() as session:
        return wall_setup.move_room(session=session, event_id=event.id, room_id=room_id, by=by).result


def remove_room(database, event: EventWithKey, room_id: int) -> None:
    with database.write_session() as session:
        wall_setup.remove_room(session=session, event_id=event.id, room_id=room_id)


def add_slot(database, event: EventWithKey, starts_at: datetime, ends_at: datetime, **values):
    with database.write_session() as session:
        return wall_setup.add_slot(
            session=session, event_id=event.id, starts_at=starts_at, ends_at=ends_at, **values
        ).result


def update_slot(database, event: EventWithKey, slot_id: int, **values):
    with database.write_session() as session:
        return wall_setup.update_slot(session=session, event_id=event.id, slot_id=slot_id, **values).result


def remove_slot(database, event: EventWithKey, slot_id: int) -> None:
    with database.write_session() as session:
        wall_setup.remove_slot(session=session, event_id=event.id, slot_id=slot_id)


# --- Rooms -------------------------------------------------------------------------------------------


def test_add_room_puts_each_new_room_at_the_end(factory, database, backend):
    event = factory.event()

    hall = add_room(database, event, name="Hall", capacity=80, location_notes="Ground floor, step-free")
    attic = add_room(database, event, name="Attic", capacity=12)

    assert (hall.position, attic.position) == (0, 1)
    assert rooms(database, event) == [("Hall", 80, 0, "Ground floor, step-free"), ("Attic", 12, 1, "")]


def test_add_room_positions_are_counted_per_event(factory, database, backend):
    event, elsewhere = factory.event(slug="here"), factory.event(slug="elsewhere")
    factory.room(elsewhere, name="Theirs")

    room = add_room(database, event, name="Ours", capacity=10)

    assert room.position == 0


def test_add_room_cleans_its_name_and_notes(factory, database, backend):
    event = factory.event()

    add_room(database, event, name="  Main \t hall\u200b ", capacity=10, location_notes=" Up the\nstairs ")

    assert rooms(database, event) == [("Main hall", 10, 0, "Up the stairs")]


def test_add_room_at_the_limits_is_accepted(factory, database, backend):
    event = factory.event()

    add_room(database, event, name="N" * 60, capacity=1, location_notes="L" * 500)
    add_room(database, event, name="Arena", capacity=100_000)

    assert rooms(database, event) == [("N" * 60, 1, 0, "L" * 500), ("Arena", 100_000, 1, "")]


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"name": "  "}, "name", "The room's name can't be empty."),
        ({"name": "N" * 61}, "name", "The room's name is too long: 61 characters, at most 60."),
        ({"capacity": 0}, "capacity", "A room's capacity must be between 1 and 100000."),
        ({"capacity": -5}, "capacity", "A room's capacity must be between 1 and 100000."),
        ({"capacity": 100_001}, "capacity", "A room's capacity must be between 1 and 100000."),
        (
            {"location_notes": "L" * 501},
            "location_notes",
            "The location notes is too long: 501 characters, at most 500.",
        ),
    ],
)
def test_add_room_with_an_invalid_value_is_refused(factory, database, backend, values, field, message):
    event = factory.event()

    with pytest.raises(InvalidInput) as refused:
        add_room(database, event, **({"name": "Hall", "capacity": 10} | values))

    assert (refused.value.field, refused.value.message) == (field, message)
    assert rooms(database, event) == []


def test_update_room_changes_only_what_is_given(factory, database, backend):
    event = factory.event()
    hall = factory.room(event, name="Hall", capacity=50)

    update_room(database, event, hall.id, capacity=60)
    update_room(database, event, hall.id, name=" Great  hall ", location_notes="By the stairs")

    assert rooms(database, event) == [("Great hall", 60, 0, "By the stairs")]


def test_update_room_with_an_invalid_value_writes_nothing(factory, database, backend):
    event = factory.event()
    hall = factory.room(event, name="Hall", capacity=50)

    with pytest.raises(InvalidInput) as refused:
        update_room(database, event, hall.id, name="Renamed", capacity=0)

    assert refused.value.field == "capacity"
    assert rooms(database, event) == [("Hall", 50, 0, "")]


def test_update_room_position_renumbers_the_others(factory, database, backend):
    event = factory.event()
    a, _, c = (factory.room(event, name=name) for name in "ABC")

    update_room(database, event, c.id, position=0)
    after_first = room_names(database, event)
    update_room(database, event, c.id, position=99)
    after_second = room_names(database, event)
    update_room(database, event, a.id, position=-3)

    assert after_first == [("C", 0), ("A", 1), ("B", 2)]
    assert after_second == [("A", 0), ("B", 1), ("C", 2)]
    assert room_names(database, event) == [("A", 0), ("B", 1), ("C", 2)]


def test_move_room_left_and_right_stops_at_the_ends(factory, database, backend):
    event = factory.event()
    a, b, _ = (factory.room(event, name=name) for name in "ABC")

    move_room(database, event, b.id, -1)
    after_left = room_names(database, event)
    move_room(database, event, b.id, -1)
    after_left_again = room_names(database, event)
    move_room(database, event, a.id, +1)
    move_room(database, event, a.id, +1)
    move_room(database, event, a.id, +1)

    assert after_left == [("B", 0), ("A", 1), ("C", 2)]
    assert after_left_again == after_left
    assert room_names(database, event) == [("B", 0), ("C", 1), ("A", 2)]


def test_remove_room_renumbers_the_rest(factory, database, backend):
    event = factory.event()
    _, b, _ = (factory.room(event, name=name) for name in "ABC")

    remove_room(database, event, b.id)

    assert room_names(database, event) == [("A", 0), ("C", 1)]


def test_remove_room_returns_its_topics_to_the_marketplace(factory, database, backend):
    event = factory.event()
    ada = factory.attendee(event)
    hall, attic = factory.room(event, name="Hall"), factory.room(event, name="Attic")
    morning, afternoon = (
        factory.slot(event, starts="10:00", ends="11:00"),
        factory.slot(event, starts="14:00", ends="15:00"),
    )
    leaves = factory.topic(event, None, title="In the attic")
    stays = factory.topic(event, None, title="In the hall")
    factory.vote(ada, leaves)
    factory.place(event, leaves, attic, morning)
    factory.place(event, stays, hall, afternoon)
    factory.attend(ada, morning, leaves)
    factory.attend(ada, afternoon, stays)

    remove_room(database, event, attic.id)

    assert cells(database, event) == {stays.id: (hall.id, afternoon.id)}
    assert (status_of(database, leaves), status_of(database, stays)) == (TopicStatus.proposed, TopicStatus.placed)
    with database.read_session() as session:
        assert attendance.my_day(session=session, attendee_id=ada.id) == {afternoon.id: stays.id}
    assert [name for name, _ in room_names(database, event)] == ["Hall"]


def test_a_room_of_another_event_is_not_found(factory, database, backend):
    event, elsewhere = factory.event(slug="here"), factory.event(slug="elsewhere")
    theirs = factory.room(elsewhere, name="Theirs")

    with pytest.raises(NotFound) as on_update:
        update_room(database, event, theirs.id, name="Ours")
    with pytest.raises(NotFound) as on_move:
        move_room(database, event, theirs.id, 1)
    with pytest.raises(NotFound) as on_remove:
        remove_room(database, event, theirs.id)

    message = f"There is no room {theirs.id} in this event."
    assert (on_update.value.message, on_move.value.message, on_remove.value.message) == (message, message, message)
    assert room_names(database, elsewhere) == [("Theirs", 0)]


# --- Slots -------------------------------------------------------------------------------------------


def test_add_slot_stores_what_was_given(factory, database, backend):
    event = factory.event()

    slot = add_slot(database, event, at("10:00"), at("11:00"), label=" Morning \t round ", kind="plenary")

    assert (slot.starts_at, slot.ends_at, slot.label, slot.kind) == (
        at("10:00"),
        at("11:00"),
        "Morning round",
        SlotKind.plenary,
    )
    assert slots(database, event) == [(at("10:00"), at("11:00"), "Morning round", SlotKind.plenary)]


def test_add_slot_keeps_the_wall_clock_time_and_drops_an_offset_and_seconds(factory, database, backend):
    event = factory.event()
    plus_two = timezone(timedelta(hours=2))

    add_slot(
        database,
        event,
        datetime(2026, 11, 24, 10, 0, 59, 999, tzinfo=plus_two),
        datetime(2026, 11, 24, 11, 30, 1, tzinfo=UTC),
    )

    assert slots(database, event) == [(at("10:00"), at("11:30"), "", SlotKind.sessions)]


def test_list_slots_is_in_time_order(factory, database, backend):
    event = factory.event(days=2)
    add_slot(database, event, at("14:00"), at("15:00"), label="Afternoon")
    add_slot(database, event, at("09:00", days=1), at("10:00", days=1), label="Next day")
    add_slot(database, event, at("09:00"), at("10:00"), label="Early")
    add_slot(database, event, at("10:00"), at("11:00"), label="Morning")

    assert [label for _, _, label, _ in slots(database, event)] == ["Early", "Morning", "Afternoon", "Next day"]


def test_add_slot_right_after_another_is_accepted(factory, database, backend):
    event = factory.event()
    add_slot(database, event, at("10:00"), at("11:00"))

    add_slot(database, event, at("11:00"), at("12:00"))
    add_slot(database, event, at("09:00"), at("10:00"))

    assert [(s, e) for s, e, _, _ in slots(database, event)] == [
        (at("09:00"), at("10:00")),
        (at("10:00"), at("11:00")),
        (at("11:00"), at("12:00")),
    ]


@pytest.mark.parametrize(
    ("starts", "ends"),
    [("10:30", "11:30"), ("09:30", "10:30"), ("10:15", "10:45"), ("09:00", "12:00"), ("10:00", "11:00")],
)
def test_add_slot_overlapping_another_is_refused_naming_it(factory, database, backend, starts, ends):
    event = factory.event()
    add_slot(database, event, at("10:00"), at("11:00"), label="Morning")

    with pytest.raises(SlotOverlap) as refused:
        add_slot(database, event, at(starts), at(ends), label="New")

    assert refused.value.message == ("This slot overlaps 'Morning' (10:00–11:00); slots of one event never overlap.")
    assert [label for _, _, label, _ in slots(database, event)] == ["Morning"]


def test_add_slot_overlapping_an_unlabelled_slot_says_a_slot(factory, database, backend):
    event = factory.event()
    add_slot(database, event, at("10:00"), at("11:00"))

    with pytest.raises(SlotOverlap) as refused:
        add_slot(database, event, at("10:30"), at("11:30"))

    assert refused.value.message == "This slot overlaps 'a slot' (10:00–11:00); slots of one event never overlap."


def test_add_slot_overlapping_another_events_slot_is_accepted(factory, database, backend):
    event, elsewhere = factory.event(slug="here"), factory.event(slug="elsewhere")
    factory.slot(elsewhere, starts="10:00", ends="11:00")

    add_slot(database, event, at("10:00"), at("11:00"))

    assert len(slots(database, event)) == 1


@pytest.mark.parametrize(
    ("starts_at", "ends_at", "message"),
    [
        (at("11:00"), at("10:00"), "A slot must end after it starts."),
        (at("10:00"), at("10:00"), "A slot must end after it starts."),
        (at("10:00"), at("10:00:30"), "A slot must end after it starts."),  # the same minute
        (at("10:00"), at("10:00", days=1), "A slot can't last a day or more."),
        (at("10:00"), at("12:00", days=2), "A slot can't last a day or more."),
    ],
)
def test_add_slot_with_impossible_times_is_refused(factory, database, backend, starts_at, ends_at, message):
    event = factory.event()

    with pytest.raises(InvalidInput) as refused:
        add_slot(database, event, starts_at, ends_at)

    assert (refused.value.field, refused.value.message) == ("ends_at", message)
    assert slots(database, event) == []


def test_add_slot_across_midnight_is_accepted(factory, database, backend):
    event = factory.event(days=2)

    add_slot(database, event, at("23:00"), at("01:00", days=1), label="Night owls")
    add_slot(database, event, at("01:00", days=1), at("09:00", days=1), label="Next morning")

    assert slots(database, event) == [
        (at("23:00"), at("01:00", days=1), "Night owls", SlotKind.sessions),
        (at("01:00", days=1), at("09:00", days=1), "Next morning", SlotKind.sessions),
    ]


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"label": "L" * 61}, "label", "The slot's label is too long: 61 characters, at most 60."),
        ({"kind": "lunch"}, "kind", "A slot's kind is 'sessions', 'plenary' or 'break'."),
    ],
)
def test_add_slot_with_an_invalid_label_or_kind_is_refused(factory, database, backend, values, field, message):
    event = factory.event()

    with pytest.raises(InvalidInput) as refused:
        add_slot(database, event, at("10:00"), at("11:00"), **values)

    assert (refused.value.field, refused.value.message) == (field, message)
    assert slots(database, event) == []


def test_add_slot_label_at_its_limit_is_accepted(factory, database, backend):
    event = factory.event()

    add_slot(database, event, at("10:00"), at("11:00"), label="L" * 60, kind="break")

    assert slots(database, event) == [(at("10:00"), at("11:00"), "L" * 60, SlotKind.break_)]


def test_update_slot_changes_only_what_is_given(factory, database, backend):
    event = factory.event()
    slot = factory.slot(event, starts="10:00", ends="11:00", label="Morning")

    update_slot(database, event, slot.id, ends_at=at("11:30"))
    update_slot(database, event, slot.id, label="Late morning", starts_at=at("10:15:45"))

    assert slots(database, event) == [(at("10:15"), at("11:30"), "Late morning", SlotKind.sessions)]


def test_update_slot_may_overlap_its_own_old_times(factory, database, backend):
    event = factory.event()
    slot = factory.slot(event, starts="10:00", ends="11:00")

    update_slot(database, event, slot.id, starts_at=at("10:30"), ends_at=at("11:30"))

    assert [(s, e) for s, e, _, _ in slots(database, event)] == [(at("10:30"), at("11:30"))]


def test_update_slot_into_another_is_refused_naming_it_and_writes_nothing(factory, database, backend):
    event = factory.event()
    morning = factory.slot(event, starts="10:00", ends="11:00", label="Morning")
    factory.slot(event, starts="11:00", ends="12:00", label="Late morning")

    with pytest.raises(SlotOverlap) as refused:
        update_slot(database, event, morning.id, label="Longer", ends_at=at("11:15"))

    assert refused.value.message == (
        "This slot overlaps 'Late morning' (11:00–12:00); slots of one event never overlap."
    )
    assert slots(database, event)[0] == (at("10:00"), at("11:00"), "Morning", SlotKind.sessions)


def test_update_slot_to_end_before_it_starts_is_refused(factory, database, backend):
    event = factory.event()
    slot = factory.slot(event, starts="10:00", ends="11:00")

    with pytest.raises(InvalidInput) as refused:
        update_slot(database, event, slot.id, starts_at=at("11:00"))

    assert (refused.value.field, refused.value.message) == ("ends_at", "A slot must end after it starts.")
    assert [(s, e) for s, e, _, _ in slots(database, event)] == [(at("10:00"), at("11:00"))]


@pytest.mark.parametrize("kind", [SlotKind.plenary, SlotKind.break_])
def test_update_slot_to_a_kind_without_sessions_returns_its_topics_to_the_marketplace(factory, database, backend, kind):
    event = factory.event()
    ada = factory.attendee(event)
    hall = factory.room(event)
    morning, afternoon = (
        factory.slot(event, starts="10:00", ends="11:00"),
        factory.slot(event, starts="14:00", ends="15:00"),
    )
    leaves, stays = factory.topic(event, None, title="Leaves"), factory.topic(event, None, title="Stays")
    factory.place(event, leaves, hall, morning)
    factory.place(event, stays, hall, afternoon)
    factory.attend(ada, morning, leaves)

    update_slot(database, event, morning.id, kind=kind)

    assert cells(database, event) == {stays.id: (hall.id, afternoon.id)}
    assert (status_of(database, leaves), status_of(database, stays)) == (TopicStatus.proposed, TopicStatus.placed)
    with database.read_session() as session:
        assert attendance.my_day(session=session, attendee_id=ada.id) == {}


def test_update_slot_label_or_times_keep_its_topics(factory, database, backend):
    event = factory.event()
    hall = factory.room(event)
    morning = factory.slot(event, starts="10:00", ends="11:00")
    topic = factory.topic(event, None)
    factory.place(event, topic, hall, morning)

    update_slot(database, event, morning.id, label="Renamed", starts_at=at("09:30"), kind=SlotKind.sessions)

    assert cells(database, event) == {topic.id: (hall.id, morning.id)}


def test_remove_slot_returns_its_topics_to_the_marketplace(factory, database, backend):
    event = factory.event()
    hall = factory.room(event)
    morning, afternoon = (
        factory.slot(event, starts="10:00", ends="11:00"),
        factory.slot(event, starts="14:00", ends="15:00"),
    )
    leaves, stays = factory.topic(event, None, title="Leaves"), factory.topic(event, None, title="Stays")
    factory.place(event, leaves, hall, morning)
    factory.place(event, stays, hall, afternoon)

    remove_slot(database, event, morning.id)

    assert cells(database, event) == {stays.id: (hall.id, afternoon.id)}
    assert status_of(database, leaves) == TopicStatus.proposed
    assert [(s, e) for s, e, _, _ in slots(database, event)] == [(at("14:00"), at("15:00"))]


def test_a_slot_of_another_event_is_not_found(factory, database, backend):
    event, elsewhere = factory.event(slug="here"), factory.event(slug="elsewhere")
    theirs = factory.slot(elsewhere)

    with pytest.raises(NotFound) as on_update:
        update_slot(database, event, theirs.id, label="Ours")
    with pytest.raises(NotFound) as on_remove:
        remove_slot(database, event, theirs.id)

    message = f"There is no slot {theirs.id} in this event."
    assert (on_update.value.message, on_remove.value.message) == (message, message)
    assert len(slots(database, elsewhere)) == 1
