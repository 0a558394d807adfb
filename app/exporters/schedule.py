"""The wall as the schedule apps read it: frab schedule XML and its JSON twin, as pretalx publishes them.

Giggity, ConfClerk, EventFahrplan and most conference tools read this format (it began with Pentabarf and
frab; the c3voc schedule schema documents it). One document is built here as plain values and written twice,
as XML (`schedule.xml`) and as JSON (`schedule.json`), so the twins can't drift apart.

What it holds is what the wall shows anyone: sessions placed in a room and a slot (never a hidden topic), and
the plenaries and breaks everyone shares, each in the room "Everyone". A day is a date of the venue's calendar
with slots on it. A theme is a session's track; its notes page is its link; its convener is a person only
when they chose to be listed, and only when `names` (an event with a join code names nobody to outsiders,
and schedule apps can't join). `version` is a digest of everything else in the document: it changes exactly
when something an app shows changes, which is what apps compare to know they must refresh.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import re
import unicodedata
import uuid
import xml.etree.ElementTree as ET
from collections import defaultdict
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from app.exporters.base import Export, file_name
from app.exporters.data import ExportData, Session, SlotData

XML_CONTENT_TYPE = "application/xml; charset=utf-8"
JSON_CONTENT_TYPE = "application/json"
GENERATOR = "Hallway"
# Where plenaries and breaks are: frab puts every event in a room, and these are everyone's.
EVERYONE = "Everyone"
# Event ids are topic ids for sessions; a plenary or break gets its slot's id past 2**30, where no topic id
# will reach, so the two never meet. Every id stays below 2**31: ConfClerk reads it into a C++ int and
# EventFahrplan into a Java int, and an id past that overflows there.
SLOT_EVENT_BASE = 2**30
SLUG_TITLE_CHARS = 40
_NOT_SLUG = re.compile(r"[^a-z0-9]+")

Document = dict[str, Any]


def export_schedule_json(data: ExportData, *, names: bool) -> Export:
    """The schedule as pretalx's schedule.json."""
    document = schedule_document(data, names=names)
    content = json.dumps(document, ensure_ascii=False, indent=1).encode()
    return Export(content, JSON_CONTENT_TYPE, file_name(f"{data.event.name} schedule", extension="json"))


def export_schedule_xml(data: ExportData, *, names: bool) -> Export:
    """The schedule as frab's schedule.xml."""
    root = schedule_xml(schedule_document(data, names=names))
    ET.indent(root)
    content = ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"
    return Export(content, XML_CONTENT_TYPE, file_name(f"{data.event.name} schedule", extension="xml"))


def schedule_document(data: ExportData, *, names: bool) -> Document:
    """The schedule as plain values, in the JSON twin's layout, its `version` the digest of the rest."""
    zone = _zone(data.event.timezone)
    rooms = _room_names(data)
    days: defaultdict[dt.date, list[tuple[str, Document, SlotData]]] = defaultdict(list)
    for session in data.sessions:
        if session.slot is not None and session.room is not None:
            days[session.slot.starts_at.date()].append(
                (rooms[session.room.id], _session_event(data, session, rooms, zone, names=names), session.slot)
            )
    for slot in data.slots:
        on_that_day = days[slot.starts_at.date()]  # a day with slots is a day of the schedule, sessions or not
        if slot.kind != "sessions":
            on_that_day.append((rooms[None], _slot_event(data, slot, rooms, zone), slot))
    dates = sorted(days) or [data.event.date]
    conference: Document = {
        "acronym": data.event.slug,
        "title": data.event.name,
        "start": dates[0].isoformat(),
        "end": dates[-1].isoformat(),
        "daysCount": len(dates),
        "timeslot_duration": _timeslot(data.slots),
        "time_zone_name": zone.key,
        "url": data.page_url("/wall") or "",
        "rooms": [
            {"name": rooms[room.id], "guid": _guid(data, "room", room.id), "description": room.location_notes or None,
             "capacity": room.capacity}
            for room in data.rooms
        ] + ([{"name": rooms[None], "guid": _guid(data, "room", 0), "description": None, "capacity": None}]
             if any(slot.kind != "sessions" for slot in data.slots) else []),
        "tracks": [{"name": theme.name} for theme in data.themes],
        "days": [_day(index, date, days.get(date, []), data, rooms, zone) for index, date in enumerate(dates, 1)],
    }  # fmt: skip
    schedule: Document = {"version": "", "base_url": data.page_url("/") or "", "conference": conference}
    schedule["version"] = _digest(schedule)
    return {"generator": {"name": GENERATOR}, "schedule": schedule}


def schedule_xml(document: Document) -> ET.Element:
    """The JSON twin written as frab XML: the same values, in frab's elements and attributes."""
    schedule, conference = document["schedule"], document["schedule"]["conference"]
    root = ET.Element("schedule")
    ET.SubElement(root, "generator", name=document["generator"]["name"])
    _text(root, "version", schedule["version"])
    part = ET.SubElement(root, "conference")
    for key, tag in (
        ("acronym", "acronym"),
        ("title", "title"),
        ("start", "start"),
        ("end", "end"),
        ("daysCount", "days"),
        ("timeslot_duration", "timeslot_duration"),
        ("base_url", "base_url"),
        ("time_zone_name", "time_zone_name"),
    ):
        value = schedule[key] if key == "base_url" else conference[key]
        if value not in ("", None):
            _text(part, tag, str(value))
    for day in conference["days"]:
        day_part = ET.SubElement(
            root, "day", index=str(day["index"]), date=day["date"], start=day["day_start"], end=day["day_end"]
        )
        for room_name, events in day["rooms"].items():
            room_part = ET.SubElement(day_part, "room", name=room_name)
            for event in events:
                room_part.append(_event_xml(event))
    return root


def _event_xml(event: Document) -> ET.Element:
    part = ET.Element("event", id=str(event["id"]), guid=event["guid"])
    for key in ("date", "start", "duration", "room", "slug", "url", "title", "subtitle", "track", "type"):
        if key != "url" or event[key]:
            _text(part, key, event[key] or "")
    for key in ("language", "abstract", "description"):
        _text(part, key, event[key] or "")
    persons = ET.SubElement(part, "persons")
    for person in event["persons"]:
        ET.SubElement(persons, "person", id=str(person["id"]), guid=person["guid"]).text = person["name"]
    links = ET.SubElement(part, "links")
    for link in event["links"]:
        ET.SubElement(links, "link", href=link["url"]).text = link["title"]
    return part


def _day(
    index: int,
    date: dt.date,
    entries: list[tuple[str, Document, SlotData]],
    data: ExportData,
    rooms: dict[int | None, str],
    zone: ZoneInfo,
) -> Document:
    """One day: its span (from its first slot's start to its last slot's end), and its events room by room, in
    the wall's order of rooms with "Everyone" first, each room's events by time."""
    slots = [s for s in data.slots if s.starts_at.date() == date]
    start = min((s.starts_at for s in slots), default=dt.datetime.combine(date, dt.time(0)))
    end = max((s.ends_at for s in slots), default=dt.datetime.combine(date, dt.time(23, 59)))
    order = [rooms[None], *(rooms[room.id] for room in data.rooms)]
    by_room: dict[str, list[Document]] = {}
    for room_name in order:
        events = sorted((e for name, e, _ in entries if name == room_name), key=lambda e: e["date"])
        if events:
            by_room[room_name] = events
    return {
        "index": index,
        "date": date.isoformat(),
        "day_start": _instant(start, zone),
        "day_end": _instant(end, zone),
        "rooms": by_room,
    }


def _session_event(
    data: ExportData, session: Session, rooms: dict[int | None, str], zone: ZoneInfo, *, names: bool
) -> Document:
    assert session.slot is not None and session.room is not None
    topic = session.topic
    theme = data.theme_of(topic)
    notes = data.page_url(f"/topics/{topic.id}/notes") or ""
    convener = data.attendees_by_id.get(topic.convener_id) if topic.convener_id is not None else None
    # With an id as pretalx gives its speakers: ConfClerk files people under their ids and drops one without.
    persons = (
        [
            {
                "id": convener.id,
                "guid": _guid(data, "attendee", convener.id),
                "name": convener.display_name,
                "public_name": convener.display_name,
            }
        ]
        if names and convener is not None and convener.listed
        else []
    )
    return {
        **_timing(session.slot, zone),
        "id": topic.id,
        "guid": _guid(data, "topic", topic.id),
        "room": rooms[session.room.id],
        "slug": _slug(data.event.slug, topic.id, topic.title),
        "url": notes,
        "title": topic.title,
        "subtitle": "",
        "track": theme.name if theme is not None else None,
        "type": "session",
        "language": data.event.language,
        "abstract": topic.description,
        "description": "",
        "persons": persons,
        "links": [{"url": notes, "title": "Notes"}] if notes else [],
        "attachments": [],
    }


def _slot_event(data: ExportData, slot: SlotData, rooms: dict[int | None, str], zone: ZoneInfo) -> Document:
    """A plenary or a break, everyone's: an event of type "plenary" or "break"."""
    wall = data.page_url("/wall") or ""
    return {
        **_timing(slot, zone),
        "id": SLOT_EVENT_BASE + slot.id,
        "guid": _guid(data, "slot", slot.id),
        "room": rooms[None],
        "slug": _slug(data.event.slug, SLOT_EVENT_BASE + slot.id, slot.label or slot.kind),
        "url": wall,
        "title": slot.name,
        "subtitle": "",
        "track": None,
        "type": slot.kind,
        "language": data.event.language,
        "abstract": "Everyone together." if slot.kind == "plenary" else "A break: no sessions.",
        "description": "",
        "persons": [],
        "links": [],
        "attachments": [],
    }


def _timing(slot: SlotData, zone: ZoneInfo) -> Document:
    """When: the instant with the venue's offset, the wall-clock start, and how long (hours:minutes) it lasts."""
    starts, ends = slot.starts_at.replace(tzinfo=zone), slot.ends_at.replace(tzinfo=zone)
    minutes = max(0, round((ends.astimezone(dt.UTC) - starts.astimezone(dt.UTC)).total_seconds() / 60))
    return {
        "date": starts.isoformat(),
        "start": f"{slot.starts_at:%H:%M}",
        "duration": f"{minutes // 60:02d}:{minutes % 60:02d}",
    }


def _room_names(data: ExportData) -> dict[int | None, str]:
    """Each room's name, made unique within the event (apps key rooms by name: a second "Hall" is "Hall (2)");
    None is the room of plenaries and breaks, "Everyone"."""
    seen: set[str] = set()
    names: dict[int | None, str] = {}
    for room_id, name in [*((room.id, room.name) for room in data.rooms), (None, EVERYONE)]:
        candidate, n = name, 1
        while candidate.casefold() in seen:
            n += 1
            candidate = f"{name} ({n})"
        seen.add(candidate.casefold())
        names[room_id] = candidate
    return names


def _timeslot(slots: tuple[SlotData, ...]) -> str:
    """The grid the apps draw on: the largest number of minutes every slot's start and end fall on."""
    minutes = [moment.hour * 60 + moment.minute for slot in slots for moment in (slot.starts_at, slot.ends_at)]
    step = math.gcd(*minutes) if minutes else 15
    step = min(max(step or 60, 5), 60)
    return f"{step // 60:02d}:{step % 60:02d}"


def _slug(event_slug: str, event_id: int, title: str) -> str:
    """`{event}-{id}-{title in ASCII}`, as pretalx makes them: unique through the id, readable through the title."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode().lower()
    words = _NOT_SLUG.sub("-", ascii_title).strip("-")[:SLUG_TITLE_CHARS].strip("-")
    return "-".join(part for part in (event_slug, str(event_id), words) if part)


def _guid(data: ExportData, kind: str, row_id: int) -> str:
    """A UUID that stays the same for the same session of the same event, whoever asks and whenever."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"hallway:{data.event.slug}:{kind}:{row_id}"))


def _instant(moment: dt.datetime, zone: ZoneInfo) -> str:
    return moment.replace(tzinfo=zone).isoformat()


def _digest(schedule: Document) -> str:
    text = json.dumps(schedule, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _text(parent: ET.Element, tag: str, text: str) -> ET.Element:
    element = ET.SubElement(parent, tag)
    element.text = text
    return element


def _zone(timezone: str) -> ZoneInfo:
    try:
        return ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):  # the services check the zone; this only keeps an export alive
        return ZoneInfo("UTC")
