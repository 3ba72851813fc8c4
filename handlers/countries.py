"""Countries as ISO 3166-1 alpha-2 codes: typed in English, Spanish or French, shown in the reader's language.

The list of countries and their names is Babel's (CLDR): ``Locale.territories`` of en, es and fr, keeping
the two-letter codes of ISO 3166-1. A name is matched on its key (``handlers.text.fold``), so ``España``,
``espana``, ``Espagne``, ``Spain`` and ``ES`` are all ``ES``. Each country's own names are accepted too
(endonyms: ``Polska``, ``Schweiz``, ``Deutschland``, ``Sverige``, ``日本``): CLDR's name of the territory in
each of its official languages (``babel.languages.get_official_languages``, regional and de facto ones
included).
"""

from __future__ import annotations

import contextlib
import functools
import re
from collections.abc import Iterator
from functools import lru_cache

from babel import Locale, UnknownLocaleError, localedata
from babel.languages import get_official_languages

from handlers.errors import UserError
from handlers.i18n import Translate
from handlers.text import fold, suggest

INPUT_LOCALES = ("en", "es", "fr")

# Two-letter codes in CLDR's territory list that are not ISO 3166-1 countries: unions and groupings (EU,
# EZ, UN, QO), "exceptionally reserved" codes for parts of countries (AC, CP, CQ, DG, EA, IC, TA), CLDR's
# pseudo-locales (XA, XB) and "unknown" (ZZ). Kosovo's XK, user-assigned but used by the EU, UN and
# CLDR alike, stays.
NOT_COUNTRIES = frozenset({"AC", "CP", "CQ", "DG", "EA", "EU", "EZ", "IC", "QO", "TA", "UN", "XA", "XB", "ZZ"})

# Other names people write that CLDR keeps only as "alt" variants (which Babel does not expose), or
# abbreviations in common use. Each is checked against the code list at import (see ``_index``).
ALIASES: dict[str, str] = {
    "UK": "GB", "Great Britain": "GB", "Britain": "GB", "England": "GB", "Scotland": "GB", "Wales": "GB",
    "USA": "US", "United States of America": "US", "EEUU": "US", "EE UU": "US", "America": "US",
    "Turkey": "TR", "Turquia": "TR", "Czech Republic": "CZ", "Republica Checa": "CZ", "Republique tcheque": "CZ",
    "Ivory Coast": "CI", "Costa de Marfil": "CI", "Swaziland": "SZ", "Macedonia": "MK", "Burma": "MM",
    "Hong Kong": "HK", "Macao": "MO", "Macau": "MO", "Palestine": "PS", "Palestina": "PS", "State of Palestine": "PS",
    "Democratic Republic of the Congo": "CD", "DR Congo": "CD", "DRC": "CD", "RDC": "CD", "RD Congo": "CD",
    "Republique democratique du Congo": "CD", "Republic of the Congo": "CG", "East Timor": "TL",
    "Cabo Verde": "CV", "Vatican": "VA", "Holland": "NL", "Korea": "KR", "Republic of Korea": "KR",
}

_PARENS = re.compile(r"\s*\(([^)]*)\)\s*")


@lru_cache(maxsize=1)
def _codes() -> frozenset[str]:
    return frozenset(c for c in Locale("en").territories if len(c) == 2 and c.isalpha() and c not in NOT_COUNTRIES)


@lru_cache(maxsize=1)
def _index() -> tuple[dict[str, str], frozenset[str]]:
    """Key → code for every official name in en/es/fr, each name without its bracketed part and the bracketed
    part alone ("Myanmar (Burma)"), ``ALIASES`` and the endonyms (``endonyms``); plus the set of codes.
    Official en/es/fr names win; a derived spelling that would name two countries is left out. Built once,
    when a country is first typed (about 0.6 s, most of it reading the endonyms' locales)."""
    codes = _codes()
    index: dict[str, str] = {}
    derived: dict[str, set[str]] = {}
    for locale in INPUT_LOCALES:
        for code, name in Locale(locale).territories.items():
            if code not in codes:
                continue
            index[fold(name)] = code
            for part in (_PARENS.sub(" ", name), *_PARENS.findall(name)):
                derived.setdefault(fold(part), set()).add(code)
    for alias, code in ALIASES.items():
        if code not in codes:
            raise ValueError(f"country alias {alias!r} names {code!r}, not an ISO 3166 code")
        derived.setdefault(fold(alias), set()).add(code)
    for code in codes:
        for name in endonyms(code):
            for part in (name, _PARENS.sub(" ", name)):
                derived.setdefault(fold(part), set()).add(code)
    for key, found in derived.items():
        if key and key not in index and len(found) == 1:
            index[key] = next(iter(found))
    for code in codes:
        index.setdefault(code.lower(), code)
    return index, codes


def endonyms(code: str) -> tuple[str, ...]:
    """The country's names in its own official languages (CLDR): ``PL`` → ``["Polska"]``, ``CH`` →
    ``["Schweiz", "Suisse", "Svizzera"]``. A language without CLDR locale data is skipped."""
    return _endonyms().get(code, ())


@lru_cache(maxsize=1)
def _endonyms() -> dict[str, tuple[str, ...]]:
    """``endonyms`` of every country, each language's locale read once for all its countries, then forgotten."""
    languages = {code: get_official_languages(code, regional=True, de_facto=True) for code in sorted(_codes())}
    found: dict[tuple[str, str], str] = {}
    for language in dict.fromkeys(language for spoken in languages.values() for language in spoken):
        try:
            with _forgetting_locales():
                territories = Locale.parse(language).territories
                found.update(((language, code), territories[code]) for code, spoken in languages.items()
                             if language in spoken and territories.get(code))
        except (UnknownLocaleError, ValueError):
            continue
    return {code: tuple(dict.fromkeys(found[language, code] for language in spoken if (language, code) in found))
            for code, spoken in languages.items()}


@contextlib.contextmanager
def _forgetting_locales() -> Iterator[None]:
    """Babel keeps every locale it reads, merged with its parents (~0.6 MB each), for the life of the
    process; the endonyms read ~170 locales for one name each, which kept 100 MB of a 260 MB bot
    (bench/bot_process.py). Forget the locales first read inside the block: those in use before stay, and
    one forgotten here is read again if ever needed. Babel has no public way to forget one locale: its
    cache is private (tests/test_names_duplicates.py checks it)."""
    cache: dict[str, object] = getattr(localedata, "_cache", {})
    wrappers: dict[str, object] = getattr(localedata, "_dict_cache", {})
    before = set(cache)
    try:
        yield
    finally:
        with getattr(localedata, "_cache_lock", contextlib.nullcontext()):
            for name in set(cache) - before:
                cache.pop(name, None)
                wrappers.pop(name, None)


def country_codes() -> frozenset[str]:
    """Every ISO 3166-1 alpha-2 code the bot accepts (from Babel, less ``NOT_COUNTRIES``)."""
    return _codes()


def country_code(text: str) -> str | None:
    """The ISO code for a country typed in en/es/fr, in one of its own languages, or as its code; None
    when it names no country: ``España`` → ``ES``, ``Polska`` → ``PL``."""
    return _index()[0].get(fold(text))


@functools.lru_cache(maxsize=4096)
def country_name(code: str, locale: str = "en") -> str:
    """The country's name in ``locale`` (``ES``, ``fr`` → ``Espagne``); a value that is not a known code
    (a free-text country stored before codes, which the migration could not map) is shown as it is.
    Memoised: Babel parses the locale on every call (~20 µs), and `who` names a country per city."""
    if code not in _codes():  # not _index(): showing a name needs no endonyms
        return code
    try:
        names = Locale.parse(locale.replace("-", "_")).territories
    except (UnknownLocaleError, ValueError):
        names = Locale("en").territories
    return names.get(code) or Locale("en").territories[code]


def find_country(text: str, locale: str, _: Translate) -> str:
    """The ISO code for ``text``; raises UserError (field ``country``) with "did you mean" from real country
    names, in the reader's language, when it names no country."""
    code = country_code(text)
    if code is not None:
        return code
    index, _codes = _index()
    close: list[str] = []
    for key in suggest(text, index.keys(), n=8, cutoff=0.7):
        name = country_name(index[key], locale)
        if name not in close:
            close.append(name)
    if close:
        message = _("I don't know the country “{word}”. Did you mean {choices}?").format(
            word=text, choices=_(" or ").join(_.quote(c) for c in close[:3])
        )
    else:
        message = _("I don't know the country “{word}”.").format(word=text)
    hint = _("Write the country's name in English, Spanish, French or its own language (Polska, Deutschland), "
             "or its two-letter ISO code (ES, FR, CO).")
    raise UserError(message, hint=hint, field="country")
