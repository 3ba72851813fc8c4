"""calendar: channel digests and theme filters, members' digest, lead time and pause, Discord events

Revision ID: 0007_calendar
Revises: 0006_names
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0007_calendar'
down_revision = '0006_names'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('channels') as batch:
        batch.add_column(sa.Column('digest', sa.String(length=8), server_default='off', nullable=False))
        batch.add_column(sa.Column('themes', sa.String(length=600), server_default='', nullable=False))
    with op.batch_alter_table('campaign_dates') as batch:
        batch.add_column(sa.Column('event', sa.Boolean(), server_default=sa.false(), nullable=False))
    op.create_table('discord_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=120), nullable=False),
    sa.Column('guild_id', sa.String(length=32), nullable=False),
    sa.Column('event_id', sa.String(length=32), nullable=True),
    sa.Column('name', sa.String(length=150), nullable=False),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_discord_events')),
    sa.UniqueConstraint('slug', 'guild_id', name='uq_discord_events_slug_guild')
    )
    op.create_table('member_prefs',
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('digest', sa.String(length=8), nullable=False),
    sa.Column('lead_days', sa.Integer(), nullable=False),
    sa.Column('paused_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_member_prefs_member_id_members'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('member_id', name=op.f('pk_member_prefs'))
    )


def downgrade() -> None:
    op.drop_table('member_prefs')
    op.drop_table('discord_events')
    with op.batch_alter_table('campaign_dates') as batch:
        batch.drop_column('event')
    with op.batch_alter_table('channels') as batch:
        batch.drop_column('themes')
        batch.drop_column('digest')
