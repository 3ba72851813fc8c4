"""Full-text practice search on both engines: ranking, accents, prefixes, staying in step, the migration."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import delete, event, select, update

from bot.render_text import render_text
from storage.migrate import upgrade
from storage.models import City, CityStatus, Practice, PracticeTheme
from storage.queries.practices import search_practices
from storage.session import Database
from tests.conftest import Chat, make_database

T0 = datetime(2026, 1, 1, tzinfo=UTC)
PRACTICES = [
    # (title, summary, themes)
    ("Presupuesto participativo de vivienda", "Los vecinos deciden cada año el 5 % del presupuesto.", ["housing"]),
    ("Accès à l'eau potable", "Des fontaines publiques gratuites dans chaque quartier.", ["water"]),
    ("Water kiosks", "Kiosks in every district sell clean water at cost.", ["water"]),
    ("Youth council", "Young people advise the council on water, parks and transport budgets.", ["youth"]),
    ("Budget participatif", "Les habitants décident de l'accès au logement social.", ["housing"]),
]


async def _add_city(db: Database, name: str = "Grenoble") -> int:
    async with db.transaction() as session:
        city = City(name=name, name_key=name.lower(), country="France", country_key="france", region="europe",
                    status=CityStatus.VERIFIED, registered_at=T0, joined_at=T0, languages="fr")
        session.add(city)
        await session.flush()
        return city.id


async def _add_practices(db: Database, city_id: int, rows: list[tuple[str, str, list[str]]]) -> None:
    async with db.transaction() as session:
        for n, (title, summary, themes) in enumerate(rows):
            session.add(Practice(city_id=city_id, title=title, summary=summary, search_text="",
                                 created_at=T0 + timedelta(days=n), themes=[PracticeTheme(theme=t) for t in themes]))


async def _titles(db: Database, *words: str, **filters: object) -> tuple[list[str], int]:
    async with db.transaction(write=False) as session:
        found, total = await search_practices(session, list(words), **filters)  # type: ignore[arg-type]
        return [p.title for p in found], total


@pytest.fixture
async def searchable(db: Database) -> Database:
    await _add_practices(db, await _add_city(db), PRACTICES)
    return db


async def test_accents_and_case_are_ignored_both_ways(searchable: Database) -> None:
    assert (await _titles(searchable, "acces"))[0] == ["Accès à l'eau potable", "Budget participatif"]
    assert (await _titles(searchable, "ACCÈS", "eau"))[0] == ["Accès à l'eau potable"]
    assert (await _titles(searchable, "ano"))[0] == ["Presupuesto participativo de vivienda"]  # año


async def test_a_title_match_ranks_above_a_summary_match(searchable: Database) -> None:
    titles, total = await _titles(searchable, "water")
    assert total == 2
    assert titles == ["Water kiosks", "Youth council"]  # the youth council is newer but says water only in passing


async def test_the_last_word_matches_as_a_prefix_the_others_whole(searchable: Database) -> None:
    assert (await _titles(searchable, "kiosk"))[0] == ["Water kiosks"]
    assert (await _titles(searchable, "budg"))[0] == ["Budget participatif", "Youth council"]
    assert (await _titles(searchable, "budg", "participatif"))[0] == ["Budget participatif"]
    assert (await _titles(searchable, "particip"))[1] == 2
    # Not last, "budg" must be a whole word: nothing holds both words, so either will do.
    assert (await _titles(searchable, "budg", "council"))[0] == ["Youth council"]


async def test_every_word_first_then_any_word(searchable: Database) -> None:
    assert (await _titles(searchable, "water", "kiosks"))[0] == ["Water kiosks"]
    titles, total = await _titles(searchable, "agua", "fontaines")  # nothing has both: either will do
    assert (titles, total) == (["Accès à l'eau potable"], 1)


async def test_filters_narrow_the_search(searchable: Database) -> None:
    assert (await _titles(searchable, "water", theme="youth"))[0] == ["Youth council"]
    other = await _add_city(searchable, "Lyon")
    await _add_practices(searchable, other, [("Water fountains", "Drinking water in parks.", ["water"])])
    assert (await _titles(searchable, "water", city_id=other)) == (["Water fountains"], 1)
    assert (await _titles(searchable, "water"))[1] == 3


async def test_query_syntax_in_the_words_is_only_text(searchable: Database) -> None:
    for hostile in ('"', "water*", "NEAR(water kiosks)", "water & !kiosks", "a:*", "title:water", "-", "')"):
        titles, _total = await _titles(searchable, hostile)
        assert isinstance(titles, list)
    assert (await _titles(searchable, "title:water"))[0][0] == "Water kiosks"
    assert await _titles(searchable, "¿?") == ([], 0)


async def test_the_index_follows_updates_and_deletes(searchable: Database) -> None:
    async with searchable.transaction() as session:
        await session.execute(update(Practice).where(Practice.title == "Water kiosks").values(title="Solar kiosks"))
    assert (await _titles(searchable, "solar"))[0] == ["Solar kiosks"]
    assert sorted((await _titles(searchable, "water"))[0]) == ["Solar kiosks", "Youth council"]  # in its summary
    async with searchable.transaction() as session:
        await session.execute(delete(Practice).where(Practice.title == "Solar kiosks"))
    assert (await _titles(searchable, "kiosks"))[0] == []
    async with searchable.transaction() as session:
        await session.execute(delete(City))  # the practices go with their city (ON DELETE CASCADE)
    assert await _titles(searchable, "budget") == ([], 0)


POINTED = [
    ("مَدِينَة حُقُوق الإنسان", "بَرْنَامَج السَّكَن لِلْجَمِيعِ", ["housing"]),
    ("مكتبة عامة", "كتب مجانية في كل حي", ["education"]),
    ("דִּיּוּר צִיבּוּרִי", "הָעִירִיָּה בּוֹנָה דִּירוֹת", ["housing"]),
]


async def _fts_is_sound(db: Database) -> None:
    """SQLite: the FTS5 index holds what its content (the stripped view) says; a 'delete' given other text than
    was indexed would leave it corrupt."""
    if db.is_sqlite:
        async with db.engine.begin() as conn:
            await conn.exec_driver_sql("INSERT INTO practices_fts(practices_fts, rank) VALUES ('integrity-check', 1)")


async def test_arabic_and_hebrew_are_found_with_or_without_their_pointing(db: Database) -> None:
    await _add_practices(db, await _add_city(db), POINTED)
    for words, title in (("مدينة", "مَدِينَة حُقُوق الإنسان"), ("مدينة حقوق", "مَدِينَة حُقُوق الإنسان"),
                         ("السكن", "مَدِينَة حُقُوق الإنسان"), ("مَدِينَة", "مَدِينَة حُقُوق الإنسان"),
                         ("مـدينـة", "مَدِينَة حُقُوق الإنسان"), ("مَكْتَبَة", "مكتبة عامة"), ("كُتُب مَجَّانِيَّة", "مكتبة عامة"),
                         ("דיור", "דִּיּוּר צִיבּוּרִי"), ("דיור ציבורי", "דִּיּוּר צִיבּוּרִי"),
                         ("דירות", "דִּיּוּר צִיבּוּרִי"), ("מכתב", None)):
        found = (await _titles(db, *words.split()))[0]
        assert found == ([title] if title else []), words
    assert (await _titles(db, "مدي"))[0] == ["مَدِينَة حُقُوق الإنسان"]  # the last word a prefix, as ever
    await _fts_is_sound(db)
    async with db.transaction() as session:  # the index follows writes as it strips them
        await session.execute(update(Practice).where(Practice.title == "مكتبة عامة").values(title="مَكْتَبَة البَلَدِيَّة"))
        await session.execute(delete(Practice).where(Practice.title == "דִּיּוּר צִיבּוּרִי"))
    await _fts_is_sound(db)
    assert (await _titles(db, "البلدية"))[0] == ["مَكْتَبَة البَلَدِيَّة"]
    assert (await _titles(db, "مكتبة", "عامة"))[0] == ["مَكْتَبَة البَلَدِيَّة"]  # any word: only the new title's
    assert (await _titles(db, "דיור"))[0] == []


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
async def test_the_migration_indexes_practices_already_there(kind: str, tmp_path: Path) -> None:
    db, cleanup = await make_database(kind, tmp_path, revision="0004")
    try:
        await _add_practices(db, await _add_city(db), PRACTICES)
        await upgrade(db)
        assert (await _titles(db, "fontaine"))[0] == ["Accès à l'eau potable"]
        assert (await _titles(db, "presupuesto"))[0] == ["Presupuesto participativo de vivienda"]
    finally:
        await cleanup()  # type: ignore[operator]


async def test_share_then_search_through_the_command(chat: Chat) -> None:
    await chat.say("ana", "/hrc register city: Grenoble country: France region: Europe")
    await chat.say("sec", "/hrc verify Grenoble")
    await chat.say("ana", "/hrc share title: Régie de l'eau themes: water summary: Une régie publique de l'eau.")
    await chat.say("ana", "/hrc share title: Housing first themes: housing summary: Homes before anything else.")
    found = await chat.say("bob", "/hrc practices regie")
    assert [i.title for i in found.items] == ["Régie de l'eau (Grenoble)"]
    found = await chat.say("bob", "/hrc practices the hous")  # stop words dropped, the last word a prefix
    assert [i.title for i in found.items] == ["Housing first (Grenoble)"]
    async with chat.ctx.db.transaction(write=False) as session:
        assert len((await session.execute(select(Practice))).scalars().all()) == 2


async def test_words_in_any_script_are_found_as_typed_and_latin_by_their_key(chat: Chat) -> None:
    """The indexes hold practices as written: a search in Cyrillic, Arabic or Greek letters finds them (the
    matching key alone, ``privet``, did not), and Latin words still match with or without accents."""
    await chat.say("ana", "/hrc register city: Kharkiv country: Ukraine region: Europe")
    await chat.say("sec", "/hrc verify Kharkiv")
    await chat.say("ana", "/hrc share title: Доступне житло для всіх themes: housing summary: Місто будує соціальне житло.")
    await chat.say("ana", "/hrc share title: مرحبا بالعالم themes: housing summary: مكتبات عامة مفتوحة للجميع")
    await chat.say("ana", "/hrc share title: Δημοτικό συμβούλιο νέων themes: youth summary: Οι νέοι συμβουλεύουν τον δήμο.")
    await chat.say("ana", "/hrc share title: Régie de l'eau themes: water summary: Une régie publique.")
    # Scripts whose words carry marks (vowel signs, harakat): one word to the indexes, one word to the search.
    await chat.say("ana", "/hrc share title: आवास योजना किराया themes: housing summary: हिंदी शहर")
    await chat.say("ana", "/hrc share title: โครงการที่อยู่อาศัย themes: housing summary: ไทย")
    await chat.say("ana", "/hrc share title: مَدِينَة حقوق themes: housing summary: عربي")
    for words, title in (("आवास", "आवास योजना किराया"), ("हिंदी", "आवास योजना किराया"),
                         ("โครงการที่อยู่อาศัย", "โครงการที่อยู่อาศัย"), ("مَدِينَة", "مَدِينَة حقوق"),
                         ("مدينة", "مَدِينَة حقوق"), ("ـمـدينة", "مَدِينَة حقوق"), ("مَرْحَبًا", "مرحبا بالعالم"), ("житло", "Доступне житло для всіх"), ("ЖИТЛО всіх", "Доступне житло для всіх"),
                         ("соціаль", "Доступне житло для всіх"), ("مرحبا", "مرحبا بالعالم"),
                         ("مكتبات عامة", "مرحبا بالعالم"), ("συμβούλιο", "Δημοτικό συμβούλιο νέων"),
                         ("regie", "Régie de l'eau"), ("RÉGIE publique", "Régie de l'eau")):
        found = await chat.say("bob", f"/hrc practices {words}")
        assert [item.title for item in found.items] == [f"{title} (Kharkiv)"], (words, render_text(found))


async def test_prefix_indexes_from_two_to_eight_characters_keep_the_practices_already_there(tmp_path: Path) -> None:
    db, cleanup = await make_database("sqlite", tmp_path, revision="0015_names")
    try:
        await _add_practices(db, await _add_city(db), PRACTICES)
        await upgrade(db)
        async with db.engine.connect() as conn:
            created = (await conn.exec_driver_sql("SELECT sql FROM sqlite_master WHERE name = 'practices_fts'")).scalar_one()
        assert "prefix='2 3 4 5 6 7 8'" in created
        assert (await _titles(db, "fontaine"))[0] == ["Accès à l'eau potable"]  # filled from the rows already there
        assert (await _titles(db, "publiq"))[0] == ["Accès à l'eau potable"]  # a 6-character prefix
        assert (await _titles(db, "water"))[0] == ["Water kiosks", "Youth council"]  # bm25, title first, as before
        await _add_practices(db, await _add_city(db, "Lyon"), [("Éclairage public", "Des lampadaires solaires.", ["climate"])])
        assert (await _titles(db, "eclairage", "publ"))[0] == ["Éclairage public"]  # the triggers still fill it
    finally:
        await cleanup()  # type: ignore[operator]


async def test_postgresql_parses_the_search_once_even_in_a_generic_plan(tmp_path: Path) -> None:
    """asyncpg prepares every statement, and PostgreSQL switches a prepared statement to a generic plan after
    five runs. In it, a to_tsquery of a parameter was evaluated again for every match (the recheck, ts_rank):
    5,438 matches took 50 ms instead of 31 (issue 17). The query is now parsed once, in an InitPlan."""
    from storage.queries.practices import _ranked

    db, cleanup = await make_database("postgresql", tmp_path)
    try:
        ids, _count = _ranked("postgresql", False, False)
        sql = str(ids.compile(db.engine.sync_engine))
        async with db.engine.connect() as conn:
            await conn.exec_driver_sql("SET plan_cache_mode = force_generic_plan")
            await conn.exec_driver_sql(f"PREPARE search_plan AS {sql}")
            plan = [row[0] for row in (await conn.exec_driver_sql(
                "EXPLAIN (VERBOSE) EXECUTE search_plan('water & kiosk:*', 10)")).all()]
    finally:
        await cleanup()  # type: ignore[operator]
    text = "\n".join(plan)
    assert "Recheck Cond" in text or "Filter" in text, text
    per_row = [line for line in plan if any(k in line for k in ("Recheck Cond", "Sort Key", "Filter", "Index Cond"))]
    assert per_row and not any("to_tsquery" in line for line in per_row), text


async def test_a_result_carries_its_city_and_sorted_themes_read_in_one_query(db: Database) -> None:
    await _add_practices(db, await _add_city(db), [
        ("Toits verts", "Des jardins sur les toits des écoles.", ["water", "environment", "education"]),
        ("Toits solaires", "Des panneaux sur les toits publics.", []),
    ])
    seen: list[str] = []
    event.listen(db.engine.sync_engine, "before_cursor_execute", lambda _c, _cur, statement, *_rest: seen.append(statement))
    async with db.transaction(write=False) as session:
        found, total = await search_practices(session, ["toits"])
    assert total == 2
    by_title = {p.title: p for p in found}
    assert by_title["Toits verts"].theme_slugs == ("education", "environment", "water")
    assert by_title["Toits solaires"].theme_slugs == () and by_title["Toits verts"].city_name == "Grenoble"
    # the ranked ids (with the count on PostgreSQL; both found, fewer than the limit: no count on SQLite), then the lines
    assert sum(1 for s in seen if s.lstrip().upper().startswith("SELECT")) == 2, seen


async def test_a_title_of_nothing_visible_is_missing_and_one_of_signs_is_refused(chat: Chat) -> None:
    """Zero-width characters are not a title (nor any other option or argument); a title needs letters or
    digits, as a city's name does; invisible characters inside a title are not stored."""
    await chat.say("ana", "/hrc register city: Grenoble country: France region: Europe")
    await chat.say("sec", "/hrc verify Grenoble")
    blank = await chat.say("ana", "/hrc share title: \u200b\u200b themes: housing summary: Homes first.")
    assert blank.is_error and "Missing: `title:`" in blank.text, blank.text
    blank = await chat.say("ana", "/hrc share title: Homes themes: housing summary: \u200b \u2060")
    assert blank.is_error and "Missing: `summary:`" in blank.text, blank.text
    blank = await chat.say("ana", "/hrc share title: Homes themes: housing summary: \u2800")  # Braille blank (review)
    assert blank.is_error and "Missing: `summary:`" in blank.text, blank.text
    signs = await chat.say("ana", "/hrc share title: 🏠 ✨ themes: housing summary: Homes first.")
    assert signs.is_error and "needs letters or digits" in signs.text, signs.text
    for summary in ("\u0301", "👍 🎉"):  # an accent on nothing was stored, and shown as one (stop 30)
        signs = await chat.say("ana", f"/hrc share title: Homes themes: housing summary: {summary}")
        assert signs.is_error and signs.error_field == "summary" and "summary needs words" in signs.text, signs.text
    shown = await chat.say("ana", "/hrc share title: Hou\u200bsing  first themes: housing summary: Homes first.")
    assert not shown.is_error and shown.title == "Housing first", shown.title
    async with chat.ctx.db.transaction(write=False) as session:
        assert (await session.execute(select(Practice.title))).scalars().all() == ["Housing first"]


async def test_a_search_for_a_theme_s_word_that_finds_nothing_points_to_the_theme(chat: Chat) -> None:
    """`prácticas agua` reads titles and summaries only; when nothing matches, the theme it names is offered."""
    await chat.say("ana", "/hrc register city: Grenoble country: France region: Europe")
    await chat.say("sec", "/hrc verify Grenoble")
    await chat.say("ana", "/hrc share title: Kiosks themes: water summary: Clean and cheap for all.")
    spanish = await chat.say("bob", "/hrc prácticas agua", "es")
    assert spanish.text == "Ninguna práctica coincide con «agua».", spanish.text
    assert spanish.footer == "Prácticas sobre Agua y saneamiento: `/hrc prácticas tema: agua y saneamiento`", spanish.footer
    followed = await chat.say("bob", "/hrc prácticas tema: agua y saneamiento", "es")
    assert [item.title for item in followed.items] == ["Kiosks (Grenoble)"]
    other = await chat.say("bob", "/hrc practices zebra")
    assert other.footer == "Try fewer words, or `/hrc practices` for the newest ones.", other.footer
