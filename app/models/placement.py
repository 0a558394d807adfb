"""A Placement: a topic in one (room, slot) cell of the agenda wall."""

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from app.models._base import MAX_ROW_ID


class Placement(SQLModel, table=True):
    # The database enforces the wall's rules too, so that two facilitators dropping topics at the
    # same instant (even on two workers) can never both win.
    __table_args__ = (
        UniqueConstraint("room_id", "slot_id", name="uq_placement_cell"),
        UniqueConstraint("slot_id", "convener_id", name="uq_placement_convener_slot"),
    )

    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="event.id", index=True, ondelete="CASCADE")
    topic_id: int = Field(foreign_key="topic.id", unique=True, ondelete="CASCADE")
    room_id: int = Field(foreign_key="room.id", ondelete="CASCADE")
    slot_id: int = Field(foreign_key="slot.id", ondelete="CASCADE")
    # Copied from the topic (conveners never change) so that the clash rule is a unique index;
    # NULL for facilitator-convened topics, which may run side by side.
    convener_id: int | None = Field(default=None, foreign_key="attendee.id", ondelete="CASCADE")
    # The facilitator's "keep this one here": the auto-scheduler leaves pinned placements where they are.
    # Moving a placement by hand keeps its pin; taking the topic off the wall deletes the row and the pin.
    pinned: bool = Field(default=False, sa_column_kwargs={"server_default": "0"})


class PlacementSet(SQLModel):
    room_id: int = Field(ge=1, le=MAX_ROW_ID)
    slot_id: int = Field(ge=1, le=MAX_ROW_ID)


class PlacementPublic(SQLModel):
    topic_id: int
    room_id: int
    slot_id: int
    pinned: bool


class PinSet(SQLModel):
    pinned: bool
