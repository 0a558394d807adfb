"""event.topic_limit and attendee.banned_at: a cap on the topics one event takes, and attendees sent away

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 22:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # recreate="never": plain columns with a server default or nullable, added in place (see 0005 on why not copying).
    with op.batch_alter_table("event", schema=None, recreate="never") as batch_op:
        batch_op.add_column(sa.Column("topic_limit", sa.Integer(), nullable=False, server_default="300"))
    with op.batch_alter_table("attendee", schema=None, recreate="never") as batch_op:
        batch_op.add_column(sa.Column("banned_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("attendee", schema=None, recreate="never") as batch_op:
        batch_op.drop_column("banned_at")
    with op.batch_alter_table("event", schema=None, recreate="never") as batch_op:
        batch_op.drop_column("topic_limit")
