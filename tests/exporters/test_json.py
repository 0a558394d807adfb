"""The JSON document: versioned, without database ids or secrets, stable for the same data."""

import datetime as dt
import json
from dataclasses import fields, replace

from app.exporters.data import EventInfo
from app.exporters.json import EventPart, document, export_json
from app.models.event import EVENT_SETTINGS
from tests.exporters.events import export_data, themed_data, topic, written


def test_document_is_versioned_and_references_by_its_own_ids():
    data = export_data(
        topics=(
            topic(
                7, "Tea", status="placed", room_id=2, slot_id=1, voter_ids=(2, 1), going_ids=(2,), notes=written("x")
            ),
            topic(9, "Coffee", convener_id=2, voter_ids=(2,)),
        )
    )

    export = export_json(data)
    loaded = json.loads(export.content)

    assert export.content_type == "application/json"
    assert export.filename == "Autumn Gathering event.json"
    assert (loaded["format"], loaded["version"]) == ("hallway-event", 3)
    assert loaded["rooms"][1] == {"id": "room-2", "name": "Attic", "capacity": 8, "location_notes": ""}
    assert loaded["slots"][0] == {
        "id": "slot-1",
        "starts_at": "2026-11-24T10:00:00",
        "ends_at": "2026-11-24T11:00:00",
        "label": "Morning",
        "kind": "sessions",
    }
    assert loaded["attendees"][1] == {"id": "attendee-2", "display_name": "Zoë", "joined_at": "2026-11-25T09:30:00Z"}
    tea = loaded["topics"][0]
    assert (tea["id"], tea["convener"], tea["votes"], tea["going"]) == (
        "topic-1",
        "attendee-1",
        ["attendee-1", "attendee-2"],
        ["attendee-2"],
    )
    assert tea["placement"] == {"room": "room-2", "slot": "slot-1", "pinned": False}
    assert tea["notes"]["revisions"][0]["author"] == "attendee-1"
    assert loaded["topics"][1]["placement"] is None


def test_document_holds_no_secret_and_no_database_id():
    text = export_json(export_data(topics=(topic(4242, "Tea"),))).content.decode()

    assert "4242" not in text
    for word in ("token", "hash", "facilitator_key"):
        assert word not in text


def test_same_data_gives_the_same_bytes():
    data = export_data(topics=(topic(1, "Tea"),))

    assert export_json(data).content == export_json(data).content
    assert document(data) == document(data)


def test_document_carries_pins_and_the_auto_schedulers_constraints():
    tea = replace(
        topic(7, "Tea", status="placed", room_id=2, slot_id=1),
        pinned=True,
        not_before=dt.datetime(2026, 11, 24, 13, 0),
        min_room_capacity=12,
        apart_from_ids=(9, 8),
    )
    data = export_data(topics=(tea, topic(8, "Cake"), topic(9, "Coffee")))

    loaded = json.loads(export_json(data).content)

    first = loaded["topics"][0]
    assert first["placement"] == {"room": "room-2", "slot": "slot-1", "pinned": True}
    assert (first["not_before"], first["not_after"], first["min_room_capacity"], first["apart_from"]) == (
        "2026-11-24T13:00:00",
        None,
        12,
        ["topic-2", "topic-3"],
    )
    assert loaded["topics"][1]["apart_from"] == []


def test_the_event_in_an_export_is_its_slug_and_every_setting():
    """A setting added to app/models/event.py must be added to the export (and so to the import) too."""
    expected = {"slug", *EVENT_SETTINGS}

    assert {field.name for field in fields(EventInfo)} == expected
    assert set(EventPart.model_fields) == expected


def test_document_carries_the_themes_by_reference_and_each_topics_theme():
    doc = json.loads(export_json(themed_data()).content)

    assert doc["themes"] == [
        {
            "id": "theme-1",
            "name": "Care & repair",
            "description": "Looking after each other",
            "mark": "heart",
            "position": 0,
        },
        {"id": "theme-2", "name": "Community data", "description": "", "mark": "square", "position": 1},
        {"id": "theme-3", "name": "Quiet", "description": "Nobody came", "mark": "moon", "position": 2},
    ]
    assert [(t["title"], t["theme"]) for t in doc["topics"]] == [
        ("Kettles", "theme-2"),
        ("Rest", "theme-1"),
        ("Loose ends", None),
        ("Not placed", "theme-1"),
    ]
