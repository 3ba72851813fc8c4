"""Scoped invalidation of the reply cache: a write drops exactly the cached answers that show what it
changed, in this process and (through ``data_changes``) in another instance; every answer kept is still
what a fresh read gives. Real parser, dispatcher and databases; a second instance is a second engine."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Hashable

from sqlalchemy import event

from bot.cache_watch import CacheWatch
from bot.render_text import render_text
from bot.wiring import Runtime
from handlers.cache import ReplyCache
from handlers.dispatch import handle_text
from handlers.types import ParsedCommand, Reply
from storage.session import Database
from tests.conftest import person
from tests.test_reply_cache import cache_of, make_runtime, ok, verified_city

# The answers kept in the cache, by the command that gives them.
READS = ["/hrc profile Grenoble", "/hrc profile Quilmes", "/hrc who housing", "/hrc who water", "/hrc who gender",
         "/hrc themes", "/hrc progress", "/hrc days theme: water"]


def key(line: str) -> Hashable:
    words = line.removeprefix("/hrc ").split(" ", 1)
    if words[0] == "who" or words[0] == "profile":
        return ReplyCache.key(ParsedCommand(words[0], main=words[1]), "en")
    if words[0] == "days":
        return ReplyCache.key(ParsedCommand("days", options={"theme": "water"}), "en")
    return ReplyCache.key(ParsedCommand(words[0]), "en")


async def fill(runtime) -> None:  # type: ignore[no-untyped-def]
    for line in READS:
        await ok(runtime, "reader", line)
    assert all(cache_of(runtime).get(key(line)) is not None for line in READS), "every read is cacheable"


def cached(runtime) -> set[str]:  # type: ignore[no-untyped-def]
    return {line for line in READS if cache_of(runtime).get(key(line)) is not None}


async def fresh(runtime, line: str) -> Reply:  # type: ignore[no-untyped-def]
    """The answer without any cache, straight from the database."""
    actor, place = person("reader")
    saved, runtime.ctx.cache = runtime.ctx.cache, None
    try:
        return await handle_text(runtime.ctx, actor, place, line)
    finally:
        runtime.ctx.cache = saved


def same(a: Reply, b: Reply) -> bool:
    return render_text(a) == render_text(b) and a.attachments == b.attachments


async def assert_kept_answers_are_current(runtime) -> None:  # type: ignore[no-untyped-def]
    for line in cached(runtime):
        assert same(cache_of(runtime).get(key(line)), await fresh(runtime, line)), f"stale: {line}"  # type: ignore[arg-type]


@contextlib.asynccontextmanager
async def two_instances(db: Database) -> AsyncIterator[tuple[Runtime, Runtime]]:
    """This process and another on the same database, with Grenoble (housing) and Quilmes (water) verified."""
    here = make_runtime(db)
    there = make_runtime(db.reopen())
    try:
        await verified_city(here, "ana", "Grenoble", "France", themes="housing")
        await verified_city(here, "bob", "Quilmes", "Argentina", region="Latin America", themes="water")
        yield here, there
    finally:
        await there.db.dispose()


async def test_a_write_drops_exactly_the_answers_it_changes_here_and_in_another_instance(db: Database) -> None:
    async with two_instances(db) as (here, there):
        watch = CacheWatch(there)
        assert await watch.check()
        await fill(here)
        await fill(there)

        steps = [
            # (who writes, the command, the answers it must drop)
            ("ana", "/hrc theme add gender", {"/hrc profile Grenoble", "/hrc who gender", "/hrc themes"}),
            ("bob", "/hrc share title: Water kiosks themes: water summary: Kiosks in every district.",
             {"/hrc profile Quilmes"}),
            ("carl", "/hrc subscribe housing", set()),
            ("ana", "/hrc theme remove housing", {"/hrc profile Grenoble", "/hrc who housing", "/hrc themes"}),
            ("sec", "/hrc verify Grenoble", set()),  # already verified: nothing changes
        ]
        for user, line, dropped in steps:
            await fill(here)
            await fill(there)
            await ok(here, user, line)
            assert cached(here) == set(READS) - dropped, line
            await assert_kept_answers_are_current(here)
            await watch.check()
            assert cached(there) - {"/hrc profile Grenoble", "/hrc profile Quilmes"} == set(READS) - dropped - {
                "/hrc profile Grenoble", "/hrc profile Quilmes"}, line
            await assert_kept_answers_are_current(there)  # the watch warmed changed cards again: current too


async def test_the_watch_leaves_this_instances_own_writes_and_drops_the_others(db: Database) -> None:
    """A write here already dropped its answers here: the database watch must not drop them again once a
    reader rebuilt them (each `who` rebuilt twice per `theme add`), but it still drops another instance's."""
    async with two_instances(db) as (here, there):
        watch = CacheWatch(here)
        assert await watch.check()
        await fill(here)
        await ok(here, "ana", "/hrc theme add gender")
        assert "/hrc who gender" not in cached(here)
        await fill(here)  # the readers rebuild what the write dropped
        assert await watch.check()  # the version moved…
        assert cached(here) == set(READS)  # …and nothing rebuilt was dropped a second time
        await ok(there, "bob", "/hrc theme add gender")  # another instance's write
        assert await watch.check()
        assert cached(here) == set(READS) - {"/hrc who gender", "/hrc themes"}  # Quilmes's card: read again
        await assert_kept_answers_are_current(here)
        assert "Quilmes" in render_text(await ok(here, "reader", "/hrc who gender"))


async def test_a_new_verified_city_drops_the_lists_but_not_the_other_cards(sqlite_db: Database) -> None:
    runtime = make_runtime(sqlite_db)
    await verified_city(runtime, "ana", "Grenoble", "France", themes="housing")
    await verified_city(runtime, "bob", "Quilmes", "Argentina", region="Latin America", themes="water")
    await fill(runtime)
    await verified_city(runtime, "dan", "Bogotá", "Colombia", region="Latin America", themes="water")
    assert cached(runtime) == {"/hrc profile Grenoble", "/hrc profile Quilmes", "/hrc days theme: water"}
    await assert_kept_answers_are_current(runtime)


async def test_a_language_change_forgets_that_persons_language_only(sqlite_db: Database) -> None:
    runtime = make_runtime(sqlite_db)
    cache = cache_of(runtime)
    await verified_city(runtime, "ana", "Grenoble", "France", themes="housing")
    await verified_city(runtime, "bob", "Quilmes", "Argentina", region="Latin America", themes="water")
    await fill(runtime)
    await ok(runtime, "ana", "/hrc themes")
    await ok(runtime, "bob", "/hrc themes")
    assert {"console:ana|local", "console:bob|local"} <= set(cache.languages)
    await ok(runtime, "ana", "/hrc language es")
    assert "console:ana|local" not in cache.languages and "console:bob|local" in cache.languages
    assert cached(runtime) == set(READS)  # nobody else's answer changed
    assert "Ciudades verificadas" in render_text(await ok(runtime, "ana", "/hrc who housing"))
    assert "Verified cities" in render_text(await ok(runtime, "bob", "/hrc who housing"))


def test_a_reply_read_while_an_unrelated_write_lands_is_kept_and_a_related_one_is_not() -> None:
    cache = ReplyCache()
    generation = cache.generation
    cache.invalidate({"theme:water"})
    housing = Reply(text="who housing", shareable=True, cache_scopes=frozenset({"theme:housing", "cities"}))
    water = Reply(text="who water", shareable=True, cache_scopes=frozenset({"theme:water", "cities"}))
    everything = Reply(text="unscoped", shareable=True)
    assert cache.put("housing", housing, generation=generation)
    assert not cache.put("water", water, generation=generation)
    assert not cache.put("everything", everything, generation=generation)
    assert cache.invalidate({"theme:housing"}) == 1 and cache.get("housing") is None


async def test_a_miss_asked_by_many_at_once_is_computed_once(sqlite_db: Database) -> None:
    runtime = make_runtime(sqlite_db)
    await verified_city(runtime, "ana", "Grenoble", "France", themes="housing")
    statements: list[str] = []
    event.listen(sqlite_db.engine.sync_engine, "before_cursor_execute",
                 lambda _conn, _cursor, statement, *_rest: statements.append(statement))
    replies = await asyncio.gather(*(ok(runtime, f"reader{n}", "/hrc who housing") for n in range(10)))
    assert len({id(reply) for reply in replies}) == 1  # one reply, handed to all ten
    assert len([s for s in statements if "city_themes" in s and "member_accounts" not in s]) == 1  # the roster read once


def test_a_flight_hands_its_reply_only_when_it_was_kept() -> None:
    async def scenario() -> None:
        cache = ReplyCache()
        flight = cache.start_flight("k")
        assert flight is not None and cache.start_flight("k") is None and cache.in_flight("k") is flight
        cache.end_flight("k", flight, None)  # not kept (caller-dependent, or stale): waiters compute their own
        assert await flight is None and cache.in_flight("k") is None

    asyncio.run(scenario())
