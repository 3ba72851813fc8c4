"""Shared by the benchmarks: a migrated SQLite database holding a directory of N verified cities."""

from __future__ import annotations

import random
import resource
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from handlers.text import fold
from handlers.vocab import REGIONS, THEMES
from storage.migrate import upgrade
from storage.models import City, CityStatus, CityTheme, FocalPoint, FocalStatus, Member
from storage.session import Database

THEME_SLUGS = [t.slug for t in THEMES]


async def directory_db(cities: int = 1000, seed: int = 7, platform: str = "slack", workspace: str = "T1") -> Database:
    """A fresh database with ``cities`` verified cities, each with 3 themes and one focal point."""
    rng = random.Random(seed)
    path = Path(tempfile.mkdtemp(prefix="hrc-bench-")) / "bench.db"
    db = Database(f"sqlite:///{path}")
    await upgrade(db)
    now = datetime(2026, 1, 1, tzinfo=UTC)
    async with db.transaction() as session:
        for n in range(cities):
            name = f"City {n:04d}"
            member = Member(platform=platform, workspace=workspace, user_id=f"U{n:05d}", display_name=f"focal{n}", created_at=now)
            city = City(name=name, name_key=fold(name), country="Country", country_key="country",
                        region=rng.choice(REGIONS).slug, status=CityStatus.VERIFIED, registered_at=now, joined_at=now,
                        languages="en", themes=[CityTheme(theme=t) for t in rng.sample(THEME_SLUGS, 3)])
            session.add_all([member, city])
            await session.flush()
            session.add(FocalPoint(member_id=member.id, city_id=city.id, status=FocalStatus.VERIFIED, created_at=now))
    return db


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
