"""The VTIMEZONE written for an event's zone gives the zone's own offset at every moment around the event."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from icalendar import Timezone

from app.exporters.vtimezone import find_changes, vtimezone

EVENT_DAY = dt.date(2026, 11, 24)


def offsets_disagreeing(key: str, component: Timezone) -> list[dt.datetime]:
    """Every third hour of the event's year and the next where the component and the zone disagree."""
    read_back = Timezone.from_ical(component.to_ical()).to_tz()
    zone = ZoneInfo(key)
    moment, end = dt.datetime(2026, 1, 1, tzinfo=dt.UTC), dt.datetime(2028, 1, 1, tzinfo=dt.UTC)
    wrong = []
    while moment < end:
        if moment.astimezone(read_back).utcoffset() != moment.astimezone(zone).utcoffset():
            wrong.append(moment)
        moment += dt.timedelta(hours=3)
    return wrong


@pytest.mark.parametrize(
    "key",
    ["Europe/London", "Pacific/Auckland", "America/Los_Angeles", "Australia/Lord_Howe", "Pacific/Chatham"],
)
def test_a_zone_with_summer_time_is_two_yearly_rules(key):
    component = vtimezone(ZoneInfo(key), first=EVENT_DAY, last=EVENT_DAY)
    text = component.to_ical().decode()

    assert text.count("RRULE:FREQ=YEARLY") == 2
    assert "RDATE" not in text
    assert text.count("BEGIN:STANDARD") == 1 and text.count("BEGIN:DAYLIGHT") == 1
    assert offsets_disagreeing(key, component) == []


def test_london_is_written_as_every_calendar_writes_it():
    text = vtimezone(ZoneInfo("Europe/London"), first=EVENT_DAY, last=EVENT_DAY).to_ical().decode()

    # The onset is the wall clock before the change (RFC 5545, 3.6.5): 01:00 GMT in March, 02:00 BST in October.
    assert "DTSTART:20250330T010000\r\nRRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3\r\nTZNAME:BST\r\n" in text
    assert "DTSTART:20251026T020000\r\nRRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10\r\nTZNAME:GMT\r\n" in text


def test_a_zone_without_summer_time_is_one_observance():
    component = vtimezone(ZoneInfo("Asia/Tokyo"), first=EVENT_DAY, last=EVENT_DAY)
    text = component.to_ical().decode()

    assert text.count("BEGIN:STANDARD") == 1 and "BEGIN:DAYLIGHT" not in text and "RRULE" not in text
    assert "TZOFFSETFROM:+0900\r\nTZOFFSETTO:+0900" in text
    assert offsets_disagreeing("Asia/Tokyo", component) == []


def test_changes_that_follow_no_yearly_rule_are_written_one_by_one():
    # Morocco leaves summer time for Ramadan, whose dates move with the moon.
    component = vtimezone(ZoneInfo("Africa/Casablanca"), first=EVENT_DAY, last=EVENT_DAY)
    text = component.to_ical().decode()

    assert "RRULE" not in text and "RDATE" not in text
    assert offsets_disagreeing("Africa/Casablanca", component) == []


def test_changes_are_found_to_the_second():
    changes = find_changes(
        ZoneInfo("America/Los_Angeles"),
        start=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
        end=dt.datetime(2027, 1, 1, tzinfo=dt.UTC),
    )

    assert [(c.at, c.onset) for c in changes] == [
        (dt.datetime(2026, 3, 8, 10, 0, tzinfo=dt.UTC), dt.datetime(2026, 3, 8, 2, 0)),
        (dt.datetime(2026, 11, 1, 9, 0, tzinfo=dt.UTC), dt.datetime(2026, 11, 1, 2, 0)),
    ]
