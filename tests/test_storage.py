"""Storage on a real database: migrations match the models, SQLite settings, the delivery ledger, atomicity."""

from __future__ import annotations

import asyncio
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import func, select

from handlers.context import Context
from storage.models import Base, City, Delivery, Member, in_models
from storage.queries import deliveries
from storage.session import Database
from tests.conftest import Chat, FakeClock, make_database


async def test_migrations_and_models_agree(db: Database) -> None:
    def diff(connection: object) -> list[object]:
        context = MigrationContext.configure(connection, opts={"compare_type": True, "include_name": in_models})  # type: ignore[arg-type]
        return compare_metadata(context, Base.metadata)

    async with db.engine.connect() as conn:
        assert await conn.run_sync(diff) == []


async def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(sqlite_db: Database) -> None:
    async with sqlite_db.engine.connect() as conn:
        assert (await conn.exec_driver_sql("PRAGMA journal_mode")).scalar() == "wal"
        assert (await conn.exec_driver_sql("PRAGMA busy_timeout")).scalar() >= 5000
        assert (await conn.exec_driver_sql("PRAGMA foreign_keys")).scalar() == 1


async def test_delivery_key_is_claimed_once(db: Database, clock: FakeClock) -> None:
    async with db.transaction() as session:
        assert await deliveries.claim(session, "prompt:x:2026-12-10:slack:T:C", "prompt", clock())
    async with db.transaction() as session:
        assert not await deliveries.claim(session, "prompt:x:2026-12-10:slack:T:C", "prompt", clock())
        await deliveries.mark(session, "prompt:x:2026-12-10:slack:T:C", "sent", clock())
    async with db.transaction(write=False) as session:
        row = await deliveries.get(session, "prompt:x:2026-12-10:slack:T:C")
        assert row is not None and row.status == "sent" and row.attempts == 1


async def test_concurrent_claims_from_two_engines_let_exactly_one_win(tmp_path: Path, clock: FakeClock) -> None:
    first, cleanup = await make_database("sqlite", tmp_path)
    second = first.reopen()

    async def claim(database: Database, n: int) -> bool:
        async with database.transaction() as session:
            return await deliveries.claim(session, "broadcast:1:slack:T:C", "broadcast", clock())

    results = await asyncio.gather(*(claim(first if n % 2 else second, n) for n in range(20)))
    assert results.count(True) == 1
    await second.dispose()
    await cleanup()  # type: ignore[operator]


async def test_concurrent_registrations_on_sqlite_do_not_fail_with_busy(tmp_path: Path, clock: FakeClock) -> None:
    database, cleanup = await make_database("sqlite", tmp_path)
    chat = Chat(Context(db=database, clock=clock))
    replies = await asyncio.gather(
        *(chat.say(f"user{n}", f"/hrc register city: City {n} country: Chile region: Latin America") for n in range(25))
    )
    assert all(not r.is_error for r in replies), [r.text for r in replies if r.is_error]
    async with database.transaction(write=False) as session:
        assert (await session.execute(select(func.count()).select_from(City))).scalar_one() == 25
    await cleanup()  # type: ignore[operator]


async def test_a_failed_command_writes_nothing(db: Database, clock: FakeClock) -> None:
    chat = Chat(Context(db=db, clock=clock))
    reply = await chat.say("ana", "/hrc register city: Grenoble country: France region: Europe themes: housing, nonsense")
    assert reply.is_error and "nonsense" in reply.text
    async with db.transaction(write=False) as session:
        assert (await session.execute(select(func.count()).select_from(City))).scalar_one() == 0
        assert (await session.execute(select(func.count()).select_from(Member))).scalar_one() == 0
        assert (await session.execute(select(func.count()).select_from(Delivery))).scalar_one() == 0


async def test_an_error_after_a_write_rolls_the_whole_command_back(db: Database, clock: FakeClock) -> None:
    from handlers.errors import UserError
    from handlers.registry import COMMANDS, command
    from storage.queries.members import upsert_member

    @command("test-half-write", summary="test", usage="test-half-write", writes=True)
    async def half_write(ctx, request, session):  # type: ignore[no-untyped-def]
        await upsert_member(session, "console", "local", "ana", "Ana", clock())
        raise UserError("stopped half-way")

    try:
        reply = await Chat(Context(db=db, clock=clock)).say("ana", "/hrc test-half-write")
        assert reply.is_error and reply.text == "stopped half-way"
        async with db.transaction(write=False) as session:
            assert (await session.execute(select(func.count()).select_from(Member))).scalar_one() == 0
    finally:
        COMMANDS.pop("test-half-write")


async def test_same_new_city_registered_concurrently_gives_one_city_two_focal_points(db: Database, clock: FakeClock) -> None:
    chat = Chat(Context(db=db, clock=clock))
    line = "/hrc register city: Quilmes country: Argentina region: Latin America"
    replies = await asyncio.gather(*(chat.say(user, line) for user in ("ana", "bob", "carl")))
    assert all(not r.is_error for r in replies), [r.text for r in replies]
    async with db.transaction(write=False) as session:
        assert (await session.execute(select(func.count()).select_from(City))).scalar_one() == 1
