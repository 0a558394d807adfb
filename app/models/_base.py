"""Shared column helpers for the table models."""

from datetime import UTC, datetime
from typing import Protocol


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
