"""campaign dates

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('campaign_dates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=120), nullable=False),
    sa.Column('name', sa.String(length=150), nullable=False),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('themes', sa.String(length=600), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by'], ['members.id'], name=op.f('fk_campaign_dates_created_by_members'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_campaign_dates')),
    sa.UniqueConstraint('slug', name=op.f('uq_campaign_dates_slug'))
    )
    with op.batch_alter_table('campaign_dates', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_campaign_dates_date'), ['date'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('campaign_dates', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_campaign_dates_date'))

    op.drop_table('campaign_dates')
