"""The per-theme rosters behind `who` (handlers/roster.py): after any change a `who` answered from a patched
roster is what a fresh read of the database gives, a change re-reads only the cities it names, and a
change that lands while a roster is being read is not lost. Real dispatcher and databases."""

from __future__ import annotations

from sqlalchemy import event

from bot.render_text import render_text
from handlers.cache import ReplyCache
from handlers.roster import Rosters
from storage.session import Database
from tests.test_cache_scopes import fresh
from tests.test_reply_cache import _city_id, cache_of, make_runtime, ok, verified_city

WHO = ["/hrc who housing", "/hrc who water", "/hrc who housing region: latin america", "/hrc who gender"]


async def assert_who_is_current(runtime) -> None:  # type: ignore[no-untyped-def]
    for line in WHO:
        cached = render_text(await ok(runtime, "reader", line))
        assert cached == render_text(await fresh(runtime, line)), line
    rosters = cache_of(runtime).rosters
    for roster in rosters._themes.values() if rosters is not None else ():
        # In code-point order whatever the database's collation: a changed city is put back by bisection.
        assert roster.keys == sorted(roster.keys) and len(roster.keys) == len(roster.lines) == len(roster.by_id)


def statements(db: Database) -> list[str]:
    seen: list[str] = []
    event.listen(db.engine.sync_engine, "before_cursor_execute",
                 lambda _c, _cur, statement, *_rest: seen.append(" ".join(statement.split())))
    return seen


async def test_who_from_a_patched_roster_is_what_the_database_says_after_every_change(db: Database) -> None:
    runtime = make_runtime(db)
    await verified_city(runtime, "ana", "Grenoble", "France", themes="housing, water")
    await verified_city(runtime, "bob", "Quilmes", "Argentina", region="Latin America", themes="housing")
    await verified_city(runtime, "cy", "Rosario", "Argentina", region="Latin America", themes="water")
    await assert_who_is_current(runtime)
    rosters = cache_of(runtime).rosters
    assert rosters is not None and len(rosters) == 3  # housing, water, gender (empty)
    steps = [
        ("cy", "/hrc theme add housing"),  # joins a roster, in its place (before Quilmes? after: R > Q)
        ("bob", "/hrc theme remove housing"),  # leaves it
        ("ana", "/hrc theme add gender"),  # into an empty roster
        ("dan", "/hrc register city: Bogotá country: Colombia region: Latin America themes: housing"),  # pending: not listed
        ("sec", "/hrc verify Bogotá"),  # verified: listed, first in Latin America
        ("bob", "/hrc theme add housing"),  # back
        ("bob", "/hrc leave"),  # a focal point leaves: Quilmes stays, without them
        ("eve", "/hrc register city: Saint-Denis country: France region: Europe themes: housing"),
        ("sec", "/hrc verify Saint-Denis"),
        ("fay", "/hrc register city: Saint Dié country: France region: Europe themes: housing"),
        ("sec", "/hrc verify Saint Dié"),  # "saint die" < "saint-denis" in code points, not in every collation
    ]
    for user, line in steps:
        await ok(runtime, user, line)
        await assert_who_is_current(runtime)
        assert len(rosters) == 3, f"{line}: patched, not dropped"
    housing = render_text(await ok(runtime, "reader", "/hrc who housing"))
    assert housing.index("Bogotá") < housing.index("Quilmes") < housing.index("Rosario")


async def test_a_change_rereads_only_the_cities_it_names(sqlite_db: Database) -> None:
    runtime = make_runtime(sqlite_db)
    await verified_city(runtime, "ana", "Grenoble", "France", themes="housing")
    await verified_city(runtime, "bob", "Quilmes", "Argentina", region="Latin America", themes="housing")
    await ok(runtime, "reader", "/hrc who housing")
    seen = statements(sqlite_db)
    await ok(runtime, "ana", "/hrc theme add water")
    seen.clear()
    # Its housing list is still cached; a question not asked yet is answered from the patched roster.
    assert "Grenoble" in render_text(await ok(runtime, "reader", "/hrc who housing region: europe"))
    reads = [s for s in seen if s.startswith("SELECT cities.id, cities.name")]
    quilmes = await _city_id(sqlite_db, "Quilmes", "Argentina")
    grenoble = await _city_id(sqlite_db, "Grenoble", "France")
    assert len(reads) == 1 and "cities.id IN" in reads[0], reads
    rosters = cache_of(runtime).rosters
    assert rosters is not None and rosters._themes["housing"].stale == set()
    assert set(rosters._themes["housing"].by_id) == {grenoble, quilmes}


async def test_a_change_while_a_roster_is_read_is_read_again_next_time(sqlite_db: Database) -> None:
    runtime = make_runtime(sqlite_db)
    await verified_city(runtime, "ana", "Grenoble", "France", themes="housing")
    grenoble = await _city_id(sqlite_db, "Grenoble", "France")
    rosters = Rosters()

    def change_lands(_c, _cur, statement: str, *_rest) -> None:  # type: ignore[no-untyped-def]
        if statement.lstrip().startswith("SELECT cities.id, cities.name"):
            rosters.invalidate(frozenset({"themes", "theme:housing", f"city:{grenoble}"}))

    event.listen(sqlite_db.engine.sync_engine, "before_cursor_execute", change_lands)
    async with sqlite_db.transaction(write=False) as session:
        lines, total = await rosters.lines(session, "housing", None, 10)
    assert total == 1 and rosters._themes["housing"].stale == {grenoble}

    rosters.invalidate(frozenset({"members"}))  # a person renamed: shown everywhere, names no city
    assert len(rosters) == 0


async def test_every_roster_is_dropped_with_the_cache_and_none_is_kept_without_one() -> None:
    cache = ReplyCache()
    assert cache.rosters is not None
    cache.rosters._themes["housing"] = object()  # type: ignore[assignment]
    cache.invalidate({"*"})
    assert len(cache.rosters) == 0
    assert ReplyCache(max_entries=0).rosters is None  # a cache that keeps no reply keeps no roster either
