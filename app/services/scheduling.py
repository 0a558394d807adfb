"""The auto-scheduler and the event: the problem read from the database, and a proposal applied to the wall.

The solving itself is `app.scheduling.solve`, a pure function the routes run in a worker process;
this module only reads what it needs and writes what it answered, under the wall's rules.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import delete, select, update
from sqlmodel import Session, col

from app import scheduling
from app.db import exec_select
from app.i18n import _, _n, at_time, joined
from app.models import ActivityKind, Attendance, Attendee, Event, Placement, SlotKind, Topic, TopicStatus, Vote, id_of
from app.models.enums import ACTIVE_TOPIC_STATUSES
from app.scheduling import Cell, Problem, Schedule, Weights
from app.services import activity, calendar_changes, clock, co_conveners, themes, topic_constraints, wall_setup
from app.services.actors import Actor
from app.services.changes import BoardChange, Written
from app.services.errors import Conflict
from app.services.lookups import get_event_by_id


class WallChanged(Conflict):
    """The wall changed by hand while a proposal was being worked out or looked at."""


DEFAULT_TIME_LIMIT = 5.0
MIN_TIME_LIMIT = 0.5
MAX_TIME_LIMIT = 60.0


@dataclass(frozen=True)
class Planning:
    """A problem read from the event, with what is needed to show and apply its answer."""

    problem: Problem
    wall: dict[int, Cell]  # every placement as it was read, out-of-problem ones too; applying compares with it
    wall_fingerprint: str  # names that wall in the API's answer
    topic_titles: dict[int, str]
    votes: dict[int, int]
    kept_slot_ids: tuple[int, ...]  # started slots, kept as they are
    notice: str | None  # said to the facilitator about what was kept, when it matters
    theme_names: dict[int, str]  # the event's themes; none: no theme figures to show


def plan(
    *,
    session: Session,
    event_id: int,
    time_limit: float = DEFAULT_TIME_LIMIT,
    weights: Weights | None = None,
    at: dt.datetime | None = None,
) -> Planning:
    """The event as a scheduling problem: active topics, dots, rooms, session slots, the wall and its pins.

    Slots that have started are kept as they are while some session slot is still ahead; once every
    slot has started (the day is over, or it is the rehearsal the evening before), the whole wall
    is planned again, and the notice says so.

    On an event of several days the same rule keeps every day that has started: the days before today whole
    (all their slots have started), today's slots up to now. Once every slot has started, only the last day is
    planned again: the days before it stay as they were.
    """
    event = get_event_by_id(session=session, event_id=event_id)
    now = at if at is not None else clock.venue_now(event.timezone)
    rooms = wall_setup.list_rooms(session=session, event_id=event_id)
    session_slots = [
        s for s in wall_setup.list_slots(session=session, event_id=event_id) if s.kind == SlotKind.sessions
    ]
    started = [id_of(s) for s in session_slots if s.starts_at <= now]
    notice = None
    if session_slots and len(started) == len(session_slots):
        last_day = session_slots[-1].starts_at.date()
        started = [id_of(s) for s in session_slots if s.starts_at.date() < last_day]
        if started:
            notice = _(
                "Every session slot has started, so the last day is planned again; the days before it stay exactly "
                "as they are."
            )
        else:
            notice = _("Every session slot has started, so nothing is kept for that: the whole day is planned again.")
    elif started:
        notice = _n(
            "{count} session slot(s) have started and stay exactly as they are.",
            "{count} session slot(s) have started and stay exactly as they are.",
            len(started),
        )

    placements = list(exec_select(session, select(Placement).where(col(Placement.event_id) == event_id)).scalars())
    slot_ids = {id_of(s) for s in session_slots}
    # A topic left in a slot that is no longer for sessions stays where it is, out of the problem.
    stranded = {p.topic_id for p in placements if p.slot_id not in slot_ids}
    rows = exec_select(
        session,
        select(Topic, col(Attendee.display_name))
        .outerjoin(Attendee, col(Attendee.id) == col(Topic.convener_id))
        .where(col(Topic.event_id) == event_id, col(Topic.status).in_(ACTIVE_TOPIC_STATUSES))
        .order_by(col(Topic.id)),
    ).all()
    constraints = topic_constraints.all_constraints(session=session, event_id=event_id)
    # Co-conveners are conveners too: none of them is put in two rooms at once.
    co = co_conveners.co_conveners_of(session=session, topic_ids=[id_of(topic) for topic, _ in rows])
    topics: list[scheduling.Topic] = []
    for topic, convener_name in rows:
        if id_of(topic) in stranded:
            continue
        rules = constraints.get(id_of(topic), topic_constraints.TopicConstraints())
        topics.append(
            scheduling.Topic(
                id=id_of(topic),
                title=topic.title,
                convener_id=topic.convener_id,
                convener_name=convener_name or "",
                not_before=rules.not_before,
                not_after=rules.not_after,
                min_room_capacity=rules.min_room_capacity,
                apart_from=frozenset(rules.apart_from) - stranded,
                theme_id=topic.theme_id,
                co_conveners=tuple(
                    scheduling.CoConvener(id=c.attendee_id, name=c.display_name) for c in co.get(id_of(topic), ())
                ),
            )
        )
    active = {t.id for t in topics}
    ballots: dict[int, list[int]] = defaultdict(list)
    for attendee_id, topic_id in exec_select(
        session,
        select(col(Vote.attendee_id), col(Vote.topic_id))
        .join(Topic, col(Topic.id) == col(Vote.topic_id))
        .where(col(Topic.event_id) == event_id),
    ).tuples():
        if topic_id in active:
            ballots[attendee_id].append(topic_id)
    current = {p.topic_id: Cell(p.room_id, p.slot_id) for p in placements if p.topic_id in active}
    started_set = set(started)
    problem = Problem(
        topics=tuple(topics),
        rooms=tuple(scheduling.Room(id=id_of(r), capacity=r.capacity, name=r.name) for r in rooms),
        slots=tuple(
            scheduling.Slot(
                id=id_of(s), starts_at=s.starts_at, ends_at=s.ends_at, label=s.label, started=id_of(s) in started_set
            )
            for s in session_slots
        ),
        ballots=tuple(tuple(mine) for mine in ballots.values()),
        current=current,
        pinned=frozenset(p.topic_id for p in placements if p.pinned and p.topic_id in active),
        weights=weights or Weights(),
        time_limit=min(MAX_TIME_LIMIT, max(MIN_TIME_LIMIT, time_limit)),
        seed=event_id,
    )
    wall = {p.topic_id: Cell(p.room_id, p.slot_id) for p in placements}
    return Planning(
        problem=problem,
        wall=wall,
        wall_fingerprint=wall_fingerprint(wall),
        topic_titles={t.id: t.title for t in topics},
        votes=scheduling.vote_counts(problem),
        kept_slot_ids=tuple(started),
        notice=notice,
        theme_names={
            theme_id: t.name for theme_id, t in themes.themes_by_id(session=session, event_id=event_id).items()
        },
    )


def wall_fingerprint(wall: Mapping[int, Cell]) -> str:
    """Names one arrangement of the wall, so that a proposal applies only to the wall it was made for."""
    text = ";".join(f"{t}:{c.room_id}:{c.slot_id}" for t, c in sorted(wall.items()))
    return hashlib.sha256(text.encode()).hexdigest()[:20]


def apply_schedule(
    *,
    session: Session,
    event_id: int,
    placements: Mapping[int, Cell],
    based_on: Mapping[int, Cell],
    actor: Actor | None = None,
) -> Written[None]:
    """Put a proposed wall up in one change: checked again against the event as it is now.

    `based_on` is the wall the proposal was worked out from. Refused, with nothing written and what
    changed named, when the wall is no longer that one (a hand placement) or when the proposal breaks
    a rule of the event now (a session pinned, a topic hidden, a slot that started or became a break).
    People going to a session that moves follow it, unless they already go to something else then.
    """
    now = plan(session=session, event_id=event_id)
    if now.wall != based_on:
        said = _named(_wall_changes(session, event_id, based_on, now.wall))
        raise WallChanged(
            _("The wall changed since this proposal was made: {changes}. Propose again to include that.", changes=said)
        )
    broken = scheduling.violations(now.problem, placements)
    if broken:
        said = _named(_in_words(session, event_id, now.problem, broken))
        raise WallChanged(_("This proposal no longer fits the event: {problems}. Propose again.", problems=said))
    current = now.problem.current
    leaving = [t for t, cell in current.items() if placements.get(t) != cell]
    arriving = {t: cell for t, cell in placements.items() if current.get(t) != cell}
    if not leaving and not arriving:
        return Written(None, BoardChange.of(event_id, "schedule"))

    # People going to a session that changes slot follow it; set their "I'm going"s aside first,
    # since moved one at a time they would collide in the unique (attendee, slot) index.
    changing_slot = [t for t in leaving if t in arriving and arriving[t].slot_id != current[t].slot_id]
    going = list(
        exec_select(
            session,
            select(col(Attendance.attendee_id), col(Attendance.topic_id)).where(
                col(Attendance.topic_id).in_(changing_slot)
            ),
        ).tuples()
    )
    # Only those leaving their slot lose their "I'm going"s here: a session moved to another room at the same
    # time keeps its people (an "I'm going" names the topic and the slot, not the room), as a move by hand does.
    leaving_slot = [t for t in leaving if t not in arriving or arriving[t].slot_id != current[t].slot_id]
    taken_off = [t for t in leaving if t not in placements]
    calendar_changes.called_off(session=session, topic_ids=taken_off)
    calendar_changes.moved(session=session, topic_ids=list(arriving))
    session.exec(delete(Attendance).where(col(Attendance.topic_id).in_(leaving_slot)))
    pins = {
        p.topic_id: p.pinned
        for p in exec_select(session, select(Placement).where(col(Placement.topic_id).in_(leaving))).scalars()
    }
    # Cells and (convener, slot) pairs are unique: empty the old cells before filling the new ones.
    session.exec(delete(Placement).where(col(Placement.topic_id).in_(leaving)))
    session.flush()
    conveners = {
        topic_id: convener_id
        for topic_id, convener_id in exec_select(
            session, select(col(Topic.id), col(Topic.convener_id)).where(col(Topic.id).in_(list(arriving)))
        ).tuples()
    }
    session.add_all(
        Placement(
            event_id=event_id,
            topic_id=t,
            room_id=cell.room_id,
            slot_id=cell.slot_id,
            convener_id=conveners.get(t),
            pinned=pins.get(t, False),
        )
        for t, cell in arriving.items()
    )
    if taken_off:
        session.exec(
            update(Topic)
            .where(col(Topic.id).in_(taken_off), col(Topic.status) == TopicStatus.placed)
            .values(status=TopicStatus.proposed)
            .execution_options(synchronize_session="fetch")
        )
    session.exec(
        update(Topic)
        .where(col(Topic.id).in_(list(arriving)))
        .values(status=TopicStatus.placed)
        .execution_options(synchronize_session="fetch")
    )
    session.flush()
    busy = {
        (attendee_id, slot_id)
        for attendee_id, slot_id in exec_select(
            session,
            select(col(Attendance.attendee_id), col(Attendance.slot_id))
            .join(Topic, col(Topic.id) == col(Attendance.topic_id))
            .where(col(Topic.event_id) == event_id),
        ).tuples()
    }
    followers = []
    for attendee_id, topic_id in sorted(going):
        slot_id = arriving[topic_id].slot_id
        if (attendee_id, slot_id) not in busy:
            busy.add((attendee_id, slot_id))
            followers.append(Attendance(attendee_id=attendee_id, topic_id=topic_id, slot_id=slot_id))
    session.add_all(followers)
    session.flush()
    placed = len([t for t in arriving if t not in current])
    moved, off = len(arriving) - placed, len(taken_off)
    counts = [
        _n("{count} placed", "{count} placed", placed) if placed else None,
        _n("{count} moved", "{count} moved", moved) if moved else None,
        _n("{count} taken off", "{count} taken off", off) if off else None,
    ]
    activity.record(
        session=session,
        actor=actor,
        event_id=event_id,
        kind=ActivityKind.schedule,
        summary=_("applied a schedule ({changes})", changes=joined([c for c in counts if c is not None], ", ")),
    )
    return Written(None, BoardChange.of(event_id, "schedule", topic_ids=set(leaving) | set(arriving), wall=True))


# --- Saying why a proposal can't be applied --------------------------------------------------------

NAMED_AT_MOST = 3  # a refusal names this many changes, then counts the rest


def _named(reasons: list[str]) -> str:
    if not reasons:  # the checks below cover every rule; kept so a refusal always says something
        return _("a session was pinned, a topic hidden or withdrawn, or a room or slot changed")
    said = joined(reasons[:NAMED_AT_MOST], "; ")
    more = len(reasons) - NAMED_AT_MOST
    return _n("{reasons}; and {count} more", "{reasons}; and {count} more", more, reasons=said) if more > 0 else said


def _and(names: list[str]) -> str:
    """Two (or more) topics named together: "“A” and “B”"."""
    said = names[0]
    for name in names[1:]:
        said = _("{first} and {second}", first=said, second=name)
    return said


@dataclass(frozen=True)
class _Names:
    """Titles, rooms and slot times as the facilitator knows them, for topics that may have left the problem."""

    titles: dict[int, str]
    rooms: dict[int, str]
    slots: dict[int, str]

    @classmethod
    def read(cls, session: Session, event_id: int, topic_ids: set[int]) -> _Names:
        rows = exec_select(session, select(Topic).where(col(Topic.id).in_(sorted(topic_ids)))).scalars()
        titles = {id_of(topic): topic.title for topic in rows}
        rooms = {id_of(r): r.name for r in wall_setup.list_rooms(session=session, event_id=event_id)}
        event = session.get(Event, event_id)
        several_days = event is not None and event.several_days
        slots: dict[int, str] = {
            id_of(s): at_time(s.starts_at, with_day=several_days)
            for s in wall_setup.list_slots(session=session, event_id=event_id)
        }
        return cls(titles=titles, rooms=rooms, slots=slots)

    def topic(self, topic_id: int) -> str:
        return _("“{title}”", title=self.titles[topic_id]) if topic_id in self.titles else _("a topic since deleted")

    def cell(self, cell: Cell) -> str:
        return _(
            "{room} at {time}",
            room=self.rooms.get(cell.room_id, _("a removed room")),
            time=self.slots.get(cell.slot_id, _("a removed slot")),
        )


def _wall_changes(session: Session, event_id: int, was: Mapping[int, Cell], now: Mapping[int, Cell]) -> list[str]:
    changed = sorted(t for t in set(was) | set(now) if was.get(t) != now.get(t))
    names = _Names.read(session, event_id, set(changed))
    said: list[str] = []
    for topic_id in changed:
        before, after = was.get(topic_id), now.get(topic_id)
        if after is None:
            said.append(_("{topic} was taken off the wall", topic=names.topic(topic_id)))
        elif before is None:
            said.append(_("{topic} was placed in {cell}", topic=names.topic(topic_id), cell=names.cell(after)))
        else:
            said.append(_("{topic} was moved to {cell}", topic=names.topic(topic_id), cell=names.cell(after)))
    return said


def _in_words(session: Session, event_id: int, problem: Problem, broken: list[scheduling.Violation]) -> list[str]:
    """The rules a proposal breaks on the event as it is now, said by title, room and time, each once."""
    names = _Names.read(session, event_id, {t for violation in broken for t in violation.topic_ids})
    topics = {t.id: t for t in problem.topics}
    said: list[str] = []
    for violation in broken:
        first = names.topic(violation.topic_ids[0])
        both = _and([names.topic(t) for t in violation.topic_ids])
        slot = names.slots.get(violation.slot_id or 0, "?")
        match violation.rule:
            case "unknown_topic":
                words = _("{topic} was hidden, withdrawn or merged", topic=first)
            case "unknown_room":
                words = _("the room for {topic} was removed", topic=first)
            case "unknown_slot":
                words = _("the slot at {time} is no longer for sessions", time=slot)
            case "times":
                words = _("{topic} was given times that the slot at {time} is outside of", topic=first, time=slot)
            case "room_size":
                words = _(
                    "{topic} now needs a room for at least {size}",
                    topic=first,
                    size=topics[violation.topic_ids[0]].min_room_capacity,
                )
            case "apart":
                apart = _and([names.topic(t) for t in sorted(violation.topic_ids)])
                words = _("{topics} must now be apart", topics=apart)
            case "pinned_moved":
                words = _("{topic} was pinned where it is", topic=first)
            case "started_slot":
                words = _("the slot at {time} has started", time=slot)
            case "shared_cell":
                words = _("{topics} would share one cell", topics=both)
            case "convener":
                words = _("{topics} have one convener in the slot at {time}", topics=both, time=slot)
        if words not in said:
            said.append(words)
    return said


def figures_of_current_wall(planning: Planning) -> scheduling.Figures:
    """The same figures for the wall as it is, to compare a proposal with."""
    return scheduling.evaluate(planning.problem, planning.problem.current)


@dataclass(frozen=True)
class ProposedCell:
    room: scheduling.Room
    topic_id: int | None
    title: str
    votes: int
    moved: bool  # on the wall before, somewhere else
    new: bool  # not on the wall before
    kept: bool  # pinned, or in a started slot


@dataclass(frozen=True)
class ThemeClash:
    """Sessions of one theme running at the same time in one slot: someone who follows it misses all but one."""

    theme: str
    sessions: int


@dataclass(frozen=True)
class ProposedRow:
    slot: scheduling.Slot
    cells: list[ProposedCell]
    theme_clashes: list[ThemeClash]


@dataclass(frozen=True)
class MoveView:
    topic_id: int
    title: str
    before: str | None  # "Room 1 at 10:00", or None when it was not on the wall
    after: str | None  # None when it is taken off the wall


@dataclass(frozen=True)
class LeftOffView:
    topic_id: int
    title: str
    votes: int
    reason: str


@dataclass(frozen=True)
class Proposal:
    """A schedule described for the facilitator: the wall, what moves, what is left off and why."""

    planning: Planning
    schedule: Schedule
    before: scheduling.Figures
    rows: list[ProposedRow]
    moves: list[MoveView]
    left_off: list[LeftOffView]

    @property
    def figures(self) -> scheduling.Figures:
        return self.schedule.figures


def describe(planning: Planning, schedule: Schedule) -> Proposal:
    problem = planning.problem
    rooms = list(problem.rooms)  # in the wall's order, as plan() read them
    by_cell = {cell: topic_id for topic_id, cell in schedule.placements.items()}
    titles, votes = planning.topic_titles, planning.votes
    theme_of = {topic.id: topic.theme_id for topic in problem.topics if topic.theme_id is not None}
    theme_order = {theme_id: position for position, theme_id in enumerate(planning.theme_names)}
    kept_slots = set(planning.kept_slot_ids)
    rows = []
    for slot in sorted(problem.slots, key=lambda s: s.starts_at):
        cells = []
        for room in rooms:
            topic_id = by_cell.get(Cell(room.id, slot.id))
            before = problem.current.get(topic_id) if topic_id is not None else None
            cells.append(
                ProposedCell(
                    room=room,
                    topic_id=topic_id,
                    title=titles.get(topic_id, "") if topic_id is not None else "",
                    votes=votes.get(topic_id, 0) if topic_id is not None else 0,
                    moved=before is not None and before != Cell(room.id, slot.id),
                    new=topic_id is not None and before is None,
                    kept=topic_id is not None and (topic_id in problem.pinned or slot.id in kept_slots),
                )
            )
        per_theme = Counter(theme_of[c.topic_id] for c in cells if c.topic_id in theme_of)
        clashes = [
            ThemeClash(theme=planning.theme_names.get(theme_id, _("A removed theme")), sessions=count)
            for theme_id, count in sorted(per_theme.items(), key=lambda item: (-item[1], theme_order.get(item[0], 0)))
            if count > 1
        ]
        rows.append(ProposedRow(slot=slot, cells=cells, theme_clashes=clashes))
    room_names = {r.id: r.name for r in problem.rooms}
    slot_times = {s.id: s.starts_at for s in problem.slots}
    several_days = len({starts.date() for starts in slot_times.values()}) > 1

    def where(cell: Cell | None) -> str | None:
        if cell is None:
            return None
        return _(
            "{room} at {time}",
            room=room_names.get(cell.room_id, _("a room")),
            time=at_time(slot_times[cell.slot_id], with_day=several_days),
        )

    moves = [
        MoveView(topic_id=m.topic_id, title=titles.get(m.topic_id, ""), before=where(m.before), after=where(m.after))
        for m in sorted(schedule.moves, key=lambda m: (m.before is None, -votes.get(m.topic_id, 0)))
    ]
    left_off = [
        LeftOffView(topic_id=t, title=titles.get(t, ""), votes=votes.get(t, 0), reason=reason)
        for t, reason in sorted(schedule.left_off.items(), key=lambda item: -votes.get(item[0], 0))
    ]
    return Proposal(
        planning=planning,
        schedule=schedule,
        before=figures_of_current_wall(planning),
        rows=rows,
        moves=moves,
        left_off=left_off,
    )
