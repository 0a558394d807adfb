"""Attendees: joining an event and being recognised again by the token kept on the device."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlmodel import Session, col

from app.db import exec_select
from app.models import ActivityKind, Attendance, Attendee, Event, Topic, Vote, id_of
from app.models._base import utcnow
from app.models.attendee import DISPLAY_NAME_MAX
from app.models.enums import ACTIVE_TOPIC_STATUSES
from app.services import activity, tokens
from app.services.actors import FACILITATOR_NAME, Actor
from app.services.changes import BoardChange, Written
from app.services.errors import Banned, InvalidInput, NotAllowed, NotAuthenticated, NotFound
from app.services.lookups import get_event_by_id
from app.services.text import clean_line
from app.services.topics import hide_topic

# Names the pages and exports give to roles: an attendee who took one could pass for the facilitator.
RESERVED_NAMES = frozenset(
    name.casefold()
    for name in (FACILITATOR_NAME, "the facilitator", "facilitators", "organiser", "organizer", "admin", "Hallway",
                 "a participant", "a former participant", "anonymous")
)  # fmt: skip


@dataclass(frozen=True)
class Joined:
    attendee: Attendee
    token: str  # exists in clear only here: the device keeps it, we keep its hash


def join_event(*, session: Session, event_id: int, display_name: str, join_code: str | None = None) -> Written[Joined]:
    event = get_event_by_id(session=session, event_id=event_id)
    name = clean_line(display_name, field="display_name", label="Your name", max_length=DISPLAY_NAME_MAX)
    if name.casefold() in RESERVED_NAMES:
        raise InvalidInput(
            f"“{name}” is a name Hallway gives to a role, so people would mistake you for it: "
            "please join with your own name.",
            field="display_name",
        )
    if event.join_code and not tokens.join_codes_match(event.join_code, join_code):
        raise NotAllowed("That join code is not right. It is shown on the screen at the venue.")
    secret = tokens.new_secret()
    attendee = Attendee(event_id=event_id, display_name=name, token_hash=tokens.hash_secret(secret))
    session.add(attendee)
    session.flush()
    # No live page lists who joined, so nothing is announced.
    return Written(Joined(attendee=attendee, token=tokens.attendee_token(id_of(attendee), secret)), None)


def authenticate(*, session: Session, event: Event, token: str | None) -> Attendee:
    """The attendee this token belongs to, in this event; NotAuthenticated for a stale or forged one."""
    parsed = tokens.split_attendee_token(token or "")
    attendee = session.get(Attendee, parsed[0]) if parsed else None
    if (
        parsed is None
        or attendee is None
        or attendee.event_id != event.id
        or not tokens.secret_matches(parsed[1], attendee.token_hash)
    ):
        raise NotAuthenticated("We don't recognise you in this event. Join with your name first.")
    if attendee.banned_at is not None:
        raise Banned()
    return attendee


@dataclass(frozen=True)
class BanResult:
    attendee: Attendee
    hidden_topic_ids: tuple[int, ...]


def display_name_of(*, session: Session, event_id: int, attendee_id: int) -> str | None:
    attendee = session.get(Attendee, attendee_id)
    return attendee.display_name if attendee is not None and attendee.event_id == event_id else None


def banned_ids(*, session: Session, event_id: int) -> set[int]:
    """The event's banned attendees, for the facilitator's list of topics."""
    query = select(col(Attendee.id)).where(col(Attendee.event_id) == event_id, col(Attendee.banned_at).is_not(None))
    return {attendee_id for attendee_id in exec_select(session, query).scalars() if attendee_id is not None}


def ban_attendee(
    *, session: Session, event_id: int, attendee_id: int, actor: Actor | None = None
) -> Written[BanResult]:
    """Moderation: someone who abuses the event is sent away. Their token is refused from now on, their
    topics are hidden (as the facilitator's hide does: dots back to their owners, off the wall), and
    their dots and "I'm going"s are taken back, so nothing they did still counts. Their notes revisions
    stay: no text is ever lost, and the facilitator can still read what was written."""
    attendee = session.get(Attendee, attendee_id)
    if attendee is None or attendee.event_id != event_id:
        raise NotFound("There is no such attendee in this event.")
    if attendee.banned_at is not None:
        return Written(BanResult(attendee=attendee, hidden_topic_ids=()), None)
    attendee.banned_at = utcnow()
    session.add(attendee)
    their_topics = tuple(
        id_of(topic)
        for topic in exec_select(
            session,
            select(Topic).where(
                col(Topic.event_id) == event_id,
                col(Topic.convener_id) == attendee_id,
                col(Topic.status).in_(ACTIVE_TOPIC_STATUSES),
            ),
        ).scalars()
    )
    voted = list(exec_select(session, select(col(Vote.topic_id)).where(col(Vote.attendee_id) == attendee_id)).scalars())
    going = list(
        exec_select(
            session, select(col(Attendance.slot_id)).where(col(Attendance.attendee_id) == attendee_id)
        ).scalars()
    )
    change = BoardChange.of(event_id, "attendee", topic_ids=voted, slot_ids=going)
    for topic_id in their_topics:
        hidden = hide_topic(session=session, event_id=event_id, topic_id=topic_id).change
        change = change.merge(hidden) if hidden is not None else change
    session.exec(delete(Vote).where(col(Vote.attendee_id) == attendee_id))
    session.exec(delete(Attendance).where(col(Attendance.attendee_id) == attendee_id))
    session.flush()
    activity.record(
        session=session,
        actor=actor,
        event_id=event_id,
        kind=ActivityKind.ban,
        summary="banned {attendee}" + (f" (and hid {len(their_topics)} of their topics)" if their_topics else ""),
        attendee_id=attendee_id,
    )
    return Written(BanResult(attendee=attendee, hidden_topic_ids=their_topics), change)
