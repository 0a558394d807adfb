"""The whole event as one JSON document (`"format": "hallway-event", "version": 3`; docs/export-format.md).

The document carries no database ids: themes, rooms, slots, attendees and topics get references of their own
("theme-1", "room-1", "attendee-3", …), numbered in display order. `hallway import` loads it into a fresh instance,
and exporting the imported event gives the same document again, byte for byte. Secrets (the facilitator
key, attendee tokens and their hashes) are never in it.

The pydantic models below are the schema: the exporter builds them, the importer validates with them.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from app.exporters.base import Export, file_name
from app.exporters.data import ExportData, NotesData, NoteText
from app.models.event import settings_of

# Versions and numbers are 32-bit integers in the database.
Version = Annotated[int, Field(ge=0, le=2**31 - 1)]

FORMAT = "hallway-event"
VERSION = 3  # 2 added the auto-scheduler's topic constraints and pins; 3, the themes and each topic's theme
READABLE_VERSIONS = (1, 2, 3)  # an older document is a version 3 one without what came later
CONTENT_TYPE = "application/json"


class _Part(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class EventPart(_Part):
    """The event: its slug and its settings (app/models/event.py, EVENT_SETTINGS; tests/exporters/test_json.py
    keeps the two the same), with defaults for those a version 1 document may lack."""

    name: str
    slug: str
    timezone: str
    date: dt.date
    proposals_open: bool
    voting_open: bool
    self_placement: bool
    votes_per_attendee: Version
    join_code: str | None
    notes_locked: bool = False
    board_mode: str = "cycle"
    board_cycle_seconds: Version = 20
    topic_limit: Version = 300
    board_contrast: bool = False
    theme_required: bool = False
    harvest_published: bool = False
    language: str = "en"
    board_second_language: str | None = None


class ThemePart(_Part):
    id: str
    name: str
    description: str = ""
    mark: str
    position: Version = 0


class RoomPart(_Part):
    id: str
    name: str
    capacity: Version
    location_notes: str = ""


class SlotPart(_Part):
    id: str
    starts_at: dt.datetime  # wall-clock time in the event's time zone, no offset
    ends_at: dt.datetime
    label: str = ""
    kind: Literal["sessions", "plenary", "break"] = "sessions"


class AttendeePart(_Part):
    id: str
    display_name: str
    joined_at: dt.datetime


class PlacementPart(_Part):
    room: str
    slot: str
    pinned: bool = False


class NoteFieldsPart(_Part):
    body: str = ""
    key_points: str = ""
    actions: str = ""
    continue_url: str = ""
    attendees_text: str = ""


class RevisionPart(NoteFieldsPart):
    version: Version
    kind: Literal["save", "merge", "conflict", "restore"]
    base_version: Version
    submitted: dict[str, str] | None = None
    author_name: str
    author: str | None = None
    created_at: dt.datetime


class NotesPart(NoteFieldsPart):
    version: Version
    created_at: dt.datetime
    updated_at: dt.datetime
    updated_by: str = ""
    revisions: list[RevisionPart] = []


class TopicPart(_Part):
    id: str
    title: str
    description: str = ""
    convener: str | None = None
    status: Literal["proposed", "placed", "withdrawn", "hidden", "merged"] = "proposed"
    merged_into: str | None = None
    created_at: dt.datetime
    updated_at: dt.datetime
    votes: list[str] = []
    placement: PlacementPart | None = None
    going: list[str] = []
    not_before: dt.datetime | None = None  # wall-clock time at the venue, like a slot's
    not_after: dt.datetime | None = None
    min_room_capacity: Version | None = None
    apart_from: list[str] = []
    theme: str | None = None
    # Who convenes it beside its convener (those who accepted), in the order they were invited. Added within
    # version 3: a document without it has none.
    co_conveners: list[str] = []
    notes: NotesPart | None = None


class EventDocument(_Part):
    format: Literal["hallway-event"]
    version: Literal[1, 2, 3]
    event: EventPart
    themes: list[ThemePart] = []
    rooms: list[RoomPart] = []
    slots: list[SlotPart] = []
    attendees: list[AttendeePart] = []
    topics: list[TopicPart] = []


def export_json(data: ExportData) -> Export:
    content = document(data).model_dump_json(indent=2).encode() + b"\n"
    return Export(
        content=content,
        content_type=CONTENT_TYPE,
        filename=file_name(f"{data.event.name} event", extension="json"),
    )


def document(data: ExportData) -> EventDocument:
    themes = {theme.id: f"theme-{n}" for n, theme in enumerate(data.themes, start=1)}
    rooms = {room.id: f"room-{n}" for n, room in enumerate(data.rooms, start=1)}
    slots = {slot.id: f"slot-{n}" for n, slot in enumerate(data.slots, start=1)}
    people = {attendee.id: f"attendee-{n}" for n, attendee in enumerate(data.attendees, start=1)}
    topics = {topic.id: f"topic-{n}" for n, topic in enumerate(data.topics, start=1)}
    order = {attendee.id: n for n, attendee in enumerate(data.attendees)}
    topic_order = {topic.id: n for n, topic in enumerate(data.topics)}

    def refs(attendee_ids: tuple[int, ...]) -> list[str]:
        """Attendee references in the attendees' order: the same for the same people, however stored."""
        return [people[i] for i in sorted((i for i in attendee_ids if i in people), key=order.__getitem__)]

    def topic_refs(topic_ids: tuple[int, ...]) -> list[str]:
        """Topic references in the topics' order."""
        return [topics[i] for i in sorted((i for i in topic_ids if i in topics), key=topic_order.__getitem__)]

    def person(attendee_id: int | None) -> str | None:
        return people.get(attendee_id) if attendee_id is not None else None

    def notes(notes: NotesData | None) -> NotesPart | None:
        if notes is None:
            return None
        return NotesPart(
            **_fields(notes.text),
            version=notes.version,
            created_at=notes.created_at,
            updated_at=notes.updated_at,
            updated_by=notes.updated_by,
            revisions=[
                RevisionPart(
                    **_fields(revision.text),
                    version=revision.version,
                    kind=revision.kind,
                    base_version=revision.base_version,
                    submitted=revision.submitted,
                    author_name=revision.author_name,
                    author=person(revision.author_id),
                    created_at=revision.created_at,
                )
                for revision in notes.revisions
            ],
        )

    event = data.event
    return EventDocument(
        format=FORMAT,
        version=VERSION,
        event=EventPart(slug=event.slug, **settings_of(event)),
        themes=[
            ThemePart(id=themes[t.id], name=t.name, description=t.description, mark=t.mark, position=t.position)
            for t in data.themes
        ],
        rooms=[
            RoomPart(id=rooms[r.id], name=r.name, capacity=r.capacity, location_notes=r.location_notes)
            for r in data.rooms
        ],
        slots=[
            SlotPart(
                id=slots[s.id],
                starts_at=s.starts_at,
                ends_at=s.ends_at,
                label=s.label,
                kind=s.kind,
            )
            for s in data.slots
        ],
        attendees=[
            AttendeePart(id=people[a.id], display_name=a.display_name, joined_at=a.joined_at) for a in data.attendees
        ],
        topics=[
            TopicPart(
                id=topics[t.id],
                title=t.title,
                description=t.description,
                convener=person(t.convener_id),
                status=t.status,
                merged_into=topics.get(t.merged_into_id) if t.merged_into_id is not None else None,
                created_at=t.created_at,
                updated_at=t.updated_at,
                votes=refs(t.voter_ids),
                placement=_placement(rooms, slots, t.room_id, t.slot_id, pinned=t.pinned),
                going=refs(t.going_ids),
                not_before=t.not_before,
                not_after=t.not_after,
                min_room_capacity=t.min_room_capacity,
                apart_from=topic_refs(t.apart_from_ids),
                theme=themes.get(t.theme_id) if t.theme_id is not None else None,
                co_conveners=refs(t.co_convener_ids),
                notes=notes(t.notes),
            )
            for t in data.topics
        ],
    )


def _fields(text: NoteText) -> dict[str, str]:
    return {
        "body": text.body,
        "key_points": text.key_points,
        "actions": text.actions,
        "continue_url": text.continue_url,
        "attendees_text": text.attendees_text,
    }


def _placement(
    rooms: dict[int, str], slots: dict[int, str], room_id: int | None, slot_id: int | None, *, pinned: bool
) -> PlacementPart | None:
    if room_id is None or slot_id is None or room_id not in rooms or slot_id not in slots:
        return None
    return PlacementPart(room=rooms[room_id], slot=slots[slot_id], pinned=pinned)
