"""languages: a member's chosen language, a channel's language

Revision ID: 0011_i18n
Revises: 0010_ops
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011_i18n"
down_revision = "0010_ops"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Nullable columns with no default: existing rows keep everything and mean "not chosen".
    with op.batch_alter_table("members") as batch:
        batch.add_column(sa.Column("language", sa.String(length=8), nullable=True))
        batch.add_column(sa.Column("last_language", sa.String(length=8), nullable=True))
    with op.batch_alter_table("channels") as batch:
        batch.add_column(sa.Column("language", sa.String(length=8), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("channels") as batch:
        batch.drop_column("language")
    with op.batch_alter_table("members") as batch:
        batch.drop_column("last_language")
        batch.drop_column("language")
