"""names: aliases of merged cities, a person's accounts on other platforms, one-time link codes

Revision ID: 0015_names
Revises: 0014_scale
Create Date: 2026-12-02

Three new tables; no existing row is touched (every member keeps its own account as before).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015_names"
down_revision = "0014_scale"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "city_aliases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("city_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("name_key", sa.String(length=100), nullable=False),
        sa.Column("country_key", sa.String(length=80), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["city_id"], ["cities.id"], name=op.f("fk_city_aliases_city_id_cities"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_city_aliases")),
        sa.UniqueConstraint("name_key", "country_key", name="uq_city_aliases_name_country"),
    )
    op.create_index(op.f("ix_city_aliases_city_id"), "city_aliases", ["city_id"], unique=False)
    op.create_table(
        "member_accounts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(length=16), nullable=False),
        sa.Column("workspace", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.String(length=64), nullable=False),
        sa.Column("display_name", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["member_id"], ["members.id"], name=op.f("fk_member_accounts_member_id_members"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_member_accounts")),
        sa.UniqueConstraint("platform", "workspace", "user_id", name="uq_member_accounts_identity"),
    )
    op.create_index(op.f("ix_member_accounts_member_id"), "member_accounts", ["member_id"], unique=False)
    op.create_table(
        "link_codes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["member_id"], ["members.id"], name=op.f("fk_link_codes_member_id_members"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_link_codes")),
        sa.UniqueConstraint("code_hash", name=op.f("uq_link_codes_code_hash")),
    )
    op.create_index(op.f("ix_link_codes_member_id"), "link_codes", ["member_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_link_codes_member_id"), table_name="link_codes")
    op.drop_table("link_codes")
    op.drop_index(op.f("ix_member_accounts_member_id"), table_name="member_accounts")
    op.drop_table("member_accounts")
    op.drop_index(op.f("ix_city_aliases_city_id"), table_name="city_aliases")
    op.drop_table("city_aliases")
