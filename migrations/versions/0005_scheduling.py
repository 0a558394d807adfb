"""what the auto-scheduler respects: topic constraints, topics kept apart, pinned placements

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("topic", schema=None) as batch_op:
        batch_op.add_column(sa.Column("not_before", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("not_after", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("min_room_capacity", sa.Integer(), nullable=True))

    with op.batch_alter_table("placement", schema=None) as batch_op:
        batch_op.add_column(sa.Column("pinned", sa.Boolean(), server_default="0", nullable=False))

    op.create_table(
        "topic_apart",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("topic_id", sa.Integer(), nullable=False),
        sa.Column("other_topic_id", sa.Integer(), nullable=False),
        sa.CheckConstraint("topic_id < other_topic_id", name="ck_topic_apart_ordered"),
        sa.ForeignKeyConstraint(["event_id"], ["event.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["other_topic_id"], ["topic.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["topic_id"], ["topic.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("topic_id", "other_topic_id", name="uq_topic_apart_pair"),
    )
    with op.batch_alter_table("topic_apart", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_topic_apart_event_id"), ["event_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_topic_apart_other_topic_id"), ["other_topic_id"], unique=False)


def downgrade() -> None:
    # recreate="never": SQLite drops these plain columns in place (3.35+). Batch mode's default would
    # copy the topic table and drop the old one, and with foreign keys on that drop cascades: every
    # vote, placement, "I'm going" and note of the event would be lost on the way down.
    with op.batch_alter_table("topic_apart", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_topic_apart_other_topic_id"))
        batch_op.drop_index(batch_op.f("ix_topic_apart_event_id"))

    op.drop_table("topic_apart")
    with op.batch_alter_table("placement", schema=None, recreate="never") as batch_op:
        batch_op.drop_column("pinned")

    with op.batch_alter_table("topic", schema=None, recreate="never") as batch_op:
        batch_op.drop_column("min_room_capacity")
        batch_op.drop_column("not_after")
        batch_op.drop_column("not_before")
