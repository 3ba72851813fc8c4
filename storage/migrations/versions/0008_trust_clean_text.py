"""clean stored text: remove mention markers, NUL and other control characters from every text column

Rows written before inbound text was sanitised at one boundary may hold characters that forged
mentions or broke listings (U+E000/U+E001 markers, NUL, bidi overrides, lone surrogates). The same
sanitiser as for inbound text (handlers.types.clean_input) is applied to every string column of every
table. Search keys are unaffected: folding already dropped these characters. Rows are kept.

Revision ID: 0008_trust
Revises: 0007_calendar
Create Date: 2026-12-02
"""

from __future__ import annotations

import logging

import sqlalchemy as sa
from alembic import op

from handlers.types import clean_input

revision = '0008_trust'
down_revision = '0007_calendar'
branch_labels = None
depends_on = None

logger = logging.getLogger("alembic.runtime.migration")

# The tables holding text people typed or platforms sent (not search indexes: FTS tables follow their
# source rows through triggers).
TABLES = ("members", "cities", "city_themes", "focal_points", "practices", "practice_themes", "subscriptions",
          "channels", "campaign_dates", "announcements", "outbox", "deliveries")


def upgrade() -> None:
    bind = op.get_bind()
    metadata = sa.MetaData()
    metadata.reflect(bind, only=[t for t in TABLES if sa.inspect(bind).has_table(t)])
    cleaned = 0
    for table in metadata.sorted_tables:
        keys = list(table.primary_key.columns)
        texts = [c for c in table.columns if isinstance(c.type, sa.String) and c not in keys]
        if not keys or not texts:
            continue
        for row in bind.execute(sa.select(*keys, *texts)).mappings():
            changes = {c.name: clean_input(row[c.name]) for c in texts if isinstance(row[c.name], str)}
            changes = {name: value for name, value in changes.items() if value != row[name]}
            if changes:
                where = sa.and_(*(k == row[k.name] for k in keys))
                bind.execute(table.update().where(where).values(**changes))
                cleaned += 1
    if cleaned:
        logger.warning("cleaned control characters and mention markers out of %d stored rows", cleaned)


def downgrade() -> None:
    pass  # removed characters are not put back
