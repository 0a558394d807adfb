"""The domain's rules hold after any sequence of service writes: a hypothesis state machine.

Each rule calls a real service (app/services) through `write_now`, the writer's rule without its queue,
on a real migrated SQLite database of the example's own. A rule ends in success or in the service's own
domain error (app/services/errors.py); anything else (an IntegrityError from a unique index the service
should have checked first, a TypeError) fails the test. For the writes whose outcome is plain from the
state (a vote, a placement into a free cell, a merge of two active topics…), the rule also says which
outcome it expects, so a service that refused everything could not pass. The auto-scheduler's apply is
a rule too: people going to a session keep their place when it moves room, and follow it to another slot.

After every step the invariants read the database and the reads the pages and the API use:
nobody over the budget, every shown count equal to the stored dots, one topic per cell, no convener in
two cells of a slot, "I'm going" only to a topic placed in that slot, hidden and merged topics in no
public read.

It runs derandomised (the same walks on every run, so CI is deterministic) in about half a minute. To
search longer and off the beaten path, locally:

    HALLWAY_STATEFUL_EXAMPLES=300 HALLWAY_STATEFUL_STEPS=60 \
        .venv/bin/python -m pytest -s tests/services/test_stateful_rules.py

(300 walks of 40 steps took 14 minutes on the 2-core machine while other suites ran). Setting
HALLWAY_STATEFUL_EXAMPLES also turns derandomisation off, so each such run walks new paths; it prints
how often each write succeeded and was refused with which error, and a failure prints the steps that
reproduce it.
"""

from __future__ import annotations

import itertools
import json
import os
import shutil
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time
from pathlib import Path
from typing import Any, Generic, TypeVar

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    consumes,
    initialize,
    invariant,
    multiple,
    precondition,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import func, select
from sqlmodel import Session, col

from app.db import Database, connect, exec_select
from app.models import Attendance, Event, Placement, Room, Slot, SlotKind, Theme, Topic, TopicStatus, Vote
from app.models.enums import ACTIVE_TOPIC_STATUSES
from app.models.event import EventUpdate
from app.scheduling import ProblemError, Weights, solve
from app.services import (
    attendance,
    attendees,
    board,
    events,
    notes,
    placements,
    scheduling,
    themes,
    topics,
    votes,
    wall_setup,
)
from app.services.actors import Actor
from app.services.changes import Written
from app.services.errors import Banned, BudgetSpent, DomainError, NotFound, PhaseClosed, TopicNotActive
from app.services.lookups import FACILITATOR_ONLY_STATUSES
from app.writer import write_now
from tests.factories import EVENT_DATE

T = TypeVar("T")

_LONGER = int(os.environ.get("HALLWAY_STATEFUL_EXAMPLES", "0"))
SETTINGS = settings(
    # 40 walks of up to 40 steps: about 30 s on the shared 2-core machine, every invariant read after each step.
    max_examples=_LONGER or 40,
    stateful_step_count=int(os.environ.get("HALLWAY_STATEFUL_STEPS", "40")),
    derandomize=not _LONGER,
    database=None,  # nothing remembered between runs: CI and every engineer see the same walks
    deadline=None,  # a step is a few database round trips, and the machine is shared
    suppress_health_check=[HealthCheck.too_slow],
)

PEOPLE = ("Ada", "Bo", "Cy")  # joined attendees; a budget of 3 dots is spent within a few steps
BUDGET = 3
HOURS = (9, 10, 11, 12, 14, 15)  # starts of one-hour slots; the same start twice overlaps
TITLES = ("Remote work", "Open source", "Burnout", "Remote work", "Soil", " ")  # a repeat, and a blank (refused)


@dataclass(frozen=True)
class PublicReads:
    listed: dict[int, int]  # topic id → dots, as GET …/topics and the marketplace list them
    newest: set[int]  # the same list, newest first
    board: board.Board  # the wall the pages draw
    board_json: dict[str, Any]  # GET …/board, as a script receives it


@dataclass(frozen=True)
class Done(Generic[T]):
    """A write the service accepted, with its result (which may be None: taking a topic off the wall)."""

    value: T


# Who acts: an attendee by index into PEOPLE, or None for the facilitator.
who = st.sampled_from((None, 0, 1, 2))
person = st.integers(min_value=0, max_value=len(PEOPLE) - 1)


class ServiceRules(RuleBasedStateMachine):
    """One event, three attendees, and the facilitator, writing through the services in any order."""

    topics = Bundle("topics")
    rooms = Bundle("rooms")
    slots = Bundle("slots")
    themes = Bundle("themes")

    def __init__(self, template: Path, workdir: Path) -> None:
        super().__init__()
        self.path = workdir / f"example-{next(_EXAMPLES)}.db"
        shutil.copy(template, self.path)
        self.database: Database = connect(f"sqlite:///{self.path}")
        self._reads: PublicReads | None = None
        self.gone: set[int] = set()  # topics this walk hid or merged: no rule brings one back
        made = self._ok(
            lambda s: events.create_event(
                session=s, name="Stateful", timezone="Europe/London", date=EVENT_DATE, votes_per_attendee=BUDGET
            )
        )
        self.event_id: int = made.event.id  # type: ignore[assignment]
        self._ok(lambda s: events.update_event(session=s, event_id=self.event_id, update=EventUpdate(voting_open=True)))
        self.people: list[int] = [
            self._ok(
                lambda s, name=name: attendees.join_event(session=s, event_id=self.event_id, display_name=name)
            ).attendee.id
            for name in PEOPLE
        ]

    def teardown(self) -> None:
        self.database.dispose()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{self.path}{suffix}").unlink(missing_ok=True)

    # --- Running a write -----------------------------------------------------------------------------

    def _write(self, work: Callable[[Session], Written[T]]) -> T:
        self._reads = None  # the public reads are read again after this step
        return write_now(self.database, work)

    def _ok(self, work: Callable[[Session], Written[T]]) -> T:
        return self._write(work)

    def _try(self, name: str, work: Callable[[Session], Written[T]], *, must_succeed: bool = False) -> Done[T] | None:
        """Run one write: Done with its result, or None when the service refused it with a domain error (rolled
        back). Each outcome is counted by name (see `_saw`)."""
        try:
            result = self._write(work)
        except DomainError as error:
            _saw(f"{name}: {type(error).__name__}")
            assert not must_succeed, f"{name} was refused though the state allows it: {error.message}"
            return None
        _saw(f"{name}: done")
        return Done(result)

    def _actor(self, index: int | None) -> Actor:
        if index is None:
            return Actor.facilitator(self.event_id)
        return Actor(event_id=self.event_id, attendee_id=self.people[index], attendee_name=PEOPLE[index])

    def _read(self, query: Callable[[Session], T]) -> T:
        with self.database.read_session() as session:
            return query(session)

    def _topic(self, topic_id: int) -> Topic:
        topic = self._read(lambda s: s.get(Topic, topic_id))
        assert topic is not None
        return topic

    def _event(self) -> Event:
        found = self._read(lambda s: s.get(Event, self.event_id))
        assert found is not None
        return found

    def _cell_of(self, topic_id: int) -> tuple[int, int] | None:
        row = self._read(
            lambda s: exec_select(
                s, select(col(Placement.room_id), col(Placement.slot_id)).where(col(Placement.topic_id) == topic_id)
            ).first()
        )
        return (row[0], row[1]) if row else None

    def _held(self, attendee_id: int) -> int:
        return self._read(
            lambda s: exec_select(
                s,
                select(func.count())
                .select_from(Vote)
                .join(Topic, col(Topic.id) == col(Vote.topic_id))
                .where(col(Vote.attendee_id) == attendee_id, col(Topic.status).in_(ACTIVE_TOPIC_STATUSES)),
            ).scalar_one()
        )

    # --- Setting up the wall -------------------------------------------------------------------------

    @initialize(target=rooms)
    def two_rooms(self):
        return multiple(
            *(
                self._ok(
                    lambda s, n=name: wall_setup.add_room(session=s, event_id=self.event_id, name=n, capacity=2)
                ).id
                for name in ("Hall", "Attic")
            )
        )

    @initialize(target=slots)
    def morning_slots(self):
        """Two session slots and a break (which takes no topics)."""
        return multiple(
            *(
                self._ok(
                    lambda s, h=hour, k=kind: wall_setup.add_slot(
                        session=s, event_id=self.event_id, starts_at=_at(h), ends_at=_at(h + 1), kind=k
                    )
                ).id
                for hour, kind in ((10, SlotKind.sessions), (11, SlotKind.sessions), (12, SlotKind.break_))
            )
        )

    @initialize(target=topics)
    def three_topics(self):
        """One topic convened by the facilitator and one each by Ada and Bo, so every rule has topics to act on."""
        return multiple(
            *(
                self._ok(
                    lambda s, by=by, title=title: topics.propose_topic(
                        session=s, event_id=self.event_id, actor=self._actor(by), title=title
                    )
                ).id
                for by, title in ((None, "Welcome"), (0, "Remote work"), (1, "Soil"))
            )
        )

    @rule(target=rooms, name=st.sampled_from(("Garden", "Hall", "")))
    def add_room(self, name):
        room = self._try(
            "add_room",
            lambda s: wall_setup.add_room(session=s, event_id=self.event_id, name=name, capacity=3),
            must_succeed=bool(name),
        )
        return multiple() if room is None else room.value.id

    # The last room stays, so that a walk goes on placing topics after removing the others.
    @precondition(lambda self: len(self.bundle("rooms")) > 1)
    @rule(room_id=consumes(rooms))
    def remove_room(self, room_id):
        self._try(
            "remove_room",
            lambda s: wall_setup.remove_room(session=s, event_id=self.event_id, room_id=room_id),
            must_succeed=True,
        )

    @rule(target=slots, hour=st.sampled_from(HOURS), kind=st.sampled_from(list(SlotKind)))
    def add_slot(self, hour, kind):
        slot = self._try(
            "add_slot",
            lambda s: wall_setup.add_slot(
                session=s, event_id=self.event_id, starts_at=_at(hour), ends_at=_at(hour + 1), kind=kind
            ),
        )
        return multiple() if slot is None else slot.value.id

    @rule(slot_id=slots, kind=st.sampled_from(list(SlotKind)))
    def change_slot_kind(self, slot_id, kind):
        """A session slot turned into a break takes its topics off the wall (and their "I'm going"s)."""
        self._try(
            "change_slot_kind",
            lambda s: wall_setup.update_slot(session=s, event_id=self.event_id, slot_id=slot_id, kind=kind),
        )

    # The last slot stays, so that a walk goes on placing topics after removing the others.
    @precondition(lambda self: len(self.bundle("slots")) > 1)
    @rule(slot_id=consumes(slots))
    def remove_slot(self, slot_id):
        self._try(
            "remove_slot",
            lambda s: wall_setup.remove_slot(session=s, event_id=self.event_id, slot_id=slot_id),
            must_succeed=True,
        )

    # --- The facilitator's switches ------------------------------------------------------------------

    @rule(voting_open=st.booleans())
    def switch_voting(self, voting_open):
        self._ok(
            lambda s: events.update_event(
                session=s, event_id=self.event_id, update=EventUpdate(voting_open=voting_open)
            )
        )

    @rule(proposals_open=st.booleans(), self_placement=st.booleans())
    def switch_phases(self, proposals_open, self_placement):
        self._ok(
            lambda s: events.update_event(
                session=s,
                event_id=self.event_id,
                update=EventUpdate(proposals_open=proposals_open, self_placement=self_placement),
            )
        )

    @rule(budget=st.integers(min_value=1, max_value=BUDGET + 1))
    def change_budget(self, budget):
        """Allowed down to the most dots anyone holds, never below (nobody may end up over the budget)."""
        most = max(self._held(attendee_id) for attendee_id in self.people)
        done = self._try(
            "change_budget",
            lambda s: events.update_event(
                session=s, event_id=self.event_id, update=EventUpdate(votes_per_attendee=budget)
            ),
            must_succeed=budget >= most,
        )
        assert (done is not None) == (budget >= most), f"a budget of {budget} with {most} dots held was accepted"

    # --- Topics --------------------------------------------------------------------------------------

    @rule(target=topics, by=who, title=st.sampled_from(TITLES))
    def propose(self, by, title):
        allowed = title.strip() != "" and (by is None or self._event().proposals_open)
        topic = self._try(
            "propose",
            lambda s: topics.propose_topic(session=s, event_id=self.event_id, actor=self._actor(by), title=title),
            must_succeed=allowed,
        )
        assert (topic is not None) == allowed
        return multiple() if topic is None else topic.value.id

    @rule(topic_id=topics, by=who, title=st.sampled_from(TITLES))
    def edit(self, topic_id, by, title):
        topic = self._topic(topic_id)
        may = self._actor(by).may_change(topic.convener_id)
        self._try(
            "edit",
            lambda s: topics.edit_topic(
                session=s, event_id=self.event_id, topic_id=topic_id, actor=self._actor(by), title=title
            ),
            must_succeed=may and topic.status in ACTIVE_TOPIC_STATUSES and title.strip() != "",
        )

    @rule(topic_id=topics, by=who)
    def withdraw(self, topic_id, by):
        topic = self._topic(topic_id)
        self._try(
            "withdraw",
            lambda s: topics.withdraw_topic(
                session=s, event_id=self.event_id, topic_id=topic_id, actor=self._actor(by)
            ),
            must_succeed=topic.status in ACTIVE_TOPIC_STATUSES and self._actor(by).may_change(topic.convener_id),
        )

    @rule(topic_id=topics)
    def hide(self, topic_id):
        status = self._topic(topic_id).status
        hidden = self._try(
            "hide",
            lambda s: topics.hide_topic(session=s, event_id=self.event_id, topic_id=topic_id),
            must_succeed=status in (*ACTIVE_TOPIC_STATUSES, TopicStatus.hidden),
        )
        if hidden is not None:
            self._check_gone(topic_id)

    @rule(index=person)
    def ban(self, index):
        """The facilitator bans someone: their topics go, their dots and "I'm going"s with them. (The routes
        refuse a banned person's token; here someone new takes their place among the people who act.)"""
        banned_id = self.people[index]
        theirs = self._read(
            lambda s: set(
                exec_select(
                    s,
                    select(col(Topic.id)).where(
                        col(Topic.convener_id) == banned_id, col(Topic.status).in_(ACTIVE_TOPIC_STATUSES)
                    ),
                ).scalars()
            )
        )
        done = self._try(
            "ban",
            lambda s: attendees.ban_attendee(session=s, event_id=self.event_id, attendee_id=banned_id),
            must_succeed=True,
        )
        assert done is not None and set(done.value.hidden_topic_ids) == theirs
        assert self._held(banned_id) == 0
        going = self._read(
            lambda s: exec_select(
                s, select(func.count()).select_from(Attendance).where(col(Attendance.attendee_id) == banned_id)
            ).scalar_one()
        )
        assert going == 0
        for topic_id in theirs:
            self._check_gone(topic_id)
        with pytest.raises(Banned):
            self._write(lambda s: votes.cast_vote(session=s, attendee_id=banned_id, topic_id=next(iter(theirs), 1)))
        self.people[index] = self._ok(
            lambda s: attendees.join_event(session=s, event_id=self.event_id, display_name=f"{PEOPLE[index]} II")
        ).attendee.id

    # --- Themes ---------------------------------------------------------------------------------------

    @rule(target=themes, name=st.sampled_from(("Data", "Care", "care", "")))
    def add_theme(self, name):
        theme = self._try("add_theme", lambda s: themes.add_theme(session=s, event_id=self.event_id, name=name))
        return multiple() if theme is None else theme.value.id

    @rule(theme_id=consumes(themes))
    def remove_theme(self, theme_id):
        self._try(
            "remove_theme",
            lambda s: themes.remove_theme(session=s, event_id=self.event_id, theme_id=theme_id),
            must_succeed=True,
        )
        assert self._read(lambda s: s.get(Theme, theme_id)) is None

    @rule(topic_id=topics, theme_id=st.one_of(st.none(), themes), by=who)
    def theme_a_topic(self, topic_id, theme_id, by):
        done = self._try(
            "theme_a_topic",
            lambda s: themes.set_topic_theme(
                session=s, event_id=self.event_id, topic_id=topic_id, actor=self._actor(by), theme_id=theme_id
            ),
        )
        if done is not None:
            assert self._topic(topic_id).theme_id == theme_id

    @rule(source_id=topics, target_id=topics)
    def merge(self, source_id, target_id):
        """The source's dots move to the target; whoever had a dot on both gets one back."""
        both_active = all(self._topic(t).status in ACTIVE_TOPIC_STATUSES for t in (source_id, target_id))
        held_before = {attendee_id: self._held(attendee_id) for attendee_id in self.people}
        done = self._try(
            "merge",
            lambda s: topics.merge_topics(session=s, event_id=self.event_id, source_id=source_id, target_id=target_id),
            must_succeed=both_active and source_id != target_id,
        )
        if done is not None:
            assert self._topic(source_id).merged_into_id == target_id
            self._check_gone(source_id)
            for attendee_id, held in held_before.items():
                assert self._held(attendee_id) <= held, "a merge added dots"

    # --- Dots ----------------------------------------------------------------------------------------

    # One argument, and a name that sorts first: hypothesis orders rules by their targets, their number of
    # arguments and their name, and draws the first one most often. The hottest write of an event should be it.
    @rule(dot=st.tuples(person, topics))
    def cast_vote(self, dot):
        voter, topic_id = dot
        attendee_id = self.people[voter]
        status, open_, budget = (
            self._topic(topic_id).status,
            self._event().voting_open,
            self._event().votes_per_attendee,
        )
        has_dot = topic_id in self._read(lambda s: votes.topics_voted(session=s, attendee_id=attendee_id))
        held = self._held(attendee_id)
        expected: type[DomainError] | None = None
        if status not in ACTIVE_TOPIC_STATUSES:
            expected = TopicNotActive
        elif not open_:
            expected = PhaseClosed
        elif not has_dot and held >= budget:
            expected = BudgetSpent
        try:
            result = self._write(lambda s: votes.cast_vote(session=s, attendee_id=attendee_id, topic_id=topic_id))
        except DomainError as error:
            _saw(f"vote: {type(error).__name__}")
            assert type(error) is expected, f"vote refused with {error!r}, expected {expected}"
            return
        _saw("vote: done")
        assert expected is None, f"vote accepted, expected {expected.__name__}"
        assert (result.voted, result.votes, result.votes_left) == (
            True,
            self._stored_votes(topic_id),
            budget - self._held(attendee_id),
        )
        self._check_topic_read(topic_id)

    @rule(topic_id=topics, voter=person)
    def unvote(self, topic_id, voter):
        attendee_id = self.people[voter]
        open_ = self._event().voting_open
        result = self._try(
            "unvote",
            lambda s: votes.retract_vote(session=s, attendee_id=attendee_id, topic_id=topic_id),
            must_succeed=open_,
        )
        if result is not None:
            assert (result.value.voted, result.value.votes, result.value.votes_left) == (
                False,
                self._stored_votes(topic_id),
                self._event().votes_per_attendee - self._held(attendee_id),
            )
            self._check_topic_read(topic_id)
        else:
            assert not open_

    # --- The wall ------------------------------------------------------------------------------------

    @rule(topic_id=topics)
    def place_in_a_free_cell(self, topic_id):
        """The facilitator drops a topic into the first cell the rules allow: most random cells are refused, and
        the rules about "I'm going", swaps and notes need topics on the wall."""
        cell = self._first_free_cell(topic_id)
        if cell is None:
            _saw("place_in_a_free_cell: none")
            return
        self._place(topic_id, *cell, as_convener=False)

    @rule(topic_id=topics, room_id=rooms, slot_id=slots, as_convener=st.booleans())
    def place_or_move(self, topic_id, room_id, slot_id, as_convener):
        """The facilitator, or the topic's convener (allowed only with self-placement on), picks a cell."""
        self._place(topic_id, room_id, slot_id, as_convener=as_convener)

    def _place(self, topic_id: int, room_id: int, slot_id: int, *, as_convener: bool) -> None:
        topic = self._topic(topic_id)
        by = self.people.index(topic.convener_id) if as_convener and topic.convener_id in self.people else None
        may = by is None or self._event().self_placement
        placed = self._try(
            "move" if self._cell_of(topic_id) else "place",
            lambda s: placements.place_topic(
                session=s,
                event_id=self.event_id,
                actor=self._actor(by),
                topic_id=topic_id,
                room_id=room_id,
                slot_id=slot_id,
            ),
            must_succeed=may and self._free_for(topic_id, room_id, slot_id),
        )
        if placed is not None:
            assert self._cell_of(topic_id) == (room_id, slot_id)

    @rule(topic_id=topics, other_id=topics, with_a_placed_one=st.booleans())
    def swap(self, topic_id, other_id, with_a_placed_one):
        """Exchange two topics' cells: two on the wall when there are, or any two (mostly refused)."""
        if with_a_placed_one:
            placed = [
                p.topic_id for p in self._read(lambda s: placements.list_placements(session=s, event_id=self.event_id))
            ]
            if topic_id not in placed and placed:
                topic_id = placed[0]
            other_id = next((placed_id for placed_id in placed if placed_id != topic_id), other_id)
        cells = (self._cell_of(topic_id), self._cell_of(other_id))
        allowed = self._swap_allowed(topic_id, other_id)
        done = self._try(
            "swap",
            lambda s: placements.swap_topics(
                session=s,
                event_id=self.event_id,
                actor=self._actor(None),
                topic_id=topic_id,
                other_topic_id=other_id,
            ),
            must_succeed=allowed,
        )
        assert (done is not None) == allowed
        if allowed:
            assert (self._cell_of(topic_id), self._cell_of(other_id)) == (cells[1], cells[0])
        elif topic_id != other_id:
            assert (self._cell_of(topic_id), self._cell_of(other_id)) == cells, "a refused swap moved a topic"

    @rule(topic_id=topics, as_convener=st.booleans())
    def take_off_wall(self, topic_id, as_convener):
        """The facilitator, or the topic's convener (allowed only with self-placement on)."""
        topic = self._topic(topic_id)
        by = self.people.index(topic.convener_id) if as_convener and topic.convener_id in self.people else None
        allowed = topic.status in ACTIVE_TOPIC_STATUSES and (by is None or self._event().self_placement)
        done = self._try(
            "take_off_wall",
            lambda s: placements.take_off_wall(
                session=s, event_id=self.event_id, actor=self._actor(by), topic_id=topic_id
            ),
            must_succeed=allowed,
        )
        assert (done is not None) == allowed
        if allowed:
            assert self._cell_of(topic_id) is None
            assert self._topic(topic_id).status == TopicStatus.proposed

    @rule(moves_cost=st.sampled_from((0, 100)))
    def auto_schedule(self, moves_cost):
        """The facilitator puts up the auto-scheduler's wall (moves free, or at their default price).

        Whoever was going to a session keeps their place while it stays in its slot (in whatever room), follows
        it to another slot unless they already go to something then, and loses it when it leaves the wall.
        """
        with self.database.read_session() as s:
            planning = scheduling.plan(
                session=s, event_id=self.event_id, time_limit=0, weights=Weights(move=moves_cost)
            )
        try:
            proposal = solve(planning.problem).placements
        except ProblemError:  # no rooms or session slots: the scheduler's own refusal, which the route answers
            _saw("auto_schedule: ProblemError")
            return
        before = self._going()
        self._try(
            "auto_schedule",
            lambda s: scheduling.apply_schedule(
                session=s, event_id=self.event_id, placements=proposal, based_on=planning.wall
            ),
            must_succeed=True,
        )
        after = self._going()
        for (attendee_id, topic_id), slot_id in before.items():
            cell = proposal.get(topic_id, planning.wall.get(topic_id))  # stranded topics stay where they are
            if cell is None:
                assert (attendee_id, topic_id) not in after
            elif cell.slot_id == slot_id:
                assert after.get((attendee_id, topic_id)) == slot_id, 'an "I\'m going" was lost in a room move'
            else:
                busy = any(a == attendee_id and slot == cell.slot_id for (a, _), slot in after.items())
                assert busy, "someone going to a session that changed slot neither followed it nor goes elsewhere"

    # --- "I'm going" ---------------------------------------------------------------------------------

    @rule(topic_id=topics, goer=person, slot_id=slots, its_own_slot=st.booleans())
    def attend(self, topic_id, goer, slot_id, its_own_slot):
        """Mostly to a topic on the wall, in its slot (a random pair is mostly refused), sometimes to any."""
        if its_own_slot:
            placed = self._read(lambda s: placements.list_placements(session=s, event_id=self.event_id))
            mine = next((p for p in placed if p.topic_id == topic_id), placed[0] if placed else None)
            if mine is not None:
                topic_id, slot_id = mine.topic_id, mine.slot_id
        cell = self._cell_of(topic_id)
        self._try(
            "attend",
            lambda s: attendance.attend(session=s, attendee_id=self.people[goer], slot_id=slot_id, topic_id=topic_id),
            must_succeed=cell is not None and cell[1] == slot_id,
        )

    @rule(goer=person, slot_id=slots)
    def leave(self, goer, slot_id):
        self._try(
            "leave",
            lambda s: attendance.leave(session=s, attendee_id=self.people[goer], slot_id=slot_id),
            must_succeed=True,
        )

    # --- Notes ---------------------------------------------------------------------------------------

    @rule(topic_id=topics, by=who, body=st.sampled_from(("We met.", "We met.\nAnd agreed.")))
    def write_notes(self, topic_id, by, body):
        """Notes written while a topic is placed stay with it when it is later hidden or merged."""
        actor = self._actor(by)
        version = self._read(lambda s: row.version if (row := notes.get_note_row(session=s, topic_id=topic_id)) else 0)
        self._try(
            "write_notes",
            lambda s: notes.save_notes(
                session=s,
                event_id=self.event_id,
                topic_id=topic_id,
                actor=actor,
                base_version=version,
                data=notes.NoteInput(body),
            ),
        )

    # --- Invariants, read from the database after every step ----------------------------------------

    @invariant()
    def topics_carry_only_this_events_themes(self) -> None:
        """A removed theme leaves no topic pointing at it, and the board shows each topic's stored theme."""
        with self.database.read_session() as s:
            theme_ids = set(exec_select(s, select(col(Theme.id)).where(col(Theme.event_id) == self.event_id)).scalars())
            themed = dict(
                exec_select(s, select(col(Topic.id), col(Topic.theme_id)).where(col(Topic.event_id) == self.event_id))
                .tuples()
                .all()
            )
        assert {theme_id for theme_id in themed.values() if theme_id is not None} <= theme_ids
        shown = {t["id"]: t["theme_id"] for t in self._public().board_json["topics"]}
        assert all(themed[topic_id] == theme_id for topic_id, theme_id in shown.items())

    @invariant()
    def nobody_over_budget(self) -> None:
        budget = self._event().votes_per_attendee
        with self.database.read_session() as s:
            per_attendee = dict(
                exec_select(s, select(col(Vote.attendee_id), func.count()).group_by(col(Vote.attendee_id)))
                .tuples()
                .all()
            )
            on_retired = exec_select(
                s,
                select(func.count())
                .select_from(Vote)
                .join(Topic, col(Topic.id) == col(Vote.topic_id))
                .where(col(Topic.status).not_in(ACTIVE_TOPIC_STATUSES)),
            ).scalar_one()
        assert all(held <= budget for held in per_attendee.values()), (per_attendee, budget)
        assert on_retired == 0, "dots left on a withdrawn, hidden or merged topic were not given back"

    @invariant()
    def shown_counts_equal_stored_dots(self) -> None:
        """The marketplace list (both orders), the board JSON and the wall's cells show each topic's stored dots."""
        with self.database.read_session() as s:
            stored = self._active_counts(s)
        reads = self._public()
        assert reads.listed == stored
        assert {t["id"]: t["votes"] for t in reads.board_json["topics"]} == stored
        cells = {c.topic.id: c.topic.votes for row in reads.board.rows for c in row.cells if c.topic is not None}
        assert all(stored[topic_id] == shown for topic_id, shown in cells.items()), (cells, stored)

    @invariant()
    def one_topic_per_cell_and_one_cell_per_topic(self) -> None:
        with self.database.read_session() as s:
            rows = exec_select(
                s,
                select(col(Placement.topic_id), col(Placement.room_id), col(Placement.slot_id), Topic.status, Slot.kind)
                .join(Topic, col(Topic.id) == col(Placement.topic_id))
                .join(Slot, col(Slot.id) == col(Placement.slot_id))
                .where(col(Placement.event_id) == self.event_id),
            ).all()
            placed_status = set(
                exec_select(
                    s,
                    select(col(Topic.id)).where(
                        col(Topic.event_id) == self.event_id, col(Topic.status) == TopicStatus.placed
                    ),
                ).scalars()
            )
        cells = [(room_id, slot_id) for _, room_id, slot_id, _, _ in rows]
        assert len(cells) == len(set(cells)), f"two topics in one cell: {rows}"
        placed = [topic_id for topic_id, *_ in rows]
        assert len(placed) == len(set(placed)), f"a topic in two cells: {rows}"
        # A topic is `placed` exactly while it has a cell, and only active topics in session slots have one.
        assert set(placed) == placed_status
        assert all(kind == SlotKind.sessions for *_, kind in rows), f"a topic in a break or plenary: {rows}"

    @invariant()
    def no_convener_in_two_cells_of_a_slot(self) -> None:
        with self.database.read_session() as s:
            rows = exec_select(
                s,
                select(col(Placement.slot_id), col(Topic.convener_id), col(Placement.convener_id))
                .join(Topic, col(Topic.id) == col(Placement.topic_id))
                .where(col(Placement.event_id) == self.event_id),
            ).all()
        assert all(topic_convener == copied for _, topic_convener, copied in rows), rows
        held = [(slot_id, convener) for slot_id, convener, _ in rows if convener is not None]
        assert len(held) == len(set(held)), f"a convener in two rooms at once: {rows}"

    @invariant()
    def going_only_to_topics_placed_in_that_slot(self) -> None:
        with self.database.read_session() as s:
            going = exec_select(
                s,
                select(
                    col(Attendance.attendee_id), col(Attendance.slot_id), col(Attendance.topic_id), Placement.slot_id
                ).outerjoin(Placement, col(Placement.topic_id) == col(Attendance.topic_id)),
            ).all()
        stray = [row for row in going if row[1] != row[3]]
        assert stray == [], f"'I'm going' to a topic not placed in that slot: {stray}"
        per_slot = [(attendee_id, slot_id) for attendee_id, slot_id, _, _ in going]
        assert len(per_slot) == len(set(per_slot)), "someone going to two sessions at once"

    @invariant()
    def hidden_and_merged_topics_in_no_public_read(self) -> None:
        with self.database.read_session() as s:
            gone = set(
                exec_select(
                    s,
                    select(col(Topic.id)).where(
                        col(Topic.event_id) == self.event_id, col(Topic.status).in_(FACILITATOR_ONLY_STATUSES)
                    ),
                ).scalars()
            )
            assert self.gone <= gone, f"a hidden or merged topic came back: {self.gone - gone}"
            if not gone:
                return
            reads = self._public()
            seen = set(reads.listed) | reads.newest
            seen |= {t["id"] for t in reads.board_json["topics"]} | {
                p["topic_id"] for p in reads.board_json["placements"]
            }
            seen |= {c.topic.id for row in reads.board.rows for c in row.cells if c.topic is not None}
            seen |= {e.topic_id for e in notes.list_notes(session=s, event_id=self.event_id)}
            every = exec_select(s, select(col(Topic.id)).where(col(Topic.event_id) == self.event_id)).scalars().all()
            seen |= {n.topic_id for n in notes.latest_notes(session=s, event_id=self.event_id, topic_ids=every)}
            assert seen & gone == set(), f"hidden or merged topics in a public read: {seen & gone}"

    def _check_gone(self, topic_id: int) -> None:
        """A topic just hidden or merged answers as if it did not exist, its notes too, but to the facilitator.

        Checked when it goes, not after every step: these reads decide by the topic's status alone, and the
        invariants check that nothing gives a hidden or merged topic its status back (it stays off every list).
        """
        self.gone.add(topic_id)
        with self.database.read_session() as s:
            for read in (topics.get_topic_view, notes.get_notes, notes.list_revisions):
                with pytest.raises(NotFound):
                    read(session=s, event_id=self.event_id, topic_id=topic_id, actor=self._actor(0))
            view = topics.get_topic_view(session=s, event_id=self.event_id, topic_id=topic_id, actor=self._actor(None))
            assert view.topic.id == topic_id

    def _public(self) -> PublicReads:
        """What the pages and the API show anyone, read once per step and shared by the invariants."""
        if self._reads is None:
            with self.database.read_session() as s:
                listed = {v.topic.id: v.votes for v in topics.list_topics(session=s, event_id=self.event_id)}
                newest = {v.topic.id for v in topics.list_topics(session=s, event_id=self.event_id, sort="newest")}
                # Without the torn-attendee marks, as GET …/board and the venue screen load it: the marks count
                # placed topics only, which the invariants keep active, and they double the cost of a step.
                loaded = board.load_board(session=s, event_id=self.event_id, with_clashes=False)
            self._reads = PublicReads(
                listed=listed,  # type: ignore[arg-type]
                newest=newest,  # type: ignore[arg-type]
                board=loaded,
                board_json=json.loads(json.dumps(board.board_json(loaded))),
            )
        return self._reads

    # --- Helpers for the rules' expectations --------------------------------------------------------

    def _active_counts(self, session: Session) -> dict[int, int]:
        """Each active topic's dots as stored: one Vote row each."""
        rows = exec_select(
            session,
            select(col(Topic.id), func.count(col(Vote.id)))
            .outerjoin(Vote, col(Vote.topic_id) == col(Topic.id))
            .where(col(Topic.event_id) == self.event_id, col(Topic.status).in_(ACTIVE_TOPIC_STATUSES))
            .group_by(col(Topic.id)),
        ).tuples()
        return dict(rows.all())

    def _check_topic_read(self, topic_id: int) -> None:
        """GET …/topics/{id} shows the stored dots of the topic just voted on (when anyone may read it)."""
        if self._topic(topic_id).status in FACILITATOR_ONLY_STATUSES:
            return
        view = self._read(
            lambda s: topics.get_topic_view(session=s, event_id=self.event_id, topic_id=topic_id, actor=self._actor(0))
        )
        assert view.votes == self._stored_votes(topic_id)

    def _stored_votes(self, topic_id: int) -> int:
        return self._read(
            lambda s: exec_select(
                s, select(func.count()).select_from(Vote).where(col(Vote.topic_id) == topic_id)
            ).scalar_one()
        )

    def _going(self) -> dict[tuple[int, int], int]:
        """(attendee id, topic id) → slot id of every "I'm going"."""
        rows = self._read(
            lambda s: (
                exec_select(s, select(col(Attendance.attendee_id), col(Attendance.topic_id), col(Attendance.slot_id)))
                .tuples()
                .all()
            )
        )
        return {(attendee_id, topic_id): slot_id for attendee_id, topic_id, slot_id in rows}

    def _swap_allowed(self, topic_id: int, other_id: int) -> bool:
        """Two different topics, both on the wall, and neither convener already in a third cell of the other's slot."""
        first, second = self._cell_of(topic_id), self._cell_of(other_id)
        if topic_id == other_id or first is None or second is None:
            return False
        with self.database.read_session() as s:
            wall = placements.list_placements(session=s, event_id=self.event_id)
        swapping = {topic_id, other_id}
        for moving, into in ((topic_id, second[1]), (other_id, first[1])):
            convener = self._topic(moving).convener_id
            if convener is not None and any(
                p.slot_id == into and p.convener_id == convener and p.topic_id not in swapping for p in wall
            ):
                return False
        return True

    def _first_free_cell(self, topic_id: int) -> tuple[int, int] | None:
        with self.database.read_session() as s:
            rooms = wall_setup.list_rooms(session=s, event_id=self.event_id)
            slots = wall_setup.list_slots(session=s, event_id=self.event_id)
        cells = ((room.id, slot.id) for slot in slots for room in rooms)
        return next((cell for cell in cells if self._free_for(topic_id, *cell)), None)  # type: ignore[arg-type]

    def _free_for(self, topic_id: int, room_id: int, slot_id: int) -> bool:
        """Whether the facilitator's placement must be accepted: an active topic, a live session cell that is
        empty (or its own), and its convener in no other cell of that slot."""
        topic = self._topic(topic_id)
        if topic.status not in ACTIVE_TOPIC_STATUSES:
            return False
        with self.database.read_session() as s:
            slot = s.get(Slot, slot_id)
            if slot is None or slot.kind != SlotKind.sessions or s.get(Room, room_id) is None:
                return False
            others = list(
                exec_select(
                    s,
                    select(Placement).where(col(Placement.slot_id) == slot_id, col(Placement.topic_id) != topic_id),
                ).scalars()
            )
        if any(p.room_id == room_id for p in others):
            return False
        return topic.convener_id is None or all(p.convener_id != topic.convener_id for p in others)


def _at(hour: int) -> datetime:
    return datetime.combine(EVENT_DATE, time(hour))


_EXAMPLES = itertools.count()
_OUTCOMES: Counter[str] = Counter()


def _saw(outcome: str) -> None:
    """Count a rule's outcome ("vote: done", "place: CellTaken"): a longer run prints the counts, which show
    whether the walks reach each write's success and each of its refusals."""
    _OUTCOMES[outcome] += 1


def test_service_rules_hold_after_any_sequence_of_writes(migrated_sqlite: Path, tmp_path: Path) -> None:
    _OUTCOMES.clear()
    run_state_machine_as_test(lambda: ServiceRules(migrated_sqlite, tmp_path), settings=SETTINGS)
    if _LONGER:  # shown with -s
        print("\n".join(f"{count:7d}  {outcome}" for outcome, count in sorted(_OUTCOMES.items())))
