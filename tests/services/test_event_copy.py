"""Copying an event as a template: the wall, themes and settings for a new date; nobody and nothing of theirs."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import func, select
from sqlmodel import col

from app.db import exec_select
from app.models import Activity, Attendee, Event, Facilitator, Room, SlotKind, Topic, id_of
from app.models.event import EventUpdate
from app.services import event_copy, events, team, themes, wall_setup
from app.services.errors import Conflict, InvalidInput, NotFound
from tests.factories import EventWithKey, Factory

NEXT_YEAR = date(2027, 11, 23)  # 364 days after tests/factories.py EVENT_DATE


def a_lived_day(factory: Factory) -> EventWithKey:
    """An event with its frame (two rooms, three slots, two themes, its own settings) and a day lived in it."""
    event = factory.event(name="Autumn Gathering", slug="autumn", join_code="ACORN", self_placement=True, days=2)
    factory.room(event, name="Hall", capacity=40)
    factory.room(event, name="Attic", capacity=8)
    factory.slot(event, starts="09:00", ends="09:30", label="Opening circle", kind=SlotKind.plenary)
    factory.slot(event, starts="10:00", ends="11:00", label="Morning")
    with factory.database.write_session() as session:  # a slot on the next day
        next_day = datetime(2026, 11, 25, 14, 0)
        wall_setup.add_slot(session=session, event_id=event.id, starts_at=next_day, ends_at=next_day.replace(hour=15))
    care = factory.theme(event, name="Care", description="Looking after each other")
    factory.theme(event, name="Data")
    ada = factory.attendee(event, name="Ada")
    factory.topic(event, ada, title="Rest", theme=care)
    with factory.database.write_session() as session:
        events.update_event(
            session=session,
            event_id=event.id,
            update=EventUpdate(
                votes_per_attendee=3,
                board_mode="now",
                board_cycle_seconds=45,
                topic_limit=80,
                board_contrast=True,
                theme_required=True,
                language="de",
                board_second_language="en",
                notes_locked=True,
                harvest_published=True,
                voting_open=True,
            ),
        )
    return event


def copy(factory: Factory, event: EventWithKey, **values: object) -> event_copy.CopiedEvent:
    arguments: dict[str, object] = {"date": NEXT_YEAR, "name": "Autumn Gathering 2027", "slug": "autumn-27"} | values
    with factory.database.write_session() as session:
        return event_copy.copy_event(session=session, event_id=event.id, **arguments).result  # type: ignore[arg-type]


def count(factory: Factory, model: type, event_id: int) -> int:
    with factory.database.read_session() as session:
        column = col(model.event_id)  # type: ignore[attr-defined]
        return int(exec_select(session, select(func.count()).where(column == event_id)).scalar_one())


def test_a_copy_has_the_rooms_themes_and_settings_and_a_key_of_its_own(factory, backend):
    source = a_lived_day(factory)

    made = copy(factory, source, facilitator_name="Kim")

    new = made.new.event
    with factory.database.read_session() as session:
        stored = session.get(Event, id_of(new))
        assert stored is not None
        rooms = [(r.name, r.capacity, r.position) for r in wall_setup.list_rooms(session=session, event_id=id_of(new))]
        marks = [(t.name, t.description, t.mark) for t in themes.list_themes(session=session, event_id=id_of(new))]
        first = team.member_for_key(session=session, event_id=id_of(new), key=made.new.facilitator_key)
        old_key_there = team.member_for_key(session=session, event_id=id_of(new), key=source.key)
    assert (stored.name, stored.slug, stored.date, stored.timezone) == (
        "Autumn Gathering 2027",
        "autumn-27",
        NEXT_YEAR,
        "Europe/London",
    )
    settings = {name: getattr(stored, name) for name in event_copy.COPIED_SETTINGS}
    assert settings == {
        "votes_per_attendee": 3,
        "board_mode": "now",
        "board_cycle_seconds": 45,
        "topic_limit": 80,
        "board_contrast": True,
        "theme_required": True,
        "language": "de",
        "board_second_language": "en",
    }
    assert rooms == [("Hall", 40, 0), ("Attic", 8, 1)]
    assert marks == [("Care", "Looking after each other", "circle"), ("Data", "", "square")]
    assert (made.rooms, made.slots, made.themes) == (2, 3, 2)
    assert (first is not None and first.name, old_key_there) == ("Kim", None)


def test_a_copys_slots_move_to_the_new_date_keeping_their_times_and_days_apart(factory, backend):
    source = a_lived_day(factory)

    made = copy(factory, source)

    with factory.database.read_session() as session:
        slots = wall_setup.list_slots(session=session, event_id=id_of(made.new.event))
        moved = [(s.starts_at, s.ends_at, s.label, s.kind) for s in slots]
    assert moved == [
        (datetime(2027, 11, 23, 9, 0), datetime(2027, 11, 23, 9, 30), "Opening circle", "plenary"),
        (datetime(2027, 11, 23, 10, 0), datetime(2027, 11, 23, 11, 0), "Morning", "sessions"),
        (datetime(2027, 11, 24, 14, 0), datetime(2027, 11, 24, 15, 0), "", "sessions"),
    ]


def test_a_copy_has_nobody_no_topics_no_activity_and_starts_its_phases_afresh(factory, backend):
    source = a_lived_day(factory)

    made = copy(factory, source)

    new_id = id_of(made.new.event)
    counts = {model.__name__: count(factory, model, new_id) for model in (Attendee, Topic, Activity, Facilitator)}
    assert counts == {"Attendee": 0, "Topic": 0, "Activity": 0, "Facilitator": 1}
    stored = made.new.event
    phases = {name: getattr(stored, name) for name in sorted(event_copy.PHASE_SWITCHES)}
    assert phases == {
        "harvest_published": False,
        "notes_locked": False,
        "proposals_open": True,
        "self_placement": False,
        "voting_open": False,
    }
    assert stored.join_code is None  # last time's people know the old one


def test_a_copy_takes_a_time_zone_and_a_join_code_when_given(factory, backend):
    source = a_lived_day(factory)

    made = copy(factory, source, timezone="Europe/Berlin", join_code="  CHESTNUT ")

    assert (made.new.event.timezone, made.new.event.join_code) == ("Europe/Berlin", "CHESTNUT")


def test_a_copy_without_a_name_or_slug_takes_the_old_name_and_a_free_slug(factory, backend):
    source = a_lived_day(factory)

    made = copy(factory, source, name=None, slug=None)

    assert (made.new.event.name, made.new.event.slug) == ("Autumn Gathering", "autumn-gathering")


def test_the_event_copied_is_left_as_it_was(factory, backend):
    source = a_lived_day(factory)
    before = {model.__name__: count(factory, model, source.id) for model in (Attendee, Topic, Facilitator)}

    copy(factory, source)

    after = {model.__name__: count(factory, model, source.id) for model in (Attendee, Topic, Facilitator)}
    with factory.database.read_session() as session:
        rooms = len(wall_setup.list_rooms(session=session, event_id=source.id))
    assert (after, rooms) == (before, 2)


def test_a_copy_into_a_slug_that_exists_is_a_conflict_and_writes_nothing(factory, backend):
    source = a_lived_day(factory)
    factory.event(name="Taken", slug="autumn-27")
    with factory.database.read_session() as session:
        events_before = int(exec_select(session, select(func.count(col(Event.id)))).scalar_one())

    with pytest.raises(Conflict) as refused:
        copy(factory, source, slug="autumn-27")

    with factory.database.read_session() as session:
        events_after = int(exec_select(session, select(func.count(col(Event.id)))).scalar_one())
        rooms_anywhere = int(exec_select(session, select(func.count()).select_from(Room)).scalar_one())
    assert refused.value.message == "The slug 'autumn-27' is already used by another event."
    assert (events_after, rooms_anywhere) == (events_before, 2)


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"slug": "Not OK!"}, "slug"),
        ({"name": "   "}, "name"),
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"join_code": "x" * 41}, "join_code"),
    ],
)
def test_a_copy_with_bad_input_names_the_field_and_writes_nothing(factory, backend, values, field):
    source = a_lived_day(factory)

    with pytest.raises(InvalidInput) as refused:
        copy(factory, source, **values)

    with factory.database.read_session() as session:
        slugs = sorted(exec_select(session, select(col(Event.slug))).scalars())
    assert (refused.value.field, slugs) == (field, ["autumn"])


def test_copying_an_event_that_is_gone_is_not_found(factory, backend):
    with pytest.raises(NotFound), factory.database.write_session() as session:
        event_copy.copy_event(session=session, event_id=987654, date=NEXT_YEAR)


def test_a_copy_lasts_as_many_days_and_holds_its_slots_within_them(factory, backend):
    event = a_lived_day(factory)  # Tuesday 24 and Wednesday 25 November 2026

    made = copy(factory, event)

    with factory.database.read_session() as session:
        new = session.get(Event, id_of(made.new.event))
        assert new is not None
        slot_days = {s.starts_at.date() for s in wall_setup.list_slots(session=session, event_id=id_of(new))}
    assert (new.date, new.last_date) == (NEXT_YEAR, date(2027, 11, 24))
    assert slot_days == {date(2027, 11, 23), date(2027, 11, 24)}
