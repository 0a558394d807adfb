"""topic.request_key: a proposal sent again after a dropped connection makes one topic, not two

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 20:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # recreate="never": a plain nullable column and an index, added in place (see 0005 on why not copying).
    with op.batch_alter_table("topic", schema=None, recreate="never") as batch_op:
        batch_op.add_column(sa.Column("request_key", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True))
    op.create_index("uq_topic_event_request_key", "topic", ["event_id", "request_key"], unique=True)


def downgrade() -> None:
    op.drop_index("uq_topic_event_request_key", table_name="topic")
    with op.batch_alter_table("topic", schema=None, recreate="never") as batch_op:
        batch_op.drop_column("request_key")
