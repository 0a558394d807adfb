"""A Vote: one dot from one attendee on one topic."""

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from app.models._base import utcnow


class Vote(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("attendee_id", "topic_id", name="uq_vote_attendee_topic"),)

    id: int | None = Field(default=None, primary_key=True)
    attendee_id: int = Field(foreign_key="attendee.id", index=True, ondelete="CASCADE")
    topic_id: int = Field(foreign_key="topic.id", index=True, ondelete="CASCADE")
    created_at: datetime = Field(default_factory=utcnow)


class VotePublic(SQLModel):
    topic_id: int
    voted: bool
    votes: int
    votes_left: int
    budget: int
