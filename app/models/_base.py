"""Shared column helpers for the table models."""

from datetime import UTC, datetime
from typing import Annotated, Any, Protocol

from pydantic import BeforeValidator, Field, JsonValue, WithJsonSchema


def said(**rules: JsonValue) -> Any:
    """A rule the service checks (answering 422 with its own sentence, the same on the pages), written into the
    API's document too: `Annotated[str, said(maxLength=TITLE_MAX)]`. The limit is named once, beside the model,
    and the service reads it from there."""
    return Field(json_schema_extra=rules)


def utcnow() -> datetime:
    return datetime.now(UTC)


class _Row(Protocol):
    @property
    def id(self) -> int | None: ...


def id_of(row: _Row) -> int:
    """The primary key of a row loaded from the database or flushed to it.

    Table models type `id` as `int | None` because a new row has none until it is flushed; every row
    the services and routes hand around has one, and this says so to the type checker in one place.
    """
    if row.id is None:
        raise ValueError(f"This {type(row).__name__} has no id yet: it was never flushed.")
    return row.id


# Ids are 32-bit integers on PostgreSQL; a larger number in a request is refused at the door (422),
# before it reaches a database driver that would fail on it.
MAX_ROW_ID = 2**31 - 1


# Slot times (and the auto-scheduler's constraints) are wall-clock times at the venue, in the event's time zone,
# without an offset: "2026-11-24T10:00:00". The API's document says so with a pattern, not `format: date-time`,
# which (RFC 3339) promises an offset these never carry. A number is refused, not taken as a Unix time.
WALL_CLOCK_PATTERN = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?$"
WALL_CLOCK_SAID = "A wall-clock time at the venue, in the event's time zone, without an offset."


def _written_out(value: object) -> object:
    if isinstance(value, int | float):
        raise ValueError("write the time out, like 2026-11-24T10:00")
    return value


WallClock = Annotated[
    datetime,
    BeforeValidator(_written_out),
    WithJsonSchema({"type": "string", "pattern": WALL_CLOCK_PATTERN, "description": WALL_CLOCK_SAID}),
]
# What a slot is given: the same, and an offset sent along is dropped, not converted (app/services/wall_setup.py).
WallClockIn = Annotated[
    datetime,
    BeforeValidator(_written_out),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": WALL_CLOCK_PATTERN.removesuffix("$") + r"(Z|[+-]\d{2}:\d{2})?$",
            "description": WALL_CLOCK_SAID + " An offset sent along is dropped, not converted.",
        }
    ),
]
