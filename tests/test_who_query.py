"""The query behind `who THEME` (issue 17): a theme's cities and their focal points are read from the
covering indexes of migration 0017 on SQLite, the indexes exist on both engines, and the answer (cities in
`who`'s order, focal points in the order confirmed, linked accounts in the order linked) is the same."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest
from sqlalchemy import insert, inspect, text

from bot.discord.render import render as discord_render
from bot.render_text import render_text
from bot.slack.render import blocks_for, fallback_text
from handlers.cache import ReplyCache
from handlers.context import Context
from handlers.dispatch import handle_text
from handlers.types import Actor, Field, Place
from storage.models import City, CityTheme, FocalPoint, Member, MemberAccount
from storage.queries.cities import _THEME_ROWS, theme_roster, who_works_on
from storage.session import Database

NOW = datetime(2026, 12, 3, tzinfo=UTC)
CITIES = 300


async def _directory(db: Database) -> None:
    """300 verified cities, every third on housing, each with a confirmed focal point; city 3 with a second
    one, and its first focal point with two linked accounts; a pending city on housing."""
    regions = ["europe", "africa", "latin-america"]
    async with db.transaction() as session:
        await session.execute(insert(City), [
            {"id": n, "name": f"City {n:03d}", "name_key": f"city {n:03d}", "country": "FR", "country_key": "fr",
             "region": regions[n % 3], "status": "verified" if n <= CITIES else "pending", "registered_at": NOW,
             "languages": "en", "is_demo": False}
            for n in range(1, CITIES + 2)
        ])
        await session.execute(insert(CityTheme), [{"city_id": n, "theme": "housing" if n % 3 == 0 else "water"}
                                                   for n in range(1, CITIES + 2)])
        await session.execute(insert(Member), [
            {"id": n, "platform": "slack", "workspace": "T1", "user_id": f"U{n:05d}", "display_name": f"person {n}",
             "created_at": NOW} for n in range(1, CITIES + 3)
        ])
        await session.execute(insert(FocalPoint), [
            {"id": n, "member_id": n, "city_id": n, "status": "verified", "created_at": NOW} for n in range(1, CITIES + 2)
        ] + [{"id": CITIES + 2, "member_id": CITIES + 2, "city_id": 3, "status": "verified", "created_at": NOW}])
        await session.execute(insert(MemberAccount), [
            {"id": 2, "member_id": 3, "platform": "discord", "workspace": "111111111111111111",
             "user_id": "420000000000000003", "display_name": "person 3", "created_at": NOW},
            {"id": 1, "member_id": 3, "platform": "slack", "workspace": "T2", "user_id": "U3OTHER",
             "display_name": "person 3", "created_at": NOW},
            {"id": 3, "member_id": 4, "platform": "slack", "workspace": "T2", "user_id": "U4OTHER",  # city 4: water
             "display_name": "person 4", "created_at": NOW},
        ])
    async with db.engine.connect() as conn:  # the planner's statistics, as a database in use has them
        await (await conn.execution_options(isolation_level="AUTOCOMMIT")).exec_driver_sql("ANALYZE")


async def test_who_lists_the_theme_s_cities_in_order_with_their_focal_points_and_linked_accounts(db: Database) -> None:
    await _directory(db)
    async with db.transaction(write=False) as session:
        lines, total = await who_works_on(session, "housing", None, 1000)
        europe, in_europe = await who_works_on(session, "housing", "europe", 1000)
        first, _total = await who_works_on(session, "housing", None, 5)
    assert total == len(lines) == CITIES // 3  # the pending city is not listed
    keys = [(line.region, line.name) for line in lines]
    assert keys == sorted(keys) and first == lines[:5]
    assert in_europe == len(europe) == sum(1 for line in lines if line.region == "europe")
    by_name = {line.name: line for line in lines}
    assert by_name["City 003"].focal_points == (
        ("slack", "T1", "U00003", "person 3", (("slack", "T2", "U3OTHER"), ("discord", "111111111111111111", "420000000000000003"))),
        ("slack", "T1", f"U{CITIES + 2:05d}", f"person {CITIES + 2}", ()),
    )
    assert by_name["City 006"].focal_points == (("slack", "T1", "U00006", "person 6", ()),)


async def test_the_indexes_of_migration_0017_replace_the_narrower_ones(db: Database) -> None:
    async with db.engine.connect() as conn:
        names = await conn.run_sync(lambda sync: {
            table: {index["name"] for index in inspect(sync).get_indexes(table)} for table in ("city_themes", "focal_points")})
    assert "ix_city_themes_theme_city" in names["city_themes"] and "ix_city_themes_theme" not in names["city_themes"]
    assert "ix_focal_points_city_status_member" in names["focal_points"]
    assert "ix_focal_points_city_status" not in names["focal_points"]


async def test_sqlite_reads_the_theme_and_focal_points_from_the_indexes_alone(sqlite_db: Database) -> None:
    await _directory(sqlite_db)
    statement = _THEME_ROWS[False, False].params(theme="housing")
    sql = str(statement.compile(sqlite_db.engine.sync_engine, compile_kwargs={"literal_binds": True}))
    assert "'housing'" in sql
    async with sqlite_db.engine.connect() as conn:
        rows = (await conn.exec_driver_sql("EXPLAIN QUERY PLAN " + sql)).all()
    plan = "\n".join(str(row[-1]) for row in rows)
    assert "COVERING INDEX ix_city_themes_theme_city" in plan, plan
    assert "COVERING INDEX ix_focal_points_city_status_member" in plan, plan


async def test_a_few_cities_read_again_carry_the_same_linked_accounts(db: Database) -> None:
    await _directory(db)
    async with db.transaction(write=False) as session:
        whole = {city_id: line for _key, city_id, line in await theme_roster(session, "housing")}
        again = await theme_roster(session, "housing", [3, 6, 4])  # city 4 is not on housing
    assert [(city_id, line) for _key, city_id, line in again] == [(3, whole[3]), (6, whole[6])]
    assert whole[3].focal_points[0][4] == (("slack", "T2", "U3OTHER"), ("discord", "111111111111111111", "420000000000000003"))


# Forbidden in any reply (handlers.types.clean_input): a private-use mention marker, a right-to-left override, NUL.
POISON = "\ue000\u202e\x00"


@pytest.mark.parametrize("cached", [False, True], ids=["query", "roster"])
async def test_who_cleans_every_stored_value_it_shows(db: Database, cached: bool) -> None:
    """The country, region, focal point's name and ids are read as stored (CityLine) and cleaned where shown:
    the same answer as if they had been cleaned as they were read."""
    await _directory(db)
    poison = POISON if db.is_sqlite else POISON[:-1]  # PostgreSQL refuses NUL in text outright
    async with db.engine.begin() as conn:
        await conn.execute(text("UPDATE cities SET country = :v, region = :r WHERE id = 3"),
                           {"v": "FR" + poison, "r": "europe" + poison})
        await conn.execute(text("UPDATE members SET display_name = :v, user_id = :u, workspace = :w WHERE id = 3"),
                           {"v": "person 3" + poison, "u": "U00003" + poison, "w": "T1" + poison})
    ctx = Context(db=db, cache=ReplyCache(max_entries=100 if cached else 0), secretariat=frozenset())
    reply = await handle_text(ctx, Actor("slack", "T1", "U9", "reader"), Place("slack", "T1", "C1"), "/hrc who housing")
    assert not reply.is_error
    lines = {field.name: field.value for field in reply.fields}
    assert list(lines) == ["Europe (100)"] and lines["Europe (100)"].startswith("City 003 (France): ")
    first = lines["Europe (100)"].split("\n")[0]
    alone = replace(reply, fields=(Field("Europe", first),))  # renderers cut a long answer into pages
    shown = [render_text(alone), fallback_text(alone), str(blocks_for(alone, "T1")), str(discord_render(alone)[0].to_dict())]
    for rendered in shown:
        assert "person 3" in rendered
        assert not any(ch in rendered for ch in poison), rendered
