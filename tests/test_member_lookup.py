"""A person is found by their own account or by a linked one through the unique indexes, never by reading
every member (issue 17: on PostgreSQL `own OR id IN (linked)` read all 20,000 members, ~2 ms for each
command of a person whose language was not cached and for every write), on both engines."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import insert

from storage.models import Member, MemberAccount
from storage.queries.members import _LANGUAGE_PREFERENCES, find_member, language_preferences
from storage.session import Database

MEMBERS = 5000
NOW = datetime(2026, 12, 3, tzinfo=UTC)


async def _members(db: Database) -> None:
    async with db.transaction() as session:
        await session.execute(insert(Member), [
            {"id": n, "platform": "discord", "workspace": "111111111111111111", "user_id": str(420000000000000000 + n),
             "display_name": f"person{n}", "created_at": NOW, "language": "es" if n == 42 else None}
            for n in range(1, MEMBERS + 1)
        ])
        await session.execute(insert(MemberAccount), [
            {"member_id": 42, "platform": "slack", "workspace": "T1", "user_id": "ULINKED", "display_name": "person42",
             "created_at": NOW},
        ])
    async with db.engine.connect() as conn:  # the planner's statistics, as a database in use has them
        await (await conn.execution_options(isolation_level="AUTOCOMMIT")).exec_driver_sql("ANALYZE")


async def test_a_person_is_found_by_their_own_account_or_a_linked_one(db: Database) -> None:
    await _members(db)
    async with db.transaction(write=False) as session:
        own = await find_member(session, "discord", "111111111111111111", str(420000000000000042))
        linked = await find_member(session, "slack", "T1", "ULINKED")
        nobody = await find_member(session, "slack", "T1", "UNOBODY")
        preferences = await language_preferences(session, "slack", "T1", "ULINKED")
    assert own is not None and linked is not None and own.id == linked.id == 42
    assert nobody is None
    assert preferences == ("es", "")


async def test_the_lookup_reads_the_unique_indexes_not_every_member(db: Database) -> None:
    await _members(db)
    statement = _LANGUAGE_PREFERENCES.params(platform="slack", workspace="T1", user_id="ULINKED")
    sql = str(statement.compile(db.engine.sync_engine, compile_kwargs={"literal_binds": True}))
    async with db.engine.connect() as conn:
        rows = (await conn.exec_driver_sql(("EXPLAIN QUERY PLAN " if db.is_sqlite else "EXPLAIN ") + sql)).all()
    plan = "\n".join(str(row[-1]) for row in rows)
    if db.is_sqlite:
        assert "SCAN members" not in plan, plan
        assert "sqlite_autoindex_members_1" in plan and "sqlite_autoindex_member_accounts_1" in plan, plan
    else:
        assert "Seq Scan on members" not in plan, plan
        assert "uq_members_identity" in plan, plan
