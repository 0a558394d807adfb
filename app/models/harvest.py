"""What the harvest's API answers (GET /api/events/{slug}/harvest): no table, the HarvestPublic family.

The harvest itself is grouped by app/exporters/harvest.py; app/routes/api/harvest.py turns it into these.
"""

from typing import Literal

from sqlmodel import SQLModel

from app.models._base import WallClock
from app.models.event import EventPublic


class HarvestActionPublic(SQLModel):
    """One line of a session's actions: `what` — `owner` (null when the line names nobody after a dash)."""

    what: str
    owner: str | None
    line: str


class HarvestSessionPublic(SQLModel):
    topic_id: int
    title: str
    theme_id: int | None
    room: str | None
    slot: str | None
    starts_at: WallClock | None
    ends_at: WallClock | None
    # null where names are not shown (an event with a join code, read by someone who did not join).
    convener: str | None
    # How many came: the lines of the notes' "who came" when written ("notes"), else the "I'm going" count.
    came: int
    came_from: Literal["notes", "going"]
    key_points: str
    actions: list[HarvestActionPublic]
    continue_url: str | None
    has_notes: bool


class HarvestThemePublic(SQLModel):
    id: int
    name: str
    description: str
    mark: str
    symbol: str
    position: int
    has_notes: bool
    sessions: list[HarvestSessionPublic]


class HarvestGatheredActionPublic(HarvestActionPublic):
    """An action of the event's list, with its session and that session's theme (null: no theme)."""

    topic_id: int
    title: str
    theme_id: int | None
    theme_name: str | None


class HarvestPublic(SQLModel):
    event: EventPublic
    themes: list[HarvestThemePublic]
    unthemed: list[HarvestSessionPublic]
    actions: list[HarvestGatheredActionPublic]
