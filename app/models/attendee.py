"""An Attendee: one person in one event, recognised by a secret token."""

from datetime import datetime
from typing import Annotated

from sqlmodel import Field, SQLModel

from app.models._base import said, utcnow
from app.models.event import JOIN_CODE_MAX

DISPLAY_NAME_MAX = 40


class Attendee(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="event.id", index=True, ondelete="CASCADE")
    display_name: str = Field(max_length=DISPLAY_NAME_MAX)
    # SHA-256 of the secret part of the token; the token itself is never stored.
    token_hash: str = Field(max_length=64)
    created_at: datetime = Field(default_factory=utcnow)
    # Set when the facilitator bans the attendee: their token is refused from then on, their topics hidden.
    banned_at: datetime | None = None


class AttendeeCreate(SQLModel):
    display_name: Annotated[str, said(minLength=1, maxLength=DISPLAY_NAME_MAX)]
    join_code: Annotated[str | None, said(maxLength=JOIN_CODE_MAX)] = None


class AttendeeJoined(SQLModel):
    id: int
    display_name: str
    token: str


class AttendeeBanned(SQLModel):
    """A ban's answer: who, and which of their topics were hidden with them (their dots and attendance went too)."""

    id: int
    display_name: str
    banned: bool
    hidden_topic_ids: list[int]
