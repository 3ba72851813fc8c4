"""ops: outbox rows have a priority, and the claim reads them in the index's order

Since the scheduler queues its day prompts in the outbox, Human Rights Day puts ~25,000 rows in it at once;
at Slack's 500 posts a minute they take ~50 minutes. An announcement or a notice queued meanwhile went after
all of them (rows were claimed by due time), and each claim sorted every due row (a temporary B-tree: ~5 ms a
claim at 24,000 rows). Now scheduled rows have priority 1, announcements and notices 0 (existing rows: 0),
and the claim index holds (status, platform, priority, next attempt, id): the next row is the index's first,
without a sort.

Revision ID: 0021_ops_outbox_priority
Revises: 0020_names_pointing
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0021_ops_outbox_priority"
down_revision = "0020_names_pointing"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("priority", sa.SmallInteger(), nullable=False, server_default="0"))
    op.create_index("ix_outbox_claim", "outbox", ["status", "platform", "priority", "next_attempt_at", "id"])
    op.drop_index("ix_outbox_due", table_name="outbox")


def downgrade() -> None:
    op.create_index("ix_outbox_due", "outbox", ["status", "platform", "next_attempt_at"])
    op.drop_index("ix_outbox_claim", table_name="outbox")
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("priority")
