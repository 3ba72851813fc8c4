"""city actions: a city says it acts on a UN day or campaign date ("my city acts")

Revision ID: 0013_calendar
Revises: 0012_i18n
Create Date: 2026-12-02

A new table only: no existing row is touched.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013_calendar"
down_revision = "0012_i18n"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "city_actions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("city_id", sa.Integer(), nullable=False),
        sa.Column("day_slug", sa.String(length=120), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("day_date", sa.Date(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("link", sa.String(length=500), nullable=True),
        sa.Column("practice_id", sa.Integer(), nullable=True),
        sa.Column("member_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["city_id"], ["cities.id"], name=op.f("fk_city_actions_city_id_cities"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["member_id"], ["members.id"], name=op.f("fk_city_actions_member_id_members"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["practice_id"], ["practices.id"], name=op.f("fk_city_actions_practice_id_practices"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_city_actions")),
        sa.UniqueConstraint("city_id", "day_slug", "year", name="uq_city_actions_city_day_year"),
    )
    op.create_index(op.f("ix_city_actions_city_id"), "city_actions", ["city_id"], unique=False)
    op.create_index(op.f("ix_city_actions_day_slug"), "city_actions", ["day_slug"], unique=False)
    op.create_index(op.f("ix_city_actions_day_date"), "city_actions", ["day_date"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_city_actions_day_date"), table_name="city_actions")
    op.drop_index(op.f("ix_city_actions_day_slug"), table_name="city_actions")
    op.drop_index(op.f("ix_city_actions_city_id"), table_name="city_actions")
    op.drop_table("city_actions")
