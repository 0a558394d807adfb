"""A Room at the venue: a column of the agenda wall."""

from sqlmodel import Field, SQLModel


class Room(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="event.id", index=True, ondelete="CASCADE")
    name: str = Field(max_length=60)
    capacity: int
    position: int = 0
    location_notes: str = Field(default="", max_length=500)


class RoomCreate(SQLModel):
    name: str
    capacity: int
    location_notes: str = ""


class RoomUpdate(SQLModel):
    name: str | None = None
    capacity: int | None = None
    location_notes: str | None = None
    position: int | None = None


class RoomPublic(SQLModel):
    id: int
    name: str
    capacity: int
    position: int
    location_notes: str
