"""The UN-days calendar: the shipped file is consistent, and well-known dates are right in 2026 and 2027."""

from __future__ import annotations

from datetime import date

import pytest

from handlers.calendar import rule_date, un_days, year_listing
from handlers.vocab import THEME_BY_SLUG

DAYS = {d.slug: d for d in un_days()}

# Expected dates worked out by hand from a calendar (not from the code under test).
KNOWN = [
    ("human-rights-day", date(2026, 12, 10), date(2027, 12, 10)),
    ("world-water-day", date(2026, 3, 22), date(2027, 3, 22)),
    ("international-womens-day", date(2026, 3, 8), date(2027, 3, 8)),
    ("world-cities-day", date(2026, 10, 31), date(2027, 10, 31)),
    ("international-migrants-day", date(2026, 12, 18), date(2027, 12, 18)),
    ("world-habitat-day", date(2026, 10, 5), date(2027, 10, 4)),  # first Monday of October
    ("girls-in-ict-day", date(2026, 4, 23), date(2027, 4, 22)),  # fourth Thursday of April
    ("world-maritime-day", date(2026, 9, 24), date(2027, 9, 30)),  # last Thursday of September
    ("road-traffic-victims-remembrance-day", date(2026, 11, 15), date(2027, 11, 21)),  # third Sunday of November
    ("world-philosophy-day", date(2026, 11, 19), date(2027, 11, 18)),  # third Thursday of November
    ("international-day-of-cooperatives", date(2026, 7, 4), date(2027, 7, 3)),  # first Saturday of July
    ("world-migratory-bird-day-may", date(2026, 5, 9), date(2027, 5, 8)),  # second Saturday of May
    ("world-migratory-bird-day-october", date(2026, 10, 10), date(2027, 10, 9)),  # second Saturday of October
    ("vesak", None, None),  # irregular: never guessed
    ("world-statistics-day", None, None),  # every five years: 2025, 2030
    ("greening-the-planet-day", None, date(2027, 4, 22)),  # first observed in 2027
]


@pytest.mark.parametrize(("slug", "in_2026", "in_2027"), KNOWN)
def test_well_known_dates(slug: str, in_2026: date | None, in_2027: date | None) -> None:
    assert (DAYS[slug].date_in(2026), DAYS[slug].date_in(2027)) == (in_2026, in_2027)


def test_world_statistics_day_in_2030() -> None:
    assert DAYS["world-statistics-day"].date_in(2030) == date(2030, 10, 20)


def test_the_shipped_file_is_consistent() -> None:
    assert len(DAYS) == len(un_days()) == 248  # slugs are unique
    assert sum(1 for d in un_days() if not d.is_un) == 9
    assert not DAYS["idahobit"].is_un and DAYS["human-rights-day"].is_un
    for day in un_days():
        assert all(t in THEME_BY_SLUG for t in day.themes), (day.slug, day.themes)
        rule_date(day.rule, 2027)  # every rule parses


def test_feb_29_only_in_leap_years() -> None:
    assert rule_date("02-29", 2027) is None and rule_date("02-29", 2028) == date(2028, 2, 29)


def test_year_listing_is_in_date_order_with_irregular_days_last() -> None:
    rows = year_listing(un_days(), 2027)
    dated = [when for when, _ in rows if when]
    assert dated == sorted(dated) and rows[-1][0] is None
