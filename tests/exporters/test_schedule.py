"""The wall as schedule apps read it: frab XML checked against the format's schema, and its JSON twin."""

from __future__ import annotations

import datetime as dt
import json
import uuid
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

import pytest
import xmlschema

from app.exporters.data import AttendeeData, ExportData, RoomData, SlotData
from app.exporters.schedule import export_schedule_json, export_schedule_xml
from tests.exporters.events import GENERATED, export_data, themed_data, topic

SCHEMA = xmlschema.XMLSchema(Path(__file__).with_name("schedule.xsd"))
# What the c3voc schedule schema requires of each event in the JSON twin.
JSON_EVENT_KEYS = {
    "abstract", "date", "duration", "guid", "id", "language", "links", "persons", "room", "slug", "start",
    "subtitle", "title", "track", "type", "url",
}  # fmt: skip
# Ada's, attendee 1 of the event "autumn": the same in every version of the schedule.
ADA_GUID = str(uuid.uuid5(uuid.NAMESPACE_URL, "hallway:autumn:attendee:1"))


def two_days(timezone: str = "Pacific/Auckland") -> ExportData:
    """Saturday and Monday around Auckland's clock change (27 September 2026), with an opening and a break."""

    def at(day: int, hhmm: str) -> dt.datetime:
        return dt.datetime.combine(dt.date(2026, 9, day), dt.time.fromisoformat(hhmm))

    return export_data(
        timezone=timezone,
        rooms=(RoomData(id=1, name="Hall", capacity=30), RoomData(id=2, name="Attic", capacity=8)),
        slots=(
            SlotData(id=1, starts_at=at(26, "09:00"), ends_at=at(26, "09:30"), label="Opening", kind="plenary"),
            SlotData(id=2, starts_at=at(26, "09:30"), ends_at=at(26, "10:30")),
            SlotData(id=3, starts_at=at(26, "10:30"), ends_at=at(26, "10:45"), label="Tea", kind="break"),
            SlotData(id=4, starts_at=at(28, "09:30"), ends_at=at(28, "11:00")),
        ),
        attendees=(
            AttendeeData(id=1, display_name="Ada", joined_at=GENERATED),
            AttendeeData(id=2, display_name="a participant", joined_at=GENERATED, listed=False),
        ),
        topics=(
            topic(1, "Kettles", status="placed", room_id=1, slot_id=2, description="Whose data?"),
            topic(2, "Quiet one", convener_id=2, status="placed", room_id=2, slot_id=2),
            topic(3, "Café für alle", status="placed", room_id=1, slot_id=4, convener_id=None),
            topic(4, "Spam", status="hidden"),
            topic(5, "Still on the marketplace"),
        ),
    )


def events_of(content: bytes) -> list[ET.Element]:
    return ET.fromstring(content).findall("day/room/event")


def test_the_xml_is_valid_frab_with_unique_ids_guids_and_slugs():
    content = export_schedule_xml(two_days(), names=True).content

    SCHEMA.validate(content.decode())
    events = events_of(content)
    ids, guids, slugs = (
        [e.get("id") for e in events],
        [e.get("guid") for e in events],
        [e.findtext("slug") for e in events],
    )
    assert len(events) == 5
    assert len(set(ids)) == len(set(guids)) == len(set(slugs)) == 5
    assert all(uuid.UUID(g).version == 5 for g in guids if g)


def test_the_schema_refuses_two_events_with_one_id():
    root = ET.fromstring(export_schedule_xml(two_days(), names=True).content)
    first, second = root.findall("day/room/event")[:2]
    second.set("id", first.get("id") or "")

    assert not SCHEMA.is_valid(ET.tostring(root, encoding="unicode"))


def test_each_date_with_slots_is_a_day_and_plenaries_and_breaks_are_everyone_s_events():
    root = ET.fromstring(export_schedule_xml(two_days(), names=True).content)

    days = [
        (d.get("index"), d.get("date"), d.get("start"), d.get("end"), [r.get("name") for r in d.findall("room")])
        for d in root.findall("day")
    ]
    kinds = {e.findtext("title"): (e.findtext("type"), e.findtext("room")) for e in root.iter("event")}

    assert days == [
        ("1", "2026-09-26", "2026-09-26T09:00:00+12:00", "2026-09-26T10:45:00+12:00", ["Everyone", "Hall", "Attic"]),
        ("2", "2026-09-28", "2026-09-28T09:30:00+13:00", "2026-09-28T11:00:00+13:00", ["Hall"]),
    ]
    assert kinds == {
        "Opening": ("plenary", "Everyone"),
        "Tea": ("break", "Everyone"),
        "Kettles": ("session", "Hall"),
        "Quiet one": ("session", "Attic"),
        "Café für alle": ("session", "Hall"),
    }
    assert (root.findtext("conference/days"), root.findtext("conference/start"), root.findtext("conference/end")) == (
        "2",
        "2026-09-26",
        "2026-09-28",
    )


def test_an_event_s_time_is_the_slot_s_instant_across_the_clock_change():
    events = {e.findtext("title"): e for e in events_of(export_schedule_xml(two_days(), names=True).content)}

    kettles, cafe = events["Kettles"], events["Café für alle"]

    assert [kettles.findtext(k) for k in ("date", "start", "duration")] == [
        "2026-09-26T09:30:00+12:00",
        "09:30",
        "01:00",
    ]
    assert [cafe.findtext(k) for k in ("date", "start", "duration")] == ["2026-09-28T09:30:00+13:00", "09:30", "01:30"]
    assert dt.datetime.fromisoformat(cafe.findtext("date") or "").astimezone(dt.UTC) == dt.datetime(
        2026, 9, 27, 20, 30, tzinfo=dt.UTC
    )


def test_a_session_carries_its_track_slug_notes_link_and_listed_convener_only():
    events = {e.findtext("title"): e for e in events_of(export_schedule_xml(themed_data(), names=True).content)}
    quiet = {
        e.findtext("title"): [p.text for p in e.iter("person")]
        for e in events_of(export_schedule_xml(two_days(), names=True).content)
    }

    kettles = events["Kettles"]
    assert [kettles.findtext(k) for k in ("track", "slug", "url", "type")] == [
        "Community data",
        "autumn-1-kettles",
        "https://hallway.example/e/autumn/topics/1/notes",
        "session",
    ]
    assert [(link.get("href"), link.text) for link in kettles.iter("link")] == [
        ("https://hallway.example/e/autumn/topics/1/notes", "Notes")
    ]
    assert [p.text for p in kettles.iter("person")] == ["Ada"]
    assert quiet["Quiet one"] == []  # its convener chose not to be listed
    assert quiet["Café für alle"] == []  # the facilitator's
    assert events["Loose ends"].findtext("track") == ""


def test_every_id_fits_in_32_bits():
    """ConfClerk reads an event's id into a C++ int and EventFahrplan into a Java int (its alarms' request
    codes): an id past 2**31 - 1 overflows there, and that event can't be opened or remembered."""
    data = two_days()
    content = export_schedule_xml(data, names=True).content
    document = json.loads(export_schedule_json(data, names=True).content)

    xml_ids = [int(e.get("id") or 0) for e in events_of(content)]
    json_ids = [
        e["id"] for day in document["schedule"]["conference"]["days"] for es in day["rooms"].values() for e in es
    ]
    assert sorted(xml_ids) == sorted(json_ids)
    assert all(0 < event_id < 2**31 for event_id in xml_ids)
    assert [i for i in xml_ids if i < 100] == [1, 2, 3]  # a session keeps its topic's id


def test_a_listed_convener_is_a_person_with_an_id_and_a_guid():
    """ConfClerk files each person under their id (an INTEGER PRIMARY KEY): a person without one is dropped."""
    events = {e.findtext("title"): e for e in events_of(export_schedule_xml(two_days(), names=True).content)}

    people = [(p.get("id"), p.get("guid"), p.text) for p in events["Kettles"].iter("person")]

    assert people == [("1", ADA_GUID, "Ada")]


def test_without_names_nobody_is_a_person():
    content = export_schedule_xml(themed_data(), names=False).content

    assert list(ET.fromstring(content).iter("person")) == []
    assert b"Ada" not in content


def test_hidden_and_unplaced_topics_are_never_on_the_schedule():
    xml_content = export_schedule_xml(two_days(), names=True).content
    json_content = export_schedule_json(two_days(), names=True).content

    for content in (xml_content, json_content):
        assert b"Spam" not in content and b"Still on the marketplace" not in content


def test_the_json_twin_has_pretalx_s_layout_and_the_same_events():
    data = two_days()
    document = json.loads(export_schedule_json(data, names=True).content)
    xml_events = {e.get("guid"): e for e in events_of(export_schedule_xml(data, names=True).content)}

    schedule = document["schedule"]
    conference = schedule["conference"]
    json_events = [e for day in conference["days"] for events in day["rooms"].values() for e in events]
    assert schedule["version"] == ET.fromstring(export_schedule_xml(data, names=True).content).findtext("version")
    assert (conference["acronym"], conference["daysCount"], conference["time_zone_name"]) == (
        "autumn",
        2,
        "Pacific/Auckland",
    )
    assert [room["name"] for room in conference["rooms"]] == ["Hall", "Attic", "Everyone"]
    assert all(set(e) >= JSON_EVENT_KEYS for e in json_events)
    assert {e["guid"]: (e["id"], e["date"], e["duration"], e["room"], e["title"]) for e in json_events} == {
        guid: (
            int(e.get("id") or 0),
            e.findtext("date"),
            e.findtext("duration"),
            e.findtext("room"),
            e.findtext("title"),
        )
        for guid, e in xml_events.items()
    }
    kettles = next(e for e in json_events if e["title"] == "Kettles")
    assert (kettles["abstract"], kettles["persons"]) == (
        "Whose data?",
        [{"id": 1, "guid": ADA_GUID, "name": "Ada", "public_name": "Ada"}],
    )


def test_the_version_changes_when_the_wall_does_and_only_then():
    data = two_days()
    voted = replace(data, topics=tuple(replace(t, voter_ids=(1, 2)) for t in data.topics))
    moved = replace(data, topics=tuple(replace(t, room_id=2) if t.id == 3 else t for t in data.topics))
    later = replace(data, generated_at=GENERATED + dt.timedelta(hours=1))

    def version(d: ExportData) -> str:
        return json.loads(export_schedule_json(d, names=True).content)["schedule"]["version"]

    assert version(data) == version(voted) == version(later)
    assert version(moved) != version(data)


@pytest.mark.parametrize("names", [True, False])
def test_an_event_with_no_slots_is_one_empty_day(names):
    content = export_schedule_xml(export_data(slots=(), topics=(topic(1, "Idea"),)), names=names).content

    SCHEMA.validate(content.decode())
    assert [(d.get("index"), d.get("date")) for d in ET.fromstring(content).findall("day")] == [("1", "2026-11-24")]


def test_two_rooms_of_one_name_stay_two_rooms():
    data = export_data(
        rooms=(RoomData(id=1, name="Hall", capacity=30), RoomData(id=2, name="hall", capacity=8)),
        topics=(
            topic(1, "One", status="placed", room_id=1, slot_id=1),
            topic(2, "Two", status="placed", room_id=2, slot_id=1),
        ),
    )

    rooms = [r.get("name") for r in ET.fromstring(export_schedule_xml(data, names=True).content).findall("day/room")]

    assert rooms == ["Hall", "hall (2)"]
