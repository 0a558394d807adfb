"""foldedversion: the text of a notes version folded into its author's next save, kept a while as a merge base

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A new table only: nothing existing is copied or changed, so no data migration. Revisions written
    # before this one stay as they are (each save its own revision), and their numbers stay valid.
    op.create_table(
        "foldedversion",
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("key_points", sa.Text(), nullable=False),
        sa.Column("actions", sa.Text(), nullable=False),
        sa.Column("continue_url", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("attendees_text", sa.Text(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("note_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["note_id"], ["note.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("note_id", "version", name="uq_foldedversion_note_version"),
    )


def downgrade() -> None:
    op.drop_table("foldedversion")
