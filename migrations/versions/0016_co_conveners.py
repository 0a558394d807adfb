"""co-conveners: the attendees who convene a topic beside the one who proposed it (invited, then accepted)

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A new table: its foreign keys (ON DELETE CASCADE included) are made with it, which SQLite takes (it could
    # not add them to an existing table: see 0010).
    op.create_table(
        "topic_convener",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("topic_id", sa.Integer(), nullable=False),
        sa.Column("attendee_id", sa.Integer(), nullable=False),
        sa.Column("invited_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("accepted_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["attendee_id"], ["attendee.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["topic_id"], ["topic.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("topic_id", "attendee_id", name="uq_topic_convener_pair"),
    )
    with op.batch_alter_table("topic_convener", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_topic_convener_attendee_id"), ["attendee_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("topic_convener", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_topic_convener_attendee_id"))
    op.drop_table("topic_convener")
