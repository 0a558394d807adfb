"""Who may see people's names: on an event with a join code, only the people in it.

An event without a join code is open to anyone with its link, and so are the names on it. With a join code,
names on topics, notes authors and who is going where are for those who joined (and the facilitator);
anything anyone can read without joining (the venue screen, its live feed, the API without a token) says
"a participant" instead, and shows counts, never names.
"""

from __future__ import annotations

from app.models import Event
from app.services.actors import FACILITATOR_NAME, Actor

PARTICIPANT = "a participant"


def names_shown(event: Event, actor: Actor | None) -> bool:
    return not event.join_code or (actor is not None and actor.is_known)


def shown_name(name: str | None, *, shown: bool) -> str | None:
    """An attendee's name as this reader may see it; the facilitator's role name is no one's to hide."""
    if shown or name is None or name == FACILITATOR_NAME:
        return name
    return PARTICIPANT
