"""An Attendee: one person in one event, recognised by a secret token."""

from datetime import datetime

from sqlmodel import Field, SQLModel

from app.models._base import utcnow


class Attendee(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="event.id", index=True, ondelete="CASCADE")
    display_name: str = Field(max_length=40)
    # SHA-256 of the secret part of the token; the token itself is never stored.
    token_hash: str = Field(max_length=64)
    created_at: datetime = Field(default_factory=utcnow)
    # Set when the facilitator bans the attendee: their token is refused from then on, their topics hidden.
    banned_at: datetime | None = None


class AttendeeCreate(SQLModel):
    display_name: str
    join_code: str | None = None


class AttendeeJoined(SQLModel):
    id: int
    display_name: str
    token: str
