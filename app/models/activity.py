"""An Activity: one thing a facilitator did, in words, with what is needed to undo it (for the few that can be).

Written in the same transaction as the action itself (app/services/activity.py), never on the vote path.
"""

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, String
from sqlmodel import Field, SQLModel

from app.models._base import utcnow

ACTIVITY_SUMMARY_MAX = 300


class ActivityKind(StrEnum):
    hide = "hide"
    merge = "merge"
    place = "place"
    move = "move"
    swap = "swap"
    unplace = "unplace"
    pin = "pin"
    event = "event"  # phase switches and the event's settings
    theme = "theme"
    room = "room"
    slot = "slot"
    schedule = "schedule"
    ban = "ban"
    announce = "announce"
    team = "team"  # a member invited, removed, or their link replaced
    topic = "topic"  # a topic the team proposed, edited, withdrew, said when and where of, or gave co-conveners
    attendee = "attendee"  # someone the team removed from the event (forget me, on their behalf)
    undo = "undo"


# The kinds the activity list offers to undo (app/services/undo.py).
UNDOABLE_KINDS = frozenset({ActivityKind.hide, ActivityKind.merge, ActivityKind.unplace})


class Activity(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="event.id", index=True, ondelete="CASCADE")
    # Who: None only when the team member's row is gone with a deleted event (never shown then).
    facilitator_id: int | None = Field(default=None, foreign_key="facilitator.id", ondelete="SET NULL")
    kind: ActivityKind = Field(sa_type=String(16))
    # What was done, in words, after the doer's name: "placed “Who owns data?” in Studio at 10:30".
    summary: str = Field(max_length=ACTIVITY_SUMMARY_MAX)
    # The topics it touched: an undo is refused once a later action touched them (overtaken).
    topic_id: int | None = Field(default=None, foreign_key="topic.id", index=True, ondelete="SET NULL")
    other_topic_id: int | None = Field(default=None, foreign_key="topic.id", ondelete="SET NULL")
    # The attendee it concerned (a ban): named when the list is read, so that a name removed since is not kept here.
    attendee_id: int | None = Field(default=None, foreign_key="attendee.id", ondelete="SET NULL")
    # What an undo needs (the cell, the dots that moved…); None for what can't be undone.
    undo: dict[str, Any] | None = Field(default=None, sa_type=JSON)
    created_at: datetime = Field(default_factory=utcnow)
    undone_at: datetime | None = None
    undone_by_id: int | None = Field(default=None, foreign_key="facilitator.id", ondelete="SET NULL")
