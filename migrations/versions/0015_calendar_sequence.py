"""calendars: a SEQUENCE per session and per slot, and the "I'm going"s to sessions taken off the wall

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-08 06:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # recreate="never": plain columns with a server default, added in place (see 0005 on why not copying).
    with op.batch_alter_table("topic", schema=None, recreate="never") as batch_op:
        batch_op.add_column(sa.Column("calendar_sequence", sa.Integer(), nullable=False, server_default="0"))
    with op.batch_alter_table("slot", schema=None, recreate="never") as batch_op:
        batch_op.add_column(sa.Column("calendar_sequence", sa.Integer(), nullable=False, server_default="0"))

    op.create_table(
        "cancelled_attendance",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("attendee_id", sa.Integer(), nullable=False),
        sa.Column("topic_id", sa.Integer(), nullable=False),
        sa.Column("starts_at", sa.DateTime(), nullable=False),
        sa.Column("ends_at", sa.DateTime(), nullable=False),
        sa.Column("cancelled_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["event_id"], ["event.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["attendee_id"], ["attendee.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["topic_id"], ["topic.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("attendee_id", "topic_id", name="uq_cancelled_attendance_attendee_topic"),
    )
    with op.batch_alter_table("cancelled_attendance", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_cancelled_attendance_event_id"), ["event_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_cancelled_attendance_attendee_id"), ["attendee_id"], unique=False)


def downgrade() -> None:
    op.drop_table("cancelled_attendance")
    with op.batch_alter_table("slot", schema=None, recreate="never") as batch_op:
        batch_op.drop_column("calendar_sequence")
    with op.batch_alter_table("topic", schema=None, recreate="never") as batch_op:
        batch_op.drop_column("calendar_sequence")
