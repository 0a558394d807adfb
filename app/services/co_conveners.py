"""Co-conveners: the attendees who convene a topic beside the one who proposed it.

A convener of the topic (its main convener, or a co-convener who accepted) or the facilitator invites an
attendee of the event; the invitee accepts on their phone, or declines. From then on every convener:
- edits the topic (title, description, theme, "when and where") and places it when self-placement is on;
- is never in two rooms at once: the wall refuses to put two of their topics in one slot
  (app/services/placements.py) and the auto-scheduler keeps them apart (app/services/scheduling.py);
- is named on the topic ("by Ada and Sam"), as privacy allows (app/services/privacy.py).
Withdrawing the topic stays its main convener's (or the facilitator's): a co-convener who is done with it steps
down. The main convener or the facilitator removes a co-convener, or takes an invitation back. Anyone removed
from the event, or banned, leaves every topic they co-convened (`leave_every_topic`). The notes of a session are
written by anyone in the event, conveners or not (app/services/notes.py).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, delete, func, or_, select
from sqlmodel import Session, col

from app.db import casefold, contains_ignoring_case, exec_select
from app.i18n import _
from app.models import ActivityKind, Attendee, Placement, Slot, Topic, id_of
from app.models._base import utcnow
from app.models.enums import ACTIVE_TOPIC_STATUSES
from app.models.topic_convener import CO_CONVENERS_MAX, PERSON_SEARCH_MAX, TopicConvener
from app.name_lists import name_list
from app.services import activity
from app.services.actors import Actor
from app.services.changes import BoardChange, Written
from app.services.errors import Conflict, ConvenerClash, InvalidInput, NotAllowed, NotFound
from app.services.lookups import get_active_topic, get_readable_topic
from app.services.privacy import PARTICIPANT, listed_name
from app.services.text import clean_line

PEOPLE_FOUND_MAX = 8  # a search for someone to invite shows this many names at most


@dataclass(frozen=True)
class CoConvener:
    """A co-convener of a topic, or someone invited to be one (`accepted_at` None)."""

    topic_id: int
    attendee_id: int
    display_name: str
    name_listed: bool
    invited_at: datetime
    accepted_at: datetime | None

    @property
    def accepted(self) -> bool:
        return self.accepted_at is not None

    @property
    def listed_name(self) -> str:
        """The name as lists rendered for everyone carry it: "a participant" for someone not listed."""
        return listed_name(self.display_name, listed=self.name_listed) or PARTICIPANT


@dataclass(frozen=True)
class Invitation:
    """An invitation waiting for its invitee's answer: the topic, and who convenes it now."""

    topic: Topic
    conveners: str | None  # as lists show them ("Ada and Sam"); None for a topic from the facilitator


@dataclass(frozen=True)
class Person:
    """Someone a convener may invite, found by name."""

    attendee_id: int
    display_name: str


@dataclass(frozen=True)
class LeftTopic:
    """What removing a co-convener (or an invitation) did, for the sentence that says so."""

    topic: Topic
    attendee_id: int
    was_accepted: bool
    by_themselves: bool


# --- Who convenes a topic ---------------------------------------------------------------------------------


# Built once: every render of the live board reads them (app/db.py's exec_select says why).
_INVITED_OF = (
    select(TopicConvener, col(Attendee.display_name), col(Attendee.name_listed))
    .join(Attendee, col(Attendee.id) == col(TopicConvener.attendee_id))
    .where(col(TopicConvener.topic_id).in_(bindparam("topic_ids", expanding=True)))
    .order_by(col(TopicConvener.topic_id), col(TopicConvener.invited_at), col(TopicConvener.id))
)
_ACCEPTED_OF = _INVITED_OF.where(col(TopicConvener.accepted_at).is_not(None))


def co_conveners_of(
    *, session: Session, topic_ids: Collection[int], accepted_only: bool = True
) -> dict[int, tuple[CoConvener, ...]]:
    """Each topic's co-conveners (and, unless `accepted_only`, those invited), in the order they were invited.
    One read, whatever the number of topics; a topic with none is not in the answer."""
    if not topic_ids:
        return {}
    query = _ACCEPTED_OF if accepted_only else _INVITED_OF
    found: defaultdict[int, list[CoConvener]] = defaultdict(list)
    for row, name, listed in exec_select(session, query, topic_ids=sorted(set(topic_ids))).tuples():
        found[row.topic_id].append(
            CoConvener(
                topic_id=row.topic_id,
                attendee_id=row.attendee_id,
                display_name=name,
                name_listed=listed is not False,
                invited_at=row.invited_at,
                accepted_at=row.accepted_at,
            )
        )
    return {topic_id: tuple(rows) for topic_id, rows in found.items()}


def convener_ids(*, session: Session, topic: Topic) -> frozenset[int]:
    """Everyone who convenes the topic: its main convener (none for the facilitator's) and its co-conveners."""
    co = _accepted_ids(session, id_of(topic))
    return frozenset({*co, *([topic.convener_id] if topic.convener_id is not None else [])})


def is_convener(*, session: Session, topic: Topic, attendee_id: int | None) -> bool:
    if attendee_id is None:
        return False
    return attendee_id == topic.convener_id or attendee_id in _accepted_ids(session, id_of(topic))


def may_change(*, session: Session, actor: Actor, topic: Topic) -> bool:
    """The facilitator changes any topic; an attendee one they convene, as its main convener or a co-convener."""
    return actor.may_change(topic.convener_id) or is_convener(
        session=session, topic=topic, attendee_id=actor.attendee_id
    )


def co_convened_topic_ids(*, session: Session, attendee_id: int) -> set[int]:
    """The topics still on offer that this attendee co-convenes (accepted)."""
    query = (
        select(col(TopicConvener.topic_id))
        .join(Topic, col(Topic.id) == col(TopicConvener.topic_id))
        .where(
            col(TopicConvener.attendee_id) == attendee_id,
            col(TopicConvener.accepted_at).is_not(None),
            col(Topic.status).in_(ACTIVE_TOPIC_STATUSES),
        )
    )
    return set(exec_select(session, query).scalars())


def shown_conveners(main_name: str | None, co: Iterable[CoConvener]) -> str | None:
    """Who convenes a topic as lists rendered for everyone show it: "Ada", "Ada and Sam" (joined in the
    reader's language), or None for a topic from the facilitator with no co-convener."""
    return name_list([main_name, *(c.listed_name for c in co)])


# Built once: every placement and every convener's change asks (app/db.py's exec_select says why).
_ACCEPTED_IDS = select(col(TopicConvener.attendee_id)).where(
    col(TopicConvener.topic_id) == bindparam("topic_id"), col(TopicConvener.accepted_at).is_not(None)
)


def _accepted_ids(session: Session, topic_id: int) -> set[int]:
    return set(exec_select(session, _ACCEPTED_IDS, topic_id=topic_id).scalars())


# --- No convener in two rooms at once -------------------------------------------------------------------


def check_no_clash(*, session: Session, topic: Topic, slot_id: int) -> None:
    """Refuse to put `topic` in this slot when one of its conveners already runs another topic there (as its
    main convener or a co-convener). A clash of two main conveners is the database's to refuse as well
    (`uq_placement_convener_slot`); one through a co-convener is checked here, with the slot's row locked on
    PostgreSQL, so that two placements into one slot (or an acceptance, `accept`) take turns."""
    conveners = convener_ids(session=session, topic=topic)
    if not conveners:
        return
    _lock_slot(session, slot_id)
    other = _busy_in_slot(session, slot_id=slot_id, attendee_ids=conveners, except_topic_id=id_of(topic))
    if other is not None:
        raise ConvenerClash(
            _(
                "“{title}” is in this slot already and shares a convener with this topic: nobody can be in two "
                "rooms at once. Pick another slot, or move “{title}” first.",
                title=other.title,
            )
        )


def _lock_slot(session: Session, slot_id: int) -> None:
    exec_select(session, select(col(Slot.id)).where(col(Slot.id) == slot_id).with_for_update()).first()


def _busy_in_slot(
    session: Session, *, slot_id: int, attendee_ids: Collection[int], except_topic_id: int
) -> Topic | None:
    """A topic placed in the slot, other than `except_topic_id`, that one of these attendees convenes."""
    co_convened = select(col(TopicConvener.topic_id)).where(
        col(TopicConvener.attendee_id).in_(sorted(attendee_ids)), col(TopicConvener.accepted_at).is_not(None)
    )
    query = (
        select(Topic)
        .join(Placement, col(Placement.topic_id) == col(Topic.id))
        .where(
            col(Placement.slot_id) == slot_id,
            col(Placement.topic_id) != except_topic_id,
            or_(col(Placement.convener_id).in_(sorted(attendee_ids)), col(Placement.topic_id).in_(co_convened)),
        )
        .order_by(col(Topic.id))
    )
    return exec_select(session, query).scalars().first()


# --- Inviting, accepting, declining, stepping down, removing ------------------------------------------------


def check_may_invite(*, session: Session, actor: Actor, topic: Topic) -> None:
    actor.check_in(topic.event_id)
    if not may_change(session=session, actor=actor, topic=topic):
        raise NotAllowed(
            _("Only a convener of “{title}” or the facilitator can invite co-conveners.", title=topic.title)
        )


def invite(*, session: Session, event_id: int, topic_id: int, actor: Actor, attendee_id: int) -> Written[TopicConvener]:
    """A convener (or the facilitator) invites an attendee of the event to co-convene the topic.

    Refused, with nothing written: someone who is not in this event (or has left it), a convener of the topic
    (the one inviting included), someone invited already, and a topic with CO_CONVENERS_MAX of them already.
    Nothing on the open pages changes until the invitee accepts: the invitation shows on their own page."""
    topic = get_active_topic(session=session, event_id=event_id, topic_id=topic_id)
    check_may_invite(session=session, actor=actor, topic=topic)
    invitee = session.get(Attendee, attendee_id)
    if invitee is None or invitee.event_id != event_id:
        raise NotFound(_("There is no attendee {id} in this event.", id=attendee_id))
    if invitee.removed_at is not None or invitee.banned_at is not None:
        raise Conflict(_("That person is no longer in this event: invite someone who is."))
    # As lists show it (app/services/privacy.py): a sentence must not tell an unlisted person's name.
    name = listed_name(invitee.display_name, listed=invitee.name_listed) or PARTICIPANT
    if attendee_id == actor.attendee_id:
        raise InvalidInput(
            _("You convene “{title}” already: invite someone else.", title=topic.title), field="attendee_id"
        )
    if attendee_id == topic.convener_id:
        raise InvalidInput(
            _("{name} proposed “{title}”: they convene it already.", name=name, title=topic.title),
            field="attendee_id",
        )
    existing = _row(session, id_of(topic), attendee_id)
    if existing is not None:
        said = (
            _("{name} co-convenes “{title}” already.", name=name, title=topic.title)
            if existing.accepted_at is not None
            else _("{name} is invited to co-convene “{title}” already.", name=name, title=topic.title)
        )
        raise Conflict(said)
    count = exec_select(
        session, select(func.count()).select_from(TopicConvener).where(col(TopicConvener.topic_id) == topic.id)
    ).scalar_one()
    if count >= CO_CONVENERS_MAX:
        raise Conflict(
            _(
                "“{title}” has {count} co-conveners and invitations already, the most a topic takes: take an "
                "invitation back first.",
                title=topic.title,
                count=count,
            )
        )
    row = TopicConvener(topic_id=id_of(topic), attendee_id=attendee_id)
    session.add(row)
    session.flush()
    _record(
        session,
        actor,
        event_id,
        attendee_id,
        _("invited {attendee} to co-convene {topic}", attendee="{attendee}", topic=activity.quoted(topic.title)),
    )
    # Nobody else's page shows an invitation: the invitee's My topics reads it when drawn.
    return Written(row, None)


def accept(*, session: Session, event_id: int, topic_id: int, actor: Actor, attendee_id: int) -> Written[TopicConvener]:
    """The invitee accepts: from now on they convene the topic too, and its cards say so.

    Refused when the topic is on the wall in a slot where they already run another session (they would be in
    two rooms at once): one of the two moves first. Accepting twice changes nothing."""
    actor.check_in(event_id)
    if actor.attendee_id is None:  # the facilitator's key, say: nobody is invited as that
        raise NotAllowed(_("Only the person invited can accept an invitation to co-convene, on their own phone."))
    topic = get_active_topic(session=session, event_id=event_id, topic_id=topic_id)
    if actor.attendee_id != attendee_id:
        raise NotAllowed(
            _("Only the person invited can accept an invitation to co-convene “{title}”.", title=topic.title)
        )
    row = _row(session, topic_id, attendee_id)
    if row is None:
        raise NotFound(_("You have no invitation to co-convene “{title}”.", title=topic.title))
    if row.accepted_at is not None:
        return Written(row, None)
    slot_id = exec_select(session, select(col(Placement.slot_id)).where(col(Placement.topic_id) == topic_id)).scalar()
    if slot_id is not None:
        _lock_slot(session, slot_id)
        other = _busy_in_slot(session, slot_id=slot_id, attendee_ids=[attendee_id], except_topic_id=topic_id)
        if other is not None:
            raise ConvenerClash(
                _(
                    "You already run “{other}” at the time “{title}” is on the wall, and nobody can be in two rooms "
                    "at once: ask for one of them to move to another slot, then accept.",
                    other=other.title,
                    title=topic.title,
                )
            )
    row.accepted_at = utcnow()
    session.add(row)
    session.flush()
    return Written(row, BoardChange.of(event_id, "topic", topic_ids=topic_id))


def remove(*, session: Session, event_id: int, topic_id: int, actor: Actor, attendee_id: int) -> Written[LeftTopic]:
    """A co-convener leaves the topic, or an invitation goes: the invitee declines, a co-convener steps down, or
    the main convener (or the facilitator) removes either. Another co-convener may not remove anyone but
    themselves."""
    actor.check_in(event_id)
    topic = get_readable_topic(session=session, event_id=event_id, topic_id=topic_id, actor=actor)
    themselves = actor.attendee_id is not None and actor.attendee_id == attendee_id
    if not (themselves or actor.may_change(topic.convener_id)):
        raise NotAllowed(
            _(
                "Only the convener who proposed “{title}”, or the facilitator, can remove a co-convener; a "
                "co-convener can step down themselves.",
                title=topic.title,
            )
        )
    row = _row(session, topic_id, attendee_id)
    if row is None:
        raise NotFound(
            _("That person neither co-convenes “{title}” nor is invited to.", title=topic.title)
            if not themselves
            else _("You neither co-convene “{title}” nor are invited to.", title=topic.title)
        )
    was_accepted = row.accepted_at is not None
    session.delete(row)
    session.flush()
    title = activity.quoted(topic.title)
    _record(
        session,
        actor,
        event_id,
        attendee_id,
        _("removed {attendee} from the conveners of {topic}", attendee="{attendee}", topic=title)
        if was_accepted
        else _("took back {attendee}'s invitation to co-convene {topic}", attendee="{attendee}", topic=title),
    )
    left = LeftTopic(topic=topic, attendee_id=attendee_id, was_accepted=was_accepted, by_themselves=themselves)
    # An invitation taken back or declined was on nobody's open page; a co-convener's name was on every card.
    return Written(left, BoardChange.of(event_id, "topic", topic_ids=topic_id) if was_accepted else None)


def _record(session: Session, actor: Actor, event_id: int, attendee_id: int, summary: str) -> None:
    """A line of the activity list when the team changed who convenes (nothing for the conveners themselves).
    "{attendee}" stays in the stored line, to be named when the list is read (app/services/activity.py); the
    topic's id is left out, since who convenes overtakes no undo of the topic."""
    activity.record(
        session=session,
        actor=actor,
        event_id=event_id,
        kind=ActivityKind.topic,
        summary=summary,
        attendee_id=attendee_id,
    )


def leave_every_topic(*, session: Session, attendee_id: int) -> set[int]:
    """Someone removed from the event, or banned, co-convenes nothing any more and their invitations go:
    the topics whose conveners changed (for the change the removal announces)."""
    left = co_convened_topic_ids(session=session, attendee_id=attendee_id)
    session.exec(delete(TopicConvener).where(col(TopicConvener.attendee_id) == attendee_id))
    session.flush()
    return left


def _row(session: Session, topic_id: int, attendee_id: int) -> TopicConvener | None:
    query = select(TopicConvener).where(
        col(TopicConvener.topic_id) == topic_id, col(TopicConvener.attendee_id) == attendee_id
    )
    return exec_select(session, query).scalars().first()


# --- What the pages and the API show --------------------------------------------------------------------


@dataclass(frozen=True)
class Conveners:
    """Who convenes a topic, as one reader may list them."""

    topic: Topic
    main: Attendee | None  # None: the facilitator's topic
    co: tuple[CoConvener, ...]  # accepted ones, and the invitations this reader may see


def list_conveners(*, session: Session, event_id: int, topic_id: int, actor: Actor) -> Conveners:
    """A topic's main convener and co-conveners, in the order they were invited. An invitation not yet
    answered is listed to the topic's conveners, its invitee and the facilitator only: nobody else's business."""
    topic = get_readable_topic(session=session, event_id=event_id, topic_id=topic_id, actor=actor)
    every = co_conveners_of(session=session, topic_ids=[topic_id], accepted_only=False).get(topic_id, ())
    involved = actor.is_facilitator or is_convener(session=session, topic=topic, attendee_id=actor.attendee_id)
    shown = tuple(c for c in every if c.accepted or involved or c.attendee_id == actor.attendee_id)
    main = session.get(Attendee, topic.convener_id) if topic.convener_id is not None else None
    return Conveners(topic=topic, main=main, co=shown)


# --- What the marketplace shows ---------------------------------------------------------------------------


def invitations_for(*, session: Session, event_id: int, attendee_id: int) -> list[Invitation]:
    """The invitations waiting for this attendee's answer, on topics still on offer, oldest first."""
    query = (
        select(Topic, col(Attendee.display_name), col(Attendee.name_listed))
        .join(TopicConvener, col(TopicConvener.topic_id) == col(Topic.id))
        .outerjoin(Attendee, col(Attendee.id) == col(Topic.convener_id))
        .where(
            col(Topic.event_id) == event_id,
            col(Topic.status).in_(ACTIVE_TOPIC_STATUSES),
            col(TopicConvener.attendee_id) == attendee_id,
            col(TopicConvener.accepted_at).is_(None),
        )
        .order_by(col(TopicConvener.invited_at), col(TopicConvener.id))
    )
    rows = exec_select(session, query).tuples().all()
    co = co_conveners_of(session=session, topic_ids=[id_of(topic) for topic, _name, _listed in rows])
    return [
        Invitation(
            topic=topic,
            conveners=shown_conveners(listed_name(name, listed=listed is not False), co.get(id_of(topic), ())),
        )
        for topic, name, listed in rows
    ]


def find_people(*, session: Session, event_id: int, topic_id: int, actor: Actor, typed: str) -> list[Person]:
    """Attendees a convener may invite to the topic whose name has every word typed, by name, a few at most.

    Never listed: whoever convenes the topic or is invited already, and anyone removed or banned. Nor anyone
    who chose not to be listed by name (app/services/privacy.py): a search would tell that they are here."""
    topic = get_active_topic(session=session, event_id=event_id, topic_id=topic_id)
    check_may_invite(session=session, actor=actor, topic=topic)
    # Cut, never refused: a search typed too long finds nobody, as a longer name would.
    words = clean_line(
        typed[:PERSON_SEARCH_MAX], field="q", label="The name", max_length=PERSON_SEARCH_MAX, required=False
    ).split()
    if not words:
        return []
    taken = select(col(TopicConvener.attendee_id)).where(col(TopicConvener.topic_id) == topic_id)
    query = select(col(Attendee.id), col(Attendee.display_name)).where(
        col(Attendee.event_id) == event_id,
        col(Attendee.removed_at).is_(None),
        col(Attendee.banned_at).is_(None),
        col(Attendee.name_listed).is_(True),
        col(Attendee.id).not_in(taken),
    )
    for excluded in (topic.convener_id, actor.attendee_id):
        if excluded is not None:
            query = query.where(col(Attendee.id) != excluded)
    for word in words:
        query = query.where(contains_ignoring_case(col(Attendee.display_name), word))
    rows = exec_select(
        session, query.order_by(casefold(col(Attendee.display_name)), col(Attendee.id)).limit(PEOPLE_FOUND_MAX)
    ).tuples()
    return [Person(attendee_id=attendee_id, display_name=name) for attendee_id, name in rows if attendee_id]
