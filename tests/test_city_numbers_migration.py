"""Migration 0018_names_city_numbers on a SQLite database written before it: `cities` is rebuilt with
AUTOINCREMENT and nothing pointing at it is lost (with foreign keys on, the rebuild's DROP would have
cascaded to every city's themes, focal points and practices), and the counter starts above every number
ever given, so a merged city's number is never given again."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from handlers.context import Context
from storage.migrate import upgrade
from storage.models import AuditEvent, City, CityAlias, CityTheme, FocalPoint, Practice
from storage.session import Database
from tests.conftest import Chat, FakeClock

COUNTED = (City, CityTheme, FocalPoint, Practice, CityAlias, AuditEvent)


async def _counts(db: Database) -> dict[str, int]:
    async with db.transaction(write=False) as session:
        return {model.__name__: (await session.execute(select(func.count()).select_from(model))).scalar_one()
                for model in COUNTED}


async def _schema(db: Database) -> set[tuple[str, str]]:
    async with db.engine.connect() as conn:
        rows = await conn.exec_driver_sql(
            "SELECT type, name FROM sqlite_master WHERE type IN ('index', 'trigger') AND name NOT LIKE 'sqlite_%'")
        return {(kind, name) for kind, name in rows}


async def test_rebuilds_cities_keeping_every_row_and_never_reusing_a_number(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'old.db'}")
    await upgrade(db, "0017_scale_who")
    chat = Chat(Context(db=db, clock=FakeClock(), secretariat=frozenset({"console:sec"})))
    await chat.say("ana", "/hrc register city: Bogotá country: Colombia region: Latin America themes: housing")
    await chat.say("sec", "/hrc verify Bogotá")
    shared = await chat.say("ana", "/hrc share title: Casas themes: housing summary: Vivienda para todos.")
    assert not shared.is_error
    await chat.say("bob", "/hrc register city: Quito country: Ecuador region: Latin America themes: water")
    await chat.say("carl", "/hrc register city: Bogota DC country: Colombia region: Latin America")
    merged = await chat.say("sec", "/hrc merge #3 into: Bogotá")  # the highest number goes: SQLite would give it again
    assert not merged.is_error, merged.text
    before, schema_before = await _counts(db), await _schema(db)

    await upgrade(db, "0018_names_city_numbers")  # later migrations change the schema on their own

    assert await _counts(db) == before
    assert before["CityTheme"] == 2 and before["FocalPoint"] == 3 and before["Practice"] == 1 and before["CityAlias"] == 1
    assert await _schema(db) == schema_before
    async with db.engine.connect() as conn:
        ddl = (await conn.exec_driver_sql("SELECT sql FROM sqlite_master WHERE name = 'cities'")).scalar_one()
        assert "AUTOINCREMENT" in ddl
        assert (await conn.exec_driver_sql("PRAGMA foreign_keys")).scalar() == 1
        assert (await conn.exec_driver_sql("PRAGMA foreign_key_check")).all() == []
    await chat.say("dan", "/hrc register city: Cuenca country: Ecuador region: Latin America")
    async with db.transaction(write=False) as session:
        numbers = {city.name: city.id for city in (await session.execute(select(City))).scalars()}
    assert numbers == {"Bogotá": 1, "Quito": 2, "Cuenca": 4}

    await db.dispose()
