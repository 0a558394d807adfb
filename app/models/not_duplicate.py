"""NotDuplicate: two topics the facilitator said are different conversations, never suggested as a pair again."""

from sqlalchemy import CheckConstraint, UniqueConstraint
from sqlmodel import Field, SQLModel


class NotDuplicate(SQLModel, table=True):
    __tablename__ = "not_duplicate"
    # One row per pair, the smaller id first, like TopicApart.
    __table_args__ = (
        UniqueConstraint("topic_id", "other_topic_id", name="uq_not_duplicate_pair"),
        CheckConstraint("topic_id < other_topic_id", name="ck_not_duplicate_ordered"),
    )

    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="event.id", index=True, ondelete="CASCADE")
    topic_id: int = Field(foreign_key="topic.id", ondelete="CASCADE")
    other_topic_id: int = Field(foreign_key="topic.id", index=True, ondelete="CASCADE")
