"""Dot voting: an attendee spends up to the event's budget of dots, at most one per topic."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, func, insert, select
from sqlmodel import Session

from app.models import Attendee, Event, Topic, Vote
from app.models._base import utcnow
from app.models.enums import ACTIVE_TOPIC_STATUSES
from app.services.errors import BudgetSpent, NotAuthenticated, NotFound, PhaseClosed, TopicNotActive


@dataclass(frozen=True)
class VoteResult:
    topic_id: int
    voted: bool  # whether the attendee now has a dot on the topic
    votes: int  # the topic's vote count after the change
    votes_left: int
    budget: int


def cast_vote(*, session: Session, attendee_id: int, topic_id: int) -> VoteResult:
    """Put one dot on a topic. Idempotent: a second dot on the same topic changes nothing.

    Runs as few statements as it can: this is the hottest write of a live event (thousands of
    phones at once when the facilitator opens voting).
    """
    voter = _lock_voter(session, attendee_id)
    topic_status = session.exec(
        select(Topic.status).where(Topic.id == topic_id, Topic.event_id == voter.event_id)
    ).scalar_one_or_none()
    if topic_status is None:
        raise NotFound(f"There is no topic {topic_id} in this event.")
    if topic_status not in ACTIVE_TOPIC_STATUSES:
        raise TopicNotActive(f"This topic was {topic_status}: it no longer takes dots.")
    if not voter.voting_open:
        raise PhaseClosed("Voting is closed for this event.")
    held = _topics_voted(session, attendee_id)
    if topic_id not in held:
        if len(held) >= voter.budget:
            raise BudgetSpent(
                f"You have spent all {voter.budget} of your dots. "
                "Take one back from another topic to vote for this one."
            )
        session.exec(insert(Vote).values(attendee_id=attendee_id, topic_id=topic_id, created_at=utcnow()))
        held.add(topic_id)
    return _result(session, voter, topic_id, held)


def retract_vote(*, session: Session, attendee_id: int, topic_id: int) -> VoteResult:
    """Take a dot back. Idempotent. Allowed only while voting is open, so that closed results stay put."""
    voter = _lock_voter(session, attendee_id)
    exists = session.exec(
        select(Topic.id).where(Topic.id == topic_id, Topic.event_id == voter.event_id)
    ).scalar_one_or_none()
    if exists is None:
        raise NotFound(f"There is no topic {topic_id} in this event.")
    if not voter.voting_open:
        raise PhaseClosed("Voting is closed for this event: dots can no longer be moved.")
    session.exec(delete(Vote).where(Vote.attendee_id == attendee_id, Vote.topic_id == topic_id))
    held = _topics_voted(session, attendee_id)
    return _result(session, voter, topic_id, held)


def votes_left(*, session: Session, event: Event, attendee_id: int) -> int:
    return event.votes_per_attendee - len(_topics_voted(session, attendee_id))


def topics_voted(*, session: Session, attendee_id: int) -> set[int]:
    return _topics_voted(session, attendee_id)


@dataclass(frozen=True)
class _Voter:
    event_id: int
    voting_open: bool
    budget: int


def _lock_voter(session: Session, attendee_id: int) -> _Voter:
    """Load the attendee's event rules, locking the attendee's row: on PostgreSQL this serialises one
    attendee's parallel votes, so that exactly the budget is accepted (SQLite's BEGIN IMMEDIATE already does)."""
    row = session.exec(
        select(Attendee.event_id, Event.voting_open, Event.votes_per_attendee)
        .join(Event, Event.id == Attendee.event_id)
        .where(Attendee.id == attendee_id)
        .with_for_update(of=Attendee)  # type: ignore[arg-type]
    ).first()
    if row is None:
        raise NotAuthenticated("We don't know you in this event any more. Please join again.")
    return _Voter(event_id=row[0], voting_open=row[1], budget=row[2])


def _topics_voted(session: Session, attendee_id: int) -> set[int]:
    """The active topics the attendee holds a dot on (dots on retired topics were returned)."""
    return set(
        session.exec(
            select(Vote.topic_id)
            .join(Topic, Topic.id == Vote.topic_id)
            .where(Vote.attendee_id == attendee_id, Topic.status.in_(ACTIVE_TOPIC_STATUSES))  # type: ignore[attr-defined]
        ).scalars()
    )


def _result(session: Session, voter: _Voter, topic_id: int, held: set[int]) -> VoteResult:
    votes = session.exec(select(func.count(Vote.id)).where(Vote.topic_id == topic_id)).scalar_one()
    return VoteResult(
        topic_id=topic_id, voted=topic_id in held, votes=votes, votes_left=voter.budget - len(held), budget=voter.budget
    )
