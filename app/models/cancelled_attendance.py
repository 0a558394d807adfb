"""A CancelledAttendance: someone's "I'm going" to a session that then left the wall, kept for their calendar feed.

Taking a topic off the wall (by hand, by the auto-scheduler, or by withdrawing, hiding or merging it) ends the
"I'm going"s that pointed at it. A calendar that had the session would otherwise see it vanish, which many
calendars read as "nothing changed" and keep showing it; this row lets the person's feed say it is cancelled.
"""

from datetime import datetime

from sqlalchemy import DateTime, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.models._base import utcnow


class CancelledAttendance(SQLModel, table=True):
    __tablename__ = "cancelled_attendance"
    # One per person and session: cancelled again after coming back, the row says the latest time.
    __table_args__ = (UniqueConstraint("attendee_id", "topic_id", name="uq_cancelled_attendance_attendee_topic"),)

    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="event.id", index=True, ondelete="CASCADE")
    attendee_id: int = Field(foreign_key="attendee.id", index=True, ondelete="CASCADE")
    topic_id: int = Field(foreign_key="topic.id", ondelete="CASCADE")
    # When the session was to be, in the venue's wall-clock time (like Slot.starts_at): the slot may be gone.
    starts_at: datetime = Field(sa_type=DateTime())
    ends_at: datetime = Field(sa_type=DateTime())
    cancelled_at: datetime = Field(default_factory=utcnow)
