"""A Room at the venue: a column of the agenda wall."""

from typing import Annotated

from sqlmodel import Field, SQLModel

from app.models._base import said

ROOM_NAME_MAX = 60
LOCATION_NOTES_MAX = 500
MAX_ROOM_CAPACITY = 100_000


class Room(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="event.id", index=True, ondelete="CASCADE")
    name: str = Field(max_length=ROOM_NAME_MAX)
    capacity: int
    position: int = 0
    location_notes: str = Field(default="", max_length=LOCATION_NOTES_MAX)


class RoomCreate(SQLModel):
    name: Annotated[str, said(minLength=1, maxLength=ROOM_NAME_MAX)]
    capacity: Annotated[int, said(minimum=1, maximum=MAX_ROOM_CAPACITY)]
    location_notes: Annotated[str, said(maxLength=LOCATION_NOTES_MAX)] = ""


class RoomUpdate(SQLModel):
    name: Annotated[str | None, said(minLength=1, maxLength=ROOM_NAME_MAX)] = None
    capacity: Annotated[int | None, said(minimum=1, maximum=MAX_ROOM_CAPACITY)] = None
    location_notes: Annotated[str | None, said(maxLength=LOCATION_NOTES_MAX)] = None
    position: int | None = None


class RoomPublic(SQLModel):
    id: int
    name: str
    capacity: int
    position: int
    location_notes: str
