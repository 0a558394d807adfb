"""facilitation team: each facilitator with a key of their own, and the activity list of what they did

The event's one key becomes its first facilitator ("Facilitator"), with the same hash: links and bearer keys
given out before keep working.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07 06:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "facilitator",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("key_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("removed_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["event_id"], ["event.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("facilitator", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_facilitator_event_id"), ["event_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_facilitator_key_hash"), ["key_hash"], unique=True)

    op.create_table(
        "activity",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("facilitator_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("summary", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("topic_id", sa.Integer(), nullable=True),
        sa.Column("other_topic_id", sa.Integer(), nullable=True),
        sa.Column("attendee_id", sa.Integer(), nullable=True),
        sa.Column("undo", sa.JSON(), nullable=True),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("undone_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("undone_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["event_id"], ["event.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["facilitator_id"], ["facilitator.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["undone_by_id"], ["facilitator.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["attendee_id"], ["attendee.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["topic_id"], ["topic.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["other_topic_id"], ["topic.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("activity", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_activity_event_id"), ["event_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_activity_topic_id"), ["topic_id"], unique=False)

    # Every event's key becomes its first facilitator, hash and all.
    op.execute(
        "INSERT INTO facilitator (event_id, name, key_hash, created_at) "
        "SELECT id, 'Facilitator', facilitator_key_hash, created_at FROM event"
    )
    # Not in batch mode: recreating the event table would cascade its drop into every row of every event.
    # SQLite (3.35 and later) drops a column in place.
    op.drop_column("event", "facilitator_key_hash")


def downgrade() -> None:
    op.add_column(
        "event",
        sa.Column("facilitator_key_hash", sa.String(length=64), nullable=False, server_default=""),
    )
    # The event's key is its earliest member's still on the team; the others' keys stop working.
    op.execute(
        "UPDATE event SET facilitator_key_hash = COALESCE((SELECT f.key_hash FROM facilitator f "
        "WHERE f.event_id = event.id AND f.removed_at IS NULL ORDER BY f.id LIMIT 1), '')"
    )
    with op.batch_alter_table("activity", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_activity_topic_id"))
        batch_op.drop_index(batch_op.f("ix_activity_event_id"))
    op.drop_table("activity")
    with op.batch_alter_table("facilitator", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_facilitator_key_hash"))
        batch_op.drop_index(batch_op.f("ix_facilitator_event_id"))
    op.drop_table("facilitator")
