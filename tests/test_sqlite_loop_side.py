"""SQLite write transactions run on the event loop's thread (``storage.session.LoopSideConnection``):
every statement from BEGIN IMMEDIATE to COMMIT, with no hand-off to aiosqlite's thread; reads still
hand off; and a write lock held by another process is waited for off the loop, never on it."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Member
from storage.session import Database

NOW = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)


async def _thread_of_statements(session: AsyncSession) -> int:
    """The thread a statement of ``session`` runs on (a SQL function registered on its connection)."""
    raw = await (await session.connection()).get_raw_connection()
    raw.driver_connection._connection.create_function("hrc_thread", 0, threading.get_ident)  # type: ignore[union-attr]
    return (await session.execute(select(func.hrc_thread()))).scalar_one()


async def test_a_write_transaction_runs_on_the_loop_thread_and_a_read_does_not(sqlite_db: Database) -> None:
    loop_thread = threading.get_ident()
    async with sqlite_db.transaction() as session:
        assert await _thread_of_statements(session) == loop_thread
        session.add(Member(platform="slack", workspace="T1", user_id="U1", display_name="Ana", created_at=NOW))
    async with sqlite_db.transaction(write=False) as session:
        assert await _thread_of_statements(session) != loop_thread
        assert (await session.execute(select(func.count()).select_from(Member))).scalar_one() == 1


async def test_a_failed_write_transaction_is_rolled_back_whole(sqlite_db: Database) -> None:
    try:
        async with sqlite_db.transaction() as session:
            session.add(Member(platform="slack", workspace="T1", user_id="U1", display_name="Ana", created_at=NOW))
            await session.flush()
            raise RuntimeError("the handler failed")
    except RuntimeError:
        pass
    async with sqlite_db.transaction(write=False) as session:
        assert (await session.execute(select(func.count()).select_from(Member))).scalar_one() == 0


async def test_another_process_writing_is_waited_for_off_the_loop(sqlite_db: Database) -> None:
    other = sqlite3.connect(sqlite_db.url.database, isolation_level=None)  # another process's connection
    other.execute("BEGIN IMMEDIATE")
    try:
        async def write() -> None:
            async with sqlite_db.transaction() as session:
                session.add(Member(platform="slack", workspace="T1", user_id="U2", display_name="Bo", created_at=NOW))

        writing = asyncio.create_task(write())
        turns = 0
        for _ in range(200):  # the loop keeps turning while the write waits for the lock
            await asyncio.sleep(0)
            turns += 1
        assert turns == 200 and not writing.done()
    finally:
        other.execute("COMMIT")
        other.close()
    await writing
    async with sqlite_db.transaction(write=False) as session:
        names = (await session.execute(select(Member.display_name))).scalars().all()
    assert names == ["Bo"]
    # and the busy timeout is back for the next transactions on that connection
    async with sqlite_db.transaction() as session:
        assert (await session.execute(select(func.count()).select_from(Member))).scalar_one() == 1
        raw = await (await session.connection()).get_raw_connection()
        assert raw.driver_connection._connection.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000  # type: ignore[union-attr]
