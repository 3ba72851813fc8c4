"""IANA time zones, from the ``tzdata`` package the project declares, never from the host.

A host's ``/usr/share/zoneinfo`` may be years old (a host with tzdata 2025b put Casablanca an hour off),
so the search path is emptied and ``zoneinfo`` falls back to the ``tzdata`` package (PEP 615). Names are
checked against the package's list: ``Europe`` is a directory there, not a zone, and opening it raises
an OSError rather than ``ZoneInfoNotFoundError``.
"""

from __future__ import annotations

import re
import zoneinfo
from functools import lru_cache
from zoneinfo import ZoneInfo

zoneinfo.reset_tzpath(to=())
ZoneInfo.clear_cache()


# tz database entries that are neither a place nor a fixed offset: "Factory" (an undefined zone, "-00"),
# and the host links "localtime" and "posixrules", which would mean whatever a machine was set to.
NOT_PLACES = frozenset({"Factory", "localtime", "posixrules"})
# An offset as people write one: "UTC+5", "GMT-3", "UTC+05:30", "+5".
_OFFSET = re.compile(r"^(?:utc|gmt)?\s*([+\-\u2212])\s*(\d{1,2})(?:\s*[:h.]?\s*(\d{2}))?$", re.IGNORECASE)


class UnknownZone(ValueError):
    """``name`` is not an IANA time zone in the tzdata package."""


@lru_cache(maxsize=1)
def zone_names() -> frozenset[str]:
    """Every IANA zone name of the tzdata package (about 600), e.g. ``America/Bogota``; not ``NOT_PLACES``."""
    return frozenset(name for name in zoneinfo.available_timezones()
                     if name not in NOT_PLACES and not name.startswith(("posix/", "right/")))


def offset_zone(text: str) -> tuple[str, str] | None:
    """For an offset as typed (``UTC+5``), its usual spelling (``UTC+5``) and the IANA zone of that fixed offset
    (``Etc/GMT-5``: IANA inverts the sign), the zone "" when IANA has none (``UTC+05:30``); None when ``text``
    is not an offset."""
    match = _OFFSET.match(text.strip())
    if match is None:
        return None
    sign = "-" if match.group(1) in "-\u2212" else "+"
    hours, minutes = int(match.group(2)), int(match.group(3) or 0)
    if minutes >= 60:
        return None
    spelled = f"UTC{sign}{hours}" + (f":{minutes:02d}" if minutes else "")
    if hours == 0 and minutes == 0:
        return "UTC", "UTC"
    whole = minutes == 0 and (hours <= 14 if sign == "+" else hours <= 12)
    return spelled, (f"Etc/GMT{'-' if sign == '+' else '+'}{hours}" if whole else "")


@lru_cache(maxsize=1)
def _by_folded() -> dict[str, str]:
    return {name.casefold(): name for name in zone_names()}


def canonical_zone(name: str) -> str:
    """The IANA spelling of ``name`` (case-insensitive: ``europe/madrid`` -> ``Europe/Madrid``).

    Raises UnknownZone for anything else (``Europe``, ``Mars/Base``, ``../etc``).
    """
    found = _by_folded().get(name.strip().casefold())
    if found is None:
        raise UnknownZone(name)
    return found


def get_zone(name: str) -> ZoneInfo:
    """The ZoneInfo of an IANA name; raises UnknownZone when it is not one."""
    return ZoneInfo(canonical_zone(name))


@lru_cache(maxsize=1)
def _by_place() -> dict[str, tuple[str, ...]]:
    from handlers.text import fold

    places: dict[str, list[str]] = {}
    for name in sorted(zone_names()):
        if "/" in name and not name.startswith(("Etc/", "SystemV/")):
            places.setdefault(fold(name.rsplit("/", 1)[1].replace("_", " ")), []).append(name)
    return {place: tuple(names) for place, names in places.items()}


def zones_for_place(text: str) -> tuple[str, ...]:
    """IANA zones whose city part is ``text``, folded (``bogota`` -> ``("America/Bogota",)``,
    ``Sao Paulo`` -> ``("America/Sao_Paulo",)``); empty when none is."""
    from handlers.text import fold

    return _by_place().get(fold(text.replace("_", " ")), ())


def close_zones(text: str, limit: int = 3) -> list[str]:
    """Up to ``limit`` IANA zones whose city part is spelled like ``text`` (difflib ratio ≥ 0.75), for a
    "did you mean" (``Bogata`` -> America/Bogota)."""
    import difflib

    from handlers.text import fold

    places = _by_place()
    key = fold(text.rsplit("/", 1)[-1].replace("_", " "))
    close = difflib.get_close_matches(key, list(places), n=limit, cutoff=0.75)
    return [name for place in close for name in places[place]][:limit]
