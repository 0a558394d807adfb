"""What the auto-scheduler is given and what it answers, as plain data.

No database, no web: the service layer turns an event into a `Problem`, and `solve` turns that into a
`Schedule`. The same types feed the tests and `bench/scheduler.py`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


class ProblemError(ValueError):
    """The problem cannot be scheduled as given; the message names what to fix, in the facilitator's words."""


@dataclass(frozen=True)
class Room:
    id: int
    capacity: int
    name: str = ""


@dataclass(frozen=True)
class Slot:
    """A `sessions` slot. A started slot is kept exactly as it is: nothing moves in or out of it."""

    id: int
    starts_at: datetime
    ends_at: datetime
    label: str = ""
    started: bool = False


@dataclass(frozen=True)
class CoConvener:
    """Someone who convenes a topic beside its convener: kept out of two rooms at once like them."""

    id: int
    name: str = ""


@dataclass(frozen=True)
class Topic:
    """A topic that may go on the wall, with the constraints its convener or the facilitator set."""

    id: int
    title: str = ""
    # None for facilitator-convened topics, which may run side by side.
    convener_id: int | None = None
    convener_name: str = ""
    not_before: datetime | None = None  # the slot must start at or after this
    not_after: datetime | None = None  # the slot must end at or before this
    min_room_capacity: int | None = None
    apart_from: frozenset[int] = frozenset()  # topic ids it must not share a slot with
    theme_id: int | None = None  # None: no theme, and never counted in a theme clash
    # Attendees who convene it too (ids of the same kind as convener_id): no two topics that share any convener
    # run in one slot.
    co_conveners: tuple[CoConvener, ...] = ()

    @property
    def convener_ids(self) -> frozenset[int]:
        """Everyone who convenes it: none of them may be in two rooms at once."""
        main = () if self.convener_id is None else (self.convener_id,)
        return frozenset((*main, *(c.id for c in self.co_conveners)))

    def name_of(self, convener_id: int) -> str:
        """A convener's name as the facilitator gave it to the problem ("" when unknown)."""
        if convener_id == self.convener_id:
            return self.convener_name
        return next((c.name for c in self.co_conveners if c.id == convener_id), "")


@dataclass(frozen=True)
class Cell:
    room_id: int
    slot_id: int


@dataclass(frozen=True)
class Weights:
    """What one unit of each figure costs. The defaults make the order of the issue a strict priority:
    votes placed first, then torn attendees, then seats short; a move of a published topic is worth
    untearing `move / torn` people. A theme clash is worth three torn attendees: spreading a theme
    may tear a few people, never leave a dotted topic off (see docs/architecture.md for the measure)."""

    # A topic left off costs this x (its votes + 1): more dots first, and even an undotted topic
    # is placed when a cell is free.
    left_off_vote: int = 1000
    torn: int = 10
    seat_short: int = 1
    move: int = 100
    # Each pair of sessions of one theme in one slot: someone who follows the theme can be in one of them.
    theme_clash: int = 30

    def as_dict(self) -> dict[str, int]:
        return {
            "left_off_vote": self.left_off_vote,
            "torn": self.torn,
            "seat_short": self.seat_short,
            "move": self.move,
            "theme_clash": self.theme_clash,
        }


@dataclass(frozen=True)
class Problem:
    topics: tuple[Topic, ...]
    rooms: tuple[Room, ...]
    slots: tuple[Slot, ...]  # only `sessions` slots
    # Each attendee's dots, as topic ids; dots on topics not in `topics` are ignored.
    ballots: tuple[tuple[int, ...], ...] = ()
    # The wall as it is now (topic id → cell): moving one of these is a "move".
    current: dict[int, Cell] = field(default_factory=dict)
    # Placements the facilitator pinned: kept exactly. Every pinned topic is also in `current`.
    pinned: frozenset[int] = frozenset()
    weights: Weights = Weights()
    time_limit: float = 5.0  # seconds
    seed: int = 0


@dataclass(frozen=True)
class Move:
    topic_id: int
    before: Cell | None  # None: it was not on the wall
    after: Cell | None  # None: taken off the wall


@dataclass(frozen=True)
class Figures:
    topics_placed: int
    topics_total: int
    votes_placed: int
    votes_total: int
    torn: int
    seats_short: int
    moves: int
    # Pairs of sessions of one theme in the same slot (three at once are three pairs); unthemed topics never count.
    theme_clashes: int
    cost: int  # the weighted sum that is minimised

    @property
    def votes_placed_percent(self) -> float:
        return 100.0 * self.votes_placed / self.votes_total if self.votes_total else 100.0


@dataclass(frozen=True)
class Schedule:
    placements: dict[int, Cell]  # topic id → cell, including the kept ones
    figures: Figures
    moves: tuple[Move, ...]  # compared with `Problem.current`
    left_off: dict[int, str]  # topic id → why it is not on the wall, in words
    proven_optimal: bool
    seconds: float
