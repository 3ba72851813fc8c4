"""Engine and async sessions.

SQLite runs in WAL mode with a busy timeout, and write transactions begin with ``BEGIN IMMEDIATE``:
a deferred transaction that reads and then writes fails at once with SQLITE_BUSY when another
writer holds the lock, whatever the busy timeout (see PLATFORM_FACTS.md, "Databases").
"""

from __future__ import annotations

import asyncio
import functools
import sqlite3
import weakref
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from contextvars import ContextVar
from typing import Any

import aiosqlite
from sqlalchemy import event, make_url
from sqlalchemy.dialects.sqlite.aiosqlite import SQLiteDialect_aiosqlite
from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

import storage.queries.versions  # noqa: F401  (registers the data-version bump on every session)

SQLITE_BUSY_TIMEOUT_MS = 10_000
BEGIN_IMMEDIATE = "BEGIN IMMEDIATE"


def async_url(url: str | URL) -> URL:
    """Map plain URLs onto the async drivers: ``sqlite:///x`` -> aiosqlite, ``postgresql://`` -> asyncpg."""
    parsed = make_url(url) if isinstance(url, str) else url
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        return parsed.set(drivername="sqlite+aiosqlite")
    if backend == "postgresql":
        return parsed.set(drivername="postgresql+asyncpg")
    raise ValueError(f"unsupported database '{backend}' (use sqlite:/// or postgresql://)")


# True while this task holds the process's SQLite write lock, between its BEGIN IMMEDIATE and the end.
_ON_LOOP: ContextVar[bool] = ContextVar("hrc_sqlite_on_loop", default=False)


class LoopSideConnection(aiosqlite.Connection):
    """aiosqlite's connection, except that while a task holds the write lock (``Database.transaction``,
    after its ``BEGIN IMMEDIATE``), its calls run at once on the event loop's thread.

    ``BEGIN IMMEDIATE`` is tried at once with no busy wait: when another process is writing, it is
    waited for (up to the busy timeout) on the worker thread instead, never on the loop's.

    aiosqlite hands every call (cursor, execute, fetch, close: four for one statement through
    SQLAlchemy) to its worker thread and wakes the task when it is done, two turns of the event loop
    later. A write transaction of ten statements held SQLite's only write slot for eighty turns: under
    load (a turn then serves twenty other commands) 0.5 s a write, and every other write queued behind
    it (bench/README.md). Once ``BEGIN IMMEDIATE`` has the lock, nothing a statement does waits for
    anyone (WAL: readers never block the writer, and nothing else of this process writes), so each
    statement costs its own few microseconds to milliseconds. Everything outside write transactions
    still goes through the worker thread (a long read does not stop the loop). Relies on ``aiosqlite.Connection._execute`` (aiosqlite 0.20–0.22, pinned
    below 1 in pyproject.toml); tests/test_sqlite_loop_side.py checks both paths.
    """

    async def _execute(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        if not (_ON_LOOP.get() and self._running and self._connection is not None):
            return await super()._execute(fn, *args, **kwargs)
        sql = args[1] if fn is _execute_and_fetch else args[0] if args else None
        if sql == BEGIN_IMMEDIATE:  # taken at once when free; else waited for off the loop
            self._connection.execute("PRAGMA busy_timeout=0")
            try:
                return fn(*args, **kwargs)
            except sqlite3.OperationalError as error:
                if error.sqlite_errorcode != sqlite3.SQLITE_BUSY:
                    raise
            finally:
                self._connection.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
            return await super()._execute(fn, *args, **kwargs)
        return fn(*args, **kwargs)


    async def cursor(self) -> aiosqlite.Cursor:
        # Making a cursor does no I/O: no need to hand it to the worker thread and wait two turns.
        return _OneTripCursor(self, self._conn.cursor())


def _execute_and_fetch(cursor: sqlite3.Cursor, sql: str, parameters: Any) -> list[Any] | None:
    cursor.execute(sql, parameters)
    return cursor.fetchall() if cursor.description else None


class _OneTripCursor(aiosqlite.Cursor):
    """A cursor whose statement and rows come back from the worker thread in one trip (aiosqlite makes
    two: execute, then fetchall, each two turns of the loop), and which closes without a trip (a cursor's
    close does no I/O). SQLAlchemy reads every row of a statement at once anyway (no server-side cursors)."""

    _rows: list[Any] | None = None

    async def execute(self, sql: str, parameters: Any = None) -> aiosqlite.Cursor:
        self._rows = await self._execute(_execute_and_fetch, self._cursor, sql, [] if parameters is None else parameters)
        return self

    async def fetchall(self) -> list[Any]:
        rows, self._rows = self._rows, None
        return rows if rows is not None else list(await super().fetchall())

    async def close(self) -> None:
        self._rows = None
        self._cursor.close()


def _loop_side_creator(url: URL, connect_args: dict[str, Any]) -> Callable[[], Awaitable[aiosqlite.Connection]]:
    """What ``create_async_engine(async_creator=…)`` calls for a new SQLite connection: SQLAlchemy's own
    reading of the URL (file name, ``?uri=true``, ``timeout``) and ``connect_args``, through a
    ``LoopSideConnection``. The sqlite3 connection is made on aiosqlite's thread and used on the loop's
    too (never at once: one session uses a connection at a time), hence ``check_same_thread=False``."""
    args, params = SQLiteDialect_aiosqlite().create_connect_args(url)
    params = {**params, **connect_args, "check_same_thread": False}

    async def create() -> aiosqlite.Connection:
        connection = LoopSideConnection(functools.partial(sqlite3.connect, *args, **params), iter_chunk_size=64)
        connection._thread.daemon = True  # as SQLAlchemy does for aiosqlite's own connections
        return await connection

    return create


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
        connection.exec_driver_sql(BEGIN_IMMEDIATE if mode == "IMMEDIATE" else f"BEGIN {mode}")


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
            sqlite_args = {**(connect_args or {}), "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}
            kwargs.pop("connect_args", None)
            kwargs["async_creator"] = _loop_side_creator(self.url, sqlite_args)
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
                token = _ON_LOOP.set(True)  # every statement, BEGIN to COMMIT, on the loop's thread
                try:
                    async with factory() as session, session.begin():
                        yield session
                finally:
                    _ON_LOOP.reset(token)
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
