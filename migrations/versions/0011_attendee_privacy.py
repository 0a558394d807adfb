"""attendee.name_listed, removed_at and removed_by_facilitator: appearing as "a participant", and "forget me"

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07 05:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # recreate="never": plain columns with a server default or nullable, added in place (see 0005 on why not copying).
    # Everyone who joined before this was listed by name: their names stay listed until they say otherwise.
    with op.batch_alter_table("attendee", schema=None, recreate="never") as batch_op:
        batch_op.add_column(sa.Column("name_listed", sa.Boolean(), nullable=False, server_default="1"))
        batch_op.add_column(sa.Column("removed_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column("removed_by_facilitator", sa.Boolean(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("attendee", schema=None, recreate="never") as batch_op:
        batch_op.drop_column("removed_by_facilitator")
        batch_op.drop_column("removed_at")
        batch_op.drop_column("name_listed")
