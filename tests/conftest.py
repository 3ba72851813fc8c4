"""Shared fixtures: a migrated database on SQLite and on PostgreSQL, a handler context, a fake clock."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from handlers.context import Context
from handlers.dispatch import handle_text
from handlers.types import Actor, Place, Reply
from storage.migrate import upgrade
from storage.session import Database

PG_URL = "postgresql://postgres@127.0.0.1:5432/test"


def _postgres_reachable() -> bool:
    import socket

    try:
        with socket.create_connection(("127.0.0.1", 5432), timeout=1):
            return True
    except OSError:
        return False


POSTGRES_AVAILABLE = _postgres_reachable()


class FakeClock:
    """A clock the test moves by hand (the only thing besides randomness we fake)."""

    def __init__(self, start: datetime | None = None) -> None:
        self.now = start or datetime(2026, 11, 24, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs: float) -> None:
        self.now += timedelta(**kwargs)


async def make_database(kind: str, tmp_path: Path, revision: str = "head") -> tuple[Database, object]:
    """A fresh database migrated to ``revision``; returns it and a cleanup coroutine function."""
    if kind == "sqlite":
        db = Database(f"sqlite:///{tmp_path / 'hrc.db'}")
        await upgrade(db, revision)

        async def cleanup() -> None:
            await db.dispose()

        return db, cleanup
    if not POSTGRES_AVAILABLE:
        pytest.skip("PostgreSQL is not reachable on 127.0.0.1:5432 (it runs on every dev and CI machine of this project)")
    schema = "t_" + secrets.token_hex(6)  # one schema per test: parallel runs never collide
    admin = Database(PG_URL)
    async with admin.engine.begin() as conn:
        await conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    db = Database(PG_URL, connect_args={"server_settings": {"search_path": schema}})
    await upgrade(db, revision)

    async def cleanup() -> None:
        await db.dispose()
        async with admin.engine.begin() as conn:
            await conn.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        await admin.dispose()

    return db, cleanup


@pytest.fixture(params=["sqlite", "postgresql"])
async def db(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Database]:
    database, cleanup = await make_database(request.param, tmp_path)
    try:
        yield database
    finally:
        await cleanup()  # type: ignore[operator]


@pytest.fixture
async def sqlite_db(tmp_path: Path) -> AsyncIterator[Database]:
    database, cleanup = await make_database("sqlite", tmp_path)
    try:
        yield database
    finally:
        await cleanup()  # type: ignore[operator]


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def ctx(db: Database, clock: FakeClock) -> Context:
    return Context(db=db, clock=clock, secretariat=frozenset({"console:sec"}))


def person(user: str, *, platform: str = "console", secretariat: bool = False) -> tuple[Actor, Place]:
    workspace = "local" if platform == "console" else "W1"
    return (
        Actor(platform=platform, workspace=workspace, user_id=user, display_name=user.title(), secretariat_role=secretariat),
        Place(platform=platform, workspace=workspace, channel_id="C1"),
    )


class Chat:
    """Send typed commands as a given user through the real parser and dispatcher."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    async def say(self, user: str, text: str, locale: str = "", **kwargs: object) -> Reply:
        """``locale`` plays the platform's language for the person (Discord's ``es-ES``…)."""
        actor, place = person(user, **kwargs)  # type: ignore[arg-type]
        return await handle_text(self.ctx, actor, place, text, locale)


@pytest.fixture
def chat(ctx: Context) -> Chat:
    return Chat(ctx)
