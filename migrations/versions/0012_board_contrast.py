"""event.board_contrast: the venue screen in high contrast and large type, for a weak projector

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07 05:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # recreate="never": a plain column with a server default, added in place (see 0005 on why not copying).
    with op.batch_alter_table("event", schema=None, recreate="never") as batch_op:
        batch_op.add_column(sa.Column("board_contrast", sa.Boolean(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("event", schema=None, recreate="never") as batch_op:
        batch_op.drop_column("board_contrast")
