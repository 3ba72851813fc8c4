"""Suggestions while someone types an option (Discord autocomplete), platform-neutral.

``suggestions(ctx, source, text, locale)`` answers one ``handlers.options.Source`` with at most
``LIMIT`` (label, value) pairs: the label is shown, the value is what the command receives. The
caller passes text already cleaned with ``handlers.types.clean_input``. Labels and values are cut
to ``MAX_CHARS`` (Discord's limits for a choice's name and value).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from functools import lru_cache

from handlers.calendar import un_days
from handlers.context import Context
from handlers.countries import INPUT_LOCALES, country_codes, country_name, endonyms
from handlers.i18n import language_of, translator
from handlers.options import Source
from handlers.text import fold, shorten
from handlers.vocab import THEMES
from handlers.words import tree_name
from handlers.zones import offset_zone, zone_names
from storage.models import AnnouncementStatus, CityStatus
from storage.queries import days as day_queries
from storage.queries import suggestions as queries

LIMIT = 25  # Discord shows at most 25 choices
MAX_CHARS = 100  # a choice's name and value: 1 to 100 characters


@dataclass(frozen=True)
class Suggestion:
    label: str
    value: str


def _pair(label: str, value: str) -> Suggestion:
    return Suggestion(shorten(label, MAX_CHARS), value[:MAX_CHARS])


def rank(text: str, candidates: list[tuple[str, ...]], limit: int = LIMIT) -> list[int]:
    """Indexes of ``candidates`` (each a tuple of spellings, the first the name) matching ``text``:
    a spelling starting with it, then a word of one starting with it, then containing it, then close
    to it (typos: ``housng`` -> Housing). Comparison is folded (case, accents, punctuation)."""
    key = fold(text)
    if not key:
        return list(range(min(limit, len(candidates))))
    folded = [[fold(s) for s in spellings] for spellings in candidates]
    tiers: list[list[int]] = [[], [], [], []]
    for index, spellings in enumerate(folded):
        if any(s.startswith(key) for s in spellings):
            tiers[0].append(index)
        elif any(w.startswith(key) for s in spellings for w in s.split()):
            tiers[1].append(index)
        elif any(key in s for s in spellings):
            tiers[2].append(index)
        elif any(difflib.SequenceMatcher(None, key, s[: len(key) + 2]).ratio() >= 0.75 for s in spellings):
            tiers[3].append(index)
    return [i for tier in tiers for i in tier][:limit]


def theme_suggestions(text: str, locale: str, *, listed: bool = False) -> list[Suggestion]:
    """Themes by name or synonym, in the caller's language. ``listed``: the text is a comma-separated
    list; the last entry is completed and the ones before it are kept in the value."""
    _ = translator(locale)
    head, last = "", text
    if listed and "," in text:
        before, _sep, last = text.rpartition(",")
        head = ", ".join(part.strip() for part in before.split(",") if part.strip())
        head = f"{head}, " if head else ""
    names = [_(t.name) for t in THEMES]
    spellings = [(name, t.name, t.slug.replace("-", " "), *t.synonyms) for name, t in zip(names, THEMES, strict=True)]
    # A value over Discord's 100 characters would be cut, and the command would get a cut theme: none is
    # suggested then, and what was typed is run as it is.
    return [_pair(head + names[i], head + names[i]) for i in rank(last, spellings) if len(head + names[i]) <= MAX_CHARS]


@lru_cache(maxsize=1)
def _zones() -> tuple[tuple[str, ...], ...]:
    # "America/Argentina/Buenos_Aires" is found by "buenos", "argentina" or "america/arg".
    names = sorted(z for z in zone_names() if "/" in z and not z.startswith(("Etc/", "SystemV/")))
    return tuple((z, z.rsplit("/", 1)[1].replace("_", " "), *z.replace("_", " ").split("/")[1:-1]) for z in names)


def timezone_suggestions(text: str) -> list[Suggestion]:
    """IANA time zones; "Bogota" -> America/Bogota (the label shows the name the grammar expects). An offset
    ("UTC+5") or a fixed-offset zone typed whole ("Etc/GMT-5") comes first as the zone that means it, as the
    refusal of a typed offset advises (``handlers.common``); "UTC" as UTC."""
    zones = _zones()
    found = [_pair(zones[i][0], zones[i][0]) for i in rank(text.replace(" ", "_") if "/" in text else text, list(zones))]
    typed = text.strip()
    offset = offset_zone(typed)
    if offset is not None and offset[1]:
        first = _pair(offset[1] if offset[1] == "UTC" else f"{offset[1]} ({offset[0]})", offset[1])
    elif fold(typed) in ("utc", "gmt"):
        first = _pair("UTC", "UTC")
    elif typed.casefold().startswith("etc/") and typed in zone_names():
        first = _pair(typed, typed)
    else:
        return found
    return [first, *found][:LIMIT]


@lru_cache(maxsize=8)
def _countries(locale: str) -> tuple[tuple[str, str, tuple[str, ...]], ...]:
    """``(code, name in locale, folded spellings: that name, the en/es/fr names, its own names, the code)``
    of every country, by name in ``locale``; folded once here so that each keystroke only compares."""
    codes = sorted(country_codes(), key=lambda code: fold(country_name(code, locale)))
    return tuple(
        (code, country_name(code, locale),
         tuple(dict.fromkeys(fold(n) for n in (country_name(code, locale), *(country_name(code, o) for o in INPUT_LOCALES),
                                               *endonyms(code), code))))
        for code in codes
    )


async def country_suggestions(ctx: Context, text: str, locale: str) -> list[Suggestion]:
    """Countries by name in the caller's language (found by their English, Spanish or French name or ISO
    code too), the ones the directory already has first; the value is the ISO code."""
    async with ctx.db.transaction(write=False) as session:
        known = set(await queries.directory_countries(session))
    countries = _countries(locale)
    ranked = [countries[i] for i in rank(text, [spellings for _c, _n, spellings in countries], limit=len(countries))]
    ranked.sort(key=lambda entry: entry[0] not in known)  # stable: the directory's countries first
    return [_pair(name, code) for code, name, _spellings in ranked[:LIMIT]]


async def city_suggestions(ctx: Context, text: str, locale: str, *, waiting_only: bool = False,
                           any_status: bool = False) -> list[Suggestion]:
    """Verified cities (``waiting_only``: the ones waiting for the secretariat; ``any_status``: every city,
    with its status) as "Córdoba — Spain", found by their name or by an alias ("Lodz → Łódź — Poland");
    the value ``#ID`` names exactly that city, so two cities of one name never make picking ambiguous."""
    _ = translator(locale)
    statuses = tuple(CityStatus) if any_status else (CityStatus.VERIFIED,)
    async with ctx.db.transaction(write=False) as session:
        rows = await queries.cities_like(session, fold(text), LIMIT, waiting_only=waiting_only, statuses=statuses)
    labels = {CityStatus.PENDING: _("(pending)"), CityStatus.REJECTED: _("(declined)")}
    result = []
    for row in rows:
        name = f"{row.alias} → {row.name}" if row.alias else row.name
        label = f"{name} — {country_name(row.country, locale)}"
        if waiting_only:
            label += " " + (_("(new city)") if row.status == CityStatus.PENDING else _("(new focal point)"))
        elif row.status in labels:
            label += " " + labels[row.status]
        result.append(_pair(label, f"#{row.id}"))
    return result


async def day_suggestions(ctx: Context, text: str, *, campaign_only: bool = False) -> list[Suggestion]:
    """UN days and campaign dates by name; the value is the day's slug, which ``day`` finds exactly."""
    async with ctx.db.transaction(write=False) as session:
        rows = await day_queries.all_campaign_dates(session)
    days = [(row.name, row.slug) for row in rows]
    if not campaign_only:
        days += [(day.name, day.slug) for day in un_days()]
    return [_pair(days[i][0], days[i][1]) for i in rank(text, [(name, slug.replace("-", " ")) for name, slug in days])]


_ANNOUNCEMENT_STATUSES = {
    Source.DRAFT: (AnnouncementStatus.DRAFT,),
    Source.CANCELLABLE: (AnnouncementStatus.DRAFT, AnnouncementStatus.QUEUED, AnnouncementStatus.SENDING),
    Source.ANNOUNCEMENT: tuple(AnnouncementStatus),
}


async def announcement_suggestions(ctx: Context, source: Source, text: str, locale: str) -> list[Suggestion]:
    """Announcements as "#12 · Title (draft)", newest first; the value is the number (an integer option)."""
    _ = translator(locale)
    async with ctx.db.transaction(write=False) as session:
        rows = await queries.announcements_by_status(session, _ANNOUNCEMENT_STATUSES[source], 200)
    labels = [(f"#{row.id} · {row.title}", str(row.id), row.status) for row in rows]
    key = text.strip().lstrip("#")
    if key.isdecimal():
        picked = [entry for entry in labels if entry[1].startswith(key)]
    else:
        picked = [labels[i] for i in rank(text, [(label.split(" · ", 1)[1],) for label, _id, _s in labels])]
    status_names = {
        AnnouncementStatus.DRAFT: _("draft"), AnnouncementStatus.QUEUED: _("scheduled"),
        AnnouncementStatus.SENDING: _("sending"), AnnouncementStatus.DONE: _("sent"),
        AnnouncementStatus.CANCELLED: _("cancelled"),
    }
    out = []
    for label, value, status in picked[:LIMIT]:
        # The status is kept whole, in any language (``en cours d’envoi``): the title gives way.
        note = f" ({status_names.get(status, status)})"
        out.append(Suggestion(shorten(label, MAX_CHARS - len(note)) + note, value))
    return out


def command_suggestions(text: str, paths: list[tuple[str, ...]], locale: str = "en") -> list[Suggestion]:
    """Commands by their path in the tree (``secretariat announce send``), for help: shown as the reader's
    Discord shows them (``/ciudad registrar``), found by those words or the English ones; the value is
    the English path, which help reads in any language."""
    language = language_of(locale) or "en"
    names = [" ".join(path) for path in paths]
    shown = [" ".join(tree_name(word, language) for word in path) for path in paths]
    spellings = [(local, name, local.split()[-1], name.split()[-1]) for local, name in zip(shown, names, strict=True)]
    return [_pair("/" + shown[i], names[i]) for i in rank(text.removeprefix("/"), spellings)]


async def suggestions(ctx: Context, source: Source, text: str, locale: str = "en") -> list[Suggestion]:
    """At most ``LIMIT`` suggestions for ``text`` typed into an option whose suggestions come from ``source``."""
    if source in (Source.THEME, Source.THEMES):
        return theme_suggestions(text, locale, listed=source is Source.THEMES)
    if source is Source.TIMEZONE:
        return timezone_suggestions(text)
    if source is Source.COUNTRY:
        return await country_suggestions(ctx, text, locale)
    if source in (Source.CITY, Source.PENDING_CITY, Source.ANY_CITY):
        return await city_suggestions(ctx, text, locale, waiting_only=source is Source.PENDING_CITY,
                                      any_status=source is Source.ANY_CITY)
    if source in (Source.DAY, Source.CAMPAIGN_DATE):
        return await day_suggestions(ctx, text, campaign_only=source is Source.CAMPAIGN_DATE)
    if source in _ANNOUNCEMENT_STATUSES:
        return await announcement_suggestions(ctx, source, text, locale)
    if source is Source.COMMAND:
        from handlers.tree import leaves  # the tree reads the whole command table, loaded by then

        return command_suggestions(text, sorted(leaf.path for leaf in leaves()), locale)
    raise ValueError(f"no suggestions for {source!r}")
