"""A large directory for rendering tests: many verified cities with long names with diacritics, focal
points on Discord and Slack, practices, pending registrations."""

from __future__ import annotations

from datetime import UTC, datetime

from handlers.text import fold
from handlers.vocab import REGIONS, THEMES
from storage.models import (
    City,
    CityStatus,
    CityTheme,
    FocalPoint,
    FocalStatus,
    Member,
    Practice,
    PracticeTheme,
)
from storage.session import Database

# 96 characters before the number: diacritics of many scripts, and "&" and "*" that Slack and Discord escape.
LONG_NAME = "Saint-Rémy-de-Provence-sur-Échelles-Àçõü-Ñandú-Łódź-Þórshöfn & Ærøskøbing-Città*Ðà-Nẵng-Île-"
START = datetime(2025, 1, 6, tzinfo=UTC)


def city_name(n: int, *, long: bool = True) -> str:
    """The n-th city's name: ``LONG_NAME`` and a number (≤ 100 characters, the column's size), else short."""
    return f"{LONG_NAME}{n:04d}"[:100] if long else f"Ciudad {n:04d}"


async def seed_directory(db: Database, cities: int, *, theme: str = "housing", region: str | None = None, long: bool = True,
                         all_themes: bool = False, practices: int = 0, pending: int = 0, focal_points: int = 1,
                         crowded: int = 0) -> None:
    """``cities`` verified cities on ``theme`` (every theme with ``all_themes``), in ``region`` or spread over
    the regions, each with ``focal_points`` Discord focal points (ids 6000…); ``pending`` more awaiting
    verification; ``practices`` practices with 2,000-character summaries, spread over the cities; the first
    city ``crowded`` more focal points (ids 7000…)."""
    slugs = [t.slug for t in THEMES] if all_themes else [theme]
    async with db.transaction() as session:
        made: list[City] = []
        for n in range(cities + pending):
            name = city_name(n, long=long)
            verified = n < cities
            city = City(name=name, name_key=fold(name), country="ES", country_key="ES",
                        region=region or REGIONS[n % len(REGIONS)].slug, status=CityStatus.VERIFIED if verified else CityStatus.PENDING,
                        registered_at=START, joined_at=START if verified else None, languages="es,en", timezone="Europe/Madrid")
            city.themes = [CityTheme(theme=s) for s in slugs]
            session.add(city)
            made.append(city)
        await session.flush()
        members = [(n, city, Member(platform="discord", workspace="800000000000000001", user_id=str(600000000000000000 + n * 10 + k),
                                    display_name=f"Focal point {n}·{k} — Ñúñez-Çağlar", created_at=START))
                   for n, city in enumerate(made) for k in range(focal_points)]
        members += [(0, made[0], Member(platform="discord", workspace="800000000000000001", user_id=str(700000000000100000 + k),
                                        display_name=f"Crowded focal point {k} — Ñúñez-Çağlar de la Peña", created_at=START))
                    for k in range(crowded if made else 0)]
        session.add_all([m for _n, _c, m in members])
        await session.flush()
        session.add_all([FocalPoint(member_id=m.id, city_id=city.id, created_at=START,
                                    status=FocalStatus.VERIFIED if n < cities else FocalStatus.PENDING) for n, city, m in members])
        for n in range(practices):
            city = made[n % max(1, cities)]
            summary = ("Participatory budgeting «à la carte» with *stars*, _underscores_ & <angles> `ticks`. " * 30)[:2000]
            practice = Practice(city_id=city.id, title=f"Práctica {n}: " + "Ñ" * 130, summary=summary, link=f"https://example.org/{n}",
                                search_text=fold(summary), created_at=START)
            practice.themes = [PracticeTheme(theme=s) for s in slugs[:3]]
            session.add(practice)
