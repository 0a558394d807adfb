"""What the exporters read: one event's data, loaded once (app/services/export_data.py) into plain values.

Rows are kept with their database ids so that exporters can cross-reference them; the JSON document
replaces the ids with references of its own (app/exporters/json.py).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cached_property

from app import i18n
from app.i18n import _
from app.name_lists import name_list

# Said in the export's language when a convener is named (the harvest page, the booklet, the Markdown).
FACILITATOR_NAME = _("the facilitator")
SOMEONE_WHO_LEFT = _("someone who left")


@dataclass(frozen=True)
class EventInfo:
    """The event's slug and its settings (app/models/event.py, EVENT_SETTINGS; a test keeps the two the same)."""

    slug: str
    name: str
    timezone: str
    date: dt.date
    proposals_open: bool
    voting_open: bool
    self_placement: bool
    votes_per_attendee: int
    join_code: str | None
    last_date: dt.date | None = None  # None: the one day `date` (a document made before events had days)
    notes_locked: bool = False
    board_mode: str = "cycle"
    board_cycle_seconds: int = 20
    topic_limit: int = 300
    board_contrast: bool = False
    theme_required: bool = False
    harvest_published: bool = False
    language: str = "en"
    board_second_language: str | None = None

    @property
    def several_days(self) -> bool:
        return self.last_date is not None and self.last_date > self.date

    def days_said(self) -> str:
        """The event's day, or its first and last, as a programme's cover says them, in the language spoken."""
        if self.last_date is None or not self.several_days:
            return i18n.full_date(self.date)
        # Translators: an event of several days, on an export's cover: "Tuesday, 24 November 2026 to Thursday, …".
        return i18n.gettext("{first} to {last}", first=i18n.full_date(self.date), last=i18n.full_date(self.last_date))


@dataclass(frozen=True)
class ThemeData:
    """One of the event's strands of conversation; `symbol` is what its mark (`mark`, a key) looks like."""

    id: int
    name: str
    description: str
    mark: str
    symbol: str
    position: int = 0


@dataclass(frozen=True)
class RoomData:
    id: int
    name: str
    capacity: int
    location_notes: str = ""


@dataclass(frozen=True)
class SlotData:
    """A time block; `starts_at` and `ends_at` are naive wall-clock times in the event's time zone."""

    id: int
    starts_at: dt.datetime
    ends_at: dt.datetime
    label: str = ""
    kind: str = "sessions"
    calendar_sequence: int = 0  # the iCalendar SEQUENCE of a plenary or break

    @property
    def name(self) -> str:
        """How people call the slot: its label, or its times."""
        return self.label or f"{self.starts_at:%H:%M}–{self.ends_at:%H:%M}"


@dataclass(frozen=True)
class AttendeeData:
    id: int
    display_name: str
    joined_at: dt.datetime
    # False for someone who chose not to be listed (display_name already says "a participant") or who left.
    listed: bool = True


@dataclass(frozen=True)
class NoteText:
    """The fields people write in a session's notes (app/models/note.py, NoteFields)."""

    body: str = ""
    key_points: str = ""
    actions: str = ""
    continue_url: str = ""
    attendees_text: str = ""

    @property
    def is_empty(self) -> bool:
        return not any(
            part.strip() for part in (self.body, self.key_points, self.actions, self.continue_url, self.attendees_text)
        )


@dataclass(frozen=True)
class RevisionData:
    version: int
    kind: str
    base_version: int
    text: NoteText
    submitted: dict[str, str] | None
    author_name: str
    author_id: int | None
    created_at: dt.datetime


@dataclass(frozen=True)
class NotesData:
    version: int
    text: NoteText
    created_at: dt.datetime
    updated_at: dt.datetime
    updated_by: str
    revisions: tuple[RevisionData, ...] = ()


@dataclass(frozen=True)
class TopicData:
    id: int
    title: str
    description: str
    convener_id: int | None
    status: str
    created_at: dt.datetime
    updated_at: dt.datetime
    merged_into_id: int | None = None
    voter_ids: tuple[int, ...] = ()
    room_id: int | None = None
    slot_id: int | None = None
    going_ids: tuple[int, ...] = ()
    notes: NotesData | None = None
    pinned: bool = False  # its placement is kept by the auto-scheduler
    # What the auto-scheduler respects (app/services/topic_constraints.py); times are wall-clock, like slots.
    not_before: dt.datetime | None = None
    not_after: dt.datetime | None = None
    min_room_capacity: int | None = None
    apart_from_ids: tuple[int, ...] = ()  # active topics it must not share a slot with (both sides list the pair)
    theme_id: int | None = None
    calendar_sequence: int = 0  # the iCalendar SEQUENCE: one more with each move (app/services/calendar_changes.py)
    co_convener_ids: tuple[int, ...] = ()  # who convenes it beside its convener (accepted), in the order invited

    @property
    def votes(self) -> int:
        return len(self.voter_ids)

    @property
    def going(self) -> int:
        return len(self.going_ids)

    @property
    def is_placed(self) -> bool:
        return self.room_id is not None and self.slot_id is not None


@dataclass(frozen=True)
class CancelledData:
    """An attendee was going to this session when it left the wall, at these (wall-clock) times."""

    attendee_id: int
    topic_id: int
    starts_at: dt.datetime
    ends_at: dt.datetime


@dataclass(frozen=True)
class Session:
    """A topic as one session of the day: in its room and slot when placed; notes, when written."""

    topic: TopicData
    room: RoomData | None
    slot: SlotData | None
    convener_name: str
    number: int  # 1, 2, … in agenda order: the order of the booklet and of the zip's files

    @property
    def notes(self) -> NotesData | None:
        return self.topic.notes


@dataclass(frozen=True)
class ExportData:
    """Everything about one event that an export may show. Lists are in their display order:
    rooms left to right, slots by time, attendees and topics in the order they joined or were proposed."""

    event: EventInfo
    rooms: tuple[RoomData, ...]
    slots: tuple[SlotData, ...]
    attendees: tuple[AttendeeData, ...]
    topics: tuple[TopicData, ...]
    generated_at: dt.datetime  # when the export was made (UTC); the iCalendar DTSTAMP
    public_url: str = ""  # where the event's pages are, e.g. https://hallway.example.org; "" if unknown
    themes: tuple[ThemeData, ...] = ()  # in the facilitator's order
    cancelled: tuple[CancelledData, ...] = ()  # for the personal calendars: sessions called off under people

    @cached_property
    def topics_by_id(self) -> dict[int, TopicData]:
        return {topic.id: topic for topic in self.topics}

    @cached_property
    def rooms_by_id(self) -> dict[int, RoomData]:
        return {room.id: room for room in self.rooms}

    @cached_property
    def slots_by_id(self) -> dict[int, SlotData]:
        return {slot.id: slot for slot in self.slots}

    @cached_property
    def themes_by_id(self) -> dict[int, ThemeData]:
        return {theme.id: theme for theme in self.themes}

    def theme_of(self, topic: TopicData) -> ThemeData | None:
        return self.themes_by_id.get(topic.theme_id) if topic.theme_id is not None else None

    @cached_property
    def sessions_by_theme(self) -> tuple[tuple[ThemeData | None, tuple[Session, ...]], ...]:
        """The sessions grouped by theme, in the themes' order, each group in agenda order; a theme with no
        session is there with none (it says so), and the sessions with no theme come last (None), if any."""
        groups: list[tuple[ThemeData | None, tuple[Session, ...]]] = [
            (theme, tuple(s for s in self.sessions if s.topic.theme_id == theme.id)) for theme in self.themes
        ]
        unthemed = tuple(s for s in self.sessions if self.theme_of(s.topic) is None)
        if unthemed:
            groups.append((None, unthemed))
        return tuple(groups)

    @cached_property
    def attendees_by_id(self) -> dict[int, AttendeeData]:
        return {attendee.id: attendee for attendee in self.attendees}

    @cached_property
    def names_by_id(self) -> dict[int, str]:
        return {attendee.id: attendee.display_name for attendee in self.attendees}

    def convener_name(self, topic: TopicData) -> str:
        """Who convened it: "Ada", or "Ada and Sam" with a co-convener (a topic from the facilitator with
        co-conveners is theirs: "Sam")."""
        facilitator, left = i18n.translated(FACILITATOR_NAME), i18n.translated(SOMEONE_WHO_LEFT)
        main = (
            (None if topic.co_convener_ids else facilitator)
            if topic.convener_id is None
            else self.names_by_id.get(topic.convener_id, left)
        )
        co = [self.names_by_id.get(attendee_id, left) for attendee_id in topic.co_convener_ids]
        return name_list([main, *co]) or facilitator

    @cached_property
    def sessions(self) -> tuple[Session, ...]:
        """The sessions of the day: placed topics in agenda order (by slot, then room, left to right),
        then topics taken off the wall whose notes were written (notes outlive their placement).
        Hidden topics never appear."""
        room_order = {room.id: index for index, room in enumerate(self.rooms)}
        slot_order = {slot.id: index for index, slot in enumerate(self.slots)}
        placed = sorted(
            (t for t in self.topics if t.is_placed and t.status != "hidden"),
            key=lambda t: (slot_order.get(t.slot_id or 0, 0), room_order.get(t.room_id or 0, 0)),
        )
        unplaced_with_notes = [
            t
            for t in self.topics
            if not t.is_placed and t.status != "hidden" and t.notes is not None and not t.notes.text.is_empty
        ]
        return tuple(
            Session(
                topic=topic,
                room=self.rooms_by_id.get(topic.room_id) if topic.room_id is not None else None,
                slot=self.slots_by_id.get(topic.slot_id) if topic.slot_id is not None else None,
                convener_name=self.convener_name(topic),
                number=number,
            )
            for number, topic in enumerate([*placed, *unplaced_with_notes], start=1)
        )

    @cached_property
    def unplaced_topics(self) -> tuple[TopicData, ...]:
        """Topics still on the marketplace (proposed, never placed), most dots first: the booklet's appendix."""
        shown = {session.topic.id for session in self.sessions}
        rest = [t for t in self.topics if t.status == "proposed" and t.id not in shown]
        return tuple(sorted(rest, key=lambda t: -t.votes))

    def page_url(self, path: str = "") -> str | None:
        """An address on the event's pages, or None when the public address is unknown."""
        if not self.public_url:
            return None
        return f"{self.public_url}/e/{self.event.slug}{path}"
