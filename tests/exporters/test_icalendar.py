"""The agenda and the personal feed, parsed back with the icalendar library, and with two others (ics and
vobject) that read the VTIMEZONE themselves: every calendar must see each session at the same instant."""

import datetime as dt
from dataclasses import replace
from zoneinfo import ZoneInfo

import ics
import pytest
import vobject
from icalendar import Calendar

from app.exporters.data import CancelledData, RoomData, SlotData
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


# --- The same instants in every calendar ------------------------------------------------------------

Instants = dict[str, tuple[dt.datetime, dt.datetime, str]]  # UID → start and end in UTC, status


def read_by_icalendar(content: bytes) -> Instants:
    return {
        str(e["UID"]): (
            e.decoded("DTSTART").astimezone(dt.UTC),
            e.decoded("DTEND").astimezone(dt.UTC),
            str(e["STATUS"]),
        )
        for e in Calendar.from_ical(content).walk("VEVENT")
    }


def read_by_ics(content: bytes) -> Instants:
    return {
        e.uid: (e.begin.datetime.astimezone(dt.UTC), e.end.datetime.astimezone(dt.UTC), e.status)
        for e in ics.Calendar(content.decode()).events
    }


def read_by_vobject(content: bytes) -> Instants:
    calendar = vobject.readOne(content.decode())
    return {
        e.uid.value: (e.dtstart.value.astimezone(dt.UTC), e.dtend.value.astimezone(dt.UTC), e.status.value)
        for e in getattr(calendar, "vevent_list", [])
    }


READERS = (read_by_icalendar, read_by_ics, read_by_vobject)


def around(day: dt.date, hhmm: str, *, days: int) -> dt.datetime:
    return dt.datetime.combine(day + dt.timedelta(days=days), dt.time.fromisoformat(hhmm))


# Each zone with the day its clocks change in 2026: slots the day before and the day after.
CHANGES = [
    ("Europe/London", dt.date(2026, 10, 25)),  # back to GMT
    ("America/Los_Angeles", dt.date(2026, 11, 1)),  # back to PST
    ("America/Los_Angeles", dt.date(2026, 3, 8)),  # forward to PDT
    ("Pacific/Auckland", dt.date(2026, 9, 27)),  # forward to NZDT, twelve or thirteen hours ahead of UTC
    ("Pacific/Auckland", dt.date(2026, 4, 5)),  # back to NZST
]


def across(timezone: str, change: dt.date):
    slots = (
        SlotData(id=1, starts_at=around(change, "09:30", days=-1), ends_at=around(change, "10:30", days=-1)),
        SlotData(id=2, starts_at=around(change, "09:30", days=1), ends_at=around(change, "10:45", days=1)),
        SlotData(
            id=3,
            starts_at=around(change, "13:00", days=1),
            ends_at=around(change, "13:30", days=1),
            label="Closing circle",
            kind="plenary",
        ),
    )
    return export_data(
        timezone=timezone,
        slots=slots,
        topics=(
            topic(1, "Before", status="placed", room_id=1, slot_id=1, going_ids=(2,)),
            topic(2, "After", status="placed", room_id=2, slot_id=2, going_ids=(2,)),
            topic(3, "Called off", status="proposed"),
        ),
        cancelled=(CancelledData(attendee_id=2, topic_id=3, starts_at=slots[0].starts_at, ends_at=slots[0].ends_at),),
    )


def venue(moment: dt.datetime, timezone: str) -> dt.datetime:
    return moment.replace(tzinfo=ZoneInfo(timezone)).astimezone(dt.UTC)


@pytest.mark.parametrize(("timezone", "change"), CHANGES)
def test_every_calendar_reads_the_agenda_at_the_venue_s_instants(timezone, change):
    data = across(timezone, change)
    content = export_agenda(data).content
    expected = {
        "autumn-1@hallway": (venue(data.slots[0].starts_at, timezone), venue(data.slots[0].ends_at, timezone)),
        "autumn-2@hallway": (venue(data.slots[1].starts_at, timezone), venue(data.slots[1].ends_at, timezone)),
        "autumn-slot-3@hallway": (venue(data.slots[2].starts_at, timezone), venue(data.slots[2].ends_at, timezone)),
    }

    for read in READERS:
        assert {uid: (start, end) for uid, (start, end, _) in read(content).items()} == expected, read.__name__


@pytest.mark.parametrize(("timezone", "change"), CHANGES)
def test_every_calendar_reads_the_personal_feed_at_the_venue_s_instants(timezone, change):
    data = across(timezone, change)
    content = export_personal_calendar(data, attendee_id=2).content
    first, second = data.slots[0], data.slots[1]
    expected = {
        "autumn-1@hallway": (venue(first.starts_at, timezone), venue(first.ends_at, timezone), "CONFIRMED"),
        "autumn-2@hallway": (venue(second.starts_at, timezone), venue(second.ends_at, timezone), "CONFIRMED"),
        "autumn-3@hallway": (venue(first.starts_at, timezone), venue(first.ends_at, timezone), "CANCELLED"),
    }

    for read in READERS:
        assert read(content) == expected, read.__name__


def test_the_time_zone_is_written_once_with_yearly_rules_and_durations_are_durations():
    text = export_agenda(across("Europe/London", dt.date(2026, 10, 25))).content.decode()

    assert text.count("BEGIN:VTIMEZONE") == 1
    assert "RDATE" not in text and text.count("RRULE:FREQ=YEARLY") == 2
    assert "X-PUBLISHED-TTL:PT1H\r\n" in text and "REFRESH-INTERVAL;VALUE=DURATION:PT1H\r\n" in text


def test_an_event_in_utc_has_utc_times_and_no_time_zone_to_read():
    text = export_agenda(across("UTC", dt.date(2026, 10, 25))).content.decode()

    assert "BEGIN:VTIMEZONE" not in text
    assert "DTSTART:20261024T093000Z" in text


def test_a_session_s_sequence_is_its_count_of_moves():
    moved_twice = topic(1, "Tea", status="placed", room_id=1, slot_id=1)
    data = export_data(topics=(replace(moved_twice, calendar_sequence=2),))

    event = Calendar.from_ical(export_agenda(data).content).walk("VEVENT")[0]

    assert (event["SEQUENCE"], str(event["STATUS"])) == (2, "CONFIRMED")


def test_the_personal_feed_cancels_a_session_that_left_the_wall_and_names_no_hidden_one():
    data = export_data(
        topics=(
            topic(1, "Withdrawn", status="withdrawn"),
            topic(2, "Spam", status="hidden"),
            topic(3, "Back on the wall, going again", status="placed", room_id=1, slot_id=2, going_ids=(2,)),
            topic(4, "Someone else's", status="proposed"),
        ),
        cancelled=(
            CancelledData(attendee_id=2, topic_id=1, starts_at=at("10:00"), ends_at=at("11:00")),
            CancelledData(attendee_id=2, topic_id=2, starts_at=at("11:30"), ends_at=at("12:30")),
            CancelledData(attendee_id=2, topic_id=3, starts_at=at("10:00"), ends_at=at("11:00")),
            CancelledData(attendee_id=1, topic_id=4, starts_at=at("10:00"), ends_at=at("11:00")),
        ),
    )

    events = {
        str(e["UID"]): (str(e["SUMMARY"]), str(e["STATUS"]))
        for e in Calendar.from_ical(export_personal_calendar(data, attendee_id=2).content).walk("VEVENT")
    }

    assert events == {
        "autumn-1@hallway": ("Withdrawn", "CANCELLED"),
        "autumn-2@hallway": ("A session taken off the agenda", "CANCELLED"),
        "autumn-3@hallway": ("Back on the wall, going again", "CONFIRMED"),
    }
