"""Importing a JSON export: the round trip, and refusals that leave nothing half-written."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from sqlalchemy import func, select

from app.db import Database, connect
from app.exporters.json import export_json
from app.models import Attendee, Event, Note, NoteRevision, Placement, Room, Slot, Theme, Topic, TopicApart, Vote, id_of
from app.services import event_import, events, team, themes
from app.services.errors import Conflict, InvalidInput
from app.services.export_data import load_export_data
from tests.exporters.events import lively_event, themed_day


def export(database: Database, slug: str) -> bytes:
    with database.read_session() as session:
        event = events.get_event(session=session, slug=slug)
        return export_json(load_export_data(session=session, event=event)).content


def load(database: Database, raw: bytes | str, slug: str | None = None) -> event_import.Imported:
    document = event_import.parse_document(raw)
    with database.write_session() as session:
        return event_import.import_event(session=session, document=document, slug=slug)


def count(database: Database, model: type) -> int:
    with database.read_session() as session:
        return int(session.exec(select(func.count()).select_from(model)).scalar_one())  # type: ignore[call-overload]


@pytest.fixture
def exported(factory, database) -> dict[str, Any]:
    lively_event(factory, slug="ete")
    return json.loads(export(database, "ete"))


@pytest.fixture
def empty_database(database_url, tmp_path, backend, request) -> Database:
    """A second, empty database: on SQLite a fresh copy of the migrated template; on PostgreSQL the same
    database (the test's first event is deleted first, which cascades to everything it holds)."""
    if backend == "sqlite":
        import shutil

        path = tmp_path / "fresh.db"
        shutil.copy(request.getfixturevalue("migrated_sqlite"), path)
        return connect(f"sqlite:///{path}")
    return connect(database_url)


def test_round_trip_export_import_export_gives_the_same_document(database, exported, empty_database):
    first = export(database, "ete")
    with database.write_session() as session:
        session.delete(events.get_event(session=session, slug="ete"))  # PostgreSQL shares the database
    try:
        imported = load(empty_database, first)
        again = export(empty_database, "ete")
    finally:
        empty_database.dispose()

    assert again == first  # byte for byte
    assert json.loads(again) == exported
    topics = {t["id"]: t for t in exported["topics"]}
    brews, remote = topics["topic-1"], topics["topic-3"]
    assert (remote["not_before"], remote["not_after"], remote["min_room_capacity"], remote["apart_from"]) == (
        "2026-11-24T10:00:00",
        "2026-11-24T12:30:00",
        2,
        ["topic-1", "topic-2"],
    )
    assert (brews["apart_from"], brews["placement"]["pinned"], remote["placement"]["pinned"]) == (
        ["topic-3"],
        True,
        False,
    )
    assert imported.counts == {"rooms": 2, "slots": 4, "attendees": 3, "topics": 6, "votes": 6, "notes": 1}
    assert len(imported.facilitator_key) > 20


def test_import_under_a_new_slug_beside_the_original(database, exported):
    imported = load(database, json.dumps(exported), slug="ete-copy")

    copy_doc = json.loads(export(database, "ete-copy"))
    assert imported.event.slug == "ete-copy"
    assert copy_doc == {**exported, "event": {**exported["event"], "slug": "ete-copy"}}
    with database.read_session() as session:
        assert team.member_for_key(session=session, event_id=id_of(imported.event), key=imported.facilitator_key)


def test_import_refuses_a_taken_slug_and_writes_nothing(database, exported):
    before = [count(database, model) for model in (Event, Attendee, Topic, Vote)]

    with pytest.raises(Conflict, match="already used"):
        load(database, json.dumps(exported))

    assert [count(database, model) for model in (Event, Attendee, Topic, Vote)] == before


def broken(exported: dict[str, Any], change) -> str:  # type: ignore[no-untyped-def]
    doc = copy.deepcopy(exported)
    doc["event"]["slug"] = "fresh"
    change(doc)
    return json.dumps(doc)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda d: d["topics"][0].update(convener="attendee-99"),
            "topic 'topic-1': its convener: 'attendee-99' is not",
        ),
        (lambda d: d["topics"][1]["votes"].append("attendee-1"), "votes for it twice"),
        (lambda d: d["event"].update(votes_per_attendee=1), "more than the budget of 1"),
        (lambda d: d["slots"][3].update(starts_at="2026-11-24T10:30:00"), "slot 'slot-4': This slot overlaps"),
        (lambda d: d["rooms"].append(dict(d["rooms"][0])), "the id 'room-1' is used twice"),
        (lambda d: d["topics"][0].update(status="proposed"), "a topic has a placement exactly when"),
        (lambda d: d["topics"][2]["placement"].update(room="room-1"), "already has"),
        (lambda d: d["topics"][0].update(title=""), "The title can't be empty"),
        (lambda d: d["attendees"][0].update(display_name="x" * 41), "too long"),
        (
            lambda d: d["topics"][0]["notes"]["revisions"].append(d["topics"][0]["notes"]["revisions"][0]),
            "same version",
        ),
        (lambda d: d["topics"][2]["going"].append("attendee-1"), "going to two sessions"),
        (lambda d: d["event"].update(timezone="Mars/Olympus"), "not a time zone"),
        (lambda d: d["topics"][2]["apart_from"].append("topic-99"), "apart_from: 'topic-99' is not a topic"),
        (lambda d: d["topics"][2]["apart_from"].append("topic-3"), "topic 'topic-3': A topic can't be kept apart"),
        (lambda d: d["topics"][2]["apart_from"].append("topic-5"), "'topic-5' is withdrawn; only active topics"),
        (lambda d: d["topics"][2].update(min_room_capacity=0), "topic 'topic-3': The room size must be between"),
        (lambda d: d["topics"][2].update(not_after="2026-11-24T09:00:00"), "“Not before” must be earlier"),
    ],
)
def test_import_refuses_inconsistent_documents_and_writes_nothing(database, exported, change, message):
    before = [
        count(database, model)
        for model in (Event, Room, Slot, Attendee, Topic, Vote, Placement, Note, NoteRevision, TopicApart)
    ]

    with pytest.raises((InvalidInput, Conflict), match=message):
        load(database, broken(exported, change))

    after = [
        count(database, model)
        for model in (Event, Room, Slot, Attendee, Topic, Vote, Placement, Note, NoteRevision, TopicApart)
    ]
    assert after == before


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"\xff\xfe not json", "not JSON"),
        ("[1, 2]", "not a Hallway event export"),
        ('{"format": "something-else"}', "not a Hallway event export"),
        ('{"format": "hallway-event", "version": 4}', "version 4; this Hallway reads versions 1, 2 and 3"),
        ('{"format": "hallway-event", "version": 1}', "event: Field required"),
        (
            '{"format": "hallway-event", "version": 1, "event": {}, "rooms": [{"id": "r", "oops": 1}]}',
            "The export is not valid",
        ),
    ],
)
def test_parse_document_says_what_is_wrong(raw, message):
    with pytest.raises(InvalidInput, match=message):
        event_import.parse_document(raw)


def test_import_of_a_minimal_document_with_nothing_but_the_event(database):
    raw = json.dumps(
        {
            "format": "hallway-event",
            "version": 1,
            "event": {
                "name": "Empty",
                "slug": "empty",
                "timezone": "UTC",
                "date": "2026-01-02",
                "proposals_open": False,
                "voting_open": False,
                "self_placement": True,
                "votes_per_attendee": 3,
                "join_code": "OWL42",
            },
        }
    )

    imported = load(database, raw)

    assert (imported.event.slug, imported.event.self_placement, imported.event.join_code) == ("empty", True, "OWL42")
    assert json.loads(export(database, "empty"))["topics"] == []


def test_import_keeps_a_pair_apart_that_only_one_side_lists(database, exported):
    exported["topics"][0]["apart_from"] = []  # "brews" no longer lists "remote", which still lists it

    load(database, json.dumps(exported), slug="one-sided")

    again = json.loads(export(database, "one-sided"))
    assert [(t["id"], t["apart_from"]) for t in again["topics"][:3]] == [
        ("topic-1", ["topic-3"]),
        ("topic-2", ["topic-3"]),
        ("topic-3", ["topic-1", "topic-2"]),
    ]


def test_import_keeps_every_setting_of_the_event(database, exported):
    settings = {
        "name": "Winter Gathering",
        "timezone": "Europe/Paris",
        "date": "2026-11-23",  # the slots exported are on the 24th: within the days
        "last_date": "2026-11-26",
        "proposals_open": False,
        "voting_open": False,
        "self_placement": True,
        "votes_per_attendee": 9,
        "join_code": "FOX",
        "notes_locked": True,
        "board_mode": "market",
        "board_cycle_seconds": 45,
    }
    exported["event"].update(settings, slug="winter")

    load(database, json.dumps(exported))

    assert {name: json.loads(export(database, "winter"))["event"][name] for name in settings} == settings


# --- Version 3: the themes ---------------------------------------------------------------------------


@pytest.fixture
def themed(factory, database) -> dict[str, Any]:
    themed_day(factory, slug="ct")
    return json.loads(export(database, "ct"))


def test_version_3_carries_the_themes_and_each_topics_theme_and_round_trips(database, themed, empty_database):
    first = export(database, "ct")
    with database.write_session() as session:
        session.delete(events.get_event(session=session, slug="ct"))  # PostgreSQL shares the database
    try:
        imported = load(empty_database, first)
        again = export(empty_database, "ct")
        with empty_database.read_session() as session:
            names = [t.name for t in themes.list_themes(session=session, event_id=imported.event.id)]  # type: ignore[arg-type]
    finally:
        empty_database.dispose()

    assert again == first  # byte for byte
    assert themed["version"] == 3
    assert [(t["id"], t["name"], t["mark"], t["position"]) for t in themed["themes"]] == [
        ("theme-1", "Care", "circle", 0),
        ("theme-2", "Community data", "square", 1),
        ("theme-3", "Quiet", "triangle", 2),
    ]
    assert themed["themes"][0]["description"] == "Looking after each other"
    assert {t["title"]: t["theme"] for t in themed["topics"]} == {
        "Who owns the kettle data?": "theme-2",
        "Owners": "theme-1",
        "Rest": "theme-1",
        "Loose ends": None,
        "Waiting": "theme-1",
    }
    assert names == ["Care", "Community data", "Quiet"]
    assert imported.counts["themes"] == 3


def test_themes_are_imported_in_the_order_of_their_positions(database, themed):
    doc = copy.deepcopy(themed)
    doc["event"]["slug"] = "fresh"
    doc["themes"].reverse()  # listed last first, their positions unchanged

    imported = load(database, json.dumps(doc))

    assert [t["name"] for t in json.loads(export(database, "fresh"))["themes"]] == ["Care", "Community data", "Quiet"]
    assert imported.counts["themes"] == 3


def test_a_version_2_document_is_still_read_with_no_themes(database, themed):
    doc = copy.deepcopy(themed)
    doc["event"]["slug"] = "older"
    doc["version"] = 2
    del doc["themes"]
    for topic in doc["topics"]:
        del topic["theme"]

    imported = load(database, json.dumps(doc))

    again = json.loads(export(database, "older"))
    assert (again["version"], again["themes"], {t["theme"] for t in again["topics"]}) == (3, [], {None})
    assert "themes" not in imported.counts
    assert [t["title"] for t in again["topics"]] == [t["title"] for t in themed["topics"]]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["topics"][0].update(theme="theme-9"), "topic 'topic-1': its theme 'theme-9' is not one of"),
        (lambda d: d["themes"][1].update(name="care"), "theme 'theme-2': This event already has a theme called"),
        (lambda d: d["themes"][0].update(mark="rainbow"), "theme 'theme-1': A theme's mark is one of"),
        (lambda d: d["themes"][0].update(name=""), "theme 'theme-1': The theme's name can't be empty"),
        (lambda d: d["themes"].append(dict(d["themes"][0], name="Else")), "the id 'theme-1' is used twice"),
    ],
)
def test_import_refuses_bad_themes_and_writes_nothing(database, themed, change, message):
    before = [count(database, model) for model in (Event, Theme, Topic)]

    with pytest.raises((InvalidInput, Conflict), match=message):
        load(database, broken(themed, change))

    assert [count(database, model) for model in (Event, Theme, Topic)] == before
