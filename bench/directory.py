"""Directory commands at the campaign's 2030 size, with the reply cache OFF, on SQLite and PostgreSQL.

10,000 verified cities (3 themes and a focal point each), 20,000 members, 100,000 practices (titles and
summaries in English, Spanish and French, with accents) plus the planted answers of 20 hand-written
searches. Each command goes through the real parser and dispatcher (``handlers.dispatch.handle_text``)
one at a time, so the figures are the time of one command's work (parse, queries, reply), p50 and p99.
The reply cache keeps no reply (``max_entries=0``); each person's language stays cached, as in production:

    who THEME · who THEME region: REGION · practices WORD · practices TWO WORDS (accented / unaccented)
    profile CITY · days theme: THEME

Then the relevance of the search on 20 hand-written queries with known answers (``bench.dataset``):
precision@5 (the share of the results shown that are right) and recall@5 (the share of the right
answers shown).

    .venv/bin/python -m bench.directory [--engines sqlite,postgresql] [--repeat 200] [--quick]
    .venv/bin/python -m bench.directory --explain    # the query plans of the slow paths
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import pstats
import random
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import event, select

from bench.dataset import SEARCH_QUERIES, THEME_SLUGS, fill, percentile
from bot.platforms import freeze_startup_heap
from handlers.cache import ReplyCache
from handlers.context import Context
from handlers.dispatch import handle_text
from handlers.types import Actor, Place, Reply
from handlers.vocab import REGIONS
from storage.models import City
from storage.session import Database
from tests.conftest import make_database

TARGET_MS = {"sqlite": 20.0, "postgresql": 30.0}
WORDS = ["water", "agua", "logement", "budget", "bibliotecas", "éclairage", "eclairage", "jóvenes", "tenants", "déchets"]
TWO_WORDS = [("participación ciudadana", "accented"), ("participacion ciudadana", "unaccented"),
             ("éclairage public", "accented"), ("eclairage public", "unaccented"),
             ("housing support", "unaccented"), ("bancos alimentos", "unaccented"),
             ("aide juridique", "unaccented"), ("personas mayores", "unaccented"), ("toits végétalisés", "accented")]


def commands(names: list[str], rng: random.Random) -> dict[str, Callable[[], str]]:
    return {
        "who THEME": lambda: f"/hrc who {rng.choice(THEME_SLUGS)}",
        "who THEME region:": lambda: f"/hrc who {rng.choice(THEME_SLUGS)} region: {rng.choice(REGIONS).slug}",
        "practices WORD": lambda: f"/hrc practices {rng.choice(WORDS)}",
        "practices TWO WORDS (accented)": lambda: f"/hrc practices {rng.choice([w for w, k in TWO_WORDS if k == 'accented'])}",
        "practices TWO WORDS (unaccented)": lambda: f"/hrc practices {rng.choice([w for w, k in TWO_WORDS if k == 'unaccented'])}",
        "profile CITY": lambda: f"/hrc profile {rng.choice(names)}",
        "days theme:": lambda: f"/hrc days theme: {rng.choice(THEME_SLUGS)}",
    }


class QueryCounter:
    """Counts the SQL statements a command runs (to find N+1 patterns)."""

    def __init__(self, db: Database) -> None:
        self.count = 0
        event.listen(db.engine.sync_engine, "before_cursor_execute", self._seen)

    def _seen(self, *_args: object) -> None:
        self.count += 1


async def timed(ctx: Context, line: str) -> tuple[float, Reply]:
    actor, place = Actor("slack", "T1", "UREADER", "reader"), Place("slack", "T1", "C1")
    began = time.perf_counter()
    reply = await handle_text(ctx, actor, place, line)
    return time.perf_counter() - began, reply


async def run_engine(engine: str, cities: int, practices: int, members: int, repeat: int, profile: Path | None) -> None:
    db, cleanup = await make_database(engine, Path(__import__("tempfile").mkdtemp(prefix="hrc-dir-")))
    try:
        began = time.perf_counter()
        planted = await fill(db, cities, practices, members)
        print(f"\n== {engine}: {cities:,} cities, {members:,} members, {practices + len(planted):,} practices "
              f"(generated in {time.perf_counter() - began:.1f} s), reply cache off")
        async with db.transaction(write=False) as session:
            names = list((await session.execute(select(City.name).order_by(City.id))).scalars())
        ctx = Context(db=db, cache=ReplyCache(max_entries=0), secretariat=frozenset())  # keeps no reply
        counter = QueryCounter(db)
        rng = random.Random(3)
        for make in commands(names, rng).values():  # warm-up: connections, statement caches, catalogues
            for _ in range(5):
                await timed(ctx, make())
        freeze_startup_heap()  # as `hrc-bot run` does once started
        names_left = names
        del names
        profiler = cProfile.Profile() if profile else None
        print(f"{'command':34s} {'p50 ms':>8s} {'p99 ms':>8s} {'queries':>8s}  target p99 ≤ {TARGET_MS[engine]:.0f} ms")
        for name, make in commands(names_left, rng).items():
            times, queries = [], []
            for _ in range(repeat):
                line = make()
                before = counter.count
                if profiler:
                    profiler.enable()
                seconds, reply = await timed(ctx, line)
                if profiler:
                    profiler.disable()
                assert not reply.is_error or "No practice" in reply.text, (line, reply.text)
                times.append(seconds * 1000)
                queries.append(counter.count - before)
            p99 = percentile(times, 0.99)
            print(f"{name:34s} {percentile(times, 0.5):8.1f} {p99:8.1f} {max(queries):8d}  "
                  f"{'met' if p99 <= TARGET_MS[engine] else 'NOT met'}")
        if profiler and profile:
            out = profile.with_suffix(f".{engine}.prof")
            profiler.dump_stats(str(out))
            pstats.Stats(str(out)).sort_stats("cumulative").print_stats(25)
        await relevance(ctx)
    finally:
        await cleanup()  # type: ignore[operator]


async def relevance(ctx: Context) -> None:
    """For each hand-written query: precision@5 (the share of the results shown, at most 5, that are right
    answers) and recall@5 (the share of its right answers, at most 5, that are shown)."""
    from storage.queries.practices import search_practices

    precisions, recalls = [], []
    async with ctx.db.transaction(write=False) as session:
        for query in SEARCH_QUERIES:
            found, _total = await search_practices(session, query.words.split(), limit=5)
            hits = sum(1 for p in found if p.title in query.answers)
            precisions.append(hits / len(found) if found else 0.0)
            recalls.append(hits / min(5, len(query.answers)))
            wrong = [p.title for p in found if p.title not in query.answers]
            print(f"  search {query.words!r:30s} precision@5 {precisions[-1]:.2f}  recall@5 {recalls[-1]:.2f}"
                  + (f"  wrong: {wrong[:3]}" if wrong else ""))
    print(f"search relevance over {len(SEARCH_QUERIES)} queries: mean precision@5 {sum(precisions) / len(precisions):.2f}, "
          f"mean recall@5 {sum(recalls) / len(recalls):.2f}")


async def explain(engine: str, cities: int, practices: int) -> None:
    """Print the plans of the queries behind the slow paths (EXPLAIN QUERY PLAN / EXPLAIN ANALYZE)."""
    db, cleanup = await make_database(engine, Path(__import__("tempfile").mkdtemp(prefix="hrc-dir-")))
    seen: list[tuple[str, object]] = []
    try:
        await fill(db, cities, practices, cities * 2)
        ctx = Context(db=db, cache=None, secretariat=frozenset())
        event.listen(db.engine.sync_engine, "before_cursor_execute",
                     lambda _c, _cur, statement, params, _ctx, _many: seen.append((statement, params)))
        for line in ("/hrc who housing region: europe", "/hrc practices participacion ciudadana", "/hrc profile Salo 5",
                     "/hrc days theme: water"):
            seen.clear()
            await timed(ctx, line)
            print(f"\n## {line}: {len(seen)} statements")
            for statement, params in list(seen):
                if not statement.lstrip().upper().startswith("SELECT"):
                    continue
                prefix = "EXPLAIN QUERY PLAN " if engine == "sqlite" else "EXPLAIN ANALYZE "
                async with db.engine.connect() as conn:
                    raw = await conn.get_raw_connection()
                    driver = raw.driver_connection
                    if engine == "sqlite":
                        cursor = await driver.execute(prefix + statement, params)
                        plan = [str(row) for row in await cursor.fetchall()]
                    else:
                        plan = [r[0] for r in await driver.fetch(prefix + statement, *(params or ()))]
                print("  " + statement.replace("\n", " ")[:160])
                for row in plan:
                    print("     " + row)
    finally:
        await cleanup()  # type: ignore[operator]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument("--cities", type=int, default=10_000)
    parser.add_argument("--practices", type=int, default=100_000)
    parser.add_argument("--members", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=200, help="runs of each command")
    parser.add_argument("--quick", action="store_true", help="200 cities, 1,000 practices, 10 runs (a smoke run)")
    parser.add_argument("--profile", type=Path, help="write cProfile stats to FILE.ENGINE.prof and print the top")
    parser.add_argument("--explain", action="store_true", help="print the query plans instead of timing")
    args = parser.parse_args()
    if args.quick:
        args.cities, args.practices, args.members, args.repeat = 200, 1000, 400, 10
    for engine in args.engines.split(","):
        if args.explain:
            asyncio.run(explain(engine, args.cities, args.practices))
        else:
            asyncio.run(run_engine(engine, args.cities, args.practices, args.members, args.repeat, args.profile))


if __name__ == "__main__":
    main()
