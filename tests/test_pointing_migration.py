"""Migration 0020_names_pointing on a database written before it (SQLite and PostgreSQL): the cities, former
names and practices written with Arabic's or Hebrew's optional pointing get the keys today's fold gives them,
a new clash is kept apart and reported, every row stays, and both full-text indexes find the practices
already there with or without the marks."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text

from handlers.context import Context
from storage.migrate import upgrade
from storage.queries.practices import search_practices
from tests.conftest import Chat, FakeClock, make_database

NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)

# Rows as the old fold keyed them: a haraka was a vowel (الرِّباط -> lribt), a shin dot an h.
OLD_CITIES = [
    (1, "الرِّباط", "lribt", "MA"),
    (2, "الرباط", "lrbt", "MA"),  # the same city registered unpointed: 1 now has its key
    (3, "طَنْجَة", "tanjah", "MA"),
    (4, "مَدِينَة", "madiynah#4", "MA"),  # parked by 0006: stays parked
    (5, "Łódź", "lodz", "PL"),
    (6, "תֵּל אָבִיב", "tel aviyv", "IL"),
]
TABLES = ("cities", "city_aliases", "practices")


async def _count(db, table: str) -> int:  # type: ignore[no-untyped-def]
    async with db.engine.connect() as conn:
        return int((await conn.execute(text(f"SELECT count(*) FROM {table}"))).scalar_one())


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
async def test_refolds_pointed_rows_and_reindexes_keeping_every_row(
    kind: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    db, cleanup = await make_database(kind, tmp_path, revision="0019_calendar_outbox_expiry")
    try:
        async with db.engine.begin() as conn:
            for city_id, name, key, country in OLD_CITIES:
                await conn.execute(
                    text("INSERT INTO cities (id, name, name_key, country, country_key, region, languages, status, "
                         "registered_at, is_demo) VALUES (:id, :name, :key, :c, :c, 'africa', '', 'verified', :at, false)"),
                    {"id": city_id, "name": name, "key": key, "c": country, "at": NOW},
                )
            await conn.execute(
                text("INSERT INTO city_aliases (id, city_id, name, name_key, country_key, created_at) "
                     "VALUES (1, 3, 'فَاس', 'fas', 'MA', :at)"), {"at": NOW},
            )
            for practice_id, title, summary, search_text in (
                (1, "مَدِينَة حُقُوق الإنسان", "بَرْنَامَج السَّكَن", "madiynah huquwq lnsn barnamaj lsakan"),
                (2, "Water kiosks", "Clean water.", "left as it was"),  # no mark: not rewritten
            ):
                await conn.execute(
                    text("INSERT INTO practices (id, city_id, title, summary, search_text, created_at, is_demo) "
                         "VALUES (:id, 3, :title, :summary, :search, :at, false)"),
                    {"id": practice_id, "title": title, "summary": summary, "search": search_text, "at": NOW},
                )
        before = {table: await _count(db, table) for table in TABLES}

        with caplog.at_level(logging.WARNING, logger="storage.migrations"):
            await upgrade(db)

        assert {table: await _count(db, table) for table in TABLES} == before
        async with db.engine.connect() as conn:
            keys = [tuple(r) for r in (await conn.execute(text("SELECT id, name_key FROM cities ORDER BY id"))).all()]
            alias = (await conn.execute(text("SELECT name_key FROM city_aliases"))).scalar_one()
            searched = [tuple(r) for r in (await conn.execute(text("SELECT id, search_text FROM practices ORDER BY id"))).all()]
        assert keys == [(1, "lrbt#1"), (2, "lrbt"), (3, "tnjh"), (4, "mdynh#4"), (5, "lodz"), (6, "tl vyv")]
        assert alias == "fs"
        assert searched == [(1, "mdynh hqwq lnsn brnmj lskn"), (2, "left as it was")]
        report = [r.getMessage() for r in caplog.records if r.name == "storage.migrations"]
        assert report == ["migration 0020_names_pointing: city #1 'الرِّباط' (MA) now has the same key as #2: "
                          "kept apart (key lrbt#1); merge them by hand"]

        async with db.transaction(write=False) as session:  # the indexes hold the practices already there, stripped
            for words in (["مدينة"], ["مَدِينَة"], ["السكن"], ["water"]):
                found, _total = await search_practices(session, words)
                assert [p.id for p in found] == [2 if words == ["water"] else 1], words

        chat = Chat(Context(db=db, clock=FakeClock(), secretariat=frozenset({"console:sec"})))
        for typed, shown in (("طنجة", "طَنْجَة"), ("فاس", "طَنْجَة"), ("תל אביב", "תֵּל אָבִיב")):
            profile = await chat.say("ana", f"/hrc profile {typed}")
            assert profile.title == shown, (typed, profile.text)
    finally:
        await cleanup()  # type: ignore[operator]
