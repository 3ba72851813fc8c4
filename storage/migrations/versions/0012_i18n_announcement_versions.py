"""announcements in several languages

- ``announcement_versions``: an announcement's title and text in another language (``text_es:``,
  ``text_fr:``), one row per announcement and language.
- ``outbox.language``: the language an announcement's target reads, chosen when its rows are created.

Existing announcements keep their one text and existing outbox rows a NULL language: both mean "the
main text", as before.

Revision ID: 0012_i18n
Revises: 0011_i18n
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012_i18n"
down_revision = "0011_i18n"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "announcement_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("announcement_id", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("title", sa.String(length=150), nullable=True),
        sa.Column("text", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["announcement_id"], ["announcements.id"],
                                name=op.f("fk_announcement_versions_announcement_id_announcements"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_announcement_versions")),
        sa.UniqueConstraint("announcement_id", "language", name="uq_announcement_versions_language"),
    )
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("language", sa.String(length=8), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("language")
    op.drop_table("announcement_versions")
