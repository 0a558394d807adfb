"""A Facilitator: one member of an event's facilitation team, with a secret link of their own.

Each member's key is stored as a hash only (app/services/tokens.py) and is replaceable on its own; a removed
member keeps their row (the activity list still says who did what) but their key and cookie are refused.
"""

from datetime import datetime
from typing import Annotated

from sqlmodel import Field, SQLModel

from app.models._base import said, utcnow

FACILITATOR_NAME_MAX = 40


class Facilitator(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="event.id", index=True, ondelete="CASCADE")
    name: str = Field(max_length=FACILITATOR_NAME_MAX)
    # SHA-256 of the member's key: unique, so a key finds its member in one indexed read.
    key_hash: str = Field(max_length=64, unique=True, index=True)
    created_at: datetime = Field(default_factory=utcnow)
    removed_at: datetime | None = None


class FacilitatorCreate(SQLModel):
    name: Annotated[str, said(minLength=1, maxLength=FACILITATOR_NAME_MAX)] = Field(
        description="how the team and the activity list call this person"
    )


class FacilitatorPublic(SQLModel):
    id: int
    name: str
    created_at: datetime
