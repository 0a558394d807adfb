"""event.language and event.board_second_language: the language an event's pages fall back to, and a board
in two languages for a bilingual gathering

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07 08:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # recreate="never": plain columns, added in place (see 0005 on why not copying).
    with op.batch_alter_table("event", schema=None, recreate="never") as batch_op:
        batch_op.add_column(
            sa.Column("language", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False, server_default="en")
        )
        batch_op.add_column(
            sa.Column("board_second_language", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("event", schema=None, recreate="never") as batch_op:
        batch_op.drop_column("board_second_language")
        batch_op.drop_column("language")
