"""Migration 0006_names on a database written before it (SQLite and PostgreSQL): keys recomputed,
free-text countries turned into ISO codes, duplicates and unknown countries reported, nothing merged."""

from __future__ import annotations

import logging
import secrets
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text

from storage.migrate import upgrade
from storage.session import Database
from tests.conftest import PG_URL, POSTGRES_AVAILABLE

NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)

# Rows as the old code stored them: name_key and country_key folded by the old rule (case and accents only).
OLD_CITIES = [
    (1, "Lodz", "lodz", "Poland", "poland"),
    (2, "Łódź", "łodz", "Pologne", "pologne"),
    (3, "Córdoba", "cordoba", "España", "espana"),
    (4, "Cordoba", "cordoba", "Spain", "spain"),
    (5, "Zü\u200brich", "zu rich", "Suisse", "suisse"),
    (6, "Atlantis", "atlantis", "Ocean", "ocean"),
    (7, "Tromsø", "tromsø", "Norway", "norway"),
]


@pytest.fixture(params=["sqlite", "postgresql"])
async def old_db(request: pytest.FixtureRequest, tmp_path: Path):  # type: ignore[no-untyped-def]
    """A database migrated only up to 0004, the revision before this one."""
    if request.param == "sqlite":
        db = Database(f"sqlite:///{tmp_path / 'old.db'}")
        await upgrade(db, "0004")
        yield db
        await db.dispose()
        return
    if not POSTGRES_AVAILABLE:
        pytest.skip("PostgreSQL is not reachable on 127.0.0.1:5432")
    schema = "t_" + secrets.token_hex(6)
    admin = Database(PG_URL)
    async with admin.engine.begin() as conn:
        await conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    db = Database(PG_URL, connect_args={"server_settings": {"search_path": schema}})
    await upgrade(db, "0004")
    yield db
    await db.dispose()
    async with admin.engine.begin() as conn:
        await conn.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
    await admin.dispose()


async def test_rekeys_converts_countries_and_reports_without_merging(old_db: Database, caplog: pytest.LogCaptureFixture) -> None:
    async with old_db.engine.begin() as conn:
        for city_id, name, name_key, country, country_key in OLD_CITIES:
            await conn.execute(
                text("INSERT INTO cities (id, name, name_key, country, country_key, region, languages, status, "
                     "registered_at, is_demo) VALUES (:id, :name, :nk, :c, :ck, 'europe', '', 'verified', :at, false)"),
                {"id": city_id, "name": name, "nk": name_key, "c": country, "ck": country_key, "at": NOW},
            )
        await conn.execute(
            text("INSERT INTO practices (id, city_id, title, summary, search_text, created_at, is_demo) "
                 "VALUES (1, 2, 'Łódź pomaga', 'Ulica Piotrkowska', 'łodz pomaga ulica piotrkowska', :at, false)"),
            {"at": NOW},
        )

    with caplog.at_level(logging.WARNING, logger="storage.migrations"):
        await upgrade(old_db)

    async with old_db.engine.connect() as conn:
        rows = (await conn.execute(text("SELECT id, name, name_key, country, country_key FROM cities ORDER BY id"))).all()
        search = (await conn.execute(text("SELECT search_text FROM practices"))).scalar_one()
    assert [tuple(r) for r in rows] == [
        (1, "Lodz", "lodz", "PL", "PL"),
        (2, "Łódź", "lodz#2", "PL", "PL"),  # kept apart, parked under a key no name folds to
        (3, "Córdoba", "cordoba", "ES", "ES"),
        (4, "Cordoba", "cordoba#4", "ES", "ES"),
        (5, "Zü\u200brich", "zurich", "CH", "CH"),
        (6, "Atlantis", "atlantis", "Ocean", "ocean"),  # no such country: kept as typed
        (7, "Tromsø", "tromso", "NO", "NO"),
    ]
    assert search == "lodz pomaga ulica piotrkowska"
    report = [r.getMessage() for r in caplog.records if r.name == "storage.migrations"]
    assert len(report) == 3
    assert any("#2 'Łódź' (PL) has the same key as #1 'Lodz'" in line for line in report)
    assert any("#4 'Cordoba' (ES) has the same key as #3 'Córdoba'" in line for line in report)
    assert any("#6 'Atlantis': country 'Ocean' is not an ISO 3166 country" in line for line in report)
