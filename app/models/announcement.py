"""An Announcement: a short message from the facilitator to the board and every open page."""

from datetime import datetime
from typing import Annotated

from sqlmodel import Field, SQLModel

from app.models._base import said, utcnow

ANNOUNCEMENT_MAX = 280


class Announcement(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="event.id", index=True, ondelete="CASCADE")
    text: str = Field(max_length=ANNOUNCEMENT_MAX)
    created_at: datetime = Field(default_factory=utcnow)


class AnnouncementCreate(SQLModel):
    text: Annotated[str, said(minLength=1, maxLength=ANNOUNCEMENT_MAX)] = Field(
        description=f"what everyone should know now, up to {ANNOUNCEMENT_MAX} characters"
    )


class AnnouncementPublic(SQLModel):
    id: int
    text: str
    created_at: datetime
