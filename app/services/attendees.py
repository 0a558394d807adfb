"""Attendees: joining an event and being recognised again by the token kept on the device."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from app.models import Attendee, Event, id_of
from app.models.attendee import DISPLAY_NAME_MAX
from app.services import tokens
from app.services.actors import FACILITATOR_NAME
from app.services.changes import Written
from app.services.errors import InvalidInput, NotAllowed, NotAuthenticated
from app.services.lookups import get_event_by_id
from app.services.text import clean_line

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
    return attendee
