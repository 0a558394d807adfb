"""the board version of each event

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 16:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("event") as batch_op:
        batch_op.add_column(sa.Column("board_version", sa.Integer(), server_default="0", nullable=False))


def downgrade() -> None:
    # recreate="never": SQLite drops the column in place (3.35+); copying the table and dropping the
    # old one would cascade to every topic, vote and placement of every event (foreign keys are on).
    with op.batch_alter_table("event", recreate="never") as batch_op:
        batch_op.drop_column("board_version")
