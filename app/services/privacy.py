"""Whose name a reader sees: the one rule every list of people goes through.

Two choices hide a name:
- the event's: on an event with a join code, names on topics, notes authors and who is going where are for
  those who joined (and the facilitator); anything anyone can read without joining (the venue screen, its
  live feed, the API without a token) says "a participant" instead, and shows counts, never names;
- the person's: an attendee may choose not to be listed (`Attendee.name_listed`). Then everyone but the
  facilitator and the person themselves reads "a participant" where the name would be.

What is rendered once for many readers (the board, the live pages' fragments, the exports) is for nobody in
particular, so it never holds the name of someone who chose not to be listed: `listed_name` is what those
copies carry. A removed attendee's name is already gone (FORMER_PARTICIPANT) and reads the same for everyone.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlmodel import Session, col

from app.db import exec_select
from app.models import Attendee, Event
from app.models.attendee import FORMER_PARTICIPANT, PARTICIPANT
from app.services.actors import FACILITATOR_NAME, Actor

__all__ = [
    "FORMER_PARTICIPANT",
    "PARTICIPANT",
    "Names",
    "listed_name",
    "names_for",
    "names_shown",
    "reader_names",
    "shown_name",
    "unlisted_ids",
]

# Names that belong to a role, not a person: nobody's to hide (join refuses them as display names).
_ROLE_NAMES = frozenset({FACILITATOR_NAME, FORMER_PARTICIPANT, PARTICIPANT})


def names_shown(event: Event, actor: Actor | None) -> bool:
    """The event's half of the rule: with a join code, names are for the people in it."""
    return not event.join_code or (actor is not None and actor.is_known)


def shown_name(name: str | None, *, shown: bool) -> str | None:
    """An attendee's name as this reader may see it; the facilitator's role name is no one's to hide."""
    if shown or name is None or name in _ROLE_NAMES:
        return name
    return PARTICIPANT


def listed_name(name: str | None, *, listed: bool) -> str | None:
    """The person's half of the rule, for what is rendered once for everyone (the board, live fragments,
    exports): the name only if its owner chose to be listed."""
    return shown_name(name, shown=listed)


@dataclass(frozen=True)
class Names:
    """How one reader sees the names of one event's people.

    `joined`: the reader may see names at all (names_shown). `unlisted`: the attendees who chose not to be
    listed. The reader always sees their own name, and the facilitator everyone's.
    """

    joined: bool
    unlisted: frozenset[int] = frozenset()
    reader_id: int | None = None
    facilitator: bool = False

    def name(self, name: str | None, person_id: int | None, *, listed: bool | None = None) -> str | None:
        """`name`, of the attendee `person_id`, as this reader may read it. `listed` is the person's choice
        when the caller has it at hand (read with the name); otherwise `unlisted` says."""
        if name is None or name in _ROLE_NAMES:
            return name
        if self.facilitator or (person_id is not None and person_id == self.reader_id):
            return name
        if listed is None:
            listed = person_id is None or person_id not in self.unlisted
        if not self.joined or not listed:
            return PARTICIPANT
        return name


def unlisted_ids(*, session: Session, event_id: int) -> frozenset[int]:
    """The event's attendees who chose to appear as "a participant"."""
    query = select(col(Attendee.id)).where(col(Attendee.event_id) == event_id, col(Attendee.name_listed).is_(False))
    return frozenset(i for i in exec_select(session, query).scalars() if i is not None)


def reader_names(event: Event, reader: Actor | None, *, unlisted: frozenset[int] = frozenset()) -> Names:
    """How this reader (None: anyone) sees the names of this event's people. Without `unlisted`, each name
    must come with its owner's choice (`Names.name(…, listed=…)`)."""
    if reader is None:
        return Names(joined=names_shown(event, None), unlisted=unlisted)
    return Names(
        joined=names_shown(event, reader),
        unlisted=unlisted,
        reader_id=reader.attendee_id,
        facilitator=reader.is_facilitator,
    )


def names_for(*, session: Session, event: Event, reader: Actor | None) -> Names:
    """`reader_names` with the event's unlisted attendees read: for lists whose rows carry only ids."""
    unlisted = unlisted_ids(session=session, event_id=event.id) if event.id is not None else frozenset()
    return reader_names(event, reader, unlisted=unlisted)
