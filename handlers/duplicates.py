"""Cities that may be the same place under two spellings: flagged to the secretariat, never merged here."""

from __future__ import annotations

import difflib
from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from handlers.countries import country_name
from storage.models import City
from storage.queries import cities as city_queries

# difflib's similarity ratio (2 × matching characters / total) between matching keys at or above which two
# cities of one country are flagged: "grenoble"/"grenobel" 0.88, "cordoba"/"cordova" 0.86, "lodz"/"lodzz" 0.89;
# "san jose"/"san juan" (0.62) are not.
NEAR = 0.85


def _base_key(key: str) -> str:
    return key.split("#", 1)[0]  # a key parked by migration 0005 ("lodz#2") is compared as its name


async def near_matches(session: AsyncSession, cities: Sequence[City]) -> dict[int, list[tuple[int, str, str]]]:
    """For each city, the other cities of its country whose key is close to (or, for rows the migration kept
    apart, equal to) its own: ``{city id: [(id, name, country code)]}``, rejected cities left out."""
    rows = await city_queries.city_keys(session, sorted({c.country_key for c in cities}))
    found: dict[int, list[tuple[int, str, str]]] = {}
    for city in cities:
        key = _base_key(city.name_key)
        found[city.id] = [
            (other_id, name, country)
            for other_id, name, other_key, country, country_key in rows
            if other_id != city.id and country_key == city.country_key
            and difflib.SequenceMatcher(None, key, _base_key(other_key)).ratio() >= NEAR
        ]
    return found


def describe(matches: Sequence[tuple[int, str, str]], locale: str) -> str:
    """``#12 Łódź, Poland; #14 Lodzz, Poland`` (the country in the reader's language)."""
    return "; ".join(f"#{city_id} {name}, {country_name(country, locale)}" for city_id, name, country in matches)
