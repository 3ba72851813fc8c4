"""What `GET /healthz` reports: can the bot read the database, and can it write to it?"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from storage.errors import describe
from storage.queries import deliveries
from storage.session import Database

logger = logging.getLogger(__name__)
HEALTH_KEY = "healthz:write-check"


async def database_state(db: Database) -> str:
    """``"ok"`` (read and write work), ``"read-only"`` (reads work, a write fails: read-only file, disk
    full, a PostgreSQL standby) or ``"unreachable"``. The write is one committed upsert of a single
    ledger row (key ``healthz:write-check``), so a full disk or a read-only file shows up here."""
    if not await db.ping():
        return "unreachable"
    try:
        async with db.transaction() as session:
            await deliveries.touch(session, HEALTH_KEY, "health", datetime.now(UTC))
    except Exception as error:  # noqa: BLE001 - any failure to write is what this check reports
        logger.warning("health check: the database cannot be written (%s)", describe(error))
        return "read-only"
    return "ok"
