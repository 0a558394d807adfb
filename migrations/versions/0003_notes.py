"""session notes: notes, their revisions, and the event's notes lock

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 16:22:45
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "note",
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("key_points", sa.Text(), nullable=False),
        sa.Column("actions", sa.Text(), nullable=False),
        sa.Column("continue_url", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("attendees_text", sa.Text(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("topic_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("updated_by", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.ForeignKeyConstraint(["event_id"], ["event.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["topic_id"], ["topic.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("topic_id"),
    )
    with op.batch_alter_table("note", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_note_event_id"), ["event_id"], unique=False)

    op.create_table(
        "noterevision",
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("key_points", sa.Text(), nullable=False),
        sa.Column("actions", sa.Text(), nullable=False),
        sa.Column("continue_url", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("attendees_text", sa.Text(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("note_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("base_version", sa.Integer(), nullable=False),
        sa.Column("submitted", sa.JSON(), nullable=True),
        sa.Column("author_name", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["author_id"], ["attendee.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["note_id"], ["note.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("note_id", "version", name="uq_noterevision_note_version"),
    )
    with op.batch_alter_table("noterevision", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_noterevision_note_id"), ["note_id"], unique=False)

    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.add_column(sa.Column("notes_locked", sa.Boolean(), server_default="0", nullable=False))


def downgrade() -> None:
    # recreate="never": see 0004; copying the event table would cascade to all its rows.
    with op.batch_alter_table("event", schema=None, recreate="never") as batch_op:
        batch_op.drop_column("notes_locked")

    with op.batch_alter_table("noterevision", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_noterevision_note_id"))

    op.drop_table("noterevision")
    with op.batch_alter_table("note", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_note_event_id"))

    op.drop_table("note")
