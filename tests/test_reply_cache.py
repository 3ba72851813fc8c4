"""The reply cache, the data version and the cache watch, end to end on real databases.

Nothing is faked but clocks: commands go through the real parser, dispatcher and database, and a
second instance is a second engine on the same database (``Database.reopen``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Hashable
from datetime import UTC, datetime

import pytest
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.util import await_only

from bot.cache_watch import CacheWatch
from bot.render_text import render_text
from bot.settings import Settings
from bot.wiring import Runtime, build_runtime
from handlers.cache import ReplyCache
from handlers.cities import shared_city_cards
from handlers.countries import country_code
from handlers.dispatch import handle_text
from handlers.text import fold
from handlers.types import ParsedCommand, Reply
from handlers.vocab import THEMES
from storage.models import City, CityStatus
from storage.queries import cities as city_queries
from storage.queries import deliveries, versions
from storage.session import Database
from tests.conftest import FakeClock, person

SETTINGS = Settings(secretariat=frozenset({"console:sec"}))
NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


def make_runtime(database: Database) -> Runtime:
    runtime = build_runtime(SETTINGS, database=database)
    runtime.ctx.clock = FakeClock(NOW)
    return runtime


def cache_of(runtime: Runtime) -> ReplyCache:
    cache = runtime.ctx.cache
    assert cache is not None, "build_runtime must give the runtime a reply cache"
    return cache


async def say(runtime: Runtime, user: str, text: str) -> Reply:
    actor, place = person(user)
    return await runtime.answer_text(actor, place, text)


async def ok(runtime: Runtime, user: str, text: str) -> Reply:
    reply = await say(runtime, user, text)
    assert not reply.is_error, render_text(reply)
    return reply


def profile_key(name: str, **options: str) -> Hashable:
    return ReplyCache.key(ParsedCommand("profile", main=name, options=dict(options)), "en")


def field(reply: Reply, name: str) -> str:
    return next(f.value for f in reply.fields if f.name == name)


async def verified_city(
    runtime: Runtime, user: str, city: str, country: str, region: str = "Europe", themes: str = ""
) -> None:
    extra = f" themes: {themes}" if themes else ""
    await ok(runtime, user, f"/hrc register city: {city} country: {country} region: {region}{extra}")
    # By #ID, as the button sends it: the name may be shared by another city.
    await ok(runtime, "sec", f"/hrc verify #{await _city_id(runtime.db, city, country)}")


async def _city_id(db: Database, name: str, country: str) -> int:
    async with db.transaction(write=False) as session:
        city = await city_queries.city_by_name_and_country(session, fold(name), country_code(country) or "")
    assert city is not None
    return city.id


async def data_version(db: Database) -> int:
    async with db.transaction(write=False) as session:
        return await versions.current(session)


def new_city(name: str, country: str) -> City:
    return City(
        name=name, name_key=name.casefold(), country=country, country_key=country.casefold(), region="europe",
        status=CityStatus.PENDING, registered_at=NOW, languages="",
    )


# 1. The dispatcher serves shareable replies from the cache; a write clears it.


async def test_verified_card_comes_from_the_cache_until_a_write_changes_it(sqlite_db: Database) -> None:
    runtime = make_runtime(sqlite_db)
    cache = cache_of(runtime)
    await verified_city(runtime, "ana", "Grenoble", "France", themes="participatory democracy")

    first = await ok(runtime, "bob", "/hrc profile Grenoble")
    assert first.shareable
    assert cache.get(profile_key("Grenoble")) is first
    assert await say(runtime, "carl", "/hrc profile  grenoble ") is first  # another caller, other spelling
    no_one = await ok(runtime, "bob", "/hrc who housing")
    assert "No verified city works on Housing" in render_text(no_one)
    assert await say(runtime, "carl", "/hrc who Housing") is no_one

    await ok(runtime, "ana", "/hrc theme add housing")
    assert len(cache) == 0
    card = await ok(runtime, "bob", "/hrc profile Grenoble")
    assert card is not first
    assert "Housing" in field(card, "Themes") and "Housing" not in field(first, "Themes")
    assert "Grenoble (France): @Ana" in render_text(await ok(runtime, "bob", "/hrc who housing"))

    # A city that is only pending stays out of `who`; verifying it (a write by someone else) shows it at once.
    await ok(runtime, "dana", "/hrc register city: Lyon country: France region: Europe themes: housing")
    assert "Lyon" not in render_text(await ok(runtime, "bob", "/hrc who housing"))
    assert "Verified local and regional governments: 1." in render_text(await ok(runtime, "bob", "/hrc progress"))
    await ok(runtime, "sec", "/hrc verify Lyon")
    who = render_text(await ok(runtime, "bob", "/hrc who housing"))
    assert "Lyon (France): @Dana" in who and "Grenoble (France): @Ana" in who
    assert "Verified local and regional governments: 2." in render_text(await ok(runtime, "bob", "/hrc progress"))


async def test_a_reply_read_while_a_write_lands_is_not_kept(db: Database) -> None:
    """The dispatcher reads the cache generation before its query: a write committed while the query
    runs (here, from inside it) leaves the stale reply out of the cache."""
    runtime = make_runtime(db)
    cache = cache_of(runtime)
    await verified_city(runtime, "ana", "Grenoble", "France")
    writes: list[Reply] = []

    def write_meanwhile(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        # After `who`'s last query (the one listing focal points) has read the old rows.
        if (not writes and statement.lstrip().upper().startswith("SELECT") and "focal_points" in statement
                and not statement.lstrip().startswith("SELECT members.language")):  # the reader's language
            actor, place = person("ana")
            writes.append(Reply())  # disarm before the write's own queries run
            writes[0] = await_only(runtime.answer_text(actor, place, "/hrc theme add housing"))

    event.listen(db.engine.sync_engine, "after_cursor_execute", write_meanwhile)
    try:
        stale = await ok(runtime, "bob", "/hrc who housing")
    finally:
        event.remove(db.engine.sync_engine, "after_cursor_execute", write_meanwhile)
    assert len(writes) == 1 and not writes[0].is_error, render_text(writes[0])
    assert "No verified city works on Housing" in render_text(stale)  # computed before the write
    assert cache.get(ReplyCache.key(ParsedCommand("who", main="housing"), "en")) is None
    assert "Grenoble (France): @Ana" in render_text(await ok(runtime, "bob", "/hrc who housing"))


async def test_replies_that_depend_on_the_caller_are_never_cached(sqlite_db: Database) -> None:
    runtime = make_runtime(sqlite_db)
    cache = cache_of(runtime)
    await ok(runtime, "ana", "/hrc register city: Grenoble country: France region: Europe")
    own = await ok(runtime, "ana", "/hrc profile Grenoble")  # pending: only she and the secretariat see it
    assert not own.shareable
    assert (await say(runtime, "bob", "/hrc profile Grenoble")).is_error
    await ok(runtime, "sec", "/hrc verify Grenoble")
    mine = await ok(runtime, "ana", "/hrc profile")  # one's own card, asked without a name
    assert not mine.shareable
    assert len(cache) == 0


# 2. The data version.


async def test_data_version_moves_with_shared_data_only(db: Database) -> None:
    runtime = make_runtime(db)
    start = await data_version(db)

    await ok(runtime, "ana", "/hrc register city: Grenoble country: France region: Europe")
    registered = await data_version(db)
    assert registered == start + 1  # one commit, one bump

    for user, text in (
        ("bob", "/hrc profile Grenoble"),  # unknown to the bot: no member row is made by a read
        ("ana", "/hrc profile"),
        ("bob", "/hrc who housing"),
        ("bob", "/hrc themes"),
        ("bob", "/hrc progress"),
        ("sec", "/hrc pending"),
    ):
        await say(runtime, user, text)
        assert await data_version(db) == registered, text
    await ok(runtime, "ana", "/hrc subscribe water")  # a write, but of nothing shared replies show
    assert await data_version(db) == registered
    assert await runtime.first_time("slack:event:Ev1")  # only a delivery key
    assert not await runtime.first_time("slack:event:Ev1")
    assert await data_version(db) == registered

    await ok(runtime, "sec", "/hrc verify Grenoble")
    assert await data_version(db) == registered + 1


async def test_data_version_counts_commits_not_rollbacks(db: Database) -> None:
    start = await data_version(db)

    with pytest.raises(RuntimeError):
        async with db.transaction() as session:
            session.add(new_city("Atlantis", "Ocean"))
            await session.flush()
            raise RuntimeError("rolled back")
    assert await data_version(db) == start

    # The same session: a flushed change rolled back must not bump a later commit that touches nothing shared.
    async with AsyncSession(db.engine, expire_on_commit=False) as session:
        await session.begin()
        session.add(new_city("Atlantis", "Ocean"))
        await session.flush()
        await session.rollback()
        await session.begin()
        assert await deliveries.claim(session, "k1", "request", NOW)
        await session.commit()
    assert await data_version(db) == start

    async with db.transaction() as session:
        session.add(new_city("Atlantis", "Ocean"))  # still pending at commit, never flushed by hand
    assert await data_version(db) == start + 1

    async with db.transaction() as session:
        session.add(new_city("Lemuria", "Ocean"))
        await session.flush()  # flushed before commit: nothing is pending any more when it commits
    assert await data_version(db) == start + 2
    async with db.transaction(write=False) as session:
        assert await versions.current(session) == start + 2


async def test_removing_a_campaign_date_bumps_the_data_version(sqlite_db: Database) -> None:
    runtime = make_runtime(sqlite_db)
    await ok(runtime, "sec", "/hrc days add name: World Human Rights Cities Forum date: 2027-05-18 themes: housing")
    added = await data_version(sqlite_db)
    await ok(runtime, "sec", "/hrc days remove World Human Rights Cities Forum")
    assert await data_version(sqlite_db) == added + 1


# 3. Another instance on the same database catches up at its next check.


async def test_another_instance_sees_a_write_at_its_next_check(db: Database) -> None:
    a = make_runtime(db)
    b = make_runtime(db.reopen())  # as if another process
    try:
        watch = CacheWatch(b)
        assert await watch.check()  # the first check always fills
        assert not await watch.check()

        stale = await ok(b, "bob", "/hrc who housing")
        assert "No verified city works on Housing" in render_text(stale)
        await verified_city(a, "ana", "Quilmes", "Argentina", region="Latin America", themes="housing")
        assert "Quilmes (Argentina): @Ana" in render_text(await ok(a, "bob", "/hrc who housing"))
        assert await say(b, "bob", "/hrc who housing") is stale  # B has not looked yet

        assert await watch.check()
        fresh = await ok(b, "bob", "/hrc who housing")
        assert "Quilmes (Argentina): @Ana" in render_text(fresh)
        assert cache_of(b).get(profile_key("Quilmes")) is not None  # warmed with the new city
        assert not await watch.check()
        assert await say(b, "bob", "/hrc who housing") is fresh  # a check with no change keeps the cache
    finally:
        await b.close()


# 4. Warming: one card per verified city with a name of its own, equal to the handler's answer.


async def test_check_warms_the_cards_the_handler_would_give(db: Database) -> None:
    runtime = make_runtime(db)
    cache = cache_of(runtime)
    await verified_city(runtime, "ana", "Grenoble", "France", themes="housing, water")
    await ok(runtime, "carl", "/hrc register city: Grenoble country: France region: Europe")  # a second focal point
    await ok(runtime, "sec", "/hrc verify Grenoble")
    await ok(runtime, "ana", "/hrc share title: Water kiosks themes: water summary: Kiosks in every district.")
    await verified_city(runtime, "eva", "Gwangju", "Korea", region="Asia-Pacific")
    await verified_city(runtime, "tom", "Toledo", "Spain")
    await verified_city(runtime, "uma", "Toledo", "United States", region="North America")
    await ok(runtime, "dana", "/hrc register city: Lyon country: France region: Europe")  # pending
    await ok(runtime, "sam", "/hrc register city: Atlantis country: Greece region: Europe")
    await ok(runtime, "sec", "/hrc reject Atlantis")

    assert await CacheWatch(runtime).check()
    lists = 1 + len(THEMES)  # `themes` and `who THEME` for each theme are warmed too
    assert len(cache) == 2 + lists
    assert cache.get(ReplyCache.key(ParsedCommand("who", main="housing"), "en")) is not None
    warmed = {name: cache.get(profile_key(name)) for name in ("Grenoble", "Gwangju", "Toledo", "Lyon", "Atlantis")}
    assert warmed["Toledo"] is None and warmed["Lyon"] is None and warmed["Atlantis"] is None

    uncached = dataclasses.replace(runtime.ctx, cache=None)
    for name in ("Grenoble", "Gwangju"):
        card = warmed[name]
        assert card is not None
        actor, place = person("bob")
        assert card == await handle_text(uncached, actor, place, f"/hrc profile {name}")
    grenoble = warmed["Grenoble"]
    assert grenoble is not None
    assert field(grenoble, "Practices") == "1"
    assert render_text(Reply(text=field(grenoble, "Focal points"))) == "@Ana, @Carl"
    assert await say(runtime, "bob", "/hrc profile grenoble") is grenoble  # served from memory from the first ask

    ambiguous = await say(runtime, "bob", "/hrc profile Toledo")
    assert ambiguous.is_error and "several cities named" in ambiguous.text
    spain = await ok(runtime, "bob", "/hrc profile Toledo country: Spain")
    assert field(spain, "Country") == "Spain"
    assert field(await ok(runtime, "bob", "/hrc profile Toledo country: united states"), "Country") == "United States"


async def test_after_warm_is_called_once_when_the_first_warm_up_is_done(sqlite_db: Database) -> None:
    runtime = make_runtime(sqlite_db)
    await verified_city(runtime, "ana", "Grenoble", "France")
    cached_then: list[int] = []
    watch = CacheWatch(runtime, after_warm=lambda: cached_then.append(len(cache_of(runtime))))
    assert await watch.check()
    assert cached_then == [1 + 1 + len(THEMES)]  # the card, `themes` and every `who THEME` were in memory
    watch.seen = None  # as after a failed check: everything is read and warmed again
    assert await watch.check()
    assert cached_then == [1 + 1 + len(THEMES)]  # not called again


# 5. A name that is ambiguous to someone is never shared.


async def test_card_of_a_name_another_city_carries_is_not_cached(sqlite_db: Database) -> None:
    runtime = make_runtime(sqlite_db)
    cache = cache_of(runtime)
    await verified_city(runtime, "ana", "Quilmes", "Argentina", region="Latin America")
    await ok(runtime, "dora", "/hrc register city: Quilmes country: Uruguay region: Latin America")  # pending

    card = await ok(runtime, "bob", "/hrc profile Quilmes")  # bob sees only the verified one
    assert card.title == "Quilmes" and field(card, "Country") == "Argentina"
    assert not card.shareable
    assert cache.get(profile_key("Quilmes")) is None

    for user in ("sec", "dora"):  # both see the pending Quilmes too
        reply = await say(runtime, user, "/hrc profile Quilmes")
        assert reply.is_error and "several cities named “Quilmes” (Argentina, Uruguay)" in reply.text, user

    assert await CacheWatch(runtime).check()
    assert cache.get(profile_key("Quilmes")) is None
    by_id = await ok(runtime, "bob", "/hrc profile #1")  # an ID is unambiguous for everyone
    assert by_id.shareable and field(by_id, "Country") == "Argentina"
    assert await say(runtime, "sec", "/hrc profile #1") is by_id


async def test_a_new_namesake_stops_the_shared_card(sqlite_db: Database) -> None:
    runtime = make_runtime(sqlite_db)
    await verified_city(runtime, "ana", "Quilmes", "Argentina", region="Latin America")
    assert (await ok(runtime, "bob", "/hrc profile Quilmes")).shareable
    await ok(runtime, "dora", "/hrc register city: Quilmes country: Uruguay region: Latin America")
    reply = await say(runtime, "sec", "/hrc profile Quilmes")
    assert reply.is_error and "several cities named" in reply.text


# 6. ReplyCache itself: generations and time.


class Seconds:
    """A monotonic clock moved by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


SHARED = Reply(text="shared", shareable=True)
TIMELY = Reply(text="today", shareable=True, timely=True)
WHO = ReplyCache.key(ParsedCommand("who", main="housing"), "en")
DAYS = ReplyCache.key(ParsedCommand("days"), "en")


def test_a_reply_computed_before_a_clear_is_not_kept() -> None:
    cache = ReplyCache(clock=Seconds())
    generation = cache.generation  # read before the query…
    cache.clear()  # …a write lands meanwhile
    assert not cache.put(WHO, SHARED, generation=generation)
    assert cache.put_many([(WHO, SHARED), (DAYS, TIMELY)], generation=generation) == 0
    assert cache.get(WHO) is None and len(cache) == 0

    assert cache.put(WHO, SHARED, generation=cache.generation)
    assert cache.get(WHO) is SHARED
    cache.clear()
    assert cache.get(WHO) is None and len(cache) == 0


def test_only_shareable_successful_replies_are_kept() -> None:
    cache = ReplyCache(clock=Seconds())
    assert not cache.put(WHO, Reply(text="mine"), generation=cache.generation)
    assert not cache.put(WHO, Reply(text="oops", shareable=True, is_error=True), generation=cache.generation)
    assert len(cache) == 0
    assert cache.put_many([(WHO, SHARED), (DAYS, Reply(text="mine"))], generation=cache.generation) == 1


def test_timely_replies_expire_and_others_do_not() -> None:
    clock = Seconds()
    cache = ReplyCache(timely_ttl=60, clock=clock)
    assert cache.put_many([(WHO, SHARED), (DAYS, TIMELY)], generation=cache.generation) == 2
    clock.now += 59.9
    assert cache.get(DAYS) is TIMELY and cache.get(WHO) is SHARED
    clock.now += 0.1
    assert cache.get(DAYS) is None
    assert cache.get(WHO) is SHARED
    clock.now += 10 * 365 * 86400
    assert cache.get(WHO) is SHARED
    assert len(cache) == 1


def test_keys_and_bound() -> None:
    assert ReplyCache.key(ParsedCommand("who", main=" Housing "), "en") == WHO
    assert ReplyCache.key(ParsedCommand("who", main="housing"), "es") != WHO
    assert ReplyCache.key(ParsedCommand("who", main="housing", options={"region": "Europe"}), "en") != WHO
    cache = ReplyCache(max_entries=2, clock=Seconds())
    keys = [ReplyCache.key(ParsedCommand("who", main=theme), "en") for theme in ("housing", "water", "food")]
    for key in keys:
        cache.put(key, SHARED, generation=cache.generation)
    assert len(cache) == 2 and cache.get(keys[0]) is None and cache.get(keys[2]) is SHARED


async def test_cards_are_warmed_page_by_page_without_losing_any(sqlite_db: Database) -> None:
    runtime = make_runtime(sqlite_db)
    names = ["Grenoble", "Gwangju", "Montreal", "Rosario", "Utrecht"]
    for n, (name, country) in enumerate(zip(names, ["France", "Korea", "Canada", "Argentina", "Netherlands"], strict=True)):
        await verified_city(runtime, f"user{n}", name, country)
    async with sqlite_db.transaction(write=False) as session:
        in_one = await shared_city_cards(session, page=100)
        in_pages_of_two = await shared_city_cards(session, page=2)
    assert [c.main for c, _reply in in_pages_of_two] == [c.main for c, _reply in in_one] == names
    assert [r for _c, r in in_pages_of_two] == [r for _c, r in in_one]


async def test_a_few_cities_cards_count_only_their_own_names(sqlite_db: Database) -> None:
    """The cards read again after a change (``ids``) are those of the whole warm-up, an ambiguous name left out,
    and the names counted are only theirs (a GROUP BY over every city once per change was the whole directory)."""
    runtime = make_runtime(sqlite_db)
    for n, (name, country) in enumerate([("Grenoble", "France"), ("Valencia", "Spain"), ("Valencia", "Venezuela"),
                                         ("Rosario", "Argentina")]):
        await verified_city(runtime, f"user{n}", name, country)
    statements: list[str] = []
    event.listen(sqlite_db.engine.sync_engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    async with sqlite_db.transaction(write=False) as session:
        ids = {city.name: city.id for city in await session.run_sync(lambda s: s.query(City).all())}
        whole = {command.main: reply for command, reply in await shared_city_cards(session)}
        statements.clear()
        few = await shared_city_cards(session, ids=[ids["Grenoble"], ids["Valencia"]])
    assert [command.main for command, _reply in few] == ["Grenoble"]  # "Valencia" names two cities
    assert few[0][1] == whole["Grenoble"] and sorted(whole) == ["Grenoble", "Rosario"]
    counting = [sql for sql in statements if "GROUP BY cities.name_key" in sql]
    assert len(counting) == 1 and "IN (" in counting[0], counting
