"""A Topic: a proposed session."""

from datetime import datetime
from typing import Annotated

from sqlalchemy import DateTime, Index, String
from sqlmodel import Field, SQLModel

from app.models._base import MAX_ROW_ID, WallClock, said, utcnow
from app.models.enums import TopicStatus
from app.models.topic_convener import CoConvenerPublic

REQUEST_KEY_MAX = 64
TITLE_MAX = 120
DESCRIPTION_MAX = 2000
SEARCH_MAX = 100
# A title typed into the duplicate check: longer than a title may be (it is cut, never refused, below this).
SIMILAR_TITLE_MAX = 2000


class Topic(SQLModel, table=True):
    # A proposal sent again (a phone retrying after the connection dropped) finds the topic it made.
    __table_args__ = (Index("uq_topic_event_request_key", "event_id", "request_key", unique=True),)

    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="event.id", index=True, ondelete="CASCADE")
    title: str = Field(max_length=TITLE_MAX)
    description: str = Field(default="", max_length=DESCRIPTION_MAX)
    # None: convened by the facilitator.
    convener_id: int | None = Field(default=None, foreign_key="attendee.id", index=True, ondelete="SET NULL")
    # None: no theme. Removing a theme leaves its topics unthemed: app/services/themes.py clears them first.
    # (Not ON DELETE SET NULL: SQLite adds this column in place, where it can't reflect that clause back.)
    theme_id: int | None = Field(default=None, foreign_key="theme.id", index=True)
    status: TopicStatus = Field(default=TopicStatus.proposed, sa_type=String(16), index=True)
    merged_into_id: int | None = Field(default=None, foreign_key="topic.id", ondelete="SET NULL")
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    # For the auto-scheduler (app/services/topic_constraints.py): only a sessions slot starting at or
    # after not_before and ending at or before not_after, only a room of at least min_room_capacity.
    # Wall-clock times at the venue, like Slot.starts_at.
    not_before: datetime | None = Field(default=None, sa_type=DateTime())
    not_after: datetime | None = Field(default=None, sa_type=DateTime())
    min_room_capacity: int | None = None
    # The proposer's own name for this proposal (the form's, or an Idempotency-Key header): sent twice, one topic.
    request_key: str | None = Field(default=None, max_length=REQUEST_KEY_MAX)
    # The iCalendar SEQUENCE of this session: one more each time it is placed, moved in time or place, or taken
    # off the wall, so that calendars take the newest version of it (app/services/calendar_changes.py).
    calendar_sequence: int = Field(default=0, sa_column_kwargs={"server_default": "0"})


class TopicCreate(SQLModel):
    title: Annotated[str, said(minLength=1, maxLength=TITLE_MAX)]
    description: Annotated[str, said(maxLength=DESCRIPTION_MAX)] = ""
    theme_id: int | None = Field(default=None, ge=1, le=MAX_ROW_ID)


class TopicUpdate(SQLModel):
    title: Annotated[str | None, said(minLength=1, maxLength=TITLE_MAX)] = None
    description: Annotated[str | None, said(maxLength=DESCRIPTION_MAX)] = None
    # An explicit null takes the topic out of its theme; left out, the theme stays.
    theme_id: int | None = Field(default=None, ge=1, le=MAX_ROW_ID)


class TopicMerge(SQLModel):
    into_topic_id: int = Field(ge=1, le=MAX_ROW_ID)


class TopicPublic(SQLModel):
    id: int
    title: str
    description: str
    convener_id: int | None
    convener_name: str | None
    theme_id: int | None
    status: TopicStatus
    votes: int
    merged_into_id: int | None
    created_at: datetime
    # Who convenes it beside its convener, once they accepted (GET …/topics/{id}/conveners lists invitations too).
    co_conveners: list[CoConvenerPublic] = []


class SimilarTopicPublic(TopicPublic):
    """A topic that looks like the same conversation as a title being typed."""

    score: float = Field(ge=0, le=1, description="How alike, from 0 to 1; listed from the most alike.")


class DuplicatePairPublic(SQLModel):
    """Two live topics that look like one conversation, for the facilitator to merge or keep apart."""

    topic: TopicPublic
    other: TopicPublic
    score: float = Field(ge=0, le=1, description="How alike, from 0 to 1; listed from the most alike.")
    merge_from_id: int = Field(description="The suggested merge: this one (fewer dots) …")
    merge_into_id: int = Field(description="… into this one (more dots; on a tie, the older).")


class NotDuplicateCreate(SQLModel):
    topic_id: int = Field(ge=1, le=MAX_ROW_ID)
    other_topic_id: int = Field(ge=1, le=MAX_ROW_ID)


class TopicConstraintsSet(SQLModel):
    """What the auto-scheduler must respect for a topic; every field left out means "no constraint"."""

    not_before: WallClock | None = None
    not_after: WallClock | None = None
    min_room_capacity: int | None = None
    apart_from: list[Annotated[int, Field(ge=1, le=MAX_ROW_ID)]] = []


class TopicConstraintsPublic(SQLModel):
    topic_id: int
    not_before: WallClock | None
    not_after: WallClock | None
    min_room_capacity: int | None
    apart_from: list[int]
