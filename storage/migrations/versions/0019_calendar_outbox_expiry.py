"""calendar: an outbox row may expire (a day's prompt is not sent once its day has ended)

The scheduler queues its prompts, digests and reminders in the outbox. A row still unsent when the local day
it is for has ended (the bot was down, the platform refused for hours) is dropped, not sent a day late: the
worker records it as failed ("expired") without calling the platform. Existing rows (announcements, notices)
have no expiry.

Revision ID: 0019_calendar_outbox_expiry
Revises: 0018_names_city_numbers
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0019_calendar_outbox_expiry"
down_revision = "0018_names_city_numbers"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("expires_at")
