"""A Slot: a time block, a row of the agenda wall."""

from datetime import datetime
from typing import Annotated

from sqlalchemy import DateTime, String
from sqlmodel import Field, SQLModel

from app.models._base import WallClock, WallClockIn, said
from app.models.enums import SlotKind

SLOT_LABEL_MAX = 60


class Slot(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="event.id", index=True, ondelete="CASCADE")
    # Wall-clock times at the venue, in the event's time zone: that is how organisers think of
    # a timetable, and it stays right if the event's date or zone is corrected later.
    starts_at: datetime = Field(sa_type=DateTime())
    ends_at: datetime = Field(sa_type=DateTime())
    label: str = Field(default="", max_length=SLOT_LABEL_MAX)
    kind: SlotKind = Field(default=SlotKind.sessions, sa_type=String(16))
    # The iCalendar SEQUENCE of a plenary or break: one more each time its times change.
    calendar_sequence: int = Field(default=0, sa_column_kwargs={"server_default": "0"})


class SlotCreate(SQLModel):
    starts_at: WallClockIn
    ends_at: WallClockIn
    label: Annotated[str, said(maxLength=SLOT_LABEL_MAX)] = ""
    kind: SlotKind = SlotKind.sessions


class SlotUpdate(SQLModel):
    starts_at: WallClockIn | None = None
    ends_at: WallClockIn | None = None
    label: Annotated[str | None, said(maxLength=SLOT_LABEL_MAX)] = None
    kind: SlotKind | None = None


class SlotPublic(SQLModel):
    id: int
    starts_at: WallClock
    ends_at: WallClock
    label: str
    kind: SlotKind
