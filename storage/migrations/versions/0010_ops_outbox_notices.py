"""notices in the outbox, paused channels

- ``outbox.payload``: the message of a row that is not an announcement (a registration notice to the
  secretariat, a report to an announcement's author), as JSON; such rows have no ``announcement_id``.
- ``channels.paused_at`` / ``channels.pause_reason``: set when a delivery to the channel failed for good
  (the bot was removed, the channel archived or deleted, a permission taken away); a paused channel gets
  nothing until `/hrc channel set` is run in it again.

Revision ID: 0010_ops
Revises: 0009_glance
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0010_ops'
down_revision = '0009_glance'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('outbox') as batch:
        batch.alter_column('announcement_id', existing_type=sa.Integer(), nullable=True)
        batch.add_column(sa.Column('payload', sa.Text(), nullable=True))
    with op.batch_alter_table('channels') as batch:
        batch.add_column(sa.Column('paused_at', sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column('pause_reason', sa.String(length=200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('channels') as batch:
        batch.drop_column('pause_reason')
        batch.drop_column('paused_at')
    op.execute("DELETE FROM outbox WHERE announcement_id IS NULL")
    with op.batch_alter_table('outbox') as batch:
        batch.drop_column('payload')
        batch.alter_column('announcement_id', existing_type=sa.Integer(), nullable=False)
