"""A Slot: a time block, a row of the agenda wall."""

from datetime import datetime

from sqlalchemy import DateTime, String
from sqlmodel import Field, SQLModel

from app.models.enums import SlotKind


class Slot(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="event.id", index=True, ondelete="CASCADE")
    # Wall-clock times at the venue, in the event's time zone: that is how organisers think of
    # a timetable, and it stays right if the event's date or zone is corrected later.
    starts_at: datetime = Field(sa_type=DateTime())
    ends_at: datetime = Field(sa_type=DateTime())
    label: str = Field(default="", max_length=60)
    kind: SlotKind = Field(default=SlotKind.sessions, sa_type=String(16))


class SlotCreate(SQLModel):
    starts_at: datetime
    ends_at: datetime
    label: str = ""
    kind: SlotKind = SlotKind.sessions


class SlotUpdate(SQLModel):
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    label: str | None = None
    kind: SlotKind | None = None


class SlotPublic(SQLModel):
    id: int
    starts_at: datetime
    ends_at: datetime
    label: str
    kind: SlotKind
