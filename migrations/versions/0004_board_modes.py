"""the venue screen's mode and cycle time per event

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25 17:55:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("event") as batch_op:
        batch_op.add_column(
            sa.Column("board_mode", sqlmodel.sql.sqltypes.AutoString(length=16), server_default="cycle", nullable=False)
        )
        batch_op.add_column(sa.Column("board_cycle_seconds", sa.Integer(), server_default="20", nullable=False))


def downgrade() -> None:
    # recreate="never": SQLite drops the column in place (3.35+); copying the table and dropping the
    # old one would cascade to every topic, vote and placement of every event (foreign keys are on).
    with op.batch_alter_table("event", recreate="never") as batch_op:
        batch_op.drop_column("board_cycle_seconds")
        batch_op.drop_column("board_mode")
