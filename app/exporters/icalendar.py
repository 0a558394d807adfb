"""The agenda as iCalendar (RFC 5545), and one attendee's own day as a calendar feed.

Slot times are wall-clock times at the venue, so events carry the event's time zone (TZID, with its
VTIMEZONE block) rather than a UTC conversion: calendars show them right wherever the reader is. Each
session keeps one UID for good (`{slug}-{topic id}@hallway`), so a subscribed feed moves a session
that was moved instead of adding a second one. The icalendar library does the escaping and the
folding of long lines.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from icalendar import Calendar
from icalendar import Event as CalendarEvent

from app.exporters.base import Export, file_name
from app.exporters.data import ExportData, Session, SlotData

CONTENT_TYPE = "text/calendar; charset=utf-8"
PRODUCT_ID = "-//Hallway//Open space agenda//EN"
# How often a subscribed feed is fetched again: sessions move during the day.
REFRESH = dt.timedelta(hours=1)


def export_agenda(data: ExportData) -> Export:
    """Every session on the wall, and the plenaries (opening and closing circles) everyone goes to."""
    calendar = _calendar(data, name=data.event.name)
    for session in data.sessions:
        if session.slot is not None:
            calendar.add_component(_session_event(data, session))
    for slot in data.slots:
        if slot.kind == "plenary":
            calendar.add_component(_plenary_event(data, slot))
    return _export(calendar, filename=file_name(f"{data.event.name} agenda", extension="ics"))


def export_personal_calendar(data: ExportData, *, attendee_id: int) -> Export:
    """The sessions one attendee said they are going to: their private feed."""
    calendar = _calendar(data, name=f"{data.event.name}: my day")
    for session in data.sessions:
        if session.slot is not None and attendee_id in session.topic.going_ids:
            calendar.add_component(_session_event(data, session))
    return _export(calendar, filename=file_name(f"{data.event.name} my day", extension="ics"))


def uid(slug: str, topic_id: int) -> str:
    return f"{slug}-{topic_id}@hallway"


def _calendar(data: ExportData, *, name: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", _zone(data).key)
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", REFRESH)
    return calendar


def _session_event(data: ExportData, session: Session) -> CalendarEvent:
    assert session.slot is not None
    topic = session.topic
    lines = [f"Convened by {session.convener_name}."]
    if topic.description:
        lines += ["", topic.description]
    url = data.page_url(f"/topics/{topic.id}/notes")
    if url:
        lines += ["", f"Notes: {url}"]
    event = _timed_event(data, session.slot, uid=uid(data.event.slug, topic.id), summary=topic.title)
    theme = data.theme_of(topic)
    if theme is not None:
        # Calendars filter and colour by category: someone following one theme sees its sessions together.
        event.add("categories", [theme.name])
    if session.room is not None:
        where = session.room.name
        if session.room.location_notes:
            where += f" ({session.room.location_notes})"
        event.add("location", where)
    event.add("description", "\n".join(lines))
    if url:
        event.add("url", url)
    return event


def _plenary_event(data: ExportData, slot: SlotData) -> CalendarEvent:
    event = _timed_event(data, slot, uid=f"{data.event.slug}-slot-{slot.id}@hallway", summary=slot.name)
    event.add("description", f"Everyone together: {slot.name}.")
    url = data.page_url("/wall")
    if url:
        event.add("url", url)
    return event


def _timed_event(data: ExportData, slot: SlotData, *, uid: str, summary: str) -> CalendarEvent:
    zone = _zone(data)
    event = CalendarEvent()
    event.add("uid", uid)
    event.add("dtstamp", data.generated_at.astimezone(dt.UTC))
    event.add("dtstart", slot.starts_at.replace(tzinfo=zone))
    event.add("dtend", slot.ends_at.replace(tzinfo=zone))
    event.add("summary", summary)
    return event


def _zone(data: ExportData) -> ZoneInfo:
    try:
        return ZoneInfo(data.event.timezone)
    except (ZoneInfoNotFoundError, ValueError):  # the services check the zone; this only keeps an export alive
        return ZoneInfo("UTC")


def _export(calendar: Calendar, *, filename: str) -> Export:
    calendar.add_missing_timezones()
    return Export(content=calendar.to_ical(), content_type=CONTENT_TYPE, filename=filename)
