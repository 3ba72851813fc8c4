"""The United Nations' international days (and a few community days that are not UN days), from
``handlers/data/un_days.csv``, with their dates computed per year.

Rules: ``MM-DD`` (fixed), ``<nth> <Weekday> of <Month>`` (nth: first…fourth, last), or
``irregular: …`` (no computable date: shown without one, never guessed). ``first_year`` and
``every_years`` cover days first observed in a given year or observed every N years.
"""

from __future__ import annotations

import calendar as pycalendar
import csv
import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

DATA_FILE = Path(__file__).parent / "data" / "un_days.csv"
_NTH = {"first": 1, "second": 2, "third": 3, "fourth": 4, "last": -1}
_WEEKDAYS = {name.lower(): index for index, name in enumerate(pycalendar.day_name)}
_MONTHS = {name.lower(): index for index, name in enumerate(pycalendar.month_name) if name}
_FIXED = re.compile(r"^(\d{2})-(\d{2})$")
_MOVING = re.compile(r"^(first|second|third|fourth|last) (\w+) of (\w+)$", re.IGNORECASE)


@dataclass(frozen=True)
class Observance:
    slug: str
    name: str
    rule: str
    is_un: bool
    themes: tuple[str, ...]
    resolution: str = ""
    page: str = ""
    first_year: int | None = None
    every_years: int | None = None
    is_campaign: bool = False  # a date the secretariat added (World Human Rights Cities Forum…)
    fixed_date: date | None = None  # campaign dates happen once

    @property
    def is_irregular(self) -> bool:
        return self.fixed_date is None and self.rule.startswith("irregular")

    def date_in(self, year: int) -> date | None:
        """The day's date in ``year``, or None when it is not observed that year or has no computable date."""
        if self.fixed_date is not None:
            return self.fixed_date if self.fixed_date.year == year else None
        if self.first_year and year < self.first_year:
            return None
        if self.every_years and self.first_year and (year - self.first_year) % self.every_years:
            return None
        return rule_date(self.rule, year)


def rule_date(rule: str, year: int) -> date | None:
    fixed = _FIXED.match(rule)
    if fixed:
        month, day = int(fixed.group(1)), int(fixed.group(2))
        if month == 2 and day == 29 and not pycalendar.isleap(year):
            return None
        return date(year, month, day)
    moving = _MOVING.match(rule)
    if moving:
        nth, weekday, month = _NTH[moving.group(1).lower()], _WEEKDAYS[moving.group(2).lower()], _MONTHS[moving.group(3).lower()]
        if nth > 0:
            first = date(year, month, 1)
            return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (nth - 1))
        last = date(year, month, pycalendar.monthrange(year, month)[1])
        return last - timedelta(days=(last.weekday() - weekday) % 7)
    if rule.startswith("irregular"):
        return None
    raise ValueError(f"unknown date rule {rule!r}")


@lru_cache(maxsize=1)
def un_days() -> tuple[Observance, ...]:
    with DATA_FILE.open(encoding="utf-8") as handle:
        return tuple(
            Observance(
                slug=row["slug"],
                name=row["name"],
                rule=row["rule"],
                is_un=row["un"] == "yes",
                themes=tuple(t for t in row["themes"].split(";") if t),
                resolution=row["resolution"],
                page=row["page"],
                first_year=int(row["first_year"]) if row["first_year"] else None,
                every_years=int(row["every_years"]) if row["every_years"] else None,
            )
            for row in csv.DictReader(handle)
        )


def occurrences(days: tuple[Observance, ...] | list[Observance], start: date, end: date) -> list[tuple[date, Observance]]:
    """Every (date, day) with start <= date <= end, in date order."""
    found = []
    for year in range(start.year, end.year + 1):
        for day in days:
            when = day.date_in(year)
            if when is not None and start <= when <= end:
                found.append((when, day))
    return sorted(found, key=lambda pair: (pair[0], not pair[1].is_un, pair[1].name))


def year_listing(days: tuple[Observance, ...] | list[Observance], year: int) -> list[tuple[date | None, Observance]]:
    """Every day of a year (irregular ones last, without a date), for reports."""
    dated = [(d, o) for d, o in occurrences(days, date(year, 1, 1), date(year, 12, 31))]
    undated = [(None, o) for o in days if o.is_irregular]
    return [*dated, *undated]
