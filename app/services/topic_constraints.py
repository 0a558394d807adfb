"""Topic constraints: what the auto-scheduler must respect for a topic, said by its convener or the facilitator.

"I can only come after lunch" (not before), "I have to leave at four" (not after), "we need the big room"
(at least so many seats), "not at the same time as the other AI session" (kept apart). Only the scheduler
reads them; placing by hand is never refused because of them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, delete, or_, select
from sqlmodel import Session, col

from app.db import exec_select
from app.i18n import _
from app.models import ActivityKind, Topic, TopicApart, id_of
from app.models.enums import ACTIVE_TOPIC_STATUSES
from app.services import activity, co_conveners
from app.services.actors import Actor
from app.services.changes import Written
from app.services.errors import InvalidInput, NotAllowed, NotFound
from app.services.lookups import get_active_topic, get_topic, status_word

MAX_APART = 20
ROOM_CAPACITY_RANGE = (1, 100_000)


@dataclass(frozen=True)
class TopicConstraints:
    """A topic may only go into a sessions slot with starts_at >= not_before and ends_at <= not_after,
    a room with capacity >= min_room_capacity, and never into the slot of a topic in `apart_from`."""

    not_before: datetime | None = None
    not_after: datetime | None = None
    min_room_capacity: int | None = None
    apart_from: tuple[int, ...] = ()  # active topic ids, sorted; symmetric over the event


def get_constraints(*, session: Session, event_id: int, topic_id: int) -> TopicConstraints:
    """A topic's constraints; `apart_from` lists every active topic paired with it, whichever side said so."""
    topic = get_topic(session=session, event_id=event_id, topic_id=topic_id)
    return _constraints_of(topic, _partners(session, topic_id))


def set_constraints(
    *,
    session: Session,
    event_id: int,
    actor: Actor,
    topic_id: int,
    not_before: datetime | None,
    not_after: datetime | None,
    min_room_capacity: int | None,
    apart_from: Sequence[int],
) -> Written[TopicConstraints]:
    """Replace a topic's constraints, its pairs kept apart included (on either side of the pair).

    Every value is checked before anything is written, so a refusal leaves the old constraints whole.
    """
    topic = get_active_topic(session=session, event_id=event_id, topic_id=topic_id)
    topic_id = id_of(topic)
    check_may_constrain(session=session, actor=actor, topic=topic)
    _wall_clock(not_before, field="not_before", label=_("“Not before”"))
    _wall_clock(not_after, field="not_after", label=_("“Not after”"))
    if not_before is not None and not_after is not None and not_before >= not_after:
        raise InvalidInput(_("“Not before” must be earlier than “Not after”."), field="not_after")
    low, high = ROOM_CAPACITY_RANGE
    if min_room_capacity is not None and not low <= min_room_capacity <= high:
        raise InvalidInput(
            _("The room size must be between {low} and {high} people.", low=low, high=format(high, ",")),
            field="min_room_capacity",
        )
    partners = sorted(set(apart_from))
    _check_partners(session, event_id, topic_id, partners)

    topic.not_before, topic.not_after, topic.min_room_capacity = not_before, not_after, min_room_capacity
    session.add(topic)
    session.exec(
        delete(TopicApart).where(or_(col(TopicApart.topic_id) == topic_id, col(TopicApart.other_topic_id) == topic_id))
    )
    session.add_all(
        TopicApart(event_id=event_id, topic_id=min(topic_id, other), other_topic_id=max(topic_id, other))
        for other in partners
    )
    session.flush()
    activity.record(
        session=session,
        actor=actor,
        event_id=event_id,
        kind=ActivityKind.topic,
        # Without the topic's id: a constraint overtakes no undo (the wall doesn't enforce them, the scheduler does).
        summary=_("set when and where {topic} may run", topic=activity.quoted(topic.title)),
    )
    # Only the auto-scheduler reads constraints: no live page shows them, so nothing is announced.
    return Written(_constraints_of(topic, tuple(partners)), None)


def check_may_constrain(*, session: Session, actor: Actor, topic: Topic) -> None:
    """The topic's conveners (co-conveners too) or the facilitator; anyone else is refused with who may."""
    actor.check_in(topic.event_id)
    if not co_conveners.may_change(session=session, actor=actor, topic=topic):
        raise NotAllowed(_("Only the topic's convener or the facilitator can say when and where it may run."))


def all_constraints(*, session: Session, event_id: int) -> dict[int, TopicConstraints]:
    """Every active topic's constraints, in two reads: the auto-scheduler's input."""
    topics = exec_select(
        session,
        select(Topic).where(col(Topic.event_id) == event_id, col(Topic.status).in_(ACTIVE_TOPIC_STATUSES)),
    ).scalars()
    by_id = {id_of(topic): topic for topic in topics}
    apart: dict[int, set[int]] = {topic_id: set() for topic_id in by_id}
    pairs = exec_select(
        session,
        select(col(TopicApart.topic_id), col(TopicApart.other_topic_id)).where(col(TopicApart.event_id) == event_id),
    ).tuples()
    for one, other in pairs:
        if one in apart and other in apart:  # a withdrawn, hidden or merged topic is nobody's concern
            apart[one].add(other)
            apart[other].add(one)
    return {topic_id: _constraints_of(by_id[topic_id], tuple(sorted(apart[topic_id]))) for topic_id in sorted(by_id)}


def _partners(session: Session, topic_id: int) -> tuple[int, ...]:
    """The active topics paired with this one, from either side of the stored pairs."""
    partner = case(
        (col(TopicApart.topic_id) == topic_id, col(TopicApart.other_topic_id)), else_=col(TopicApart.topic_id)
    )
    rows = exec_select(
        session,
        select(partner)
        .join(Topic, col(Topic.id) == partner)
        .where(
            or_(col(TopicApart.topic_id) == topic_id, col(TopicApart.other_topic_id) == topic_id),
            col(Topic.status).in_(ACTIVE_TOPIC_STATUSES),
        ),
    ).scalars()
    return tuple(sorted(rows))


def _check_partners(session: Session, event_id: int, topic_id: int, partners: list[int]) -> None:
    if len(partners) > MAX_APART:
        raise InvalidInput(
            _(
                "A topic can be kept apart from at most {most} others; this asks for {asked}.",
                most=MAX_APART,
                asked=len(partners),
            ),
            field="apart_from",
        )
    if topic_id in partners:
        raise InvalidInput(_("A topic can't be kept apart from itself."), field="apart_from")
    if not partners:
        return
    found = {
        id_of(t): t
        for t in exec_select(
            session, select(Topic).where(col(Topic.id).in_(partners), col(Topic.event_id) == event_id)
        ).scalars()
    }
    for partner in partners:
        other = found.get(partner)
        if other is None:
            raise NotFound(_("There is no topic {id} in this event.", id=partner))
        if other.status not in ACTIVE_TOPIC_STATUSES:
            raise InvalidInput(
                _(
                    "“{title}” was {status}: it won't be scheduled, so there is nothing to keep apart from.",
                    title=other.title,
                    status=status_word(other.status),
                ),
                field="apart_from",
            )


def _wall_clock(moment: datetime | None, *, field: str, label: str) -> None:
    if moment is not None and moment.tzinfo is not None:
        raise InvalidInput(
            _("{label} is a wall-clock time at the venue, like the slots: leave out the time zone.", label=label),
            field=field,
        )


def _constraints_of(topic: Topic, partners: tuple[int, ...]) -> TopicConstraints:
    return TopicConstraints(
        not_before=topic.not_before,
        not_after=topic.not_after,
        min_room_capacity=topic.min_room_capacity,
        apart_from=partners,
    )
