"""An Attendee: one person in one event, recognised by a secret token."""

import re
from datetime import datetime
from typing import Annotated

from sqlmodel import Field, SQLModel

from app.i18n import _
from app.models._base import said, utcnow
from app.models.event import JOIN_CODE_MAX

DISPLAY_NAME_MAX = 40

# What lists say instead of a person's name (app/services/privacy.py): for someone who chose not to be listed,
# and for someone who removed themselves (or was removed) from the event. Kept here, below the services and
# the exporters, because both write them.
# PARTICIPANT is put in place of a name when a list is read, so it is shown in the reader's language (a `Text`:
# still equal to the English, which the API answers); FORMER_PARTICIPANT is stored in place of the name, as is.
PARTICIPANT = _("a participant")
FORMER_PARTICIPANT = "a former participant"
# How a list of names ends for the people in it who are not listed by name ("Ada, Bo and 3 others"); the
# notes' "who came" starts from such a list, and the exports count its people back from it.
OTHERS_LINE = re.compile(r"and (\d{1,6}) others?", re.IGNORECASE)


def others_line(count: int) -> str:
    return "" if count <= 0 else ("and 1 other" if count == 1 else f"and {count} others")


class Attendee(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="event.id", index=True, ondelete="CASCADE")
    display_name: str = Field(max_length=DISPLAY_NAME_MAX)
    # SHA-256 of the secret part of the token; the token itself is never stored.
    token_hash: str = Field(max_length=64)
    created_at: datetime = Field(default_factory=utcnow)
    # Set when the facilitator bans the attendee: their token is refused from then on, their topics hidden.
    banned_at: datetime | None = None
    # Whether lists others read (conveners, notes authors, who is going, exports) carry this person's name;
    # otherwise they say "a participant". Listed by default: an open space is people talking with each other
    # by name, and most come to be found; who would rather not says so when joining or later (and on an event
    # with a join code, outsiders read no names at all anyway).
    name_listed: bool = True
    # Set when the person removed themselves ("forget me"), or the facilitator removed them: the name is gone
    # (FORMER_PARTICIPANT), their dots and "I'm going"s too, and the token is refused with a sentence that says
    # so. The row stays, so that topics and notes revisions keep someone to be credited to.
    removed_at: datetime | None = None
    removed_by_facilitator: bool = False


class AttendeeCreate(SQLModel):
    display_name: Annotated[str, said(minLength=1, maxLength=DISPLAY_NAME_MAX)]
    join_code: Annotated[str | None, said(maxLength=JOIN_CODE_MAX)] = None
    # False: others read "a participant" instead of the name (app/services/privacy.py).
    name_listed: bool = True


class AttendeeUpdate(SQLModel):
    """What an attendee changes about themselves (PATCH /api/events/{slug}/me)."""

    name_listed: bool | None = None


class AttendeeJoined(SQLModel):
    id: int
    display_name: str
    name_listed: bool = True
    token: str


class AttendeeRemoved(SQLModel):
    """The answer to "forget me" (or the facilitator's removal): who it was, and what went with them."""

    id: int
    display_name: str  # FORMER_PARTICIPANT from now on
    removed: bool
    votes_removed: int
    attendance_removed: int
    topics_kept: int  # still on offer, credited to FORMER_PARTICIPANT


class AttendeeBanned(SQLModel):
    """A ban's answer: who, and which of their topics were hidden with them (their dots and attendance went too)."""

    id: int
    display_name: str
    banned: bool
    hidden_topic_ids: list[int]
