"""An Event: one gathering, addressed by its slug in every URL."""

import datetime as dt
from typing import Annotated, Any

from sqlmodel import Field, SQLModel

from app.i18n import LANGUAGES
from app.models._base import said, utcnow

# "cycle" shows the wall, now/next (and by theme, when the event has themes), the marketplace and how to join in
# turn; the others stay on one.
BOARD_MODES = ("cycle", "wall", "now", "themes", "market", "join")
BOARD_CYCLE_RANGE = (5, 600)  # seconds per mode when cycling
# How many topics one event takes (withdrawn ones don't count). The default keeps every page of a big
# gathering light; a facilitator raises it for a gathering that needs more.
TOPIC_LIMIT_DEFAULT = 300
TOPIC_LIMIT_RANGE = (1, 5000)

EVENT_NAME_MAX = 120
JOIN_CODE_MAX = 40
MAX_VOTES_PER_ATTENDEE = 100
# The most days one event spans, first and last included: a festival's fortnight and then some. Every day is
# a choice on the facilitator's slot form, so the list stays one a person can read.
MAX_EVENT_DAYS = 31
SLUG_PATTERN = r"^[a-z0-9](?:[a-z0-9-]{0,58}[a-z0-9])?$"


class EventBase(SQLModel):
    name: str = Field(max_length=120)
    slug: str = Field(max_length=60, unique=True, index=True)
    timezone: str = Field(max_length=64)
    date: dt.date
    # The event's last day (the same as `date` for a one-day event); every slot starts on a day from `date` to
    # it. Null only in the database (SQLite can't add the column NOT NULL): migration 0017 gave every event
    # one, and create_event always sets it; read it through `last_day`.
    last_date: dt.date | None = None
    proposals_open: bool = True
    voting_open: bool = False
    self_placement: bool = False
    votes_per_attendee: int = 5
    join_code: str | None = Field(default=None, max_length=40)


class Event(EventBase, table=True):
    id: int | None = Field(default=None, primary_key=True)
    created_at: dt.datetime = Field(default_factory=utcnow)
    # Grows by one with every committed write that changes what the board shows (app/services/changes.py);
    # live pages and scripts use it to notice what they missed.
    board_version: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    # After the event the facilitator locks the notes: read-only for everyone until unlocked.
    notes_locked: bool = Field(default=False, sa_column_kwargs={"server_default": "0"})
    # The venue screen: one of BOARD_MODES, and how long each mode shows when it cycles.
    board_mode: str = Field(default="cycle", max_length=16, sa_column_kwargs={"server_default": "cycle"})
    board_cycle_seconds: int = Field(default=20, sa_column_kwargs={"server_default": "20"})
    topic_limit: int = Field(default=TOPIC_LIMIT_DEFAULT, sa_column_kwargs={"server_default": str(TOPIC_LIMIT_DEFAULT)})
    # The venue screen for a weak projector: black and white and yellow only, larger type.
    board_contrast: bool = Field(default=False, sa_column_kwargs={"server_default": "0"})
    # A proposal must name one of the event's themes (when it has any).
    theme_required: bool = Field(default=False, sa_column_kwargs={"server_default": "0"})
    # The harvest (/e/{slug}/harvest) is the facilitator's until published, then anyone's with the link.
    harvest_published: bool = Field(default=False, sa_column_kwargs={"server_default": "0"})
    # The language its pages fall back to (a reader's own choice and browser come first: app/i18n.py), its
    # board's and exports' language; and for a bilingual gathering, a second language the board shows too.
    language: str = Field(default="en", max_length=8, sa_column_kwargs={"server_default": "en"})
    board_second_language: str | None = Field(default=None, max_length=8)

    @property
    def last_day(self) -> dt.date:
        return self.last_date or self.date

    @property
    def days(self) -> list[dt.date]:
        """Every day of the event, first to last."""
        return event_days(self.date, self.last_day)

    @property
    def several_days(self) -> bool:
        return self.last_day > self.date


def event_days(first: dt.date, last: dt.date) -> list[dt.date]:
    return [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]


class EventCreate(SQLModel):
    name: Annotated[str, said(minLength=1, maxLength=EVENT_NAME_MAX)]
    slug: Annotated[str | None, said(maxLength=60)] = None
    timezone: Annotated[str, said(minLength=1, maxLength=64)] = "UTC"
    date: dt.date
    # The last day of an event of several days; the first (`date`) when not given.
    last_date: dt.date | None = None
    join_code: Annotated[str | None, said(maxLength=JOIN_CODE_MAX)] = None
    votes_per_attendee: Annotated[int, said(minimum=1, maximum=MAX_VOTES_PER_ATTENDEE)] = 5
    language: Annotated[str, said(enum=list(LANGUAGES))] = "en"
    # The first member of the facilitation team, who gets the key answered here ("Facilitator" when not given).
    facilitator_name: Annotated[str | None, said(maxLength=40)] = None


class EventCopy(SQLModel):
    """POST /api/events/{slug}/copy: a new event made from this one as a template (app/services/event_copy.py).

    The date is the new event's; its slots move with it. Left out: the name is the old one's (and the slug is
    made from it), the time zone is the old one's, no join code, and the first facilitator is "Facilitator".
    """

    date: dt.date
    name: Annotated[str | None, said(minLength=1, maxLength=EVENT_NAME_MAX)] = None
    slug: Annotated[str | None, said(maxLength=60)] = None
    timezone: Annotated[str | None, said(minLength=1, maxLength=64)] = None
    join_code: Annotated[str | None, said(maxLength=JOIN_CODE_MAX)] = None
    facilitator_name: Annotated[str | None, said(maxLength=40)] = None


class EventUpdate(SQLModel):
    """What a facilitator can change about an event, every field optional: only the fields set are changed.

    An explicit null clears the join code and is refused for the others; every other rule (the budget, the
    time zone, the board's ranges, cleaning the name and the join code) is checked by
    app/services/events.py: update_event, with the same messages for the API and the pages.
    """

    name: Annotated[str | None, said(minLength=1, maxLength=EVENT_NAME_MAX)] = None
    timezone: Annotated[str | None, said(minLength=1, maxLength=64)] = None
    date: dt.date | None = None
    # Moving `date` alone moves a one-day event's last day with it; an event of several days keeps its last day.
    last_date: dt.date | None = None
    proposals_open: bool | None = None
    voting_open: bool | None = None
    self_placement: bool | None = None
    votes_per_attendee: Annotated[int | None, said(minimum=1, maximum=MAX_VOTES_PER_ATTENDEE)] = None
    join_code: Annotated[str | None, said(maxLength=JOIN_CODE_MAX)] = None
    notes_locked: bool | None = None
    board_mode: Annotated[str | None, said(enum=list(BOARD_MODES))] = None
    board_cycle_seconds: Annotated[int | None, said(minimum=BOARD_CYCLE_RANGE[0], maximum=BOARD_CYCLE_RANGE[1])] = None
    topic_limit: Annotated[int | None, said(minimum=TOPIC_LIMIT_RANGE[0], maximum=TOPIC_LIMIT_RANGE[1])] = None
    board_contrast: bool | None = None
    theme_required: bool | None = None
    harvest_published: bool | None = None
    language: Annotated[str | None, said(enum=list(LANGUAGES))] = None
    # null: the board in one language.
    board_second_language: Annotated[str | None, said(enum=list(LANGUAGES))] = None


# The event's settings, listed once: EventUpdate's fields, in its order. What a facilitator can change, and
# what an export carries beside the slug; the exporters, the import and the facilitator page read them here.
EVENT_SETTINGS: tuple[str, ...] = tuple(EventUpdate.model_fields)


def settings_of(source: object) -> dict[str, Any]:
    """The settings of anything that carries them by name: an Event, an export's EventInfo or EventPart."""
    return {name: getattr(source, name) for name in EVENT_SETTINGS}


class EventPublic(SQLModel):
    """What anyone with the link may see: never the key, and the join code only to the facilitator."""

    slug: str
    name: str
    timezone: str
    date: dt.date
    last_date: dt.date
    proposals_open: bool
    voting_open: bool
    self_placement: bool
    votes_per_attendee: int
    has_join_code: bool
    notes_locked: bool
    board_mode: str
    board_cycle_seconds: int
    topic_limit: int
    board_contrast: bool
    theme_required: bool
    harvest_published: bool
    language: str
    board_second_language: str | None


class EventListed(SQLModel):
    """An event as the deployment's admin lists it (GET /api/events): when, where, and how big."""

    slug: str
    name: str
    date: dt.date
    timezone: str
    language: str
    attendees: int
    topics: int  # on offer: proposed or placed
    sessions_placed: int
    rooms: int
    slots: int
    themes: int


class EventDelete(SQLModel):
    """DELETE /api/events/{slug}: the slug typed again, so that no slip of a script deletes an event."""

    confirm: Annotated[str, said(maxLength=60)] = ""
