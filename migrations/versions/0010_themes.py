"""themes: the event's strands of conversation, a topic's theme, pairs that are not duplicates, the harvest switch

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07 04:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "theme",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("description", sa.String(length=200), nullable=False),
        sa.Column("mark", sa.String(length=16), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.CheckConstraint("position >= 0", name="ck_theme_position"),
        sa.ForeignKeyConstraint(["event_id"], ["event.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("event_id", "name", name="uq_theme_event_name"),
    )
    with op.batch_alter_table("theme", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_theme_event_id"), ["event_id"], unique=False)

    op.create_table(
        "not_duplicate",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("topic_id", sa.Integer(), nullable=False),
        sa.Column("other_topic_id", sa.Integer(), nullable=False),
        sa.CheckConstraint("topic_id < other_topic_id", name="ck_not_duplicate_ordered"),
        sa.ForeignKeyConstraint(["event_id"], ["event.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["other_topic_id"], ["topic.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["topic_id"], ["topic.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("topic_id", "other_topic_id", name="uq_not_duplicate_pair"),
    )
    with op.batch_alter_table("not_duplicate", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_not_duplicate_event_id"), ["event_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_not_duplicate_other_topic_id"), ["other_topic_id"], unique=False)

    # Not in batch mode (see 0005: copying the topic table would cascade its drop into every vote and note).
    # SQLite can't add a foreign key to a table, but takes a new column with its REFERENCES clause in place.
    # No ON DELETE (app/models/topic.py says why): SQLite could not reflect it from this form.
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE topic ADD COLUMN theme_id INTEGER REFERENCES theme (id)")
    else:
        op.add_column("topic", sa.Column("theme_id", sa.Integer(), nullable=True))
        op.create_foreign_key("topic_theme_id_fkey", "topic", "theme", ["theme_id"], ["id"])
    op.create_index(op.f("ix_topic_theme_id"), "topic", ["theme_id"], unique=False)

    with op.batch_alter_table("event", schema=None, recreate="never") as batch_op:
        batch_op.add_column(sa.Column("theme_required", sa.Boolean(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("harvest_published", sa.Boolean(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("event", schema=None, recreate="never") as batch_op:
        batch_op.drop_column("harvest_published")
        batch_op.drop_column("theme_required")
    with op.batch_alter_table("topic", schema=None, recreate="never") as batch_op:
        batch_op.drop_index(batch_op.f("ix_topic_theme_id"))
        batch_op.drop_column("theme_id")
    with op.batch_alter_table("not_duplicate", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_not_duplicate_other_topic_id"))
        batch_op.drop_index(batch_op.f("ix_not_duplicate_event_id"))
    op.drop_table("not_duplicate")
    with op.batch_alter_table("theme", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_theme_event_id"))
    op.drop_table("theme")
