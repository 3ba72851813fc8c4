"""Engine and async sessions.

SQLite runs in WAL mode with a busy timeout, and write transactions begin with ``BEGIN IMMEDIATE``:
a deferred transaction that reads and then writes fails at once with SQLITE_BUSY when another
writer holds the lock, whatever the busy timeout (see PLATFORM_FACTS.md, "Databases").
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import event, make_url
from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

import storage.queries.versions  # noqa: F401  (registers the data-version bump on every session)

SQLITE_BUSY_TIMEOUT_MS = 10_000


def async_url(url: str | URL) -> URL:
    """Map plain URLs onto the async drivers: ``sqlite:///x`` -> aiosqlite, ``postgresql://`` -> asyncpg."""
    parsed = make_url(url) if isinstance(url, str) else url
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        return parsed.set(drivername="sqlite+aiosqlite")
    if backend == "postgresql":
        return parsed.set(drivername="postgresql+asyncpg")
    raise ValueError(f"unsupported database '{backend}' (use sqlite:/// or postgresql://)")


def _prepare_sqlite(engine: AsyncEngine) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let us emit BEGIN ourselves (pysqlite's implicit transactions ignore IMMEDIATE).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Any) -> None:
        mode = connection.get_execution_options().get("sqlite_begin", "DEFERRED")
        connection.exec_driver_sql(f"BEGIN {mode}")


class Database:
    """One engine plus two session factories: readers and writers."""

    def __init__(self, url: str | URL, *, echo: bool = False, connect_args: dict[str, Any] | None = None) -> None:
        self.url = async_url(url)
        self._options = {"echo": echo, "connect_args": connect_args}
        self.is_sqlite = self.url.get_backend_name() == "sqlite"
        kwargs: dict[str, Any] = {"echo": echo}
        if connect_args:
            kwargs["connect_args"] = connect_args
        if self.is_sqlite:
            kwargs.setdefault("connect_args", {})["timeout"] = SQLITE_BUSY_TIMEOUT_MS / 1000
        else:
            kwargs["pool_pre_ping"] = True
        self.engine = create_async_engine(self.url, **kwargs)
        if self.is_sqlite:
            _prepare_sqlite(self.engine)
            write_bind = self.engine.execution_options(sqlite_begin="IMMEDIATE")
        else:
            write_bind = self.engine
        self._write_locks: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = weakref.WeakKeyDictionary()
        self._reader = async_sessionmaker(self.engine, expire_on_commit=False)
        self._writer = async_sessionmaker(write_bind, expire_on_commit=False)

    @asynccontextmanager
    async def transaction(self, *, write: bool = True) -> AsyncIterator[AsyncSession]:
        """One unit of work: committed when the block ends, rolled back entirely on any error.

        SQLite has one writer at a time: this process's write transactions take turns on an asyncio lock
        first, so they queue in order instead of colliding in SQLite's busy handler (which sleeps in steps
        of up to 100 ms: 2 s waits for a `theme add` under load). Other processes still meet the busy
        timeout. A write transaction must not open another one inside it (it never could on SQLite).
        """
        factory = self._writer if write else self._reader
        if write and self.is_sqlite:
            async with self._write_lock():
                async with factory() as session, session.begin():
                    yield session
            return
        async with factory() as session, session.begin():
            yield session

    def _write_lock(self) -> asyncio.Lock:
        loop = asyncio.get_running_loop()
        lock = self._write_locks.get(loop)
        if lock is None:
            lock = self._write_locks[loop] = asyncio.Lock()
        return lock

    def reopen(self) -> Database:
        """A new engine on the same database (what another process, or a restart, would have)."""
        return Database(self.url, **self._options)  # type: ignore[arg-type]

    async def ping(self) -> bool:
        try:
            async with self.engine.connect() as conn:
                await conn.exec_driver_sql("SELECT 1")
            return True
        except Exception:
            return False

    async def dispose(self) -> None:
        await self.engine.dispose()
