"""Import benchmark: `hrc-bot import cities` of a 1,000-row file into SQLite (target: under 5 s).

Measures the same path as the command line (read the file, check every row with the register checks,
one transaction with the cities, their themes and the audit events), for CSV and xlsx, then the same
file a second time (every row unchanged), and the chart and export of the result.
Run: `.venv/bin/python -m bench.import_cities [--rows 1000]`.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from bench.dataset import peak_rss_mb
from handlers.context import Context
from handlers.exports import dataset
from handlers.i18n import translator
from handlers.importer import import_cities
from handlers.tabular import Table, read_table, write_table
from handlers.types import Actor
from handlers.vocab import REGIONS, SIZES, THEMES
from storage.migrate import upgrade
from storage.session import Database

ZONES = ["Europe/Paris", "America/Bogota", "Africa/Dakar", "Asia/Seoul", "America/Argentina/Buenos_Aires", ""]
ACTOR = Actor("cli", "bench", "bench", "bench")


def cities_file(rows: int, seed: int = 3) -> Table:
    rng = random.Random(seed)
    body = []
    for n in range(rows):
        themes = "; ".join(t.name for t in rng.sample(THEMES, 3))
        body.append((f"Ciudad Número {n:04d}", f"País {n % 150}", rng.choice(REGIONS).name, rng.choice(SIZES).name,
                     rng.choice(ZONES), "es; en", themes, "verified", "2025-03-01", "2025-06-01"))
    columns = ("nombre", "país", "región", "tamaño", "zona horaria", "idiomas", "temas", "estado", "registrada", "unida")
    return Table(columns, tuple(body))


async def one(content: bytes, fmt: str, db: Database) -> tuple[float, str]:
    ctx = Context(db=db, clock=lambda: datetime(2026, 12, 1, tzinfo=UTC))
    start = time.perf_counter()
    table = read_table(content, fmt)
    async with db.transaction() as session:
        report = await import_cities(ctx, session, table, ACTOR, translator("en"))
    elapsed = time.perf_counter() - start
    return elapsed, f"added {len(report.added)}, unchanged {report.unchanged}, errors {len(report.errors)}"


async def main(rows: int) -> None:
    table = cities_file(rows)
    for fmt in ("csv", "xlsx"):
        content = write_table(table, fmt)
        db = Database(f"sqlite:///{Path(tempfile.mkdtemp(prefix='hrc-bench-')) / 'import.db'}")
        await upgrade(db)
        first, what = await one(content, fmt, db)
        print(f"{fmt:4}  {rows} rows, {len(content) / 1024:.0f} KiB: first import {first:.2f} s ({what})")
        again, what = await one(content, fmt, db)
        print(f"{fmt:4}  same file again: {again:.2f} s ({what})")
        if fmt == "csv":
            start = time.perf_counter()
            async with db.transaction() as session:
                exported = write_table(await dataset(session, "cities", secretariat=True), "xlsx")
            print(f"export of the {rows} cities to xlsx: {time.perf_counter() - start:.2f} s, {len(exported) / 1024:.0f} KiB")
        await db.dispose()
    print(f"peak RSS {peak_rss_mb():.0f} MB")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1000)
    asyncio.run(main(parser.parse_args().rows))
