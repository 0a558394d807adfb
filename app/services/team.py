"""The facilitation team: its members, each with a secret link of their own, invited, removed and replaced.

A key is 192 random bits, stored as its SHA-256 (app/services/tokens.py): the hash finds the member in one
indexed read, and a removed member's row stays (the activity list still names who did what) with its key
refused from then on. Removing a member or replacing a link announces a "team" change: the live pages'
feed closes the sockets that were opened with that member's session (app/realtime/hub.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import bindparam, func, select
from sqlmodel import Session, col

from app.db import exec_select
from app.i18n import _
from app.models import ActivityKind, Event, Facilitator, id_of
from app.models._base import utcnow
from app.models.facilitator import FACILITATOR_NAME_MAX
from app.services import activity, tokens
from app.services.actors import FACILITATOR_NAME, Actor
from app.services.changes import BoardChange, Written
from app.services.errors import Conflict, InvalidInput, NotAllowed, NotFound
from app.services.text import clean_line

TEAM_MAX = 30  # members on the team at once: a team, not a mailing list


@dataclass(frozen=True)
class NewKey:
    """A member and their key, which exists in clear only here (answered once, never stored)."""

    facilitator: Facilitator
    key: str


def team_change(event_id: int) -> BoardChange:
    """Someone's facilitator key stopped working: every worker's feed checks its facilitators' sockets."""
    return BoardChange.of(event_id, "team")


def found_team(*, session: Session, event_id: int, name: str | None = None) -> NewKey:
    """The first member of a new event's team (a step of creating the event, which announces nothing)."""
    cleaned = clean_line(
        name,
        field="facilitator_name",
        label=_("The facilitator's name"),
        max_length=FACILITATOR_NAME_MAX,
        required=False,
    )
    return _new_member(session, event_id, cleaned or FACILITATOR_NAME)


def invite(*, session: Session, event_id: int, actor: Actor, name: str) -> Written[NewKey]:
    """A new member with a link of their own; the key is answered here, once."""
    _check_facilitator(actor, event_id)
    cleaned = _name(name)
    members = list_team(session=session, event_id=event_id)
    if len(members) >= TEAM_MAX:
        raise Conflict(_("The team has {most} members already: remove someone before inviting another.", most=TEAM_MAX))
    same = next((member for member in members if member.name.casefold() == cleaned.casefold()), None)
    if same is not None:
        raise Conflict(
            _("{name} is on the team already: give the new member another name (a surname, say).", name=same.name)
        )
    made = _new_member(session, event_id, cleaned)
    activity.record(
        session=session,
        actor=actor,
        event_id=event_id,
        kind=ActivityKind.team,
        summary=_("invited {name} to the team", name=cleaned),
    )
    return Written(made, None)  # no page shows the team but the facilitators', which read it when drawn


def remove(*, session: Session, event_id: int, actor: Actor, facilitator_id: int) -> Written[Facilitator]:
    """Take someone off the team: their key and every session opened with it are refused at once.

    The last member can't be removed: nobody could run the event any more (an admin would have to step in).
    """
    _check_facilitator(actor, event_id)
    member = get_member(session=session, event_id=event_id, facilitator_id=facilitator_id)
    if _active_count(session, event_id) <= 1:
        raise Conflict(
            _("{name} is the last facilitator of this event: invite someone else before leaving.", name=member.name)
        )
    member.removed_at = utcnow()
    session.add(member)
    session.flush()
    said = (
        _("left the team") if member.id == actor.facilitator_id else _("removed {name} from the team", name=member.name)
    )
    activity.record(session=session, actor=actor, event_id=event_id, kind=ActivityKind.team, summary=said)
    return Written(member, team_change(event_id))


def replace_key(*, session: Session, event_id: int, facilitator_id: int, actor: Actor | None = None) -> Written[str]:
    """Give a member a new key (a leaked link), returned in clear only here; the old one is refused at once,
    with every session it opened. `actor` is who asked (None: a command on the server)."""
    member = get_member(session=session, event_id=event_id, facilitator_id=facilitator_id)
    key = tokens.new_secret()
    member.key_hash = tokens.hash_secret(key)
    session.add(member)
    session.flush()
    if actor is not None:
        activity.record(
            session=session,
            actor=actor,
            event_id=event_id,
            kind=ActivityKind.team,
            summary=_("replaced their own facilitator link")
            if actor.facilitator_id == facilitator_id
            else _("replaced {name}'s facilitator link", name=member.name),
        )
    return Written(key, team_change(event_id))


def list_team(*, session: Session, event_id: int) -> list[Facilitator]:
    """The members on the team now, the earliest first."""
    return list(
        exec_select(
            session,
            select(Facilitator)
            .where(col(Facilitator.event_id) == event_id, col(Facilitator.removed_at).is_(None))
            .order_by(col(Facilitator.id)),
        ).scalars()
    )


def get_member(*, session: Session, event_id: int, facilitator_id: int) -> Facilitator:
    """A member on the team now; a removed one, or another event's, is not found."""
    member = session.get(Facilitator, facilitator_id)
    if member is None or member.event_id != event_id or member.removed_at is not None:
        raise NotFound(_("There is no facilitator {id} on this event's team.", id=facilitator_id))
    return member


def first_member(*, session: Session, event_id: int) -> Facilitator | None:
    """The earliest member still on the team: the event's original facilitator, while they stay."""
    members = list_team(session=session, event_id=event_id)
    return members[0] if members else None


def display_fingerprint(*, session: Session, event_id: int) -> str:
    """What the venue screen's display link is made from (app/services/links.py): the earliest member's key
    hash, so that replacing the original facilitator link (or that member leaving) ends it too."""
    first = first_member(session=session, event_id=event_id)
    return first.key_hash if first is not None else ""


def member_named(*, session: Session, event_id: int, name: str) -> Facilitator:
    """A member by name (case aside), for the command line."""
    for member in list_team(session=session, event_id=event_id):
        if member.name.casefold() == name.strip().casefold():
            return member
    raise NotFound(_("Nobody called {name} is on this event's team.", name=repr(name.strip()[:40])))


# Built once: every facilitator request asks (app/db.py's exec_select says why).
_BY_KEY_HASH = select(Facilitator).where(col(Facilitator.key_hash) == bindparam("key_hash"))


def member_for_key(*, session: Session, event_id: int, key: str | None) -> Facilitator | None:
    """The member holding this key, if they are on this event's team now."""
    if not key:
        return None
    member = exec_select(session, _BY_KEY_HASH, key_hash=tokens.hash_secret(key)).scalars().first()
    if member is None or member.event_id != event_id or member.removed_at is not None:
        return None
    return member


def actor_of(member: Facilitator) -> Actor:
    return Actor.facilitator(member.event_id, facilitator_id=id_of(member), name=member.name)


def _new_member(session: Session, event_id: int, name: str) -> NewKey:
    key = tokens.new_secret()
    member = Facilitator(event_id=event_id, name=name, key_hash=tokens.hash_secret(key))
    session.add(member)
    session.flush()
    return NewKey(facilitator=member, key=key)


def _active_count(session: Session, event_id: int) -> int:
    """How many are on the team. On PostgreSQL the event's row is locked first, so that two members removing
    each other at once take turns and one of them stays; SQLite's write transactions take turns already."""
    exec_select(session, select(col(Event.id)).where(col(Event.id) == event_id).with_for_update()).first()
    count: int = exec_select(
        session,
        select(func.count())
        .select_from(Facilitator)
        .where(col(Facilitator.event_id) == event_id, col(Facilitator.removed_at).is_(None)),
    ).scalar_one()
    return count


def _check_facilitator(actor: Actor, event_id: int) -> None:
    actor.check_in(event_id)
    if not actor.is_facilitator:
        raise NotAllowed(_("Only the event's facilitators can change its team."))


def _name(name: str | None) -> str:
    cleaned = clean_line(name, field="name", label=_("The facilitator's name"), max_length=FACILITATOR_NAME_MAX)
    if cleaned.casefold() in ("facilitator", "facilitators"):
        # Kept for the event's first member when no name was given; a second would make the list ambiguous.
        raise InvalidInput(
            _("Give the new facilitator their own name, so the activity list can tell you apart."), field="name"
        )
    return cleaned
