"""Dot voting: an attendee spends up to the event's budget of dots, at most one per topic."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import BindParameter, Select, bindparam, delete, exists, func, insert, or_, select
from sqlmodel import Session, col

from app import pipeline
from app.db import exec_select
from app.i18n import _, _n
from app.models import Attendee, Event, Topic, Vote
from app.models._base import utcnow
from app.models.enums import ACTIVE_TOPIC_STATUSES
from app.pipeline import PreparedStatement
from app.services.changes import BoardChange, Written
from app.services.errors import (
    Banned,
    BudgetSpent,
    NotAuthenticated,
    NotFound,
    PhaseClosed,
    Removed,
    TopicNotActive,
)
from app.services.lookups import status_word


@dataclass(frozen=True)
class VoteResult:
    topic_id: int
    voted: bool  # whether the attendee now has a dot on the topic
    votes: int  # the topic's vote count after the change
    votes_left: int
    budget: int


def cast_vote(*, session: Session, attendee_id: int, topic_id: int) -> Written[VoteResult]:
    """Put one dot on a topic. Idempotent: a second dot on the same topic changes nothing.

    This is the hottest write of a live event (thousands of phones at once when the facilitator
    opens voting), so it reads everything it decides on in one statement and writes at most one row.
    """
    state = _vote_state(session, attendee_id, topic_id)
    if state.topic_status is None:
        raise NotFound(_("There is no topic {id} in this event.", id=topic_id))
    if state.topic_status not in ACTIVE_TOPIC_STATUSES:
        raise TopicNotActive(
            _("This topic was {status}: it no longer takes dots.", status=status_word(state.topic_status))
        )
    if not state.voting_open:
        raise PhaseClosed(_("Voting is closed for this event."))
    held, votes = state.held, state.votes
    if not state.has_dot:
        if held >= state.budget:
            raise BudgetSpent(
                _n(
                    "You have spent all {count} of your dots. Take one back from another topic to vote for this one.",
                    "You have spent all {count} of your dots. Take one back from another topic to vote for this one.",
                    state.budget,
                )
            )
        pipeline.send(session, _INSERT_VOTE, {"attendee_id": attendee_id, "topic_id": topic_id, "created_at": utcnow()})
        held, votes = held + 1, votes + 1
    left = state.budget - held
    result = VoteResult(topic_id=topic_id, voted=True, votes=votes, votes_left=left, budget=state.budget)
    return Written(result, _vote_change(state, topic_id))


def retract_vote(*, session: Session, attendee_id: int, topic_id: int) -> Written[VoteResult]:
    """Take a dot back. Idempotent. Allowed only while voting is open, so that closed results stay put."""
    state = _vote_state(session, attendee_id, topic_id)
    if state.topic_status is None:
        raise NotFound(_("There is no topic {id} in this event.", id=topic_id))
    if not state.voting_open:
        raise PhaseClosed(_("Voting is closed for this event: dots can no longer be moved."))
    held, votes = state.held, state.votes
    if state.has_dot:
        pipeline.send(session, _DELETE_VOTE, {"attendee_id": attendee_id, "topic_id": topic_id})
        votes -= 1
        if state.topic_status in ACTIVE_TOPIC_STATUSES:
            held -= 1
    result = VoteResult(
        topic_id=topic_id, voted=False, votes=votes, votes_left=state.budget - held, budget=state.budget
    )
    return Written(result, _vote_change(state, topic_id))


def _vote_change(state: _VoteState, topic_id: int) -> BoardChange:
    # Announced even when the dot was already there (or already gone): the idempotent repeat of a tap
    # whose answer was lost redraws the same counts, which is harmless and keeps this path branch-free.
    return BoardChange.of(state.event_id, "vote", topic_ids=topic_id)


@dataclass(frozen=True)
class Dots:
    """An attendee's dots: the topics they are on, and how many are left to spend."""

    voted: set[int]
    left: int


def dots(*, session: Session, event: Event, attendee_id: int) -> Dots:
    voted = _topics_voted(session, attendee_id)
    return Dots(voted=voted, left=event.votes_per_attendee - len(voted))


def topics_voted(*, session: Session, attendee_id: int) -> set[int]:
    return _topics_voted(session, attendee_id)


@dataclass(frozen=True)
class _VoteState:
    event_id: int
    voting_open: bool
    budget: int
    topic_status: str | None  # None: no such topic in the attendee's event
    held: int  # dots the attendee holds on active topics
    has_dot: bool  # whether one of them is on this topic
    votes: int  # the topic's vote count


def _build_vote_state_query() -> Select[tuple[int, bool, int, str | None, int, bool, int, bool]]:
    attendee_id: BindParameter[int] = bindparam("attendee_id")
    topic_id: BindParameter[int] = bindparam("topic_id")
    # OR of equalities, not IN: an IN list is re-expanded at every execution.
    active = or_(*(col(Topic.status) == status for status in ACTIVE_TOPIC_STATUSES))
    topic_status = (
        select(col(Topic.status))
        .where(col(Topic.id) == topic_id, col(Topic.event_id) == col(Attendee.event_id))
        .scalar_subquery()
    )
    held = (
        select(func.count())
        .select_from(Vote)
        .join(Topic, col(Topic.id) == col(Vote.topic_id))
        .where(col(Vote.attendee_id) == attendee_id, active)
        .scalar_subquery()
    )
    has_dot = exists().where(col(Vote.attendee_id) == attendee_id, col(Vote.topic_id) == topic_id)
    votes = select(func.count()).select_from(Vote).where(col(Vote.topic_id) == topic_id).scalar_subquery()
    # Banned is read here, not only when the token is checked: the vote path trusts a cache of tokens
    # (app/deps.py, KnownAttendees) that another worker's ban does not reach.
    banned = col(Attendee.banned_at).is_not(None)
    removed = col(Attendee.removed_at).is_not(None)
    by_facilitator = col(Attendee.removed_by_facilitator)
    return (
        select(
            col(Event.id),
            col(Event.voting_open),
            col(Event.votes_per_attendee),
            topic_status,
            held,
            has_dot,
            votes,
            banned,
            removed,
            by_facilitator,
        )
        .join(Attendee, col(Attendee.event_id) == col(Event.id))
        .where(col(Attendee.id) == attendee_id)
    )


# Built once, with bound parameters: building a statement and its cache key each time cost more
# than running it (about 0.7 ms against 20 µs on SQLite, measured with bench/vote_storm.py).
# On PostgreSQL they run through the driver, prepared and pipelined (app/pipeline.py).
_VOTE_STATE = PreparedStatement(_build_vote_state_query())
_LOCK_ATTENDEE = PreparedStatement(
    select(col(Attendee.id)).where(col(Attendee.id) == bindparam("attendee_id")).with_for_update()
)
_INSERT_VOTE = PreparedStatement(
    insert(Vote).values(
        attendee_id=bindparam("attendee_id"), topic_id=bindparam("topic_id"), created_at=bindparam("created_at")
    )
)
_DELETE_VOTE = PreparedStatement(
    delete(Vote).where(
        col(Vote.attendee_id) == bindparam("attendee_id"),
        col(Vote.topic_id) == bindparam("topic_id"),
    )
)


def _vote_state(session: Session, attendee_id: int, topic_id: int) -> _VoteState:
    """Everything a vote decides on, read in one statement inside the write transaction.

    The phase switch and the budget are read here, never cached: the facilitator may close voting
    or change the budget between two votes. Exactly the budget is accepted because nothing else
    writes this attendee's dots meanwhile: on SQLite, BEGIN IMMEDIATE makes write transactions take
    turns; on PostgreSQL, the attendee's row is locked first, in its own statement (see _lock_attendee).
    """
    _lock_attendee(session, attendee_id)
    row = pipeline.run(session, _VOTE_STATE, {"attendee_id": attendee_id, "topic_id": topic_id})
    if row is None:
        raise NotAuthenticated(_("We don't know you in this event any more. Please join again."))
    if row[7]:
        raise Banned()
    if row[8]:
        raise Removed(by_facilitator=bool(row[9]))
    return _VoteState(
        event_id=row[0],
        voting_open=bool(row[1]),
        budget=row[2],
        topic_status=row[3],
        held=row[4],
        has_dot=bool(row[5]),
        votes=row[6],
    )


def _lock_attendee(session: Session, attendee_id: int) -> None:
    """On PostgreSQL, serialise one attendee's parallel votes (several workers) on the attendee's row.

    The lock is its own statement, before the counts are read: under READ COMMITTED each statement
    reads a fresh snapshot, but a statement that waited for a lock keeps the snapshot it started
    with for its subqueries, and would count the dots as they were before the other vote.
    SQLite needs nothing: BEGIN IMMEDIATE already lets one write transaction run at a time.
    """
    if session.connection().dialect.name != "sqlite":
        pipeline.send(session, _LOCK_ATTENDEE, {"attendee_id": attendee_id})


def _topics_voted(session: Session, attendee_id: int) -> set[int]:
    """The active topics the attendee holds a dot on (dots on retired topics were returned)."""
    return set(
        exec_select(
            session,
            select(col(Vote.topic_id))
            .join(Topic, col(Topic.id) == col(Vote.topic_id))
            .where(col(Vote.attendee_id) == attendee_id, col(Topic.status).in_(ACTIVE_TOPIC_STATUSES)),
        ).scalars()
    )
