"""Loading a JSON export (`hallway-event`, version 1, 2 or 3) into this instance as a new event, in one transaction.

Themes, rooms, slots, placements, pins, attendance and topic constraints go through the same services as on the
day, so every rule of the wall holds for imported data too (no overlapping slots, no convener in two rooms
at once, no topic kept apart from itself). Votes,
attendees and notes are written as rows, after checks of their own: the phase switches that guard them
on the day (proposals closed, voting closed) do not apply to a record of what happened. Attendees get
new secret tokens (the export holds none); the event gets a new facilitator key.

Any problem raises a DomainError naming the part of the document at fault; the caller's transaction
is then rolled back, so an import is never half-written.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from pydantic import ValidationError
from sqlmodel import Session

from app.exporters.json import FORMAT, READABLE_VERSIONS, EventDocument, NoteFieldsPart, TopicPart
from app.models import (
    Attendee,
    Event,
    Note,
    NoteRevision,
    RevisionKind,
    Topic,
    TopicConvener,
    TopicStatus,
    Vote,
    id_of,
)
from app.models.attendee import DISPLAY_NAME_MAX
from app.models.enums import ACTIVE_TOPIC_STATUSES
from app.models.event import EventUpdate, settings_of
from app.models.note import MAX_FIELD_CHARS, MAX_NOTES_BYTES, MAX_URL_CHARS
from app.models.topic import DESCRIPTION_MAX, TITLE_MAX
from app.models.topic_convener import CO_CONVENERS_MAX
from app.services import attendance, events, placements, themes, tokens, topic_constraints, wall_setup
from app.services.actors import Actor
from app.services.errors import DomainError, InvalidInput
from app.services.text import clean_line, clean_text

NAME_MAX = 40  # a revision's author and the notes' last editor: display names


@dataclass(frozen=True)
class Imported:
    event: Event
    facilitator_key: str  # in clear only here, as when an event is created
    counts: dict[str, int] = field(default_factory=dict)


def parse_document(raw: bytes | str) -> EventDocument:
    """The export's text as a checked document; InvalidInput with the first problems otherwise."""
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as error:
        raise InvalidInput(f"This file is not JSON ({error}).") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise InvalidInput(f'This is not a Hallway event export: its "format" is not "{FORMAT}".')
    if data.get("version") not in READABLE_VERSIONS:
        *earlier, last = (str(v) for v in READABLE_VERSIONS)
        readable = f"{', '.join(earlier)} and {last}" if earlier else last
        raise InvalidInput(
            f"This export is version {data.get('version')!r}; this Hallway reads versions {readable}. "
            "Import it with the Hallway version that made it, or a newer one."
        )
    try:
        return EventDocument.model_validate(data)
    except ValidationError as error:
        problems = [
            f"{'.'.join(str(part) for part in problem['loc'])}: {problem['msg']}" for problem in error.errors()[:5]
        ]
        raise InvalidInput(f"The export is not valid: {'; '.join(problems)}.") from None


def import_event(*, session: Session, document: EventDocument, slug: str | None = None) -> Imported:
    """A new event holding everything in the document, under its slug or `slug`; Conflict if that is taken.

    A flow of many writes in the caller's transaction, returning plain values: the event is new, so no
    live page can be open on it and there is no change to announce.
    """
    for name, parts in (
        ("themes", document.themes),
        ("rooms", document.rooms),
        ("slots", document.slots),
        ("attendees", document.attendees),
        ("topics", document.topics),
    ):
        _unique_ids(name, (part.id for part in parts))
    doc_event = document.event
    created = events.create_event(
        session=session,
        name=doc_event.name,
        slug=slug or doc_event.slug,
        timezone=doc_event.timezone,
        date=doc_event.date,
        join_code=doc_event.join_code,
        votes_per_attendee=doc_event.votes_per_attendee,
    ).result
    event = created.event
    event_id = id_of(event)
    # Every setting the document carries, those create_event took included (set again, to the same values).
    settings = EventUpdate.model_validate(settings_of(doc_event))
    events.update_event(session=session, event_id=event_id, update=settings)

    # In the order their positions give (the document lists them so); each gets the next position here.
    theme_ids: dict[str, int] = {}
    ordered = sorted(enumerate(document.themes), key=lambda item: (item[1].position, item[0]))
    for _, theme in ordered:
        with _context(f"theme '{theme.id}'"):
            added_theme = themes.add_theme(
                session=session, event_id=event_id, name=theme.name, description=theme.description, mark=theme.mark
            ).result
        theme_ids[theme.id] = id_of(added_theme)

    rooms: dict[str, int] = {}
    for room in document.rooms:
        with _context(f"room '{room.id}'"):
            added = wall_setup.add_room(
                session=session,
                event_id=event_id,
                name=room.name,
                capacity=room.capacity,
                location_notes=room.location_notes,
            ).result
        rooms[room.id] = id_of(added)

    slots: dict[str, int] = {}
    for slot in document.slots:
        with _context(f"slot '{slot.id}'"):
            added_slot = wall_setup.add_slot(
                session=session,
                event_id=event_id,
                starts_at=slot.starts_at,
                ends_at=slot.ends_at,
                label=slot.label,
                kind=slot.kind,
            ).result
        slots[slot.id] = id_of(added_slot)

    people: dict[str, int] = {}
    for person in document.attendees:
        with _context(f"attendee '{person.id}'"):
            attendee = Attendee(
                event_id=event_id,
                display_name=clean_line(
                    person.display_name, field="display_name", label="The name", max_length=DISPLAY_NAME_MAX
                ),
                token_hash=tokens.hash_secret(tokens.new_secret()),
                created_at=_utc(person.joined_at),
            )
        session.add(attendee)
        session.flush()
        people[person.id] = id_of(attendee)

    def person_ref(ref: str | None, where: str) -> int | None:
        if ref is None:
            return None
        if ref not in people:
            raise InvalidInput(f"{where}: '{ref}' is not one of the attendees.")
        return people[ref]

    topics: dict[str, Topic] = {}
    for part in document.topics:
        with _context(f"topic '{part.id}'"):
            topic = Topic(
                event_id=event_id,
                title=clean_line(part.title, field="title", label="The title", max_length=TITLE_MAX),
                description=clean_text(
                    part.description, field="description", label="The description", max_length=DESCRIPTION_MAX
                ),
                convener_id=person_ref(part.convener, "its convener"),
                theme_id=_theme_ref(theme_ids, part.theme),
                status=TopicStatus.proposed,
            )
            _check_status(part)
        session.add(topic)
        session.flush()
        topics[part.id] = topic

    for part in document.topics:
        if part.merged_into is not None:
            if part.merged_into not in topics or part.merged_into == part.id:
                raise InvalidInput(f"topic '{part.id}': it was merged into '{part.merged_into}', which is not a topic.")
            topics[part.id].merged_into_id = id_of(topics[part.merged_into])

    # Before the placements: placing checks that none of a topic's conveners is in two rooms at once.
    _add_co_conveners(session, document, topics, person_ref)
    _add_votes(session, document, topics, people, budget=doc_event.votes_per_attendee)

    # Placements, while every topic is still "proposed" (placing takes active topics only), then statuses.
    facilitator = Actor.facilitator(event_id)
    for part in document.topics:
        if part.placement is None:
            continue
        with _context(f"topic '{part.id}' ({part.title[:40]})"):
            if part.placement.room not in rooms or part.placement.slot not in slots:
                raise InvalidInput(f"its placement names a room or slot that is not in the export ({part.placement}).")
            placements.place_topic(
                session=session,
                event_id=event_id,
                actor=facilitator,
                topic_id=id_of(topics[part.id]),
                room_id=rooms[part.placement.room],
                slot_id=slots[part.placement.slot],
            )
            if part.placement.pinned:
                placements.set_pinned(
                    session=session, event_id=event_id, actor=facilitator, topic_id=id_of(topics[part.id]), pinned=True
                )
    _add_constraints(session, event_id, document, topics, facilitator)
    for part in document.topics:
        topics[part.id].status = TopicStatus(part.status)

    going_per_slot: set[tuple[str, str]] = set()
    for part in document.topics:
        if not part.going:
            continue
        if part.placement is None:
            raise InvalidInput(f"topic '{part.id}': people are going to it, but it has no placement.")
        for ref in part.going:
            attendee_id = person_ref(ref, f"topic '{part.id}', going")
            if (ref, part.placement.slot) in going_per_slot:
                raise InvalidInput(f"attendee '{ref}' is going to two sessions in slot '{part.placement.slot}'.")
            going_per_slot.add((ref, part.placement.slot))
            assert attendee_id is not None
            with _context(f"topic '{part.id}', going"):
                attendance.attend(
                    session=session,
                    attendee_id=attendee_id,
                    slot_id=slots[part.placement.slot],
                    topic_id=id_of(topics[part.id]),
                )

    notes = 0
    for part in document.topics:
        if part.notes is not None:
            _add_notes(session, event_id, part, topics[part.id], person_ref)
            notes += 1

    # Last, so that nothing above touches them: the times the export recorded.
    for part in document.topics:
        topics[part.id].created_at = _utc(part.created_at)
        topics[part.id].updated_at = _utc(part.updated_at)
        session.add(topics[part.id])
    session.flush()
    return Imported(
        event=event,
        facilitator_key=created.facilitator_key,
        counts={
            **({"themes": len(theme_ids)} if theme_ids else {}),  # said only when there are any, as before
            "rooms": len(rooms),
            "slots": len(slots),
            "attendees": len(people),
            "topics": len(topics),
            "votes": sum(len(part.votes) for part in document.topics),
            "notes": notes,
        },
    )


def _add_co_conveners(
    session: Session,
    document: EventDocument,
    topics: dict[str, Topic],
    person_ref: Callable[[str | None, str], int | None],
) -> None:
    """Each topic's co-conveners, as having accepted (the export lists no invitation still open)."""
    for part in document.topics:
        where = f"topic '{part.id}', co-conveners"
        if len(set(part.co_conveners)) != len(part.co_conveners):
            raise InvalidInput(f"{where}: someone is listed twice.")
        if part.convener is not None and part.convener in part.co_conveners:
            raise InvalidInput(f"{where}: '{part.convener}' is its convener already.")
        if len(part.co_conveners) > CO_CONVENERS_MAX:
            raise InvalidInput(f"{where}: at most {CO_CONVENERS_MAX}.")
        topic = topics[part.id]
        for ref in part.co_conveners:
            attendee_id = person_ref(ref, where)
            assert attendee_id is not None
            proposed = _utc(part.created_at)  # the export keeps no time of its own for this
            session.add(
                TopicConvener(topic_id=id_of(topic), attendee_id=attendee_id, invited_at=proposed, accepted_at=proposed)
            )
    session.flush()


def _add_votes(
    session: Session,
    document: EventDocument,
    topics: dict[str, Topic],
    people: dict[str, int],
    *,
    budget: int,
) -> None:
    spent: Counter[str] = Counter()
    for part in document.topics:
        seen: set[str] = set()
        for ref in part.votes:
            if ref not in people:
                raise InvalidInput(f"topic '{part.id}', votes: '{ref}' is not one of the attendees.")
            if ref in seen:
                raise InvalidInput(f"topic '{part.id}', votes: '{ref}' votes for it twice (one dot per topic).")
            seen.add(ref)
            if part.status in ACTIVE_TOPIC_STATUSES:
                spent[ref] += 1
            session.add(Vote(attendee_id=people[ref], topic_id=id_of(topics[part.id])))
    over = [ref for ref, dots in spent.items() if dots > budget]
    if over:
        raise InvalidInput(f"attendee '{over[0]}' holds {spent[over[0]]} dots, more than the budget of {budget}.")
    session.flush()


def _add_constraints(
    session: Session, event_id: int, document: EventDocument, topics: dict[str, Topic], actor: Actor
) -> None:
    """The auto-scheduler's constraints, while every topic is still active. A pair listed on one side only
    is kept apart all the same (the export lists it on both); a pair with a retired topic is refused."""
    parts = {part.id: part for part in document.topics}
    partners: dict[str, set[str]] = {part.id: set() for part in document.topics}
    for part in document.topics:
        for ref in part.apart_from:
            if ref not in parts:
                raise InvalidInput(f"topic '{part.id}', apart_from: '{ref}' is not a topic.")
            for side in (part, parts[ref]):
                if side.status not in ACTIVE_TOPIC_STATUSES:
                    raise InvalidInput(
                        f"topic '{part.id}', apart_from: '{side.id}' is {side.status}; only active topics are kept "
                        "apart."
                    )
            partners[part.id].add(ref)
            partners[ref].add(part.id)
    for part in document.topics:
        if (part.not_before, part.not_after, part.min_room_capacity) == (None, None, None) and not partners[part.id]:
            continue
        with _context(f"topic '{part.id}'"):
            topic_constraints.set_constraints(
                session=session,
                event_id=event_id,
                actor=actor,
                topic_id=id_of(topics[part.id]),
                not_before=part.not_before,
                not_after=part.not_after,
                min_room_capacity=part.min_room_capacity,
                apart_from=[id_of(topics[ref]) for ref in partners[part.id]],
            )


def _add_notes(
    session: Session,
    event_id: int,
    part: TopicPart,
    topic: Topic,
    person_ref: Callable[[str | None, str], int | None],
) -> None:
    notes = part.notes
    assert notes is not None
    where = f"topic '{part.id}', notes"
    _check_note_fields(notes, where)
    versions = [revision.version for revision in notes.revisions]
    if len(set(versions)) != len(versions):
        raise InvalidInput(f"{where}: two revisions have the same version.")
    note = Note(
        event_id=event_id,
        topic_id=id_of(topic),
        version=notes.version,
        created_at=_utc(notes.created_at),
        updated_at=_utc(notes.updated_at),
        updated_by=_name(notes.updated_by, where),
        body=notes.body,
        key_points=notes.key_points,
        actions=notes.actions,
        continue_url=notes.continue_url,
        attendees_text=notes.attendees_text,
    )
    session.add(note)
    session.flush()
    for revision in notes.revisions:
        _check_note_fields(revision, f"{where}, revision {revision.version}")
        if revision.submitted is not None:
            _check_note_fields(
                NoteFieldsPart.model_validate(revision.submitted), f"{where}, revision {revision.version}"
            )
        author_id = person_ref(revision.author, f"{where}, revision {revision.version}")
        session.add(
            NoteRevision(
                note_id=id_of(note),
                version=revision.version,
                kind=RevisionKind(revision.kind),
                base_version=revision.base_version,
                submitted=revision.submitted,
                author_name=_name(revision.author_name, where),
                author_id=author_id,
                created_at=_utc(revision.created_at),
                body=revision.body,
                key_points=revision.key_points,
                actions=revision.actions,
                continue_url=revision.continue_url,
                attendees_text=revision.attendees_text,
            )
        )
    session.flush()


def _check_note_fields(fields: NoteFieldsPart, where: str) -> None:
    if len(fields.body.encode()) > MAX_NOTES_BYTES:
        raise InvalidInput(f"{where}: the notes are longer than {MAX_NOTES_BYTES // 1024} KB.")
    for name in ("key_points", "actions", "attendees_text"):
        if len(getattr(fields, name)) > MAX_FIELD_CHARS:
            raise InvalidInput(f"{where}: {name} is longer than {MAX_FIELD_CHARS} characters.")
    if len(fields.continue_url) > MAX_URL_CHARS:
        raise InvalidInput(f"{where}: continue_url is longer than {MAX_URL_CHARS} characters.")


def _name(name: str, where: str) -> str:
    if len(name) > NAME_MAX:
        raise InvalidInput(f"{where}: the name '{name[:NAME_MAX]}…' is longer than {NAME_MAX} characters.")
    return name


def _theme_ref(theme_ids: dict[str, int], ref: str | None) -> int | None:
    if ref is None:
        return None
    if ref not in theme_ids:
        raise InvalidInput(f"its theme '{ref}' is not one of the themes.")
    return theme_ids[ref]


def _check_status(part: TopicPart) -> None:
    if (part.status == "placed") != (part.placement is not None):
        raise InvalidInput(
            "a topic has a placement exactly when its status is 'placed' "
            f"(status '{part.status}', {'a' if part.placement else 'no'} placement)."
        )
    if part.merged_into is not None and part.status != "merged":
        raise InvalidInput(f"it names a topic it was merged into, but its status is '{part.status}'.")


def _unique_ids(kind: str, ids: Iterable[str]) -> None:
    counts = Counter(ids)
    doubled = [ref for ref, n in counts.items() if n > 1]
    if doubled:
        raise InvalidInput(f"{kind}: the id '{doubled[0]}' is used twice; ids must be unique.")


def _utc(moment: dt.datetime) -> dt.datetime:
    """Times in the export are UTC; one written without an offset is taken as UTC too."""
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment.astimezone(dt.UTC)


@contextmanager
def _context(where: str) -> Iterator[None]:
    """Prefix a domain error raised inside with the part of the document it is about."""
    try:
        yield
    except DomainError as error:
        error.message = f"{where}: {error.message}"
        error.args = (error.message,)
        raise
