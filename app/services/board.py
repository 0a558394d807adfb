"""The board: the whole agenda wall of an event as one read, for the live pages, the venue screen and scripts.

It carries what the wall marks without refusing: a cell whose expected audience (the topic's dots)
is beyond its room's capacity, and the people torn between two topics placed in the same slot.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass, field, replace
from itertools import groupby

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from app.db import exec_select
from app.i18n import _n, joined
from app.models import (
    Announcement,
    Attendance,
    Attendee,
    Event,
    Placement,
    Room,
    Slot,
    SlotKind,
    Theme,
    Topic,
    Vote,
    id_of,
)
from app.models.enums import ACTIVE_TOPIC_STATUSES
from app.models.event import EventPublic
from app.name_lists import name_list
from app.services import announcements, clock, co_conveners, themes, wall_setup
from app.services.attendance import room_is_full
from app.services.changes import board_version
from app.services.lookups import get_event_by_id
from app.services.privacy import listed_name, shown_name

TOP_COUNT = 12  # the most dotted topics the venue screen shows


@dataclass(frozen=True)
class CoConvenerName:
    id: int
    name: str  # as lists rendered for everyone carry it (app/services/privacy.py)


@dataclass(frozen=True)
class BoardTopic:
    id: int
    title: str
    description: str
    convener_id: int | None
    main_convener_name: str | None  # the one who proposed it; None: the facilitator
    status: str
    votes: int
    created_at: dt.datetime
    theme: Theme | None = None
    co_conveners: tuple[CoConvenerName, ...] = ()  # accepted, in the order they were invited

    @property
    def convener_name(self) -> str | None:
        """Who convenes it as the wall, the board and the marketplace show it: "Ada", or "Ada and Sam" with a
        co-convener (joined in the reader's language); None for the facilitator's topic with no co-convener."""
        return name_list([self.main_convener_name, *(c.name for c in self.co_conveners)])


@dataclass(frozen=True)
class Clash:
    """People who dotted this cell's topic and also `other_title`, placed in the same slot."""

    other_topic_id: int
    other_title: str
    people: int


@dataclass(frozen=True)
class BoardCell:
    room: Room
    slot: Slot
    topic: BoardTopic | None
    going: int = 0
    pinned: bool = False  # the auto-scheduler keeps this placement where it is
    torn: int = 0  # people who dotted this topic and at least one other in the slot
    clashes: tuple[Clash, ...] = ()

    @property
    def key(self) -> str:
        return f"{self.room.id}-{self.slot.id}"

    @property
    def over_capacity(self) -> bool:
        """More dots than seats: the expected audience does not fit (marked, never refused)."""
        return self.topic is not None and self.topic.votes > self.room.capacity

    @property
    def room_full(self) -> bool:
        return room_is_full(going=self.going, capacity=self.room.capacity, counting_me=False)

    @property
    def clash_summary(self) -> str:
        return joined(
            (
                _n("{count} also dotted “{title}”", "{count} also dotted “{title}”", c.people, title=c.other_title)
                for c in self.clashes
            ),
            "; ",
        )


@dataclass(frozen=True)
class BoardRow:
    slot: Slot
    cells: list[BoardCell]

    @property
    def takes_topics(self) -> bool:
        return self.slot.kind == SlotKind.sessions

    @property
    def placed(self) -> list[BoardCell]:
        return [cell for cell in self.cells if cell.topic is not None]

    @property
    def torn(self) -> int:
        """Torn attendees of the slot: for each person, the dotted topics here beyond their first."""
        return sum(cell.torn for cell in self.cells)


@dataclass(frozen=True)
class WallDay:
    """One day of an event of several days on the wall: its rows, in time order."""

    date: dt.date
    rows: list[BoardRow]
    today: bool  # the venue's today when the board was read
    folded: bool  # over, while the event still runs: out of the way until asked for

    @property
    def id(self) -> str:
        """The day's id on the page, and in links to it: "day-2026-11-24"."""
        return f"day-{self.date.isoformat()}"


@dataclass(frozen=True)
class DaySlot:
    """One session slot of an attendee's day: the cell they said they are going to, if any."""

    slot: Slot
    chosen: BoardCell | None


@dataclass(frozen=True)
class MyDay:
    """An attendee's slots of one day of the event (the only one, on a one-day event)."""

    date: dt.date
    slots: list[DaySlot]


@dataclass(frozen=True)
class NowNext:
    now: BoardRow | None
    next: BoardRow | None
    minutes_left: int | None  # of the slot running now
    at: dt.datetime | None = None  # the venue's wall clock they were worked out for

    def another_day(self, row: BoardRow | None) -> bool:
        """Whether a row is on another day than today (the next slot may be tomorrow's first): said so."""
        return row is not None and self.at is not None and row.slot.starts_at.date() != self.at.date()


@dataclass(frozen=True)
class ThemeSessions:
    """One theme's sessions running now and next, for the venue screen's "by theme" mode."""

    theme: Theme | None  # None: the topics with no theme
    now: list[BoardCell]
    next: list[BoardCell]


@dataclass
class Board:
    version: int
    event: Event
    rooms: list[Room]
    slots: list[Slot]
    topics: list[BoardTopic]  # active topics, most dots first
    placements: dict[int, tuple[int, int]]  # topic id → (room id, slot id)
    going: dict[int, int]  # topic id → people going
    # The venue's wall clock when the board was read (app/services/clock.py): now and next, and today, by it.
    # Given, never defaulted: the machine's own clock (its zone, not the venue's) would put the wrong slot on now.
    read_at: dt.datetime
    pinned: set[int] = field(default_factory=set)  # topic ids whose placement the auto-scheduler keeps
    rows: list[BoardRow] = field(default_factory=list)
    announcement: Announcement | None = None  # the facilitator's latest word to everyone
    themes: list[Theme] = field(default_factory=list)  # in the facilitator's order

    def topic(self, topic_id: int) -> BoardTopic | None:
        return next((t for t in self.topics if t.id == topic_id), None)

    def without_names(self) -> Board:
        """The same wall with every attendee's name replaced (app/services/privacy.py): for the venue screen
        and the feeds anyone can read on an event with a join code. Clashes are not carried over."""
        nameless = {
            t.id: replace(
                t,
                main_convener_name=shown_name(t.main_convener_name, shown=False),
                co_conveners=tuple(replace(c, name=shown_name(c.name, shown=False) or c.name) for c in t.co_conveners),
            )
            for t in self.topics
        }
        rows = [
            replace(row, cells=[replace(c, topic=nameless[c.topic.id] if c.topic else None) for c in row.cells])
            for row in self.rows
        ]
        return replace(self, topics=list(nameless.values()), rows=rows)

    def row(self, slot_id: int) -> BoardRow | None:
        return next((r for r in self.rows if r.slot.id == slot_id), None)

    def theme_of(self, theme_id: int | None) -> Theme | None:
        return next((theme for theme in self.themes if theme.id == theme_id), None) if theme_id else None

    def by_theme(self, now_next: NowNext) -> list[ThemeSessions]:
        """Each theme's sessions now and next, in the themes' order, then the unthemed ones; a theme with
        nothing now or next is left out (the screen has no room for empty headings)."""
        groups: list[Theme | None] = [*self.themes, None]
        sessions = []
        for theme in groups:
            now, upcoming = _of_theme(now_next.now, theme), _of_theme(now_next.next, theme)
            if now or upcoming:
                sessions.append(ThemeSessions(theme=theme, now=now, next=upcoming))
        return sessions

    @property
    def unplaced(self) -> list[BoardTopic]:
        return [t for t in self.topics if t.id not in self.placements]

    def top(self, count: int = TOP_COUNT) -> list[BoardTopic]:
        return self.topics[:count]

    def day_of(self, choices: dict[int, int]) -> list[DaySlot]:
        """An attendee's day on this wall, from their "I'm going" per slot (attendance.my_day)."""
        return [
            DaySlot(
                slot=row.slot,
                chosen=next((c for c in row.placed if c.topic and c.topic.id == choices.get(id_of(row.slot))), None),
            )
            for row in self.rows
            if row.takes_topics
        ]

    def days_of(self, choices: dict[int, int]) -> list[MyDay]:
        """An attendee's days: their session slots grouped by the day each is on."""
        slots = self.day_of(choices)
        return [
            MyDay(date=day, slots=list(group)) for day, group in groupby(slots, key=lambda s: s.slot.starts_at.date())
        ]

    @property
    def today(self) -> dt.date:
        return self.read_at.date()

    @property
    def days(self) -> list[WallDay]:
        """The wall's rows by the day each slot is on, first day first (days with no slot are left out).

        While the event runs, the days over are folded: a day before today whose sessions have all ended (one that
        began at 23:30 is still the one running at 00:10). Before the event and after it, none is.
        """
        by_day = [(day, list(rows)) for day, rows in groupby(self.rows, key=lambda r: r.slot.starts_at.date())]
        running = bool(by_day) and by_day[0][0] <= self.today <= by_day[-1][0]
        return [
            WallDay(
                date=day,
                rows=rows,
                today=day == self.today,
                folded=running and day < self.today and all(r.slot.ends_at <= self.read_at for r in rows),
            )
            for day, rows in by_day
        ]

    def now_next(self, at: dt.datetime | None = None) -> NowNext:
        """What runs now and next at the venue's wall-clock time (slots are stored as wall-clock), whatever
        day of the event it is: next may be the first slot of the next day."""
        if at is None:
            at = self.read_at
        now = next((r for r in self.rows if r.slot.starts_at <= at < r.slot.ends_at), None)
        upcoming = [r for r in self.rows if r.slot.starts_at > at]
        minutes_left = None
        if now is not None:
            minutes_left = max(0, int((now.slot.ends_at - at).total_seconds() // 60))
        return NowNext(now=now, next=upcoming[0] if upcoming else None, minutes_left=minutes_left, at=at)


def _of_theme(row: BoardRow | None, theme: Theme | None) -> list[BoardCell]:
    """The sessions of a row in this theme (None: in no theme)."""
    if row is None:
        return []
    theme_id = theme.id if theme else None
    return [
        cell for cell in row.placed if cell.topic and (cell.topic.theme.id if cell.topic.theme else None) == theme_id
    ]


# load_board's statements, built once: every open page waits for its render after each change, and building
# a statement and its cache key cost more than running it (app/db.py's exec_select).
_PLACED = select(col(Placement.topic_id), col(Placement.room_id), col(Placement.slot_id), col(Placement.pinned)).where(
    col(Placement.event_id) == bindparam("event_id")
)
_VOTES = func.count(col(Vote.id)).label("votes")
_ACTIVE_TOPICS = (
    select(Topic, _VOTES, col(Attendee.display_name), col(Attendee.name_listed))
    .outerjoin(Vote, col(Vote.topic_id) == col(Topic.id))
    .outerjoin(Attendee, col(Attendee.id) == col(Topic.convener_id))
    .where(col(Topic.event_id) == bindparam("event_id"), col(Topic.status).in_(ACTIVE_TOPIC_STATUSES))
    .group_by(col(Topic.id), col(Attendee.display_name), col(Attendee.name_listed))
    .order_by(_VOTES.desc(), col(Topic.id).asc())
)
_GOING = (
    select(col(Attendance.topic_id), func.count(col(Attendance.id)))
    .join(Slot, col(Slot.id) == col(Attendance.slot_id))
    .where(col(Slot.event_id) == bindparam("event_id"))
    .group_by(col(Attendance.topic_id))
)


def load_board(*, session: Session, event_id: int, with_clashes: bool = True) -> Board:
    """The event's wall in one read. The version is read first: the rest is at least that new."""
    version = board_version(session=session, event_id=event_id)
    event = get_event_by_id(session=session, event_id=event_id)
    rooms = wall_setup.list_rooms(session=session, event_id=event_id)
    slots = wall_setup.list_slots(session=session, event_id=event_id)
    theme_list = themes.list_themes(session=session, event_id=event_id)
    topics = _active_topics(session, event_id, {id_of(theme): theme for theme in theme_list})
    placed = exec_select(session, _PLACED, event_id=event_id).tuples().all()
    placements = {topic_id: (room_id, slot_id) for topic_id, room_id, slot_id, _ in placed}
    pinned = {topic_id for topic_id, _, _, is_pinned in placed if is_pinned}
    going = _going(session, event_id)
    board = Board(
        read_at=clock.venue_now(event.timezone),
        version=version,
        event=event,
        rooms=rooms,
        slots=slots,
        topics=topics,
        placements=placements,
        going=going,
        pinned=pinned,
        announcement=announcements.latest(session=session, event_id=event_id),
        themes=theme_list,
    )
    board.rows = [_row(board, slot, {}, {}) for slot in slots]
    if with_clashes:
        add_clashes(session=session, board=board)
    return board


def add_clashes(*, session: Session, board: Board, slot_ids: Collection[int] | None = None) -> None:
    """Count the torn attendees of these slots (all when None).

    Kept apart from loading because it is the expensive part, and counted by the database: a change
    redraws a row or two, and only their dots are joined.
    """
    wanted = set(slot_ids) if slot_ids is not None else {id_of(slot) for slot in board.slots}
    if not any(slot_id in wanted for _, slot_id in board.placements.values()):
        return
    shared, torn = _co_votes(session, wanted)
    board.rows = [_row(board, row.slot, shared, torn) if row.slot.id in wanted else row for row in board.rows]


def _co_votes(session: Session, slot_ids: set[int]) -> tuple[dict[tuple[int, int], int], dict[int, int]]:
    """For topics placed in one slot: the people who dotted both of a pair, and for each topic the
    people who also dotted a topic before it in the slot (by id), which summed over a slot counts each
    person's dotted topics beyond their first (the torn attendees figure the auto-scheduler minimises)."""
    mine, theirs = aliased(Vote), aliased(Vote)
    here, there = aliased(Placement), aliased(Placement)
    pairs = (
        select(col(mine.topic_id), col(theirs.topic_id), col(mine.attendee_id))
        .join(theirs, (col(theirs.attendee_id) == col(mine.attendee_id)) & (col(theirs.topic_id) != col(mine.topic_id)))
        .join(here, col(here.topic_id) == col(mine.topic_id))
        .join(there, (col(there.topic_id) == col(theirs.topic_id)) & (col(there.slot_id) == col(here.slot_id)))
        .where(col(here.slot_id).in_(slot_ids))
        .subquery()
    )
    topic, other, attendee = pairs.c
    shared = {
        (a, b): n
        for a, b, n in exec_select(session, select(topic, other, func.count()).group_by(topic, other)).tuples()
    }
    torn = dict(
        exec_select(
            session,
            select(topic, func.count(attendee.distinct())).where(other < topic).group_by(topic),
        )
        .tuples()
        .all()
    )
    return shared, torn


def _active_topics(session: Session, event_id: int, theme_by_id: dict[int, Theme]) -> list[BoardTopic]:
    rows = exec_select(session, _ACTIVE_TOPICS, event_id=event_id).tuples().all()
    co = co_conveners.co_conveners_of(session=session, topic_ids=[id_of(topic) for topic, *_ in rows])
    return [
        BoardTopic(
            id=id_of(topic),
            title=topic.title,
            description=topic.description,
            convener_id=topic.convener_id,
            # The board is rendered once for everyone (the live pages, the venue screen, scripts): it never
            # holds the name of someone who chose not to be listed (app/services/privacy.py).
            main_convener_name=listed_name(name, listed=listed is not False),
            status=str(topic.status.value if hasattr(topic.status, "value") else topic.status),
            votes=count,
            created_at=topic.created_at,
            theme=theme_by_id.get(topic.theme_id) if topic.theme_id else None,
            co_conveners=tuple(CoConvenerName(c.attendee_id, c.listed_name) for c in co.get(id_of(topic), ())),
        )
        for topic, count, name, listed in rows
    ]


def _going(session: Session, event_id: int) -> dict[int, int]:
    return dict(exec_select(session, _GOING, event_id=event_id).tuples().all())


def _row(board: Board, slot: Slot, shared: dict[tuple[int, int], int], torn: dict[int, int]) -> BoardRow:
    by_cell = {cell: topic_id for topic_id, cell in board.placements.items() if cell[1] == slot.id}
    topics = {t.id: t for t in board.topics}
    in_slot = [topic_id for topic_id in by_cell.values() if topic_id in topics]
    cells = []
    for room in board.rooms:
        topic_id = by_cell.get((id_of(room), id_of(slot)))
        topic = topics.get(topic_id) if topic_id is not None else None
        if topic is None:
            cells.append(BoardCell(room=room, slot=slot, topic=None))
            continue
        clashes = sorted(
            (
                Clash(other_topic_id=other, other_title=topics[other].title, people=shared[(topic.id, other)])
                for other in in_slot
                if (topic.id, other) in shared
            ),
            key=lambda c: (-c.people, c.other_title),
        )
        cells.append(
            BoardCell(
                room=room,
                slot=slot,
                topic=topic,
                going=board.going.get(topic.id, 0),
                pinned=topic.id in board.pinned,
                torn=torn.get(topic.id, 0),
                clashes=tuple(clashes),
            )
        )
    return BoardRow(slot=slot, cells=cells)


def board_json(board: Board) -> dict[str, object]:
    """The board as GET /api/events/{slug}/board and the websocket's snapshots give it to scripts."""
    event = board.event
    return {
        "version": board.version,
        "event": EventPublic.model_validate(
            event, update={"has_join_code": bool(event.join_code), "last_date": event.last_day}
        ).model_dump(mode="json"),
        "rooms": [
            {
                "id": r.id,
                "name": r.name,
                "capacity": r.capacity,
                "position": r.position,
                "location_notes": r.location_notes,
            }
            for r in board.rooms
        ],
        "slots": [
            {
                "id": s.id,
                "starts_at": s.starts_at.isoformat(),
                "ends_at": s.ends_at.isoformat(),
                "label": s.label,
                "kind": str(s.kind.value if hasattr(s.kind, "value") else s.kind),
            }
            for s in board.slots
        ],
        "themes": [theme_json(t) for t in board.themes],
        "topics": [topic_json(t) for t in board.topics],
        "placements": [placement_json(board, topic_id) for topic_id in sorted(board.placements)],
        "announcement": announcement_json(board.announcement),
    }


def announcement_json(announcement: Announcement | None) -> dict[str, object] | None:
    if announcement is None:
        return None
    at = announcement.created_at if announcement.created_at.tzinfo else announcement.created_at.replace(tzinfo=dt.UTC)
    return {"id": announcement.id, "text": announcement.text, "created_at": at.isoformat()}


def theme_json(theme: Theme) -> dict[str, object]:
    return {
        "id": theme.id,
        "name": theme.name,
        "description": theme.description,
        "mark": theme.mark,
        "symbol": theme.symbol,
        "position": theme.position,
    }


def topic_json(topic: BoardTopic) -> dict[str, object]:
    return {
        "id": topic.id,
        "title": topic.title,
        "description": topic.description,
        "convener_id": topic.convener_id,
        "convener_name": topic.main_convener_name,
        "co_conveners": [{"id": c.id, "name": c.name} for c in topic.co_conveners],
        "theme_id": topic.theme.id if topic.theme else None,
        "status": topic.status,
        "votes": topic.votes,
        "created_at": topic.created_at.isoformat(),
    }


def placement_json(board: Board, topic_id: int) -> dict[str, object]:
    room_id, slot_id = board.placements[topic_id]
    return {
        "topic_id": topic_id,
        "room_id": room_id,
        "slot_id": slot_id,
        "going": board.going.get(topic_id, 0),
        "pinned": topic_id in board.pinned,
    }
