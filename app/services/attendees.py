"""Attendees: joining an event and being recognised again by the token kept on the device."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import bindparam, delete, func, select
from sqlmodel import Session, col

from app.db import casefold, contains_ignoring_case, exec_select
from app.i18n import _, _n
from app.models import ActivityKind, Attendance, Attendee, Event, Note, NoteRevision, Topic, Vote, id_of
from app.models._base import utcnow
from app.models.attendee import DISPLAY_NAME_MAX, FORMER_PARTICIPANT, PARTICIPANT
from app.models.enums import ACTIVE_TOPIC_STATUSES
from app.services import activity, co_conveners, tokens
from app.services.actors import FACILITATOR_NAME, Actor
from app.services.changes import BoardChange, Written
from app.services.errors import AlreadyRemoved, Banned, InvalidInput, NotAllowed, NotAuthenticated, NotFound, Removed
from app.services.privacy import listed_name
from app.services.text import clean_line
from app.services.topics import hide_topic

# Names the pages and exports give to roles: an attendee who took one could pass for the facilitator.
RESERVED_NAMES = frozenset(
    name.casefold()
    for name in (FACILITATOR_NAME, "the facilitator", "facilitators", "organiser", "organizer", "admin", "Hallway",
                 PARTICIPANT, FORMER_PARTICIPANT, "anonymous")
)  # fmt: skip


# Built once: a hall joins at once (app/db.py's exec_select says why).
_JOIN_CODE = select(col(Event.join_code)).where(col(Event.id) == bindparam("event_id"))
_JOINING_AT = select(col(Event.id), col(Event.join_code)).where(col(Event.slug) == bindparam("slug"))


@dataclass(frozen=True)
class Joined:
    attendee: Attendee
    token: str  # exists in clear only here: the device keeps it, we keep its hash


def join_event(
    *, session: Session, event_id: int, display_name: str, join_code: str | None = None, name_listed: bool = True
) -> Written[Joined]:
    """A newcomer, with the name others will see (or "a participant", when `name_listed` is False)."""
    # Only the join code, read inside the transaction (it may just have changed): a hall joins at once, and a
    # whole event loaded per join was an eighth of its cost (bench/abuse.py's join flood).
    event_code = exec_select(session, _JOIN_CODE, event_id=event_id).first()
    if event_code is None:
        raise NotFound(_("This event no longer exists."))
    return _join(session, event_id, event_code.join_code, display_name, join_code, name_listed)


def join_event_at(
    *, session: Session, slug: str, display_name: str, join_code: str | None = None, name_listed: bool = True
) -> Written[Joined]:
    """`join_event` for the event at this slug, found inside the write: the API's join reads nothing before the
    writer (a read session of its own was a fifth of a join's cost, and joins from one address are paced by it)."""
    event = exec_select(session, _JOINING_AT, slug=slug).first()
    if event is None:
        raise NotFound(_("There is no event '{slug}'. Check the link you were given.", slug=slug))
    return _join(session, event.id, event.join_code, display_name, join_code, name_listed)


def _join(
    session: Session,
    event_id: int,
    event_join_code: str | None,
    display_name: str,
    join_code: str | None,
    name_listed: bool,
) -> Written[Joined]:
    name = clean_line(display_name, field="display_name", label=_("Your name"), max_length=DISPLAY_NAME_MAX)
    if name.casefold() in RESERVED_NAMES:
        raise InvalidInput(
            _(
                "“{name}” is a name Hallway gives to a role, so people would mistake you for it: "
                "please join with your own name.",
                name=name,
            ),
            field="display_name",
        )
    if event_join_code and not tokens.join_codes_match(event_join_code, join_code):
        raise NotAllowed(_("That join code is not right. It is shown on the screen at the venue."))
    secret = tokens.new_secret()
    attendee = Attendee(
        event_id=event_id, display_name=name, token_hash=tokens.hash_secret(secret), name_listed=name_listed
    )
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
        raise NotAuthenticated(_("We don't recognise you in this event. Join with your name first."))
    if attendee.banned_at is not None:
        raise Banned()
    if attendee.removed_at is not None:
        raise Removed(by_facilitator=attendee.removed_by_facilitator)
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


def removed_ids(*, session: Session, event_id: int) -> set[int]:
    """The event's attendees removed ("forget me", or by the facilitator), for the facilitator's list of topics."""
    query = select(col(Attendee.id)).where(col(Attendee.event_id) == event_id, col(Attendee.removed_at).is_not(None))
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
        raise NotFound(_("There is no such attendee in this event."))
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
    # Off every topic they co-convened: their name goes from those cards.
    left = co_conveners.leave_every_topic(session=session, attendee_id=attendee_id)
    change = BoardChange.of(event_id, "attendee", topic_ids={*voted, *left}, slot_ids=going)
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
        # "{attendee}" stays in the stored line: the name is put in when the list is read (app/services/activity.py).
        summary=_n(
            "banned {attendee} (and hid {count} of their topics)",
            "banned {attendee} (and hid {count} of their topics)",
            len(their_topics),
            attendee="{attendee}",
        )
        if their_topics
        else _("banned {attendee}", attendee="{attendee}"),
        attendee_id=attendee_id,
    )
    return Written(BanResult(attendee=attendee, hidden_topic_ids=their_topics), change)


# --- Privacy: the name switch, and "forget me" -------------------------------------------------------


def _attendee_of(session: Session, event_id: int, attendee_id: int) -> Attendee:
    attendee = session.get(Attendee, attendee_id)
    if attendee is None or attendee.event_id != event_id:
        raise NotFound(_("There is no such attendee in this event."))
    return attendee


def _active_topic_ids(session: Session, event_id: int, attendee_id: int) -> list[int]:
    query = select(col(Topic.id)).where(
        col(Topic.event_id) == event_id,
        col(Topic.convener_id) == attendee_id,
        col(Topic.status).in_(ACTIVE_TOPIC_STATUSES),
    )
    return [topic_id for topic_id in exec_select(session, query).scalars() if topic_id is not None]


def _latest_saves_by(session: Session, attendee_id: int) -> list[Note]:
    """The notes whose current text this attendee saved last: their `updated_by` names them."""
    query = (
        select(Note)
        .join(
            NoteRevision, (col(NoteRevision.note_id) == col(Note.id)) & (col(NoteRevision.version) == col(Note.version))
        )
        .where(col(NoteRevision.author_id) == attendee_id)
    )
    return list(exec_select(session, query).scalars())


def _credit_latest_saves(session: Session, attendee_id: int, name: str) -> set[int]:
    """Write `name` as who saved the notes this attendee saved last; the topics whose notes' line changed."""
    changed = set()
    for note in _latest_saves_by(session, attendee_id):
        if note.updated_by != name:
            note.updated_by = name
            session.add(note)
            changed.add(note.topic_id)
    return changed


def set_name_listed(*, session: Session, event_id: int, attendee_id: int, listed: bool) -> Written[Attendee]:
    """The attendee's choice: their name on the lists others read, or "a participant" there.

    The copies rendered for everyone are redrawn: the topics they convene (marketplace, wall, board) and the
    "saved by" line of the notes they saved last, which is stored as everyone may read it.
    """
    attendee = _attendee_of(session, event_id, attendee_id)
    if attendee.removed_at is not None:
        raise Removed(by_facilitator=attendee.removed_by_facilitator)
    if attendee.name_listed == listed:
        return Written(attendee, None)
    attendee.name_listed = listed
    session.add(attendee)
    shown = listed_name(attendee.display_name, listed=listed) or PARTICIPANT
    notes_changed = _credit_latest_saves(session, attendee_id, shown)
    session.flush()
    topic_ids = [
        *_active_topic_ids(session, event_id, attendee_id),
        *co_conveners.co_convened_topic_ids(session=session, attendee_id=attendee_id),
    ]
    if not topic_ids and not notes_changed:
        return Written(attendee, None)
    change = BoardChange.of(event_id, "attendee", topic_ids=topic_ids, notes_topic_ids=notes_changed, names=not listed)
    return Written(attendee, change)


@dataclass(frozen=True)
class RemoveResult:
    attendee: Attendee
    votes_removed: int
    attendance_removed: int
    topics_kept: int


def remove_attendee(
    *, session: Session, event_id: int, attendee_id: int, by_facilitator: bool = False, actor: Actor | None = None
) -> Written[RemoveResult]:
    """Forget a person (at their request, or the facilitator's): their name becomes "a former participant" on
    their row and on every notes revision they wrote, their dots and "I'm going"s are removed, and their token
    is refused from now on with a sentence saying so (the phone may join again, as someone new).

    What they made for others stays: their topics, credited to "a former participant" (withdrawing one first
    takes it away), and their notes revisions, credited the same way, so that no text anyone wrote is lost.
    In the notes' "who came" lists, a line that is exactly their name becomes "a former participant" too,
    unless someone else in the event has the same name (then it may be theirs).
    """
    attendee = _attendee_of(session, event_id, attendee_id)
    if attendee.removed_at is not None:
        raise AlreadyRemoved(
            _("You have already removed yourself from this event.")
            if not by_facilitator
            else _("This attendee was already removed from the event: there is nothing of theirs left to remove.")
        )
    old_name = attendee.display_name
    voted = list(exec_select(session, select(col(Vote.topic_id)).where(col(Vote.attendee_id) == attendee_id)).scalars())
    going = list(
        exec_select(
            session, select(col(Attendance.slot_id)).where(col(Attendance.attendee_id) == attendee_id)
        ).scalars()
    )
    session.exec(delete(Vote).where(col(Vote.attendee_id) == attendee_id))
    session.exec(delete(Attendance).where(col(Attendance.attendee_id) == attendee_id))
    attendee.display_name = FORMER_PARTICIPANT
    attendee.name_listed = True  # the name left is nobody's: hiding it would hide nothing
    attendee.removed_at = utcnow()
    attendee.removed_by_facilitator = by_facilitator
    session.add(attendee)
    for revision in exec_select(
        session, select(NoteRevision).where(col(NoteRevision.author_id) == attendee_id)
    ).scalars():
        revision.author_name = FORMER_PARTICIPANT
        session.add(revision)
    notes_changed = _credit_latest_saves(session, attendee_id, FORMER_PARTICIPANT)
    # They co-convene nothing any more (the topics they proposed stay, as said above).
    left = co_conveners.leave_every_topic(session=session, attendee_id=attendee_id)
    session.flush()
    if not _name_taken(session, event_id, old_name):
        notes_changed |= _forget_in_who_came(session, event_id, old_name)
    topic_ids = _active_topic_ids(session, event_id, attendee_id)
    session.flush()
    change = BoardChange.of(
        event_id,
        "attendee",
        topic_ids={*voted, *topic_ids, *left},
        slot_ids=going,
        notes_topic_ids=notes_changed,
        names=True,
    )
    activity.record(
        session=session,
        actor=actor,
        event_id=event_id,
        kind=ActivityKind.attendee,
        summary=_("removed someone from the event"),  # nameless: their name is what they asked to lose
    )
    result = RemoveResult(
        attendee=attendee, votes_removed=len(voted), attendance_removed=len(going), topics_kept=len(topic_ids)
    )
    return Written(result, change)


def _name_taken(session: Session, event_id: int, name: str) -> bool:
    """Whether someone still in the event goes by this name (case aside)."""
    query = select(func.count()).where(
        col(Attendee.event_id) == event_id,
        col(Attendee.removed_at).is_(None),
        casefold(col(Attendee.display_name)) == casefold(name),
    )
    return bool(exec_select(session, query).scalar_one())


def _forget_in_who_came(session: Session, event_id: int, name: str) -> set[int]:
    """Replace the lines of the notes' "who came" that are exactly this name (a list marker aside)."""
    changed: set[int] = set()
    wanted = name.casefold()
    notes = list(exec_select(session, select(Note).where(col(Note.event_id) == event_id)).scalars())
    revisions = exec_select(
        session,
        select(NoteRevision)
        .join(Note, col(Note.id) == col(NoteRevision.note_id))
        .where(
            col(Note.event_id) == event_id,
            contains_ignoring_case(col(NoteRevision.attendees_text), name),
        ),
    ).scalars()
    for row in [*notes, *revisions]:
        text = row.attendees_text
        lines = text.split("\n")
        replaced = [_replace_line(line, wanted) for line in lines]
        if replaced != lines:
            row.attendees_text = "\n".join(replaced)
            session.add(row)
            if isinstance(row, Note):
                changed.add(row.topic_id)
    return changed


def _replace_line(line: str, wanted: str) -> str:
    marker = line[: len(line) - len(line.lstrip(" \t-*+•"))]
    return marker + FORMER_PARTICIPANT if line[len(marker) :].strip().casefold() == wanted else line
