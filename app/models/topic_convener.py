"""TopicConvener: an attendee who convenes a topic beside the one who proposed it (a co-convener).

A row is an invitation until the invitee accepts it (`accepted_at`); only accepted rows make a co-convener.
The topic's own `convener_id` stays its main convener: the one who proposed it, who alone withdraws it and
removes co-conveners (app/services/co_conveners.py).
"""

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from app.models._base import MAX_ROW_ID, utcnow

# A pair is plenty, a panel of four is the most a conversation in a circle holds: more is a plenary.
CO_CONVENERS_MAX = 4
# What a convener types to find someone to invite (a name is at most DISPLAY_NAME_MAX, app/models/attendee.py).
PERSON_SEARCH_MAX = 40


class TopicConvener(SQLModel, table=True):
    __tablename__ = "topic_convener"
    # One row per person and topic: invited twice is refused, not stored twice. Leads with topic_id, so it
    # is also the index of a topic's conveners.
    __table_args__ = (UniqueConstraint("topic_id", "attendee_id", name="uq_topic_convener_pair"),)

    id: int | None = Field(default=None, primary_key=True)
    topic_id: int = Field(foreign_key="topic.id", ondelete="CASCADE")
    attendee_id: int = Field(foreign_key="attendee.id", index=True, ondelete="CASCADE")
    invited_at: datetime = Field(default_factory=utcnow)
    accepted_at: datetime | None = None  # None: invited, not (yet) accepted


class ConvenerInvite(SQLModel):
    attendee_id: int = Field(ge=1, le=MAX_ROW_ID, description="the attendee of this event to invite")


class ConvenerPublic(SQLModel):
    """One convener of a topic: its main convener (who proposed it), or a co-convener, invited or accepted."""

    attendee_id: int | None = Field(description="null for a topic from the facilitator")
    name: str | None = Field(description="as this reader may read it: “a participant” for someone not listed")
    main: bool = Field(description="the main convener: withdraws the topic and removes co-conveners")
    accepted: bool = Field(
        description="false: invited, not accepted yet (listed to the topic's conveners, the invitee and the "
        "facilitator only)"
    )
    invited_at: datetime | None = Field(default=None, description="null for the main convener")
    accepted_at: datetime | None = Field(default=None, description="null for the main convener, and until accepted")


class CoConvenerPublic(SQLModel):
    """A co-convener as a topic's JSON lists it (accepted ones only)."""

    attendee_id: int
    name: str | None
