"""Loading one event for the exporters (a few queries, into plain values), and the personal calendar links.

A personal calendar link carries the attendee's id and an HMAC of it, keyed with the app's secret and
bound to the event and to the attendee's token hash: unguessable, checked without a table of its own,
and revoked for everyone at once by changing HALLWAY_SECRET_KEY.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import re
from collections import defaultdict

from sqlalchemy import select
from sqlmodel import Session, col

from app.db import exec_select
from app.exporters.data import (
    AttendeeData,
    CancelledData,
    EventInfo,
    ExportData,
    NotesData,
    NoteText,
    RevisionData,
    RoomData,
    SlotData,
    ThemeData,
    TopicData,
)
from app.i18n import _
from app.models import (
    Attendance,
    Attendee,
    CancelledAttendance,
    Event,
    Note,
    NoteRevision,
    Placement,
    Topic,
    Vote,
    id_of,
)
from app.models.event import settings_of
from app.services import co_conveners, topic_constraints, wall_setup
from app.services import themes as theme_service
from app.services.errors import NotFound
from app.services.privacy import PARTICIPANT, listed_name

CALENDAR_TOKEN = re.compile(r"(\d{1,10})-([A-Za-z0-9_-]{32})")


def load_export_data(
    *,
    session: Session,
    event: Event,
    public_url: str = "",
    with_notes: bool = True,
    with_revisions: bool = True,
    now: dt.datetime | None = None,
) -> ExportData:
    """Everything an export shows about the event; `with_notes=False` skips the notes (the calendars),
    `with_revisions=False` keeps the notes as they are now without their history (the harvest)."""
    event_id = id_of(event)
    themes = theme_service.list_themes(session=session, event_id=event_id)
    rooms = wall_setup.list_rooms(session=session, event_id=event_id)
    slots = wall_setup.list_slots(session=session, event_id=event_id)
    attendees = list(
        exec_select(
            session,
            select(Attendee)
            .where(col(Attendee.event_id) == event_id)
            .order_by(col(Attendee.created_at), col(Attendee.id)),
        ).scalars()
    )
    topics = list(
        exec_select(
            session,
            select(Topic).where(col(Topic.event_id) == event_id).order_by(col(Topic.created_at), col(Topic.id)),
        ).scalars()
    )
    voters: defaultdict[int, list[int]] = defaultdict(list)
    for attendee_id, topic_id in exec_select(
        session,
        select(col(Vote.attendee_id), col(Vote.topic_id))
        .join(Topic, col(Topic.id) == col(Vote.topic_id))
        .where(col(Topic.event_id) == event_id)
        .order_by(col(Vote.created_at), col(Vote.id)),
    ).tuples():
        voters[topic_id].append(attendee_id)
    places = {
        p.topic_id: (p.room_id, p.slot_id, p.pinned)
        for p in exec_select(session, select(Placement).where(col(Placement.event_id) == event_id)).scalars()
    }
    co = co_conveners.co_conveners_of(session=session, topic_ids=[id_of(t) for t in topics])
    # Pairs kept apart as the auto-scheduler sees them: between active topics, listed on both sides.
    constraints = topic_constraints.all_constraints(session=session, event_id=event_id)
    going: defaultdict[int, list[int]] = defaultdict(list)
    for attendee_id, topic_id in exec_select(
        session,
        select(col(Attendance.attendee_id), col(Attendance.topic_id))
        .join(Topic, col(Topic.id) == col(Attendance.topic_id))
        .where(col(Topic.event_id) == event_id)
        .order_by(col(Attendance.attendee_id)),
    ).tuples():
        going[topic_id].append(attendee_id)
    # Exports leave Hallway (printed, published, mailed): they carry names as lists rendered for everyone do,
    # so whoever chose not to be listed is "a participant" in every one of them (app/services/privacy.py).
    unlisted = {id_of(a): a.display_name for a in attendees if not a.name_listed}
    notes = _load_notes(session, event_id, with_revisions=with_revisions, unlisted=unlisted) if with_notes else {}
    cancelled = exec_select(
        session,
        select(CancelledAttendance)
        .where(col(CancelledAttendance.event_id) == event_id)
        .order_by(col(CancelledAttendance.id)),
    ).scalars()
    return ExportData(
        event=EventInfo(slug=event.slug, **settings_of(event)),
        rooms=tuple(
            RoomData(id=id_of(r), name=r.name, capacity=r.capacity, location_notes=r.location_notes) for r in rooms
        ),
        slots=tuple(
            SlotData(
                id=id_of(s),
                starts_at=s.starts_at,
                ends_at=s.ends_at,
                label=s.label,
                kind=str(s.kind),
                calendar_sequence=s.calendar_sequence,
            )
            for s in slots
        ),
        attendees=tuple(
            AttendeeData(
                id=id_of(a),
                display_name=listed_name(a.display_name, listed=a.name_listed) or PARTICIPANT,
                joined_at=_utc(a.created_at),
                listed=a.name_listed and a.removed_at is None,
            )
            for a in attendees
        ),
        topics=tuple(
            TopicData(
                id=id_of(t),
                title=t.title,
                description=t.description,
                convener_id=t.convener_id,
                status=str(t.status),
                created_at=_utc(t.created_at),
                updated_at=_utc(t.updated_at),
                merged_into_id=t.merged_into_id,
                voter_ids=tuple(voters[id_of(t)]),
                room_id=places[id_of(t)][0] if id_of(t) in places else None,
                slot_id=places[id_of(t)][1] if id_of(t) in places else None,
                going_ids=tuple(going[id_of(t)]),
                notes=notes.get(id_of(t)),
                pinned=id_of(t) in places and places[id_of(t)][2],
                not_before=t.not_before,
                not_after=t.not_after,
                min_room_capacity=t.min_room_capacity,
                apart_from_ids=constraints[id_of(t)].apart_from if id_of(t) in constraints else (),
                theme_id=t.theme_id,
                calendar_sequence=t.calendar_sequence,
                co_convener_ids=tuple(c.attendee_id for c in co.get(id_of(t), ())),
            )
            for t in topics
        ),
        themes=tuple(
            ThemeData(
                id=id_of(theme),
                name=theme.name,
                description=theme.description,
                mark=theme.mark,
                symbol=theme.symbol,
                position=theme.position,
            )
            for theme in themes
        ),
        generated_at=_utc(now or dt.datetime.now(dt.UTC)),
        public_url=public_url.rstrip("/"),
        cancelled=tuple(
            CancelledData(attendee_id=c.attendee_id, topic_id=c.topic_id, starts_at=c.starts_at, ends_at=c.ends_at)
            for c in cancelled
        ),
    )


def _load_notes(
    session: Session, event_id: int, *, with_revisions: bool = True, unlisted: dict[int, str] | None = None
) -> dict[int, NotesData]:
    """topic id → its notes with every revision, oldest first (or none, without `with_revisions`); the
    `unlisted` attendees' names (id → name) read "a participant" in them, as authors and in "who came"."""
    unlisted = unlisted or {}
    hidden_lines = {name.casefold() for name in unlisted.values()}
    notes = list(exec_select(session, select(Note).where(col(Note.event_id) == event_id)).scalars())
    revisions: defaultdict[int, list[RevisionData]] = defaultdict(list)
    if notes and with_revisions:
        query = (
            select(NoteRevision)
            .join(Note, col(Note.id) == col(NoteRevision.note_id))
            .where(col(Note.event_id) == event_id)
            .order_by(col(NoteRevision.note_id), col(NoteRevision.version))
        )
        for revision in exec_select(session, query).scalars():
            revisions[revision.note_id].append(
                RevisionData(
                    version=revision.version,
                    kind=str(revision.kind),
                    base_version=revision.base_version,
                    text=_text(revision, hidden_lines),
                    submitted=(
                        {
                            str(k): _unlisted_lines(str(v), hidden_lines) if k == "attendees_text" else str(v)
                            for k, v in revision.submitted.items()
                        }
                        if revision.submitted
                        else None
                    ),
                    author_name=(PARTICIPANT if revision.author_id in unlisted else revision.author_name),
                    author_id=revision.author_id,
                    created_at=_utc(revision.created_at),
                )
            )
    return {
        note.topic_id: NotesData(
            version=note.version,
            text=_text(note, hidden_lines),
            created_at=_utc(note.created_at),
            updated_at=_utc(note.updated_at),
            updated_by=note.updated_by,
            revisions=tuple(revisions[id_of(note)]),
        )
        for note in notes
    }


def _text(fields: Note | NoteRevision, hidden_lines: set[str] | frozenset[str] = frozenset()) -> NoteText:
    return NoteText(
        body=fields.body,
        key_points=fields.key_points,
        actions=fields.actions,
        continue_url=fields.continue_url,
        attendees_text=_unlisted_lines(fields.attendees_text, hidden_lines),
    )


def _unlisted_lines(text: str, hidden: set[str] | frozenset[str]) -> str:
    """The notes' "who came" (one name a line) with each line that is the name of someone not listed replaced
    by "a participant": counted still, named no more. A listed person of the same name is hidden with them:
    a line can't tell whose it is, and hiding one name too many is the mistake that does no harm."""
    if not hidden or not text:
        return text
    lines = text.split("\n")
    for index, line in enumerate(lines):
        body = line.lstrip(" \t-*+•")
        if body.strip().casefold() in hidden:
            lines[index] = line[: len(line) - len(body)] + PARTICIPANT
    return "\n".join(lines)


def _utc(moment: dt.datetime) -> dt.datetime:
    """Stored times are UTC; SQLite hands them back without an offset."""
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment.astimezone(dt.UTC)


# --- Personal calendar links -----------------------------------------------------------------------


def calendar_token(*, secret_key: str, event: Event, attendee: Attendee) -> str:
    """The private part of an attendee's calendar link: `{attendee id}-{MAC}`."""
    return f"{id_of(attendee)}-{_calendar_mac(secret_key, event.slug, id_of(attendee), attendee.token_hash)}"


def attendee_of_calendar_token(*, session: Session, secret_key: str, event: Event, token: str) -> Attendee:
    """The attendee whose calendar link this is; NotFound for anything else, told apart from nothing."""
    unknown = NotFound(_("This calendar link is not valid (any more). Open the wall page to get your link again."))
    match = CALENDAR_TOKEN.fullmatch(token)
    if match is None:
        raise unknown
    attendee = session.get(Attendee, int(match.group(1)))
    if attendee is None or attendee.event_id != event.id or attendee.removed_at is not None:
        raise unknown
    expected = _calendar_mac(secret_key, event.slug, id_of(attendee), attendee.token_hash)
    if not hmac.compare_digest(expected, match.group(2)):
        raise unknown
    return attendee


def _calendar_mac(secret_key: str, slug: str, attendee_id: int, token_hash: str) -> str:
    message = f"hallway-calendar\n{slug}\n{attendee_id}\n{token_hash}".encode()
    digest = hmac.new(secret_key.encode(), message, hashlib.sha256).digest()[:24]
    return base64.urlsafe_b64encode(digest).decode()
