"""Undo, from the activity list: a hide, a merge or a take-off-the-wall put back as far as the event allows.

An undo is refused (409, with the reason) when it was undone already, or when it was overtaken: the topic
changed since (edited, merged, hidden, placed again…), by a later action of the team or by its convener.
Then putting it back would undo more than the one action, so the facilitator does it by hand instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, or_, select
from sqlmodel import Session, col

from app.db import exec_select
from app.i18n import _, _n
from app.models import Activity, ActivityKind, Attendance, Attendee, Placement, Topic, TopicStatus, Vote, id_of
from app.models._base import utcnow
from app.models.activity import UNDOABLE_KINDS
from app.models.enums import ACTIVE_TOPIC_STATUSES
from app.services import activity
from app.services.actors import Actor
from app.services.changes import BoardChange, Written, placement_change
from app.services.errors import CellTaken, Conflict, NotAllowed, NotFound
from app.services.lookups import get_event_by_id, get_room, get_slot, get_topic, slot_time, status_word
from app.services.placements import place_cell


@dataclass(frozen=True)
class Undone:
    """What an undo did, in a sentence for the facilitator."""

    message: str
    topic_id: int


class Overtaken(Conflict):
    """Something happened to the topic since the action: undoing it would undo that too."""


def undo(*, session: Session, event_id: int, actor: Actor, activity_id: int) -> Written[Undone]:
    actor.check_in(event_id)
    if not actor.is_facilitator:
        raise NotAllowed(_("Only the event's facilitators can undo what the team did."))
    row = session.get(Activity, activity_id)
    if row is None or row.event_id != event_id:
        raise NotFound(_("There is no action {id} in this event's activity list.", id=activity_id))
    if row.kind not in UNDOABLE_KINDS or not row.undo or row.topic_id is None:
        raise Conflict(_("Only hiding, merging and taking a topic off the wall can be undone from the activity list."))
    if row.undone_at is not None:
        raise Conflict(_("This was undone already."))
    _check_not_overtaken(session, row)
    data: dict[str, Any] = row.undo
    if row.kind == ActivityKind.hide:
        written = _unhide(session, event_id, row.topic_id, data)
    elif row.kind == ActivityKind.merge:
        written = _unmerge(session, event_id, row.topic_id, row.other_topic_id, data)
    else:
        written = _put_back(session, event_id, actor, row.topic_id, data)
    row.undone_at = utcnow()
    row.undone_by_id = actor.facilitator_id
    session.add(row)
    topic = session.get(Topic, row.topic_id)
    activity.record(
        session=session,
        actor=actor,
        event_id=event_id,
        kind=ActivityKind.undo,
        summary=_("undid: {action}", action=row.summary) if topic is not None else _("undid an action"),
        topic_id=row.topic_id,
        other_topic_id=row.other_topic_id,
    )
    session.flush()
    return written


def _check_not_overtaken(session: Session, row: Activity) -> None:
    """A later action of the team on the same topics (one not undone since) overtakes this one."""
    touched = [t for t in (row.topic_id, row.other_topic_id) if t is not None]
    later = (
        exec_select(
            session,
            select(Activity)
            .where(
                col(Activity.event_id) == row.event_id,
                col(Activity.id) > id_of(row),
                col(Activity.kind) != ActivityKind.undo,
                col(Activity.undone_at).is_(None),
                or_(col(Activity.topic_id).in_(touched), col(Activity.other_topic_id).in_(touched)),
            )
            .order_by(col(Activity.id)),
        )
        .scalars()
        .first()
    )
    if later is not None:
        raise Overtaken(
            _(
                "Something happened to it since ({action}): undo that first, or put things right by hand.",
                action=later.summary,
            )
        )


def _edited_since(topic: Topic, data: dict[str, Any]) -> bool:
    return data.get("edited") is not None and activity.stamp(topic.updated_at) != data["edited"]


def _unhide(session: Session, event_id: int, topic_id: int, data: dict[str, Any]) -> Written[Undone]:
    topic = get_topic(session=session, event_id=event_id, topic_id=topic_id)
    if topic.status != TopicStatus.hidden:
        raise Overtaken(
            _(
                "{topic} is {status} now, not hidden: nothing to undo.",
                topic=activity.quoted(topic.title),
                status=status_word(topic.status),
            )
        )
    topic.status = TopicStatus.proposed
    topic.updated_at = utcnow()
    session.add(topic)
    session.flush()
    dots = int(data.get("dots", 0))
    title = activity.quoted(topic.title)
    if dots:
        message = _n(
            "{topic} is back on the marketplace. Its dot went back to its owner when it was hidden and is not "
            "restored.",
            "{topic} is back on the marketplace. Its {count} dots went back to their owners when it was hidden and "
            "are not restored.",
            dots,
            topic=title,
        )
    else:
        message = _("{topic} is back on the marketplace.", topic=title)
    return Written(Undone(message, topic_id), BoardChange.of(event_id, "topic", topic_ids=topic_id, new_topics=True))


def _unmerge(
    session: Session, event_id: int, source_id: int, target_id: int | None, data: dict[str, Any]
) -> Written[Undone]:
    """The merged topic back, with the dots that moved: each owner's dot on the target goes back to it; a dot
    taken off the target since, or one that was returned at the merge (its owner had one on both), comes back
    only if its owner has a dot to spare now."""
    source = get_topic(session=session, event_id=event_id, topic_id=source_id)
    target = session.get(Topic, target_id) if target_id is not None else None
    if source.status != TopicStatus.merged or target is None or source.merged_into_id != target.id:
        raise Overtaken(
            _("{topic} is no longer merged as it was: nothing to undo.", topic=activity.quoted(source.title))
        )
    if target.status not in ACTIVE_TOPIC_STATUSES:
        raise Overtaken(
            _(
                "{topic} was {status} since: undo that first, or put things right by hand.",
                topic=activity.quoted(target.title),
                status=status_word(target.status),
            )
        )
    if _edited_since(target, data):
        raise Overtaken(
            _(
                "{topic} was edited since the merge: undoing it now could split the wrong dots. Put things right by "
                "hand.",
                topic=activity.quoted(target.title),
            )
        )
    source.status, source.merged_into_id, source.updated_at = TopicStatus.proposed, None, utcnow()
    session.add(source)
    session.flush()
    event = get_event_by_id(session=session, event_id=event_id)
    moved: list[int] = [int(a) for a in data.get("moved", [])]
    both: list[int] = [int(a) for a in data.get("both", [])]
    banned = set(
        exec_select(
            session,
            select(col(Attendee.id)).where(col(Attendee.id).in_(moved + both), col(Attendee.banned_at).isnot(None)),
        ).scalars()
    )
    back, lost = 0, 0
    for attendee_id in moved:
        vote = (
            exec_select(
                session, select(Vote).where(col(Vote.topic_id) == target.id, col(Vote.attendee_id) == attendee_id)
            )
            .scalars()
            .first()
        )
        if vote is not None:
            vote.topic_id = source_id  # the same dot, back where it was: no budget needed
            session.add(vote)
            back += 1
        elif attendee_id not in banned and _spare_dot(session, attendee_id, event.votes_per_attendee):
            session.add(Vote(attendee_id=attendee_id, topic_id=source_id))
            back += 1
        else:
            lost += 1
        session.flush()
    for attendee_id in both:
        if attendee_id not in banned and _spare_dot(session, attendee_id, event.votes_per_attendee):
            session.add(Vote(attendee_id=attendee_id, topic_id=source_id))
            session.flush()
            back += 1
        else:
            lost += 1
    total = back + lost
    topic, other = activity.quoted(source.title), activity.quoted(target.title)
    if not total:
        message = _("{topic} is back on the marketplace, apart from {other}.", topic=topic, other=other)
    elif not lost:
        message = _n(
            "{topic} is back on the marketplace, apart from {other}, with its {count} dot.",
            "{topic} is back on the marketplace, apart from {other}, with its {count} dots.",
            total,
            topic=topic,
            other=other,
        )
    else:
        message = _n(
            "{topic} is back on the marketplace, apart from {other}, with {back} of its {count} dots: {lost} could "
            "not come back, their owners have spent them since (nobody holds more dots than the budget).",
            "{topic} is back on the marketplace, apart from {other}, with {back} of its {count} dots: {lost} could "
            "not come back, their owners have spent them since (nobody holds more dots than the budget).",
            total,
            topic=topic,
            other=other,
            back=back,
            lost=lost,
        )
    change = BoardChange.of(event_id, "topic", topic_ids={source_id, id_of(target)}, new_topics=True)
    return Written(Undone(message, source_id), change)


def _spare_dot(session: Session, attendee_id: int, budget: int) -> bool:
    held: int = exec_select(
        session,
        select(func.count(col(Vote.id)))
        .join(Topic, col(Topic.id) == col(Vote.topic_id))
        .where(col(Vote.attendee_id) == attendee_id, col(Topic.status).in_(ACTIVE_TOPIC_STATUSES)),
    ).scalar_one()
    return held < budget


def _put_back(session: Session, event_id: int, actor: Actor, topic_id: int, data: dict[str, Any]) -> Written[Undone]:
    """The topic back in the cell it was taken from, with its pin and its "I'm going"s (those whose people
    have not chosen another session in that slot since); refused if the cell is taken or gone."""
    topic = get_topic(session=session, event_id=event_id, topic_id=topic_id)
    if topic.status not in ACTIVE_TOPIC_STATUSES:
        raise Overtaken(
            _(
                "{topic} was {status} since: it can't go back on the wall.",
                topic=activity.quoted(topic.title),
                status=status_word(topic.status),
            )
        )
    placed = exec_select(session, select(Placement).where(col(Placement.topic_id) == topic_id)).scalars().first()
    if placed is not None:
        raise Overtaken(_("{topic} is on the wall again already.", topic=activity.quoted(topic.title)))
    if _edited_since(topic, data):
        raise Overtaken(
            _(
                "{topic} was edited since: place it again by hand if it still fits.",
                topic=activity.quoted(topic.title),
            )
        )
    try:
        room = get_room(session=session, event_id=event_id, room_id=int(data["room_id"]))
        slot = get_slot(session=session, event_id=event_id, slot_id=int(data["slot_id"]))
    except NotFound:
        raise Conflict(
            _(
                "The room or slot {topic} was in has been removed since: place it by hand.",
                topic=activity.quoted(topic.title),
            )
        ) from None
    try:
        placement = place_cell(
            session=session, event_id=event_id, actor=actor, topic_id=topic_id, room_id=id_of(room), slot_id=id_of(slot)
        )
    except CellTaken as taken:
        raise CellTaken(
            _("It can't go back: {reason} Place it somewhere else by hand.", reason=taken.message)
        ) from None
    placement.pinned = bool(data.get("pinned"))
    session.add(placement)
    going = [int(a) for a in data.get("going", [])]
    busy = set(
        exec_select(
            session,
            select(col(Attendance.attendee_id)).where(
                col(Attendance.slot_id) == slot.id, col(Attendance.attendee_id).in_(going)
            ),
        ).scalars()
    )
    present = set(
        exec_select(
            session, select(col(Attendee.id)).where(col(Attendee.id).in_(going), col(Attendee.banned_at).is_(None))
        ).scalars()
    )
    returning = [a for a in going if a in present and a not in busy]
    session.add_all(Attendance(attendee_id=a, topic_id=topic_id, slot_id=id_of(slot)) for a in returning)
    session.flush()
    where = {"topic": activity.quoted(topic.title), "room": room.name, "time": slot_time(session, slot)}
    if not going:
        message = _("{topic} is back on the wall in {room} at {time}.", **where)
    elif len(returning) == len(going):
        message = _n(
            "{topic} is back on the wall in {room} at {time}, with the {count} person going to it.",
            "{topic} is back on the wall in {room} at {time}, with the {count} people going to it.",
            len(going),
            **where,
        )
    else:
        message = _n(
            "{topic} is back on the wall in {room} at {time}, with {back} of the {count} people going to it (the "
            "others chose another session at that time since).",
            "{topic} is back on the wall in {room} at {time}, with {back} of the {count} people going to it (the "
            "others chose another session at that time since).",
            len(going),
            back=len(returning),
            **where,
        )
    return Written(Undone(message, topic_id), placement_change(event_id, topic_id, id_of(slot)))
