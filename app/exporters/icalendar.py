"""The agenda as iCalendar (RFC 5545), and one attendee's own day as a calendar feed.

Slot times are wall-clock times at the venue, so events carry the event's time zone (TZID) with a VTIMEZONE
of its yearly rules (app/exporters/vtimezone.py), which every calendar reads to the same instant. Each
session keeps one UID for good (`{slug}-{topic id}@hallway`) and a SEQUENCE that grows with each move, so a
subscribed feed moves a session that was moved instead of adding a second one; a session someone was going
to that left the wall stays in their feed as STATUS:CANCELLED. The icalendar library does the escaping and
the folding of long lines.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from icalendar import Calendar, vDuration
from icalendar import Event as CalendarEvent

from app.exporters.base import Export, file_name
from app.exporters.data import CancelledData, ExportData, Session, SlotData
from app.exporters.vtimezone import vtimezone

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
    return _export(data, calendar, filename=file_name(f"{data.event.name} agenda", extension="ics"))


def export_personal_calendar(data: ExportData, *, attendee_id: int) -> Export:
    """The sessions one attendee said they are going to: their private feed."""
    calendar = _calendar(data, name=f"{data.event.name}: my day")
    going = set()
    for session in data.sessions:
        if session.slot is not None and attendee_id in session.topic.going_ids:
            calendar.add_component(_session_event(data, session))
            going.add(session.topic.id)
    for cancelled in data.cancelled:
        if cancelled.attendee_id == attendee_id and cancelled.topic_id not in going:
            calendar.add_component(_cancelled_event(data, cancelled))
    return _export(data, calendar, filename=file_name(f"{data.event.name} my day", extension="ics"))


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
    # Not a property icalendar knows, so it is given as a duration explicitly: "PT1H", not "1:00:00".
    calendar.add("x-published-ttl", vDuration(REFRESH))
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
    event = _timed_event(
        data, session.slot, uid=uid(data.event.slug, topic.id), summary=topic.title, sequence=topic.calendar_sequence
    )
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
    event = _timed_event(
        data, slot, uid=f"{data.event.slug}-slot-{slot.id}@hallway", summary=slot.name, sequence=slot.calendar_sequence
    )
    event.add("description", f"Everyone together: {slot.name}.")
    url = data.page_url("/wall")
    if url:
        event.add("url", url)
    return event


def _cancelled_event(data: ExportData, cancelled: CancelledData) -> CalendarEvent:
    """The session as it was when it left the wall, cancelled. A hidden topic's title is not repeated: it was
    hidden for a reason, and the UID is enough for the calendar to find the event it cancels."""
    topic = data.topics_by_id.get(cancelled.topic_id)
    hidden = topic is None or topic.status == "hidden"
    title = "A session taken off the agenda" if hidden or topic is None else topic.title
    event = _event(
        data,
        uid=uid(data.event.slug, cancelled.topic_id),
        summary=title,
        starts_at=cancelled.starts_at,
        ends_at=cancelled.ends_at,
        sequence=topic.calendar_sequence if topic is not None else 1,
        status="CANCELLED",
    )
    event.add("description", "Cancelled: this session is no longer on the agenda wall.")
    return event


def _timed_event(data: ExportData, slot: SlotData, *, uid: str, summary: str, sequence: int) -> CalendarEvent:
    return _event(
        data,
        uid=uid,
        summary=summary,
        starts_at=slot.starts_at,
        ends_at=slot.ends_at,
        sequence=sequence,
        status="CONFIRMED",
    )


def _event(
    data: ExportData,
    *,
    uid: str,
    summary: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    sequence: int,
    status: str,
) -> CalendarEvent:
    zone = _zone(data)
    event = CalendarEvent()
    event.add("uid", uid)
    event.add("dtstamp", data.generated_at.astimezone(dt.UTC))
    event.add("dtstart", starts_at.replace(tzinfo=zone))
    event.add("dtend", ends_at.replace(tzinfo=zone))
    event.add("sequence", sequence)
    event.add("status", status)
    event.add("summary", summary)
    return event


def _zone(data: ExportData) -> ZoneInfo:
    try:
        return ZoneInfo(data.event.timezone)
    except (ZoneInfoNotFoundError, ValueError):  # the services check the zone; this only keeps an export alive
        return ZoneInfo("UTC")


def _export(data: ExportData, calendar: Calendar, *, filename: str) -> Export:
    """The calendar with the VTIMEZONE its events name (none for UTC, whose times are written with a Z)."""
    if calendar.get_missing_tzids():
        days = [slot.starts_at.date() for slot in data.slots] + [c.starts_at.date() for c in data.cancelled]
        zone_part = vtimezone(
            _zone(data), first=min(days, default=data.event.date), last=max(days, default=data.event.date)
        )
        calendar.subcomponents.insert(0, zone_part)
    return Export(content=calendar.to_ical(), content_type=CONTENT_TYPE, filename=filename)
