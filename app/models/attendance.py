"""An Attendance: an attendee's "I'm going" to one placed topic in a slot."""

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from app.models._base import MAX_ROW_ID


class Attendance(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("attendee_id", "slot_id", name="uq_attendance_attendee_slot"),)

    id: int | None = Field(default=None, primary_key=True)
    attendee_id: int = Field(foreign_key="attendee.id", index=True, ondelete="CASCADE")
    slot_id: int = Field(foreign_key="slot.id", ondelete="CASCADE")
    topic_id: int = Field(foreign_key="topic.id", index=True, ondelete="CASCADE")


class AttendanceSet(SQLModel):
    topic_id: int = Field(ge=1, le=MAX_ROW_ID)


class AttendancePublic(SQLModel):
    slot_id: int
    topic_id: int | None
    going: int
    capacity: int | None
    room_full: bool
