"""Session notes: reading, saving with the merge rule, revisions, restore, and diffs between revisions.

The merge rule: a save names the version its text was based on. On the current version it is stored as
sent. On an older version, each field is merged three ways (base revision, current notes, the text sent)
with merge3, line by line: edits to different lines merge and the merged text becomes the notes; edits
that clash keep the notes as they are and store the text sent as a `conflict` revision, for its author
to resolve. Either way every text sent is in the revisions (a merge keeps it in `submitted`), so no
keystroke that reached the server is lost. A save that changes nothing adds no revision.

The fold rule: a plain save by the author of the latest revision (the same attendee, or the facilitator),
within `fold_within` of it, updates that revision in place (text, time and number) instead of adding one,
so that a person's autosaves make one revision a burst, not one a few seconds. The save still takes the
next version number, so that an editor on the previous one is stale and merges. A save by someone else in
between, a merge, a conflict or a restore starts a new revision: the history keeps each person's last
text of each burst, and every other revision as before. The text a fold replaces is kept a while
(FoldedVersion) for the editors still based on it, so that their next save merges on what they saw.

Notes exist for topics that are placed; once written they are kept (and stay writable) if the topic is
later unplaced, withdrawn or merged, so that nothing written in a session disappears with a move.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal, cast
from urllib.parse import urlsplit

from merge3 import Merge3
from sqlalchemy import delete, func, select
from sqlmodel import Session, col

from app.db import exec_select
from app.i18n import _, number, tenths
from app.models import (
    Attendance,
    Attendee,
    FoldedVersion,
    Note,
    NoteRevision,
    Placement,
    RevisionKind,
    Room,
    Slot,
    Topic,
    id_of,
)
from app.models._base import utcnow
from app.models.attendee import PARTICIPANT, others_line
from app.models.enums import ACTIVE_TOPIC_STATUSES
from app.models.note import FIELD_NAMES, MAX_FIELD_CHARS, MAX_NOTES_BYTES, MAX_URL_CHARS
from app.name_lists import name_list
from app.services import co_conveners
from app.services.actors import FACILITATOR_NAME, Actor
from app.services.changes import BoardChange, Written
from app.services.errors import InvalidInput, NotAllowed, NotAuthenticated, NotFound
from app.services.lookups import FACILITATOR_ONLY_STATUSES, get_event_by_id, get_readable_topic
from app.services.privacy import Names, listed_name, reader_names
from app.services.text import drop_invisible, too_long

# NUL and the other C0 controls (tab and newline are kept) break PostgreSQL text, exports and terminals.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

Outcome = Literal["saved", "merged", "unchanged", "conflict", "restored"]

# How many folded-away versions of one note are kept as merge bases. An editor further behind than this
# (someone else folded this many saves since it loaded) merges on the text that burst started from: its
# author's earlier lines may then come twice, but nothing is lost. Bounded, because the fold exists to
# stop one person's autosaves from filling the disk: at most this many 200 KB texts a note.
FOLDED_VERSIONS_KEPT = 20


class NotesLocked(NotAllowed):
    """The facilitator has locked the event's notes."""


class NotesNotOpen(NotFound):
    """The topic has no notes: it was never placed on the wall."""


@dataclass(frozen=True)
class NoteInput:
    """What a save sends: the Markdown body and, optionally, the structured fields (None: not sent)."""

    body: str
    key_points: str | None = None
    actions: str | None = None
    continue_url: str | None = None
    attendees_text: str | None = None


Fields = dict[str, str]


@dataclass(frozen=True)
class SaveResult:
    """What a save did. For a conflict, `note` is unchanged and `revision` holds the text sent."""

    outcome: Outcome
    note: Note
    revision: NoteRevision | None
    sent: Fields
    conflicts: tuple[str, ...] = ()  # the fields that clashed

    @property
    def version(self) -> int:
        return self.note.version


@dataclass(frozen=True)
class NotesView:
    """A session's notes as a page or the API shows them, with where and when the session is."""

    topic: Topic
    note: Note | None
    room_name: str | None
    slot_label: str | None
    slot_starts_at: datetime | None
    convener_name: str | None
    going: list[str]  # the names of those going who chose to be listed (app/services/privacy.py)
    locked: bool
    going_others: int = 0  # and how many more are going

    @property
    def version(self) -> int:
        return self.note.version if self.note else 0

    def writable_by(self, actor: Actor) -> bool:
        """Anyone in the event writes (an attendee or the facilitator), until the notes are locked."""
        return actor.is_known and not self.locked

    def value(self, name: str) -> str:
        return str(getattr(self.note, name)) if self.note else ""

    @property
    def going_list(self) -> list[str]:
        """The "I'm going" list to start "who came" from: the listed names, then "and 3 others". Never a hidden
        name, whoever reads: what is typed from it is saved for everyone to read."""
        return [*self.going, *([others_line(self.going_others)] if self.going_others else [])]

    @property
    def attendees_or_going(self) -> str:
        """Who came as written, or the "I'm going" list to start from."""
        return self.value("attendees_text") or "\n".join(self.going_list)


@dataclass(frozen=True)
class Editor:
    name: str
    revisions: int  # not saves: a person's saves within the fold window are one revision
    last_at: datetime


@dataclass(frozen=True)
class DiffLine:
    kind: Literal["same", "added", "removed", "gap"]
    text: str


@dataclass(frozen=True)
class Merged:
    text: str
    conflicted: bool


# --- The merge rule ---------------------------------------------------------------------------------


def merge_text(*, base: str, theirs: str, yours: str) -> Merged:
    """Three-way merge by lines (merge3); `conflicted` when both sides changed the same lines differently.

    Lines that both sides inserted at the same place (no base line between them, as when two people
    add points at the end) are kept both, theirs first: note-taking mostly appends, and neither text
    replaces the other there. Changes on adjacent lines clash, as in diff3.
    """
    if yours in (base, theirs):
        return Merged(text=theirs, conflicted=False)
    if theirs == base:
        return Merged(text=yours, conflicted=False)
    # Every text ends with a newline for the merge, so that adding after a last line without one
    # is an insertion, not an edit of that line; taken off again when neither side had it.
    base_lines, their_lines, your_lines = (_lines(t) for t in (base, theirs, yours))
    regions = list(Merge3(base_lines, their_lines, your_lines).merge_regions())
    out: list[str] = []
    conflicted = False
    for region in regions:
        kind = region[0]
        if kind == "unchanged":
            out.extend(base_lines[region[1] : region[2]])
        elif kind in ("a", "same"):
            out.extend(their_lines[region[1] : region[2]])
        elif kind == "b":
            out.extend(your_lines[region[1] : region[2]])
        else:  # ("conflict", base start, base end, theirs start, theirs end, yours start, yours end)
            z1, z2, a1, a2, b1, b2 = cast(tuple[int, int, int, int, int, int], region[1:])
            if z1 != z2:
                conflicted = True
            out.extend(their_lines[a1:a2] + your_lines[b1:b2])
    text = "".join(out)
    if not theirs.endswith("\n") and not yours.endswith("\n") and text.endswith("\n"):
        text = text[:-1]
    # A merge that leaves theirs as it was has dropped every change of yours (merge3 can pair moved lines
    # that way): that is a clash for a person to look at, not a merge.
    if conflicted or text == theirs:
        return Merged(text=theirs, conflicted=True)
    return Merged(text=text, conflicted=False)


def _lines(text: str) -> list[str]:
    return (text if text.endswith("\n") or not text else text + "\n").splitlines(keepends=True)


# --- Reading ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NotesEntry:
    """One session on the event's list of notes."""

    topic_id: int
    title: str
    room_name: str | None  # None for a topic taken off the wall that kept its notes
    slot_label: str | None
    starts_at: datetime | None
    words: int
    updated_at: datetime | None  # None before the first save
    updated_by: str


def list_notes(*, session: Session, event_id: int) -> list[NotesEntry]:
    """Every session whose notes can be opened, in the order of the day (slot, then room); after them, topics
    taken off the wall that kept notes. Hidden, withdrawn and merged topics are not listed."""
    rows = exec_select(
        session,
        select(Topic, Note, Room, Slot)
        .outerjoin(Note, col(Note.topic_id) == col(Topic.id))
        .outerjoin(Placement, col(Placement.topic_id) == col(Topic.id))
        .outerjoin(Room, col(Room.id) == col(Placement.room_id))
        .outerjoin(Slot, col(Slot.id) == col(Placement.slot_id))
        .where(
            col(Topic.event_id) == event_id,
            col(Topic.status).in_(ACTIVE_TOPIC_STATUSES),
            col(Placement.id).is_not(None) | col(Note.id).is_not(None),
        ),
    ).tuples()
    placed, off_wall = [], []
    for topic, note, room, slot in rows:
        entry = NotesEntry(
            topic_id=id_of(topic),
            title=topic.title,
            room_name=room.name if room else None,
            slot_label=slot.label if slot else None,
            starts_at=slot.starts_at if slot else None,
            words=len(note.body.split()) if note else 0,
            updated_at=note.updated_at if note and note.version else None,
            updated_by=note.updated_by if note else "",
        )
        if room and slot:
            placed.append(((slot.starts_at, room.position, entry.topic_id), entry))
        else:
            off_wall.append(((entry.title.casefold(), entry.topic_id), entry))
    return [entry for _, entry in sorted(placed)] + [entry for _, entry in sorted(off_wall)]


def get_note_row(*, session: Session, topic_id: int) -> Note | None:
    return exec_select(session, select(Note).where(col(Note.topic_id) == topic_id)).scalar_one_or_none()


def latest_notes(*, session: Session, event_id: int, topic_ids: Collection[int]) -> list[Note]:
    """The notes of these sessions as last saved, by topic id, for every open notes page: a session without
    notes is left out, and so is a hidden or merged one (only its facilitator may read it)."""
    return list(
        exec_select(
            session,
            select(Note)
            .join(Topic, col(Topic.id) == col(Note.topic_id))
            .where(
                col(Note.event_id) == event_id,
                col(Note.topic_id).in_(sorted(topic_ids)),
                col(Topic.status).not_in(FACILITATOR_ONLY_STATUSES),
            )
            .order_by(col(Note.topic_id)),
        ).scalars()
    )


def _check_open(session: Session, topic: Topic, note: Note | None) -> None:
    if note is None and _placement_id(session, id_of(topic)) is None:
        raise NotesNotOpen(
            _("'{title}' has no notes: notes open once the session is placed on the wall.", title=topic.title)
        )


def _placement_id(session: Session, topic_id: int) -> int | None:
    return exec_select(
        session, select(col(Placement.id)).where(col(Placement.topic_id) == topic_id)
    ).scalar_one_or_none()


def get_notes(*, session: Session, event_id: int, topic_id: int, actor: Actor) -> NotesView:
    """A session's notes (version 0 and empty before the first save), with its room, slot and people."""
    topic = get_readable_topic(session=session, event_id=event_id, topic_id=topic_id, actor=actor)
    note = get_note_row(session=session, topic_id=topic_id)
    _check_open(session, topic, note)
    event = get_event_by_id(session=session, event_id=event_id)
    where = exec_select(
        session,
        select(col(Room.name), col(Slot.label), col(Slot.starts_at))
        .join(Placement, col(Placement.room_id) == col(Room.id))
        .join(Slot, col(Slot.id) == col(Placement.slot_id))
        .where(col(Placement.topic_id) == topic_id),
    ).first()
    going: list[str] = []
    others = 0
    if where is not None:
        for name, listed in exec_select(
            session,
            select(col(Attendee.display_name), col(Attendee.name_listed))
            .join(Attendance, col(Attendance.attendee_id) == col(Attendee.id))
            .where(col(Attendance.topic_id) == topic_id)
            .order_by(col(Attendee.display_name)),
        ).tuples():
            shown = listed_name(name, listed=listed)
            if shown == PARTICIPANT:
                others += 1
            else:
                going.append(name)
    convener = session.get(Attendee, topic.convener_id) if topic.convener_id else None
    names = reader_names(event, actor)
    co = co_conveners.co_conveners_of(session=session, topic_ids=[topic_id]).get(topic_id, ())
    return NotesView(
        topic=topic,
        note=note,
        room_name=where[0] if where else None,
        slot_label=where[1] if where else None,
        slot_starts_at=where[2] if where else None,
        # "Ada and Sam" with a co-convener; a topic from the facilitator with co-conveners is theirs.
        convener_name=name_list(
            [
                names.name(convener.display_name, convener.id, listed=convener.name_listed)
                if convener
                else (None if co else FACILITATOR_NAME),
                *(names.name(c.display_name, c.attendee_id, listed=c.name_listed) for c in co),
            ]
        ),
        going=going,
        going_others=others,
        locked=event.notes_locked,
    )


def list_revisions(*, session: Session, event_id: int, topic_id: int, actor: Actor) -> list[NoteRevision]:
    """Every revision of a session's notes, oldest first (none before the first save)."""
    topic = get_readable_topic(session=session, event_id=event_id, topic_id=topic_id, actor=actor)
    note = get_note_row(session=session, topic_id=topic_id)
    _check_open(session, topic, note)
    if note is None:
        return []
    return list(
        exec_select(
            session,
            select(NoteRevision).where(col(NoteRevision.note_id) == id_of(note)).order_by(col(NoteRevision.version)),
        ).scalars()
    )


def get_revision(*, session: Session, event_id: int, topic_id: int, actor: Actor, version: int) -> NoteRevision:
    topic = get_readable_topic(session=session, event_id=event_id, topic_id=topic_id, actor=actor)
    note = get_note_row(session=session, topic_id=topic_id)
    _check_open(session, topic, note)
    revision = _revision(session, note, version) if note else None
    if revision is None:
        raise _no_version(session, note, version)
    return revision


def _no_version(session: Session, note: Note | None, version: int) -> NotFound:
    """The answer for a version that is no revision, naming the one it was folded into if it was."""
    later = _revision_after(session, note, version) if note and 0 < version <= _latest_number(session, note) else None
    if later is not None and later.kind == RevisionKind.save:
        author = session.get(Attendee, later.author_id) if later.author_id is not None else None
        who = listed_name(later.author_name, listed=author.name_listed if author else True)
        return NotFound(
            _(
                "Version {version} was folded into version {later}: "
                "{who} saved again soon after, and one revision keeps the last text of those saves.",
                version=version,
                later=later.version,
                who=who,
            )
        )
    return NotFound(_("These notes have no version {version}.", version=version))


def editors(revisions: list[NoteRevision], names: Names | None = None) -> list[Editor]:
    """Who has edited, most recent first, with how many revisions; each name as `names` lets its reader see
    it (those who read "a participant" are counted together under it)."""
    seen: dict[str, Editor] = {}
    for revision in revisions:
        name = names.name(revision.author_name, revision.author_id) if names else revision.author_name
        name = name or revision.author_name
        earlier = seen.get(name)
        seen[name] = Editor(
            name=name,
            revisions=(earlier.revisions if earlier else 0) + 1,
            last_at=revision.created_at,
        )
    return sorted(seen.values(), key=lambda e: e.last_at, reverse=True)


def _revision(session: Session, note: Note, version: int) -> NoteRevision | None:
    return exec_select(
        session,
        select(NoteRevision).where(col(NoteRevision.note_id) == id_of(note), col(NoteRevision.version) == version),
    ).scalar_one_or_none()


def _revision_after(session: Session, note: Note, version: int) -> NoteRevision | None:
    """The first revision numbered after `version`: for a version folded away, the one it was folded into."""
    return exec_select(
        session,
        select(NoteRevision)
        .where(col(NoteRevision.note_id) == id_of(note), col(NoteRevision.version) > version)
        .order_by(col(NoteRevision.version))
        .limit(1),
    ).scalar_one_or_none()


def _latest_number(session: Session, note: Note) -> int:
    latest = exec_select(
        session, select(func.max(NoteRevision.version)).where(col(NoteRevision.note_id) == id_of(note))
    ).scalar_one()
    return int(latest or 0)


# --- Writing ----------------------------------------------------------------------------------------


def clean_input(data: NoteInput) -> dict[str, str | None]:
    """The fields as they will be stored, or InvalidInput naming the field and the limit."""
    size = len(data.body.encode("utf-8", "surrogatepass"))
    if size > MAX_NOTES_BYTES:
        raise InvalidInput(
            _(
                "The notes are {size} KB; one session's notes hold at most {most} KB. "
                "Move long material to a linked document.",
                size=tenths(size / 1024),
                most=number(MAX_NOTES_BYTES // 1024),
            ),
            field="body",
        )
    cleaned: dict[str, str | None] = {"body": _clean_text(data.body)}
    for name, label in (("key_points", _("Key points")), ("actions", _("Actions")), ("attendees_text", _("Who came"))):
        value = getattr(data, name)
        if value is not None and len(value) > MAX_FIELD_CHARS:
            raise InvalidInput(too_long(label, len(value), MAX_FIELD_CHARS), field=name)
        cleaned[name] = None if value is None else _clean_text(value)
    cleaned["continue_url"] = None if data.continue_url is None else _clean_url(data.continue_url)
    return cleaned


def _clean_text(value: str) -> str:
    # Not stripped nor normalised: the text is echoed to the editor of someone who may still be typing.
    text = value.replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL.sub("", text)
    # Lone surrogates (from a broken client) can't be stored as UTF-8: replaced, never a crash.
    return text.encode("utf-8", "replace").decode("utf-8")


def _clean_url(value: str) -> str:
    # Stricter than the free text: a lone surrogate can't be stored (it was a 500), and a zero-width or
    # bidi character in a link makes it look like another address.
    url = drop_invisible(value).strip()
    if not url:
        return ""
    if len(url) > MAX_URL_CHARS:
        raise InvalidInput(
            _(
                "The link is too long: {length} characters, at most {most}.",
                length=number(len(url)),
                most=number(MAX_URL_CHARS),
            ),
            field="continue_url",
        )
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc or any(c.isspace() for c in url):
        raise InvalidInput(
            _("The “continue the conversation” link must be a web address starting with https:// (or http://)."),
            field="continue_url",
        )
    return url


def _fields_of(row: Note | NoteRevision | FoldedVersion | None) -> Fields:
    return {name: str(getattr(row, name)) if row is not None else "" for name in FIELD_NAMES}


def _open_for_writing(session: Session, event_id: int, topic_id: int, actor: Actor) -> tuple[Topic, Note | None]:
    event = get_event_by_id(session=session, event_id=event_id)
    topic = get_readable_topic(session=session, event_id=event_id, topic_id=topic_id, actor=actor)
    if event.notes_locked:
        raise NotesLocked(_("The facilitator has locked the notes of this event: they are read-only now."))
    note = exec_select(
        session, select(Note).where(col(Note.topic_id) == topic_id).with_for_update()
    ).scalar_one_or_none()
    _check_open(session, topic, note)
    return topic, note


def save_notes(
    *,
    session: Session,
    event_id: int,
    topic_id: int,
    actor: Actor,
    base_version: int,
    data: NoteInput,
    fold_within: timedelta | None = None,
    now: datetime | None = None,
) -> Written[SaveResult]:
    """Save a session's notes on `base_version`: stored, merged, or kept aside as a conflict (see above).

    `fold_within` is the fold rule's window (the `notes_fold_seconds` setting); None folds nothing, every
    save a revision of its own. `now` is the time of the save (the clock, unless a test sets it).
    """
    now = now or utcnow()
    author = _author(session, actor, event_id)
    cleaned = clean_input(data)
    _topic, note = _open_for_writing(session, event_id, topic_id, actor)
    latest = _latest_number(session, note) if note else 0
    if base_version < 0 or base_version > latest:
        raise InvalidInput(
            _(
                "There is no version {version} of these notes (the latest is {latest}). Reload the page.",
                version=base_version,
                latest=latest,
            ),
            field="base_version",
        )
    current = _fields_of(note)
    base = current if note is None or base_version == note.version else _base_fields(session, note, base_version)
    sent = {name: value if (value := cleaned[name]) is not None else base[name] for name in FIELD_NAMES}

    conflicts: tuple[str, ...] = ()
    if note is None or base_version == note.version:
        result, kind = sent, RevisionKind.save
    else:
        result = {}
        for name in FIELD_NAMES:
            merged = merge_text(base=base[name], theirs=current[name], yours=sent[name])
            result[name] = merged.text
            if merged.conflicted:
                conflicts = (*conflicts, name)
        if not conflicts and len(result["body"].encode()) > MAX_NOTES_BYTES:
            conflicts = ("body",)  # merged past the limit: kept aside like a clash, for a person to trim
        kind = RevisionKind.conflict if conflicts else RevisionKind.merge

    if result == current and not conflicts:
        unsaved = note if note is not None else Note(event_id=event_id, topic_id=topic_id)  # version 0, empty
        return _written(event_id, SaveResult(outcome="unchanged", note=unsaved, revision=None, sent=sent))

    if note is None:
        note = Note(event_id=event_id, topic_id=topic_id)
        session.add(note)
        session.flush()
    elif kind == RevisionKind.save and (burst := _foldable(session, note, latest, author, now, fold_within)):
        _fold(session, note, burst, result, latest + 1, now)
        _apply(note, result, burst, author, now)
        session.flush()
        return _written(event_id, SaveResult(outcome="saved", note=note, revision=burst, sent=sent))
    revision = NoteRevision(
        note_id=id_of(note),
        version=latest + 1,
        kind=kind,
        base_version=base_version,
        author_name=author.name,
        author_id=author.attendee_id,
        submitted=sent if kind == RevisionKind.merge and result != sent else None,
        created_at=now,
    )
    _set_fields(revision, sent if kind == RevisionKind.conflict else result)
    session.add(revision)
    if kind == RevisionKind.conflict:
        session.flush()
        return _written(
            event_id, SaveResult(outcome="conflict", note=note, revision=revision, sent=sent, conflicts=conflicts)
        )
    _apply(note, result, revision, author, now)
    session.flush()
    outcome: Outcome = "merged" if kind == RevisionKind.merge else "saved"
    return _written(event_id, SaveResult(outcome=outcome, note=note, revision=revision, sent=sent))


def restore_revision(
    *, session: Session, event_id: int, topic_id: int, actor: Actor, version: int
) -> Written[SaveResult]:
    """Make an earlier revision's text the notes again, as a new `restore` revision."""
    author = _author(session, actor, event_id)
    _topic, note = _open_for_writing(session, event_id, topic_id, actor)
    old = _revision(session, note, version) if note else None
    if note is None or old is None:
        raise _no_version(session, note, version)
    restored = _fields_of(old)
    if restored == _fields_of(note):
        return _written(event_id, SaveResult(outcome="unchanged", note=note, revision=None, sent=restored))
    revision = NoteRevision(
        note_id=id_of(note),
        version=_latest_number(session, note) + 1,
        kind=RevisionKind.restore,
        base_version=note.version,
        author_name=author.name,
        author_id=author.attendee_id,
    )
    _set_fields(revision, restored)
    session.add(revision)
    _apply(note, restored, revision, author, utcnow())
    session.flush()
    return _written(event_id, SaveResult(outcome="restored", note=note, revision=revision, sent=restored))


@dataclass(frozen=True)
class _Author:
    name: str
    attendee_id: int | None
    listed: bool = True  # the attendee's choice: the notes' "saved by" line says "a participant" otherwise


def _author(session: Session, actor: Actor, event_id: int) -> _Author:
    """Who a revision is credited to: the attendee by their name, else the facilitator; a visitor is refused."""
    actor.check_in(event_id)
    if actor.author_name is None:
        raise NotAuthenticated(_("Join the event first to write in these notes."))
    attendee = session.get(Attendee, actor.attendee_id) if actor.attendee_id is not None else None
    listed = attendee.name_listed if attendee is not None else True
    return _Author(name=actor.author_name, attendee_id=actor.attendee_id, listed=listed)


def _written(event_id: int, result: SaveResult) -> Written[SaveResult]:
    """Every new revision is announced (a conflict too: the history grew), a save that changed nothing isn't."""
    if result.revision is None:
        return Written(result, None)
    return Written(result, BoardChange.of(event_id, "notes", notes_topic_ids={result.note.topic_id}))


def _base_fields(session: Session, note: Note, version: int) -> Fields:
    """The text a stale save was based on: that revision's, or, for a version folded away since, its text as
    kept; past FOLDED_VERSIONS_KEPT, the text the burst it was folded into started from."""
    if version == 0:
        return _fields_of(None)
    if (revision := _revision(session, note, version)) is not None:
        return _fields_of(revision)
    folded = exec_select(
        session,
        select(FoldedVersion).where(col(FoldedVersion.note_id) == id_of(note), col(FoldedVersion.version) == version),
    ).scalar_one_or_none()
    if folded is not None:
        return _fields_of(folded)
    # An older base than the one the editor saw: lines its author added in that burst may come twice in the
    # merge, but none is dropped (a base newer than what the editor saw would overwrite them instead).
    burst = _revision_after(session, note, version)
    if burst is None or burst.base_version >= version:
        return _fields_of(None)
    return _base_fields(session, note, burst.base_version)


# --- The fold rule ----------------------------------------------------------------------------------


def _foldable(
    session: Session, note: Note, latest: int, author: _Author, now: datetime, within: timedelta | None
) -> NoteRevision | None:
    """The revision this plain save folds into: the latest, a plain save too, by the same author, recent."""
    if not within or note.version != latest:  # folding off, or a conflict was kept aside after the notes
        return None
    revision = _revision(session, note, latest)
    if revision is None or revision.kind != RevisionKind.save or not _same_author(revision, author):
        return None
    return revision if now - _aware(revision.created_at) <= within else None


def _same_author(revision: NoteRevision, author: _Author) -> bool:
    """The same attendee (by id: names are not unique), or the same facilitator again (who has no attendee id;
    the team's names are unique, app/services/team.py)."""
    if author.attendee_id is not None:
        return revision.author_id == author.attendee_id
    # author_id is also None once an attendee is removed: their revisions keep their own name, which a member of
    # the team could share; only a save within the fold window (a minute) could fold into one of those.
    return revision.author_id is None and revision.author_name == author.name


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)  # SQLite hands back naive UTC


def _fold(session: Session, note: Note, revision: NoteRevision, fields: Fields, version: int, now: datetime) -> None:
    """Put the new text into the burst's revision under the new number; keep the text it had as a merge base.

    The revision keeps its kind and its `base_version` (the version the burst started on), so its diff shows
    the whole burst.
    """
    note_id = id_of(note)
    kept = FoldedVersion(note_id=note_id, version=revision.version)
    _set_fields(kept, _fields_of(revision))
    session.add(kept)
    revision.version = version
    _set_fields(revision, fields)
    revision.created_at = now
    session.flush()
    oldest_kept = exec_select(
        session,
        select(col(FoldedVersion.version))
        .where(col(FoldedVersion.note_id) == note_id)
        .order_by(col(FoldedVersion.version).desc())
        .offset(FOLDED_VERSIONS_KEPT - 1)
        .limit(1),
    ).scalar_one_or_none()
    if oldest_kept is not None:
        session.exec(
            delete(FoldedVersion).where(col(FoldedVersion.note_id) == note_id, col(FoldedVersion.version) < oldest_kept)
        )


def _set_fields(row: Note | NoteRevision | FoldedVersion, fields: Fields) -> None:
    for name in FIELD_NAMES:
        setattr(row, name, fields[name])


def _apply(note: Note, fields: Fields, revision: NoteRevision, author: _Author, now: datetime) -> None:
    _set_fields(note, fields)
    note.version = revision.version
    note.updated_at = now
    # Stored as everyone may read it: the "saved by" line goes to every open notes page in one copy
    # (app/realtime/notes_view.py). The revision keeps the author's own name, shown by app/services/privacy.py.
    note.updated_by = listed_name(author.name, listed=author.listed) or author.name


# --- Diffs ------------------------------------------------------------------------------------------


def diff_lines(old: str, new: str, *, context: int = 3) -> list[DiffLine]:
    """What changed from `old` to `new`, line by line, with `context` unchanged lines around each change."""
    old_lines, new_lines = old.splitlines(), new.splitlines()
    out: list[DiffLine] = []
    for group in difflib.SequenceMatcher(a=old_lines, b=new_lines, autojunk=False).get_grouped_opcodes(context):
        if out:
            out.append(DiffLine("gap", "…"))
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                out.extend(DiffLine("same", line) for line in old_lines[i1:i2])
                continue
            out.extend(DiffLine("removed", line) for line in old_lines[i1:i2])
            out.extend(DiffLine("added", line) for line in new_lines[j1:j2])
    return out
