"""Every service write declares its live change: what the open pages redraw when it is committed.

The writer refuses work that doesn't return `Written` (tests/test_writer.py). These tests check the other
half: each write service names the right parts of the board, and a new one can't be added without saying
what it changes, here first (the completeness test finds every function of app/services that writes).
"""

from __future__ import annotations

import ast
import importlib
import pkgutil
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest
from sqlmodel import Session

import app.services
from app.models import SlotKind, id_of
from app.models.event import EventUpdate
from app.scheduling import Cell
from app.services import (
    activity,
    announcements,
    attendance,
    attendees,
    co_conveners,
    event_copy,
    events,
    notes,
    placements,
    scheduling,
    similarity,
    team,
    themes,
    topic_constraints,
    topics,
    undo,
    votes,
    wall_setup,
)
from app.services.actors import Actor
from app.services.changes import BoardChange, Written
from tests.factories import EVENT_DATE, AttendeeWithToken, EventWithKey, Factory

# Public functions of app/services that write but return no `Written`, each with why it needs none.
NOT_ANNOUNCED = {
    "changes.advance_board_version": "the writer's own bookkeeping of the changes it announces",
    "placements.unplace_topics": "a step inside the writes that retire topics or rooms, which announce it",
    "event_import.import_event": "builds a new event: no live page can be open on it yet",
    "activity.record": "a line of the activity list, written inside a facilitator's action, which announces it",
    "placements.place_cell": "a step inside placing, swapping and undoing a take-off, which announce it",
    "team.found_team": "a step of creating an event: no page of it is open yet",
    "calendar_changes.moved": "a step inside the writes that move sessions, which announce it",
    "calendar_changes.called_off": "a step inside the writes that take sessions off the wall, which announce it",
    "calendar_changes.slot_moved": "a step inside changing a slot, which announces it",
    "calendar_changes.zone_changed": "a step inside changing the event's time zone, which announces it",
    "co_conveners.leave_every_topic": "a step inside removing or banning someone, which announces it",
}


@dataclass
class Day:
    """A small event to write on: an attendee's topic placed in the hall in the morning, another unplaced."""

    event: EventWithKey
    ada: AttendeeWithToken
    placed_id: int
    loose_id: int
    hall_id: int
    attic_id: int
    morning_id: int
    afternoon_id: int

    @property
    def id(self) -> int:
        return self.event.id

    @property
    def facilitator(self) -> Actor:
        return Actor.facilitator(self.id)

    @property
    def as_ada(self) -> Actor:
        return Actor(event_id=self.id, attendee_id=self.ada.id, attendee_name="Ada")


def _day(factory: Factory) -> Day:
    event = factory.event()
    ada = factory.attendee(event, name="Ada")
    placed, loose = factory.topic(event, ada, title="Placed"), factory.topic(event, ada, title="Loose")
    hall, attic = factory.room(event, name="Hall"), factory.room(event, name="Attic")
    morning = factory.slot(event, starts="10:00", ends="11:00")
    afternoon = factory.slot(event, starts="14:00", ends="15:00")
    factory.place(event, placed, hall, morning)
    return Day(event, ada, placed.id, loose.id, hall.id, attic.id, morning.id, afternoon.id)  # type: ignore[arg-type]


def _at(hhmm: str) -> datetime:
    return datetime.fromisoformat(f"{EVENT_DATE.isoformat()}T{hhmm}")


def _change(day: Day, kind: str, **parts: object) -> BoardChange:
    return BoardChange.of(day.id, kind, **parts)  # type: ignore[arg-type]


# Each case writes once on a fresh Day and says the change it must declare (None: announced to nobody).
Outcome = tuple[Written[object], BoardChange | None]
Case = Callable[[Session, Day], Outcome]


def _notes_saved(s: Session, d: Day) -> Outcome:
    written = notes.save_notes(
        session=s, event_id=d.id, topic_id=d.placed_id, actor=d.as_ada, base_version=0, data=notes.NoteInput("Hi")
    )
    return written, _change(d, "notes", notes_topic_ids=d.placed_id)


def _notes_restored(s: Session, d: Day) -> Outcome:
    for base, body in ((0, "one"), (1, "two")):
        notes.save_notes(
            session=s,
            event_id=d.id,
            topic_id=d.placed_id,
            actor=d.as_ada,
            base_version=base,
            data=notes.NoteInput(body),
        )
    written = notes.restore_revision(session=s, event_id=d.id, topic_id=d.placed_id, actor=d.as_ada, version=1)
    return written, _change(d, "notes", notes_topic_ids=d.placed_id)


def _swapped(s: Session, d: Day) -> Outcome:
    placements.place_topic(
        session=s, event_id=d.id, actor=d.facilitator, topic_id=d.loose_id, room_id=d.attic_id, slot_id=d.afternoon_id
    )
    written = placements.swap_topics(
        session=s, event_id=d.id, actor=d.facilitator, topic_id=d.placed_id, other_topic_id=d.loose_id
    )
    return written, _change(
        d, "placement", topic_ids={d.placed_id, d.loose_id}, slot_ids={d.morning_id, d.afternoon_id}
    )


def _proposed(s: Session, d: Day) -> Outcome:
    written = topics.propose_topic(session=s, event_id=d.id, actor=d.as_ada, title="New")
    return written, _change(d, "topic", topic_ids=id_of(written.result), new_topics=True)


def _scheduled(s: Session, d: Day) -> Outcome:
    planning = scheduling.plan(session=s, event_id=d.id)
    moved = {d.placed_id: Cell(d.attic_id, d.afternoon_id), d.loose_id: Cell(d.hall_id, d.morning_id)}
    written = scheduling.apply_schedule(session=s, event_id=d.id, placements=moved, based_on=planning.wall)
    return written, _change(d, "schedule", topic_ids={d.placed_id, d.loose_id}, wall=True)


def _a_theme(s: Session, d: Day) -> int:
    return id_of(themes.add_theme(session=s, event_id=d.id, name="Care").result)


def _themed(s: Session, d: Day) -> Outcome:
    written = themes.set_topic_theme(
        session=s, event_id=d.id, topic_id=d.loose_id, actor=d.as_ada, theme_id=_a_theme(s, d)
    )
    return written, _change(d, "topic", topic_ids=d.loose_id)


def _a_member(s: Session, d: Day) -> int:
    return id_of(team.invite(session=s, event_id=d.id, actor=d.facilitator, name="Sam").result.facilitator)


def _undone(s: Session, d: Day) -> Outcome:
    topics.hide_topic(session=s, event_id=d.id, topic_id=d.loose_id, actor=d.facilitator)
    hidden = activity.recent(session=s, event_id=d.id)[0]
    written = undo.undo(session=s, event_id=d.id, actor=d.facilitator, activity_id=hidden.id)
    return written, _change(d, "topic", topic_ids=d.loose_id, new_topics=True)


def _bo(s: Session, d: Day) -> int:
    """Bo, a second attendee of the day, invited by Ada to co-convene her placed topic."""
    bo = id_of(attendees.join_event(session=s, event_id=d.id, display_name="Bo").result.attendee)
    co_conveners.invite(session=s, event_id=d.id, topic_id=d.placed_id, actor=d.as_ada, attendee_id=bo)
    return bo


def _as(d: Day, attendee_id: int) -> Actor:
    return Actor(event_id=d.id, attendee_id=attendee_id, attendee_name="Bo")


def _co_convener_accepts(s: Session, d: Day) -> Outcome:
    bo = _bo(s, d)
    written = co_conveners.accept(session=s, event_id=d.id, topic_id=d.placed_id, actor=_as(d, bo), attendee_id=bo)
    return written, _change(d, "topic", topic_ids=d.placed_id)  # "by Ada and Bo" wherever the topic shows


def _co_convener_steps_down(s: Session, d: Day) -> Outcome:
    bo = _bo(s, d)
    co_conveners.accept(session=s, event_id=d.id, topic_id=d.placed_id, actor=_as(d, bo), attendee_id=bo)
    written = co_conveners.remove(session=s, event_id=d.id, topic_id=d.placed_id, actor=_as(d, bo), attendee_id=bo)
    return written, _change(d, "topic", topic_ids=d.placed_id)


CASES: dict[str, Case] = {
    "co_conveners.invite": lambda s, d: (
        co_conveners.invite(
            session=s,
            event_id=d.id,
            topic_id=d.placed_id,
            actor=d.as_ada,
            attendee_id=id_of(attendees.join_event(session=s, event_id=d.id, display_name="Bo").result.attendee),
        ),
        None,  # an invitation shows on the invitee's own page only, read when drawn
    ),
    "co_conveners.accept": _co_convener_accepts,
    "co_conveners.remove": _co_convener_steps_down,
    "themes.add_theme": lambda s, d: (
        themes.add_theme(session=s, event_id=d.id, name="Data"),
        _change(d, "theme", wall=True, event=True),
    ),
    "themes.update_theme": lambda s, d: (
        themes.update_theme(session=s, event_id=d.id, theme_id=_a_theme(s, d), name="Kindness"),
        _change(d, "theme", wall=True, event=True),
    ),
    "themes.move_theme": lambda s, d: (
        themes.move_theme(session=s, event_id=d.id, theme_id=_a_theme(s, d), by=-1),
        _change(d, "theme", wall=True, event=True),
    ),
    "themes.remove_theme": lambda s, d: (
        themes.remove_theme(session=s, event_id=d.id, theme_id=_a_theme(s, d)),
        _change(d, "theme", wall=True, event=True),
    ),
    "themes.set_topic_theme": _themed,
    "announcements.announce": lambda s, d: (
        announcements.announce(session=s, event_id=d.id, actor=d.facilitator, text="Lunch is in the garden"),
        _change(d, "announcement", announcement=True),
    ),
    "attendance.attend": lambda s, d: (
        attendance.attend(session=s, attendee_id=d.ada.id, slot_id=d.morning_id, topic_id=d.placed_id),
        _change(d, "attendance", slot_ids=d.morning_id),
    ),
    "attendance.leave": lambda s, d: (
        attendance.leave(session=s, attendee_id=d.ada.id, slot_id=d.morning_id),
        _change(d, "attendance", slot_ids=d.morning_id),
    ),
    "attendees.ban_attendee": lambda s, d: (
        attendees.ban_attendee(session=s, event_id=d.id, attendee_id=d.ada.id),
        # Ada's topics leave the marketplace and the wall (she had no dots or "I'm going" to take back).
        _change(d, "attendee").merge(_change(d, "topic", topic_ids={d.placed_id, d.loose_id}, wall=True)),
    ),
    "attendees.set_name_listed": lambda s, d: (
        attendees.set_name_listed(session=s, event_id=d.id, attendee_id=d.ada.id, listed=False),
        # Her name leaves the topics she convenes, wherever they are shown (she saved no notes), and no page
        # replays what was sent before with it.
        _change(d, "attendee", topic_ids={d.placed_id, d.loose_id}, names=True),
    ),
    "attendees.remove_attendee": lambda s, d: (
        attendees.remove_attendee(session=s, event_id=d.id, attendee_id=d.ada.id),
        # Her topics stay, credited to "a former participant" (she had no dots or "I'm going" to take back).
        _change(d, "attendee", topic_ids={d.placed_id, d.loose_id}, names=True),
    ),
    "attendees.join_event": lambda s, d: (
        attendees.join_event(session=s, event_id=d.id, display_name="Bo"),
        None,  # nobody's page lists who joined
    ),
    "attendees.join_event_at": lambda s, d: (
        attendees.join_event_at(session=s, slug=d.event.slug, display_name="Bo"),
        None,  # as join_event
    ),
    "events.create_event": lambda s, d: (
        events.create_event(session=s, name="Another", timezone="UTC", date=EVENT_DATE),
        None,  # nobody has it open yet
    ),
    "event_copy.copy_event": lambda s, d: (
        event_copy.copy_event(session=s, event_id=d.id, date=EVENT_DATE, slug="next-time"),
        None,  # a new event: nobody has it open yet (and the one copied is only read)
    ),
    "events.delete_event": lambda s, d: (
        events.delete_event(session=s, event_id=d.id, confirm=d.event.slug),
        None,  # no page of it is left to tell: each answers 404
    ),
    "events.update_event": lambda s, d: (
        events.update_event(session=s, event_id=d.id, update=EventUpdate(voting_open=False)),
        _change(d, "event", event=True),
    ),
    "events.rotate_facilitator_key": lambda s, d: (
        events.rotate_facilitator_key(session=s, event_id=d.id),
        _change(d, "team"),  # no page shows the key, but pages opened with the old one are closed
    ),
    "team.invite": lambda s, d: (
        team.invite(session=s, event_id=d.id, actor=d.facilitator, name="Sam"),
        None,  # only the facilitators' page lists the team, read when drawn
    ),
    "team.remove": lambda s, d: (
        team.remove(session=s, event_id=d.id, actor=d.facilitator, facilitator_id=_a_member(s, d)),
        _change(d, "team"),  # the member's open pages are closed
    ),
    "team.replace_key": lambda s, d: (
        team.replace_key(session=s, event_id=d.id, facilitator_id=_a_member(s, d)),
        _change(d, "team"),
    ),
    "undo.undo": _undone,
    "notes.save_notes": _notes_saved,
    "notes.restore_revision": _notes_restored,
    "placements.place_topic": lambda s, d: (
        placements.place_topic(
            session=s,
            event_id=d.id,
            actor=d.facilitator,
            topic_id=d.placed_id,
            room_id=d.attic_id,
            slot_id=d.afternoon_id,
        ),
        _change(d, "placement", topic_ids=d.placed_id, slot_ids={d.morning_id, d.afternoon_id}),
    ),
    "placements.take_off_wall": lambda s, d: (
        placements.take_off_wall(session=s, event_id=d.id, actor=d.facilitator, topic_id=d.placed_id),
        _change(d, "placement", topic_ids=d.placed_id, slot_ids=d.morning_id),
    ),
    "placements.swap_topics": _swapped,
    "placements.set_pinned": lambda s, d: (
        placements.set_pinned(session=s, event_id=d.id, actor=d.facilitator, topic_id=d.placed_id, pinned=True),
        _change(d, "placement", topic_ids=d.placed_id, slot_ids=d.morning_id),
    ),
    "scheduling.apply_schedule": _scheduled,
    "similarity.mark_not_duplicate": lambda s, d: (
        similarity.mark_not_duplicate(session=s, event_id=d.id, topic_id=d.loose_id, other_topic_id=d.placed_id),
        _change(d, "duplicates"),  # only the facilitator's list of likely duplicates: no topic, dot or cell
    ),
    "topic_constraints.set_constraints": lambda s, d: (
        topic_constraints.set_constraints(
            session=s,
            event_id=d.id,
            actor=d.as_ada,
            topic_id=d.loose_id,
            not_before=_at("13:00"),
            not_after=None,
            min_room_capacity=None,
            apart_from=[d.placed_id],
        ),
        None,  # only the auto-scheduler reads constraints
    ),
    "topics.propose_topic": _proposed,
    "topics.edit_topic": lambda s, d: (
        topics.edit_topic(session=s, event_id=d.id, topic_id=d.loose_id, actor=d.as_ada, title="Renamed"),
        _change(d, "topic", topic_ids=d.loose_id),
    ),
    "topics.withdraw_topic": lambda s, d: (
        topics.withdraw_topic(session=s, event_id=d.id, topic_id=d.placed_id, actor=d.as_ada),
        _change(d, "topic", topic_ids=d.placed_id, wall=True),
    ),
    "topics.hide_topic": lambda s, d: (
        topics.hide_topic(session=s, event_id=d.id, topic_id=d.placed_id),
        _change(d, "topic", topic_ids=d.placed_id, wall=True),
    ),
    "topics.merge_topics": lambda s, d: (
        topics.merge_topics(session=s, event_id=d.id, source_id=d.placed_id, target_id=d.loose_id),
        _change(d, "topic", topic_ids={d.placed_id, d.loose_id}, wall=True),
    ),
    "votes.cast_vote": lambda s, d: (
        votes.cast_vote(session=s, attendee_id=d.ada.id, topic_id=d.loose_id),
        _change(d, "vote", topic_ids=d.loose_id),
    ),
    "votes.retract_vote": lambda s, d: (
        votes.retract_vote(session=s, attendee_id=d.ada.id, topic_id=d.loose_id),
        _change(d, "vote", topic_ids=d.loose_id),
    ),
    "wall_setup.add_room": lambda s, d: (
        wall_setup.add_room(session=s, event_id=d.id, name="Garden", capacity=12),
        _change(d, "wall", wall=True),
    ),
    "wall_setup.update_room": lambda s, d: (
        wall_setup.update_room(session=s, event_id=d.id, room_id=d.attic_id, capacity=8),
        _change(d, "wall", wall=True),
    ),
    "wall_setup.move_room": lambda s, d: (
        wall_setup.move_room(session=s, event_id=d.id, room_id=d.attic_id, by=-1),
        _change(d, "wall", wall=True),
    ),
    "wall_setup.remove_room": lambda s, d: (
        wall_setup.remove_room(session=s, event_id=d.id, room_id=d.hall_id),
        _change(d, "wall", wall=True),
    ),
    "wall_setup.add_slot": lambda s, d: (
        wall_setup.add_slot(session=s, event_id=d.id, starts_at=_at("16:00"), ends_at=_at("17:00")),
        _change(d, "wall", wall=True),
    ),
    "wall_setup.update_slot": lambda s, d: (
        wall_setup.update_slot(session=s, event_id=d.id, slot_id=d.morning_id, kind=SlotKind.plenary),
        _change(d, "wall", wall=True),
    ),
    "wall_setup.remove_slot": lambda s, d: (
        wall_setup.remove_slot(session=s, event_id=d.id, slot_id=d.morning_id),
        _change(d, "wall", wall=True),
    ),
}

# Writes in the service layer: rows added or deleted, or statements that change them.
_WRITES = re.compile(
    r"session\.(add|add_all|delete)\(|session\.exec\(\s*(update|delete|insert)\(|\.execute\(\s*_(INSERT|DELETE)"
)


def _service_functions() -> dict[str, ast.FunctionDef]:
    found = {}
    for module in pkgutil.iter_modules(app.services.__path__):
        path = Path(app.services.__path__[0]) / f"{module.name}.py"
        for node in ast.parse(path.read_text()).body:
            if isinstance(node, ast.FunctionDef) and not node.name.startswith("_"):
                found[f"{module.name}.{node.name}"] = node
    return found


def _calls_inside(node: ast.FunctionDef) -> set[str]:
    return {ast.unparse(call.func) for call in ast.walk(node) if isinstance(call, ast.Call)}


def _writers() -> set[str]:
    """Service functions that write, directly or through a private helper of their module that does."""
    functions = _service_functions()
    writers = set()
    for name, node in functions.items():
        module = importlib.import_module(f"app.services.{name.split('.')[0]}")
        source = Path(module.__file__ or "").read_text()
        private_writers = {
            helper.name
            for helper in ast.parse(source).body
            if isinstance(helper, ast.FunctionDef)
            and helper.name.startswith("_")
            and _WRITES.search(ast.get_source_segment(source, helper) or "")
        }
        body = ast.get_source_segment(source, node) or ""
        if _WRITES.search(body) or _calls_inside(node) & private_writers:
            writers.add(name)
    return writers


def test_every_service_that_writes_returns_written():
    functions = _service_functions()
    silent = {
        name
        for name in _writers() - set(NOT_ANNOUNCED)
        if not ast.unparse(functions[name].returns or ast.Constant(None)).startswith("Written[")
    }

    assert silent == set(), (
        "These services write but don't say what changed on the live board: return Written(result, change) "
        f"(app/services/changes.py), or list them in NOT_ANNOUNCED with why: {sorted(silent)}"
    )


def test_every_write_service_has_its_change_checked_here():
    declared = {
        name
        for name, node in _service_functions().items()
        if ast.unparse(node.returns or ast.Constant(None)).startswith("Written[")
    }

    assert declared - set(CASES) == set(), "add a case to CASES saying what each new write service changes"
    assert set(CASES) - declared == set(), "CASES names a service that no longer returns Written"


# after_the_event: apply_schedule reads the venue clock, and moves a session of the 10:00 slot (tests/conftest.py).
@pytest.mark.parametrize("name", sorted(CASES))
def test_write_service_declares_its_live_change(name, factory, database, backend, after_the_event):
    day = _day(factory)

    with database.write_session() as session:
        written, expected = CASES[name](session, day)

    assert isinstance(written, Written)
    assert written.change == expected
