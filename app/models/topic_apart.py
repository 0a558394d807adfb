"""TopicApart: two topics that must not run in the same slot (a constraint for the auto-scheduler)."""

from sqlalchemy import CheckConstraint, UniqueConstraint
from sqlmodel import Field, SQLModel


class TopicApart(SQLModel, table=True):
    __tablename__ = "topic_apart"
    # One row per pair, the smaller id first: "A apart from B" and "B apart from A" are one fact.
    __table_args__ = (
        UniqueConstraint("topic_id", "other_topic_id", name="uq_topic_apart_pair"),
        CheckConstraint("topic_id < other_topic_id", name="ck_topic_apart_ordered"),
    )

    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="event.id", index=True, ondelete="CASCADE")
    topic_id: int = Field(foreign_key="topic.id", ondelete="CASCADE")
    # Indexed for the other side's lookups (and its cascade); topic_id leads the unique pair's index.
    other_topic_id: int = Field(foreign_key="topic.id", index=True, ondelete="CASCADE")
