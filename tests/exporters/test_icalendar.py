"""The agenda and the personal feed, parsed back with the icalendar library."""

import datetime as dt
from zoneinfo import ZoneInfo

from icalendar import Calendar

from app.exporters.data import RoomData
from app.exporters.icalendar import export_agenda, export_personal_calendar
from tests.exporters.events import at, export_data, themed_data, topic

LONDON = ZoneInfo("Europe/London")


def events_of(content: bytes) -> dict[str, dict[str, object]]:
    calendar = Calendar.from_ical(content)
    return {
        str(e["UID"]): {
            "summary": str(e["SUMMARY"]),
            "start": e.decoded("DTSTART"),
            "end": e.decoded("DTEND"),
            "location": str(e.get("LOCATION", "")),
            "description": str(e.get("DESCRIPTION", "")),
            "url": str(e.get("URL", "")),
        }
        for e in calendar.walk("VEVENT")
    }


def test_agenda_has_a_stable_uid_a_time_zone_and_the_room():
    data = export_data(
        rooms=(RoomData(id=1, name="Hall", capacity=30, location_notes="Ground floor, step-free"),),
        topics=(
            topic(7, "Tea; coffee, and \\ more", status="placed", room_id=1, slot_id=1, description="Bring a mug"),
        ),
    )

    export = export_agenda(data)
    events = events_of(export.content)

    assert export.content_type == "text/calendar; charset=utf-8"
    assert export.filename == "Autumn Gathering agenda.ics"
    assert events == {
        "autumn-7@hallway": {
            "summary": "Tea; coffee, and \\ more",
            "start": dt.datetime(2026, 11, 24, 10, 0, tzinfo=LONDON),
            "end": dt.datetime(2026, 11, 24, 11, 0, tzinfo=LONDON),
            "location": "Hall (Ground floor, step-free)",
            "description": "Convened by Ada.\n\nBring a mug\n\nNotes: https://hallway.example/e/autumn/topics/7/notes",
            "url": "https://hallway.example/e/autumn/topics/7/notes",
        }
    }
    text = export.content.decode()
    assert "DTSTART;TZID=Europe/London:20261124T100000" in text
    assert "BEGIN:VTIMEZONE" in text and "TZID:Europe/London" in text
    assert "SUMMARY:Tea\\; coffee\\, and \\\\ more" in text  # RFC 5545 escaping


def test_times_are_the_venue_wall_clock_in_its_zone_summer_or_not():
    summer = at("10:00").replace(month=7)
    data = export_data(timezone="America/New_York", topics=(topic(1, "Tea", status="placed", room_id=1, slot_id=1),))
    data_summer = export_data(
        timezone="Europe/London",
        slots=(data.slots[0].__class__(id=1, starts_at=summer, ends_at=summer + dt.timedelta(hours=1)),),
        topics=(topic(1, "Tea", status="placed", room_id=1, slot_id=1),),
    )

    new_york = events_of(export_agenda(data).content)["autumn-1@hallway"]["start"]
    london_summer = events_of(export_agenda(data_summer).content)["autumn-1@hallway"]["start"]

    assert isinstance(new_york, dt.datetime) and isinstance(london_summer, dt.datetime)
    assert new_york.astimezone(dt.UTC) == dt.datetime(2026, 11, 24, 15, 0, tzinfo=dt.UTC)
    assert london_summer.astimezone(dt.UTC) == dt.datetime(2026, 7, 24, 9, 0, tzinfo=dt.UTC)


def test_long_lines_are_folded_and_parse_back_whole():
    title = "Ünïcödé " * 15
    data = export_data(topics=(topic(1, title.strip(), status="placed", room_id=1, slot_id=1, description="x\n" * 50),))

    content = export_agenda(data).content

    assert all(len(line) <= 75 for line in content.split(b"\r\n"))
    assert events_of(content)["autumn-1@hallway"]["summary"] == title.strip()


def test_personal_calendar_has_only_the_sessions_the_attendee_goes_to():
    data = export_data(
        topics=(
            topic(1, "Going", status="placed", room_id=1, slot_id=1, going_ids=(2,)),
            topic(2, "Not going", status="placed", room_id=2, slot_id=1, going_ids=(1,)),
            topic(3, "Later", status="placed", room_id=1, slot_id=2, going_ids=(1, 2)),
        )
    )

    export = export_personal_calendar(data, attendee_id=2)

    assert sorted(events_of(export.content)) == ["autumn-1@hallway", "autumn-3@hallway"]
    assert str(Calendar.from_ical(export.content)["X-WR-CALNAME"]) == "Autumn Gathering: my day"
    assert export.filename == "Autumn Gathering my day.ics"


def test_an_event_with_no_slots_gives_an_empty_calendar_and_plenaries_are_on_the_agenda():
    empty = export_data(rooms=(), slots=(), topics=(topic(1, "Idea"),), public_url="")
    plenary = export_data(
        slots=(
            export_data()
            .slots[0]
            .__class__(id=5, starts_at=at("09:00"), ends_at=at("09:30"), label="Opening", kind="plenary"),
        ),
        public_url="",
    )

    assert events_of(export_agenda(empty).content) == {}
    assert events_of(export_agenda(plenary).content)["autumn-slot-5@hallway"]["summary"] == "Opening"
    assert events_of(export_agenda(plenary).content)["autumn-slot-5@hallway"]["url"] == ""


def test_a_sessions_theme_is_its_category():
    calendar = Calendar.from_ical(export_agenda(themed_data()).content)

    categories = {
        str(e["SUMMARY"]): [str(c) for c in e["CATEGORIES"].cats] if "CATEGORIES" in e else []
        for e in calendar.walk("VEVENT")
    }

    assert categories == {"Kettles": ["Community data"], "Rest": ["Care & repair"], "Loose ends": []}
