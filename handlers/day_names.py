"""The official UN Spanish and French names of the international days (``handlers/data/un_days_i18n.csv``).

The file gives, per day slug, the name the UN itself uses in Spanish and in French with its source
(``source_es``/``source_fr``); an empty cell means no official name was found. Where a name is
missing, the official English name is shown inside the translated sentence: a day name is never
translated by the bot. UN pages in Spanish and French live at the English page's path with ``/es/`` or
``/fr/`` instead of ``/en/`` (shared/data/README.md).
"""

from __future__ import annotations

import csv
from functools import lru_cache
from pathlib import Path

from handlers.calendar import Observance

DATA_FILE = Path(__file__).parent / "data" / "un_days_i18n.csv"
_UN_PAGE_PREFIX = "https://www.un.org/en/"


@lru_cache(maxsize=1)
def official_names() -> dict[str, dict[str, str]]:
    """``{slug: {"es": name, "fr": name}}``, only the names the file gives."""
    names: dict[str, dict[str, str]] = {}
    with DATA_FILE.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            found = {lang: row[f"name_{lang}"].strip() for lang in ("es", "fr") if row[f"name_{lang}"].strip()}
            if found:
                names[row["slug"]] = found
    return names


def day_name(day: Observance, language: str) -> str:
    """The day's official name in ``language``, or its English name (campaign dates keep their own)."""
    return official_names().get(day.slug, {}).get(language, day.name)


def day_page(day: Observance, language: str) -> str:
    """The UN page in ``language`` when the UN has the day's name in it, else the English page ("" if none)."""
    if day.page.startswith(_UN_PAGE_PREFIX) and language in official_names().get(day.slug, {}):
        return day.page.replace("/en/", f"/{language}/", 1)
    return day.page


def all_names(day: Observance) -> tuple[str, ...]:
    """Every name a day is known by (English first), for searching."""
    return (day.name, *official_names().get(day.slug, {}).values())
