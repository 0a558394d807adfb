"""The harvest: sessions grouped per theme, what each found, the actions gathered, and who may read it."""

from __future__ import annotations

import pytest

from app.exporters.harvest import Action, build_harvest, parse_actions
from app.models.event import EventUpdate
from app.services import events, harvest, placements, topics
from app.services.actors import Actor
from app.services.errors import NotAllowed
from tests.exporters.events import export_data, themed_day, topic, written
from tests.factories import EventWithKey, Factory


def load(factory: Factory, event: EventWithKey, *, names: bool = True) -> harvest.Harvest:
    with factory.database.read_session() as session:
        return harvest.load_harvest(session=session, event_id=event.id, names=names)


def test_sessions_are_grouped_per_theme_in_the_themes_order_then_agenda_order(factory):
    d = themed_day(factory)

    found = load(factory, d.event)

    assert [(t.name, [s.title for s in t.sessions]) for t in found.themes] == [
        ("Care", ["Rest", "Owners"]),  # the morning slot, hall before attic
        ("Community data", ["Who owns the kettle data?"]),
        ("Quiet", []),
    ]
    assert [s.title for s in found.unthemed] == ["Loose ends"]
    assert [(t.name, t.has_notes) for t in found.themes] == [("Care", True), ("Community data", True), ("Quiet", False)]
    assert (found.themes[0].description, found.themes[0].mark, found.themes[0].symbol) == (
        "Looking after each other",
        "circle",
        "●",
    )


def test_a_session_has_its_room_time_convener_and_what_it_found(factory):
    d = themed_day(factory)

    kettle = load(factory, d.event).themes[1].sessions[0]

    assert (kettle.room, kettle.slot, f"{kettle.starts_at:%H:%M}", f"{kettle.ends_at:%H:%M}") == (
        "Hall",
        "14:00–15:00",
        "14:00",
        "15:00",
    )
    assert (kettle.convener, kettle.has_notes, kettle.continue_url) == ("Ada", True, "https://chat.example/kettle")
    assert kettle.key_points == "- Data **belongs** to the people it describes"
    assert kettle.actions == (
        Action(what="Draft a data charter", owner="Ada", line="Draft a data charter — Ada"),
        Action(what="Ask the council", owner=None, line="Ask the council"),
        Action(what="Follow-up call", owner="Zoë & Bob", line="Follow-up call – Zoë & Bob"),
    )


def test_how_many_came_is_the_notes_who_came_lines_else_those_going(factory):
    d = themed_day(factory)

    found = load(factory, d.event)

    by_title = {s.title: s for s in found.sessions}
    assert (by_title["Who owns the kettle data?"].came, by_title["Who owns the kettle data?"].came_from) == (
        3,
        "notes",
    )  # three names written, though one said "I'm going"
    assert (by_title["Rest"].came, by_title["Rest"].came_from) == (2, "going")
    assert (by_title["Owners"].came, by_title["Owners"].has_notes) == (0, False)


def test_the_events_actions_are_gathered_with_their_session_and_theme(factory):
    d = themed_day(factory)

    found = load(factory, d.event)

    assert [(a.action.what, a.action.owner, a.title, a.theme.name if a.theme else None) for a in found.actions] == [
        ("Book a quiet room", "Zoë", "Rest", "Care"),
        ("Draft a data charter", "Ada", "Who owns the kettle data?", "Community data"),
        ("Ask the council", None, "Who owns the kettle data?", "Community data"),
        ("Follow-up call", "Zoë & Bob", "Who owns the kettle data?", "Community data"),
    ]


def test_without_names_no_convener_is_named(factory):
    d = themed_day(factory)

    found = load(factory, d.event, names=False)

    assert {s.convener for s in found.sessions} == {None}
    assert found.names_shown is False


def test_a_session_taken_off_the_wall_keeps_its_notes_in_the_harvest_and_one_without_notes_leaves(factory):
    d = themed_day(factory)
    with factory.database.write_session() as session:
        for moved in (d.kettle, d.owners):
            placements.take_off_wall(
                session=session, event_id=d.event.id, actor=Actor.facilitator(d.event.id), topic_id=moved.id
            )

    found = load(factory, d.event)

    assert [s.title for s in found.themes[0].sessions] == ["Rest"]
    off = found.themes[1].sessions[0]
    assert (off.title, off.room, off.starts_at, off.has_notes) == ("Who owns the kettle data?", None, None, True)


def test_hidden_and_merged_topics_are_left_out(factory):
    d = themed_day(factory)
    with factory.database.write_session() as session:
        topics.hide_topic(session=session, event_id=d.event.id, topic_id=d.rest.id)  # type: ignore[arg-type]
        topics.merge_topics(session=session, event_id=d.event.id, source_id=d.kettle.id, target_id=d.waiting.id)  # type: ignore[arg-type]

    found = load(factory, d.event)

    assert [s.title for s in found.sessions] == ["Owners", "Loose ends"]
    assert found.actions == ()
    assert [t.has_notes for t in found.themes] == [False, False, False]


def test_an_event_without_themes_has_every_session_unthemed(factory):
    event = factory.event()
    ada = factory.attendee(event)
    hall, slot = factory.room(event), factory.slot(event)
    factory.place(event, factory.topic(event, ada, title="Alone"), hall, slot)

    found = load(factory, event)

    assert (found.themes, [s.title for s in found.unthemed], found.has_notes) == ((), ["Alone"], False)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Write it up — Ada", [("Write it up", "Ada")]),
        ("Write it up—Ada", [("Write it up", "Ada")]),
        ("Write it up – Ada", [("Write it up", "Ada")]),
        ("Write it up - Ada", [("Write it up", "Ada")]),
        (
            "- Write it up — Ada\n* Book a room — Zoë\n1. Call — Bob",
            [("Write it up", "Ada"), ("Book a room", "Zoë"), ("Call", "Bob")],
        ),
        ("Plan the follow-up", [("Plan the follow-up", None)]),  # a hyphen inside a word
        ("Next step: write it up", [("Next step: write it up", None)]),  # a colon names no one
        ("Long — and winding — Ada", [("Long — and winding", "Ada")]),  # the last dash separates
        ("Write it up —", [("Write it up", None)]),
        ("\n  \n", []),
    ],
)
def test_actions_are_parsed_one_a_line_what_then_owner(text, expected):
    assert [(a.what, a.owner) for a in parse_actions(text)] == expected


def test_a_continue_link_that_is_not_a_web_address_is_left_out():
    data = export_data(
        topics=(
            topic(
                1, "Safe", status="placed", room_id=1, slot_id=1, notes=written("x", continue_url="https://a.example/b")
            ),
            topic(
                2, "Odd", status="placed", room_id=2, slot_id=1, notes=written("x", continue_url="javascript:alert(1)")
            ),
        )
    )

    found = build_harvest(data, names=True)

    assert [(s.title, s.continue_url) for s in found.unthemed] == [("Safe", "https://a.example/b"), ("Odd", None)]


def test_the_facilitator_reads_the_harvest_always_anyone_once_published(factory):
    d = themed_day(factory)
    anyone, attendee = Actor(event_id=d.event.id), Actor(event_id=d.event.id, attendee_id=d.ada.id)

    harvest.check_readable(event=d.event.event, actor=Actor.facilitator(d.event.id))
    for refused in (anyone, attendee):
        with pytest.raises(NotAllowed, match="The harvest is not published yet"):
            harvest.check_readable(event=d.event.event, actor=refused)
    with factory.database.write_session() as session:
        published = events.update_event(
            session=session, event_id=d.event.id, update=EventUpdate(harvest_published=True)
        ).result
    harvest.check_readable(event=published, actor=anyone)
