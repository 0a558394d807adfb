"""event.last_date: an event of several days, every slot on one of them

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-08 09:00:00
"""

from collections.abc import Callable, Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Nullable, added in place (recreate="never", see 0005): SQLite adds a NOT NULL column only with a constant
    # default, and no constant is right. The app always writes it; every event there is gets one below.
    with op.batch_alter_table("event", schema=None, recreate="never") as batch_op:
        batch_op.add_column(sa.Column("last_date", sa.Date(), nullable=True))
    # Slots were taken on any day before, so an event's last day is the later of its date and the day its last
    # slot starts on; and a slot set up before its event's date was corrected to a later one moves the first day
    # back to it: every slot there is stays within the event's days. A slot's start is wall-clock time at the
    # venue, and DATE() of it is the day it is on there: a date on PostgreSQL, the 'YYYY-MM-DD' text SQLite keeps
    # dates as (no CAST: SQLite would make a number of it).
    event = sa.table("event", sa.column("id"), sa.column("date"), sa.column("last_date"))
    slot = sa.table("slot", sa.column("event_id"), sa.column("starts_at"))

    def slot_day(which: Callable[[sa.ColumnElement[object]], sa.ColumnElement[object]]) -> sa.ScalarSelect[object]:
        day = sa.func.date(slot.c.starts_at)
        return sa.select(which(day)).where(slot.c.event_id == event.c.id).scalar_subquery()

    op.execute(event.update().values(last_date=event.c.date))
    op.execute(event.update().where(slot_day(sa.func.max) > event.c.date).values(last_date=slot_day(sa.func.max)))
    op.execute(event.update().where(slot_day(sa.func.min) < event.c.date).values(date=slot_day(sa.func.min)))


def downgrade() -> None:
    with op.batch_alter_table("event", schema=None, recreate="never") as batch_op:
        batch_op.drop_column("last_date")
