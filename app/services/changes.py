"""What a write changed on an event's board, and the board version that counts those changes.

Every write that changes what a live page shows declares a `BoardChange`. The writer merges the
changes of one event within a batch, advances the event's `board_version` by one in the same
transaction, and hands the change on after the commit (app/realtime). A version therefore names a
committed board state: a page or script that saw version V has missed exactly the versions after V.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, fields, replace
from typing import Any, Generic, TypeVar

from sqlalchemy import bindparam, select, update
from sqlmodel import Session, col

from app.db import exec_select
from app.models import Event

T_co = TypeVar("T_co", covariant=True)  # a Written[Topic] is a Written[Topic | None]: results are only read
U = TypeVar("U")


@dataclass(frozen=True)
class BoardChange:
    """The parts of one event's board a write touched; the live pages re-render just those parts."""

    event_id: int
    kinds: frozenset[str] = field(default_factory=frozenset)  # "vote", "topic", "placement", … for scripts
    topic_ids: frozenset[int] = frozenset()  # title, description, votes or status changed
    slot_ids: frozenset[int] = frozenset()  # placements or attendance in these slots changed
    new_topics: bool = False  # a topic was proposed: lists gain an entry
    wall: bool = False  # rooms or slots were set up differently: the whole wall
    event: bool = False  # the event's settings or phase switches
    notes_topic_ids: frozenset[int] = frozenset()  # these sessions' notes have a new revision
    announcement: bool = False  # the facilitator said something to everyone
    # A person's name was hidden or forgotten: what was sent before may carry it, so no page replays it.
    names: bool = False

    @classmethod
    def of(
        cls,
        event_id: int,
        kind: str,
        *,
        topic_ids: Ids = (),
        slot_ids: Ids = (),
        new_topics: bool = False,
        wall: bool = False,
        event: bool = False,
        notes_topic_ids: Ids = (),
        announcement: bool = False,
        names: bool = False,
    ) -> BoardChange:
        return cls(
            event_id=event_id,
            kinds=frozenset({kind}),
            topic_ids=_ids(topic_ids),
            slot_ids=_ids(slot_ids),
            new_topics=new_topics,
            wall=wall,
            event=event,
            notes_topic_ids=_ids(notes_topic_ids),
            announcement=announcement,
            names=names,
        )

    def merge(self, other: BoardChange) -> BoardChange:
        """Both changes as one (same event): what either touched is touched."""
        assert other.event_id == self.event_id
        return replace(self, **{f.name: getattr(self, f.name) | getattr(other, f.name) for f in fields(self)[1:]})

    def to_json(self) -> dict[str, object]:
        return {f.name: _plain(getattr(self, f.name)) for f in fields(self)}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> BoardChange:
        """The change a worker published (`to_json`); a malformed one raises KeyError, TypeError or ValueError."""
        values: dict[str, Any] = {
            f.name: frozenset(data[f.name]) if isinstance(data[f.name], list) else data[f.name]
            for f in fields(cls)
            if f.name in data
        }
        return cls(**values)


@dataclass(frozen=True)
class Written(Generic[T_co]):
    """What a write service did: its result, and what it changed on the live board.

    Every service that writes returns one, so the change is declared where the rule lives: the writer
    (app/writer.py) refuses work that returns anything else, advances the board version and publishes
    the change, and no route or command can leave the open pages stale. `change` is None only for a
    write that no open page shows (joining, creating an event); the service says so, not its caller.
    """

    result: T_co
    change: BoardChange | None

    def with_result(self, result: U) -> Written[U]:
        """The same change with another result (a route that answers with a fresh view of what was written)."""
        return Written(result, self.change)

    def also(self, change: BoardChange | None) -> Written[T_co]:
        """This write followed by another's change: both are announced as one."""
        if change is None:
            return self
        return Written(self.result, change if self.change is None else self.change.merge(change))


Ids = int | Iterable[int]


def _ids(values: Ids) -> frozenset[int]:
    return frozenset({values}) if isinstance(values, int) else frozenset(values)


def _plain(value: object) -> object:
    return sorted(value) if isinstance(value, frozenset) else value


def placement_change(event_id: int, topic_id: int, *slot_ids: int | None) -> BoardChange:
    """A topic moved on the wall: the slots it left and entered are redrawn."""
    return BoardChange.of(event_id, "placement", topic_ids=topic_id, slot_ids={s for s in slot_ids if s is not None})


# Built once: every write that changes a board runs it (app/db.py's exec_select says why). The parameter's
# name is not a column's: an UPDATE keeps those for its SET clause.
_ADVANCE = (
    update(Event)
    .where(col(Event.id) == bindparam("advanced_event_id"))
    .values(board_version=col(Event.board_version) + 1)
    .returning(col(Event.board_version))
)


def advance_board_version(*, session: Session, event_id: int) -> int:
    """Count one more board state for the event, in the caller's transaction; the new version."""
    version = session.exec(_ADVANCE, params={"advanced_event_id": event_id}).scalar_one()
    return int(version)


_BOARD_VERSION = select(col(Event.board_version)).where(col(Event.id) == bindparam("event_id"))


def board_version(*, session: Session, event_id: int) -> int:
    """The event's current board version (0 before its first change)."""
    return int(exec_select(session, _BOARD_VERSION, event_id=event_id).scalar_one())
