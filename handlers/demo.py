"""Demo directory for newcomers (`hrc-bot seed-demo`): the six founding cities and the cities the
campaign's own reports name for practices. Every row is marked ``is_demo``.

Facts come from the campaign texts (../shared/campaign): founding cities launched the campaign in
2022; the practices are the campaign's own one-line descriptions, nothing added. Sizes and time
zones are public facts about the places; join dates other than the founders' are illustrative.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.text import fold
from storage.models import City, CityStatus, CityTheme, Practice, PracticeTheme
from storage.queries.cities import city_by_name_and_country

FOUNDED = datetime(2022, 10, 10, tzinfo=UTC)  # launched in 2022; the day is illustrative
SECOND_WAVE = datetime(2023, 12, 10, tzinfo=UTC)


@dataclass(frozen=True)
class DemoCity:
    name: str
    country: str  # ISO 3166-1 alpha-2
    region: str
    size: str
    timezone: str
    languages: str
    themes: tuple[str, ...]
    joined: datetime


CITIES = (
    DemoCity("Barcelona", "ES", "europe", "metropolis", "Europe/Madrid", "ca,es", (), FOUNDED),
    DemoCity("Grigny", "FR", "europe", "small-town", "Europe/Paris", "fr", (), FOUNDED),
    DemoCity("Gwangju", "KR", "asia-pacific", "metropolis", "Asia/Seoul", "ko", ("peace-memory",), FOUNDED),
    DemoCity("Mexico City", "MX", "latin-america", "metropolis", "America/Mexico_City", "es", (), FOUNDED),
    DemoCity("Utrecht", "NL", "europe", "intermediary-city", "Europe/Amsterdam", "nl", (), FOUNDED),
    DemoCity("Vienna", "AT", "europe", "metropolis", "Europe/Vienna", "de", (), FOUNDED),
    DemoCity("Grenoble", "FR", "europe", "intermediary-city", "Europe/Paris", "fr", ("participatory-democracy",), SECOND_WAVE),
    DemoCity("Valparaíso", "CL", "latin-america", "region", "America/Santiago", "es", ("water-sanitation",), SECOND_WAVE),
    DemoCity("Quilmes", "AR", "latin-america", "intermediary-city", "America/Argentina/Buenos_Aires", "es", ("water-sanitation",), SECOND_WAVE),
    DemoCity("Banjul", "GM", "africa", "small-town", "Africa/Banjul", "en", ("gender",), SECOND_WAVE),
    DemoCity("Bogotá", "CO", "latin-america", "metropolis", "America/Bogota", "es", ("peace-memory", "human-rights"), SECOND_WAVE),
)

# (city, title, summary, themes): the campaign's own words (third-wave page; Committee page).
PRACTICES = (
    ("Grenoble", "Promoting participatory democracy", "The City of Grenoble promoted participatory democracy.", ("participatory-democracy",)),
    ("Valparaíso", "Defending the right to water", "The Region of Valparaíso defended the right to water.", ("water-sanitation",)),
    ("Quilmes", "Defending the right to water", "The Municipality of Quilmes defended the right to water.", ("water-sanitation",)),
    ("Banjul", "Promoting women's rights", "Banjul promoted women's rights.", ("gender",)),
    ("Bogotá", "Rights and peacebuilding", "Bogotá advocated for rights and peacebuilding.", ("peace-memory",)),
    ("Gwangju", "Rights and peacebuilding", "Gwangju advocated for rights and peacebuilding.", ("peace-memory",)),
    (
        "Bogotá",
        "Pilot of the local human rights monitoring programme",
        "A pilot of the Committee's human rights monitoring programme was launched in Bogotá, resulting in the "
        "publication of “The Rights approach through the Bogotá Humana Plan”.",
        ("human-rights",),
    ),
)


async def seed_demo(session: AsyncSession) -> tuple[int, int]:
    """Adds the demo cities and practices that are not there yet; returns (cities, practices) added."""
    by_name: dict[str, City] = {}
    added_cities = 0
    for demo in CITIES:
        city = await city_by_name_and_country(session, fold(demo.name), demo.country)
        if city is None:
            city = City(
                name=demo.name, name_key=fold(demo.name), country=demo.country, country_key=demo.country,
                region=demo.region, size=demo.size, timezone=demo.timezone, languages=demo.languages,
                status=CityStatus.VERIFIED, registered_at=demo.joined, joined_at=demo.joined, is_demo=True,
                themes=[CityTheme(theme=t) for t in demo.themes],
            )
            session.add(city)
            added_cities += 1
        by_name[demo.name] = city
    await session.flush()
    added_practices = 0
    for index, (city_name, title, summary, themes) in enumerate(PRACTICES):
        city = by_name[city_name]
        if not city.is_demo:
            continue
        stmt = select(Practice.id).where(Practice.city_id == city.id, Practice.title == title, Practice.is_demo)
        if (await session.execute(stmt)).first() is None:
            session.add(Practice(
                city_id=city.id, title=title, summary=summary, search_text=fold(f"{title} {summary}"),
                created_at=SECOND_WAVE.replace(minute=index), is_demo=True,
                themes=[PracticeTheme(theme=t) for t in themes],
            ))
            added_practices += 1
    await session.flush()
    return added_cities, added_practices
