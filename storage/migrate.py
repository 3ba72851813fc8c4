"""Apply Alembic migrations on an async engine (SQLite or PostgreSQL)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Connection

from storage.session import Database

ALEMBIC_INI = Path(__file__).parent / "alembic.ini"


def alembic_config(connection: Connection | None = None) -> Config:
    config = Config(str(ALEMBIC_INI))
    config.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def migrating(connection: Connection, work: Callable[[Config], None]) -> None:
    """Run ``work`` (Alembic commands on the config it is given) in one transaction on ``connection``.

    On SQLite, with foreign keys off meanwhile, as a table rebuild needs (https://www.sqlite.org/lang_altertable.html,
    "making other kinds of table schema changes"): Alembic's batch mode drops the old table, and with foreign
    keys on that drop deletes its rows first, cascading to the rows that point at them (a city's themes,
    focal points, practices). The pragma does nothing inside a transaction, so it is set on the bare
    connection before the transaction, and the foreign keys are checked before the transaction commits.

    Raises RuntimeError (and commits nothing) when the migrated data would leave a row pointing at a missing one."""
    if connection.dialect.name != "sqlite":
        with connection.begin():
            work(alembic_config(connection))
        return
    raw = connection.connection.dbapi_connection
    assert raw is not None
    cursor = raw.cursor()
    try:
        cursor.execute("PRAGMA foreign_keys=OFF")
        with connection.begin():
            work(alembic_config(connection))
            cursor.execute("PRAGMA foreign_key_check")
            broken = cursor.fetchall()
            if broken:
                raise RuntimeError(f"the migration would leave {len(broken)} rows pointing at missing rows: {broken[:5]}")
    finally:
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()


async def upgrade(db: Database, revision: str = "head") -> None:
    """Bring the database to ``revision`` with Alembic (``migrating``)."""
    if db.is_sqlite and db.url.database not in (None, "", ":memory:"):
        Path(db.url.database).parent.mkdir(parents=True, exist_ok=True)
    async with db.engine.connect() as conn:
        await conn.run_sync(migrating, lambda config: command.upgrade(config, revision))


def _current(connection: Connection) -> Any:
    from alembic.runtime.migration import MigrationContext

    return MigrationContext.configure(connection).get_current_revision()


async def current_revision(db: Database) -> str | None:
    async with db.engine.connect() as conn:
        return await conn.run_sync(_current)
