"""Near-duplicate cities: a registration whose name is close to, but not the same as, a city of its country.

Two spellings with the same matching key (``handlers.text.fold``) are one city already: registering the
second is a request to join the first. A *near* match (``Cordoba``/``Cordova``, ``Roma``/``Rome``,
``Da Nang``/``Danang``) may be the same place written another way, or a different place: the bot cannot
tell, so it only flags it to the secretariat (in the registration notice and in ``pending``), who can merge
the two with ``/hrc merge``.

Closeness is the Levenshtein distance between the two keys (RapidFuzz, MIT licence), at most
``max_distance`` of the new key: one edit for names of up to 5 letters, two up to 11, three beyond.
Rejected cities are not compared (they were declined, not registered).
"""

from __future__ import annotations

from collections.abc import Sequence

from rapidfuzz.distance import Levenshtein

from handlers.countries import country_name
from handlers.i18n import Translate
from storage.queries.cities import CityName

MAX_SHOWN = 3  # near matches named in one notice or pending row


def max_distance(key: str) -> int:
    """How many edits (insert, delete, substitute one character) still make two keys a near match."""
    letters = len(key.replace(" ", ""))
    return 1 if letters <= 5 else 2 if letters <= 11 else 3


def near_matches(city_id: int, key: str, country: str, candidates: Sequence[CityName]) -> list[CityName]:
    """The cities of ``candidates`` in ``country`` (other than ``city_id``) whose key (or an alias's:
    ``cities.city_names_in``) is within ``max_distance`` of ``key`` but not equal to it, closest first,
    then oldest; each city once; at most ``MAX_SHOWN``."""
    limit = max_distance(key)
    best: dict[int, tuple[int, CityName]] = {}  # a city found by its name and by an alias: its closest
    for other in candidates:
        if other.id == city_id or other.country != country or other.name_key == key:
            continue
        distance = Levenshtein.distance(key, other.name_key, score_cutoff=limit)
        if distance <= limit and (other.id not in best or distance < best[other.id][0]):
            best[other.id] = (distance, other)
    ranked = sorted(best.items(), key=lambda item: (item[1][0], item[0]))
    return [other for _id, (_distance, other) in ranked[:MAX_SHOWN]]


def possibly_same(matches: Sequence[CityName], locale: str, _: Translate) -> str:
    """``Possibly the same as #12 Łódź, Poland.`` ("" when there is none), for the secretariat."""
    if not matches:
        return ""
    named = _(" or ").join(f"#{m.id} {m.name}, {country_name(m.country, locale)}" for m in matches)
    return _("Possibly the same as {cities}.").format(cities=named)
