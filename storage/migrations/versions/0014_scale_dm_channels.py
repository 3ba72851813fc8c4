"""scale: direct-message channels kept per person; outbox rows whose last try is in doubt; what each
data version changed (scoped reply-cache invalidation)

Revision ID: 0014_scale
Revises: 0013_calendar
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014_scale"
down_revision = "0013_calendar"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "dm_channels",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(length=16), nullable=False),
        sa.Column("workspace", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.String(length=64), nullable=False),
        sa.Column("channel_id", sa.String(length=64), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dm_channels")),
        sa.UniqueConstraint("platform", "workspace", "user_id", name="uq_dm_channels_identity"),
    )
    op.create_table(
        "data_changes",
        sa.Column("version", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("scopes", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("version", name=op.f("pk_data_changes")),
    )
    # Existing rows: a try that failed before this column existed is treated as settled (the lease
    # check still covers rows left ``sending`` by a crash).
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("in_doubt", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("in_doubt")
    op.drop_table("data_changes")
    op.drop_table("dm_channels")
