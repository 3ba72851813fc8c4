"""The calendar of UN international days and campaign dates: `days`, `day`, `days add`, `days remove`."""

from __future__ import annotations

import calendar as pycalendar
import re
from datetime import date, timedelta

from babel.dates import format_skeleton, get_month_names
from sqlalchemy import Row
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.audit import record
from handlers.calendar import Observance, occurrences, un_days
from handlers.common import caller, parse_themes
from handlers.context import Context
from handlers.countries import country_name
from handlers.day_names import all_names, day_name, day_page
from handlers.errors import UserError
from handlers.i18n import LANGUAGES, N_, Translate, translator
from handlers.moments import zone_or_default
from handlers.quoting import day_arg, theme_arg
from handlers.registry import command
from handlers.text import clean_name, fold, suggest
from handlers.types import Field, Item, Reply, Request
from handlers.vocab import find_theme, theme_name
from storage.models import CampaignDate
from storage.queries import cities as city_queries
from storage.queries import days as day_queries

NEXT_COUNT = 10
MAX_AHEAD_YEARS = 20  # 9999-12-31 has no next day: an all-day event on it cannot be written (its DTEND)
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")


def campaign_observance(row: CampaignDate | Row[tuple[str, str, date, str]]) -> Observance:
    """A campaign date (its row, or its ``campaign_date_fields``) as a day of the calendar."""
    return Observance(
        slug=row.slug, name=row.name, rule=row.date.isoformat(), is_un=False,
        themes=tuple(t for t in row.themes.split(";") if t), is_campaign=True, fixed_date=row.date,
    )


# The last list built and the campaign date rows it was built from (slug, name, date, themes).
_BUILT: tuple[tuple[tuple[object, ...], ...], list[Observance]] | None = None


async def all_observances(session: AsyncSession) -> list[Observance]:
    """The UN days, then the campaign dates (one small query). While the campaign dates read are the same, every
    call returns the same list object, which callers must not modify: the date work remembered for a list
    (``handlers.prompts._days_on``, ``handlers.next_posts``) then serves every command and tick, not one."""
    global _BUILT
    rows = await day_queries.campaign_date_fields(session)
    key = tuple(tuple(row) for row in rows)
    if _BUILT is not None and _BUILT[0] == key:
        return _BUILT[1]
    built = [*un_days(), *(campaign_observance(r) for r in rows)]
    _BUILT = (key, built)
    return built


_SPANS: dict[tuple[int, date, date], tuple[list[Observance], list[tuple[date, Observance]]]] = {}


def dated_within(observances: list[Observance], start: date, end: date) -> list[tuple[date, Observance]]:
    """``handlers.calendar.occurrences(observances, start, end)`` (dates inclusive, in date order), remembered for
    this list (``all_observances`` keeps it while the campaign dates are unchanged): ~250 date rules over a
    span, worked out once a day for every `subscribe`, `channel set` and `share`, not once each. The list
    returned is shared: do not modify it. At most 64 spans are kept."""
    key = (id(observances), start, end)
    known = _SPANS.get(key)
    if known is None or known[0] is not observances:  # not the same list that took its id
        if len(_SPANS) >= 64:
            _SPANS.clear()
        known = _SPANS[key] = (observances, occurrences(observances, start, end))
    return known[1]


def campaign_today(ctx: Context) -> date:
    """Today in the campaign's default time zone (``HRC_TIMEZONE``), the zone the calendar's dates are days
    of: at 20:00 in Bogota it is already tomorrow in UTC, and today's days are still to come."""
    return ctx.now().astimezone(zone_or_default(None, ctx)).date()


def long_date(when: date | None, locale: str, _: Translate) -> str:
    """``Thu 10 Dec 2026`` / ``jue 10 dic 2026`` / ``jeu. 10 déc. 2026`` (CLDR names for the reader)."""
    if when is None:
        return _("no fixed date (set each year)")
    return _.date(when, "EEE d MMM y")


def date_text(day: Observance, year: int, locale: str, _: Translate) -> str:
    """The day's date in ``year``; for a day not observed that year (29 February, every five years, not yet
    begun) the next year it is, rather than "no fixed date". A campaign date (``fixed_date``) has its one date
    (``long_date``) instead."""
    when = day.date_in(year)
    if when is not None or day.is_irregular:
        return long_date(when, locale, _)
    upcoming = next((y for y in range(year + 1, year + 13) if day.date_in(y) is not None), None)
    if upcoming is None:
        return _("not observed")
    return _("not observed this year (next: {year})").format(year=upcoming)


def kind_label(day: Observance, _: Translate) -> str:
    if day.is_campaign:
        return _("campaign date")
    return _("UN international day") if day.is_un else _("not a UN day")


def day_item(when: date | None, day: Observance, locale: str, _: Translate) -> Item:
    themes = ", ".join(theme_name(t, _) for t in day.themes)  # a day no theme fits: its kind alone, no dash
    return Item(
        title=f"{_.label(long_date(when, locale, _))} {day_name(day, _.language)}",
        text=f"{kind_label(day, _)} · {themes}" if themes else kind_label(day, _),
        link=day_page(day, _.language) or None,
    )


def _month_index() -> dict[str, int]:
    """Month names and abbreviations in every language the bot speaks (CLDR, through Babel)."""
    index: dict[str, int] = {}
    for language in LANGUAGES:
        for width in ("wide", "abbreviated"):
            for context in ("format", "stand-alone"):
                for number, name in get_month_names(width, context, language).items():
                    index.setdefault(fold(name), number)
    return index


_MONTHS = _month_index()


def parse_month(word: str, _: Translate) -> int:
    """``december``, ``diciembre``, ``décembre``, ``dic``, ``12`` -> 12; ``UserError`` otherwise."""
    folded = fold(word)
    if folded.isdecimal() and 1 <= int(folded) <= 12:
        return int(folded)
    if folded in _MONTHS:
        return _MONTHS[folded]
    raise UserError(
        _("“{word}” is not a month. Use a month name (March) or number (3).").format(word=word), field="main"
    )


def parse_iso_date(value: str, _: Translate) -> date:
    match = _ISO.match(value.strip())
    if not match:
        raise UserError(_("“{value}” is not a date: write it YYYY-MM-DD, e.g. 2027-05-18.").format(value=value), field="date")
    try:
        return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        raise UserError(_("{value} does not exist in the calendar.").format(value=value), field="date") from None


@command(
    "days",
    summary=N_("Upcoming UN international days and campaign dates"),
    usage=N_("days [MONTH] [theme: THEME]"),
    examples=("/hrc days", "/hrc days december", "/hrc days theme: water"),
    keys=("theme",),
    main=N_("month"),
    limits=(("main", 20), ("theme", 80)),
)
async def days(ctx: Context, request: Request, session: AsyncSession) -> Reply:
    _ = translator(request.locale)
    today = campaign_today(ctx)
    theme = find_theme(request.command.opt("theme"), _) if request.command.opt("theme") else None
    observances = await all_observances(session)
    if theme:
        observances = [o for o in observances if theme.slug in o.themes]
    if request.command.main:
        month = parse_month(request.command.main, _)
        year = today.year if month >= today.month else today.year + 1
        start = date(year, month, 1)
        end = date(year, month, pycalendar.monthrange(year, month)[1])
        found = occurrences(observances, start, end)
        title = _("Days in {month}").format(month=format_skeleton("yMMMM", start, locale=_.language))
        irregular = [o for o in observances if o.is_irregular]
    else:
        found = occurrences(observances, today, today + timedelta(days=400))[:NEXT_COUNT]
        title = _("Next days")
        irregular = []
    if theme:
        title += " · " + _(theme.name)
    if not found and not irregular:
        return Reply(text=_("No day matches."), footer=_("Try `/hrc days` or `/hrc days theme: housing`."), shareable=True, timely=True,
                     cache_scopes=frozenset({"days"}))
    items = tuple(day_item(when, day, request.locale, _) for when, day in found)
    items += tuple(day_item(None, day, request.locale, _) for day in irregular)
    return Reply(title=title, items=items, footer=_("`/hrc day NAME` tells more about one day."), shareable=True, timely=True,
                 cache_scopes=frozenset({"days"}))


def find_observance(query: str, observances: list[Observance], _: Translate) -> Observance:
    """The day named ``query`` by its English, Spanish or French name (or slug), in whole or by its words."""
    folded = fold(query)
    searchable = [(d, [fold(n) for n in (*all_names(d), d.slug)]) for d in observances]
    for day, names in searchable:
        if folded in names:
            return day
    words = folded.split()
    # Per matching day, its shortest name holding every word: "derechos humanos" is "Día de los Derechos
    # Humanos" rather than a day whose much longer name also mentions them.
    fits = sorted(
        (min(len(n) for n in names if all(w in n for w in words)), d.slug, d)
        for d, names in searchable
        if any(all(w in n for w in words) for n in names)
    )
    matches = [d for _length, _slug, d in fits]
    if len(matches) == 1 or (len(fits) > 1 and fits[0][0] * 3 <= fits[1][0] * 2):
        return matches[0]
    shown = {day_name(d, _.language): d for d in observances}
    candidates = [day_name(d, _.language) for d in sorted(matches, key=lambda d: len(day_name(d, _.language)))[:4]] or suggest(
        query, list(shown), n=3, cutoff=0.5
    )
    if candidates:
        raise UserError(
            _("Which day? {choices}").format(choices="; ".join(_.quote(c) for c in candidates)),
            hint=_("`/hrc days` lists the next ones."),
        )
    raise UserError(_("I don't know a day called “{name}”.").format(name=query), hint=_("`/hrc days` lists the next ones."))


async def cities_on_themes(
    session: AsyncSession, themes: tuple[str, ...], limit: int = 15, locale: str = "en"
) -> tuple[list[str], int]:
    """``Name (Country)`` of the verified cities on any of ``themes`` (the first ``limit``), and their number;
    none for no theme (a campaign date may have none)."""
    if not themes:
        return [], 0
    pairs, total = await city_queries.verified_cities_on(session, themes, limit)
    return [f"{name} ({country_name(country, locale)})" for name, country in pairs], total


@command(
    "day",
    summary=N_("One day: its dates, themes and the cities working on them"),
    usage=N_("day NAME"),
    examples=("/hrc day human rights day", "/hrc day world water day"),
    main=N_("day name"),
    main_required=True,
    limits=(("main", 150),),
)
async def day(ctx: Context, request: Request, session: AsyncSession) -> Reply:
    _ = translator(request.locale)
    found = find_observance(request.command.main, await all_observances(session), _)
    today = campaign_today(ctx)
    year = today.year
    # A campaign date happens once: its date, not "2026: only on … 2027" beside "2027: … 2027".
    dates = ([Field(_("Date"), long_date(found.fixed_date, request.locale, _))] if found.fixed_date is not None else
             [Field(str(year), date_text(found, year, request.locale, _)), Field(str(year + 1), date_text(found, year + 1, request.locale, _))])
    fields = [*dates, Field(_("Kind"), kind_label(found, _) + (f" ({found.resolution})" if found.resolution else ""))]
    if found.themes:  # a day no theme fits (a campaign date, a few UN days) has no themes' cities either
        cities, total = await cities_on_themes(session, found.themes, locale=request.locale)
        city_text = ", ".join(cities) if cities else _("none yet")
        if total > len(cities):
            city_text += " " + _("…and {count} more").format(count=total - len(cities))
        fields += [Field(_("Themes"), ", ".join(theme_name(t, _) for t in found.themes), inline=False),
                   Field(_("Verified cities on these themes"), city_text, inline=False)]
    from handlers.actions import acting_field  # actions builds on this module

    acting = await acting_field(ctx, session, found, _)
    if acting is not None:
        fields.append(acting)
    if found.page:
        fields.append(Field(_("Official page"), day_page(found, _.language), inline=False))
    first_theme = theme_arg(found.themes[0], _.language) if found.themes else _("THEME")
    from handlers.actions import next_occurrence

    if next_occurrence(found, today) is None:  # `act` would answer it has no date to record
        footer = _("Share what your city did for it: `/hrc share title: … themes: {theme} summary: …`").format(
            theme=first_theme)
    else:
        footer = _("Does your city act on this day? Say so: `/hrc act {day}`, then share what you did: "
                   "`/hrc share title: … themes: {theme} summary: …`").format(day=day_arg(found, _.language), theme=first_theme)
    return Reply(
        title=day_name(found, _.language),
        fields=tuple(fields),
        footer=footer,
        shareable=True,
        timely=True,
        cache_scopes=frozenset({"days", "cities", *(f"theme:{t}" for t in found.themes)}),
    )


@command(
    "days add",
    summary=N_("Add a campaign date to the calendar"),
    usage=N_("days add name: TEXT date: YYYY-MM-DD [themes: T1, T2] [event: yes]"),
    examples=("/hrc days add name: World Human Rights Cities Forum date: 2027-05-18 themes: human rights event: yes",),
    keys=("name", "date", "themes", "event"),
    required=("name", "date"),
    secretariat=True,
    writes=True,
    limits=(("name", 150), ("date", 20), ("themes", 600), ("event", 5)),
)
async def days_add(ctx: Context, request: Request, session: AsyncSession) -> Reply:
    _ = translator(request.locale)
    name = clean_name(request.command.opt("name"))
    when = parse_iso_date(request.command.opt("date"), _)
    themes = parse_themes(request.command.opt("themes"), _) if request.command.opt("themes") else []
    event_word = fold(request.command.opt("event"))
    if event_word not in ("", "yes", "no", "si", "oui", "true", "false"):
        raise UserError(_("event: takes yes or no."), field="event")
    event = event_word in ("yes", "si", "oui", "true")
    slug = "campaign-" + "-".join(fold(name).split())[:100]
    if not fold(name):
        raise UserError(_("The name needs letters or digits."), field="name")
    if when < campaign_today(ctx):
        raise UserError(_("{date} is in the past.").format(date=when.isoformat()), field="date")
    if when.year > campaign_today(ctx).year + MAX_AHEAD_YEARS:
        raise UserError(_("{date} is too far ahead: campaign dates go up to {years} years from now.").format(
            date=when.isoformat(), years=MAX_AHEAD_YEARS), field="date")
    if fold(name) in {fold(n) for d in un_days() for n in (*all_names(d), d.slug)}:
        raise UserError(_("“{name}” is the name of a UN day: `/hrc day {name}` would show that day. "
                          "Give the campaign date another name.").format(name=name), field="name")
    if await day_queries.campaign_date_by_slug(session, slug) is not None:
        raise UserError(_("“{name}” is already in the calendar; remove it first to change it.").format(name=name))
    member = await caller(ctx, request, session)
    await day_queries.add_campaign_date(session, CampaignDate(
        slug=slug, name=name, date=when, themes=";".join(t.slug for t in themes), created_by=member.id,
        created_at=ctx.now(), event=event,
    ))
    await record(ctx, request, session, subject=name,
                 after={"date": when.isoformat(), "themes": [t.slug for t in themes], "event": bool(event)})
    added = _("Added {name} on {date}.").format(name=name, date=long_date(when, request.locale, _))
    if event and ctx.discord_events:
        added += " " + _("It will also appear as an event in the campaign's Discord server within a minute.")
    elif event:
        added += " " + _("It will appear as an event in the campaign's Discord server once the bot runs there "
                         "(DISCORD_TOKEN and DISCORD_GUILD_IDS).")
    return Reply(text=added)


@command(
    "days remove",
    summary=N_("Remove a campaign date"),
    usage=N_("days remove NAME"),
    examples=("/hrc days remove World Human Rights Cities Forum",),
    main=N_("name"),
    main_required=True,
    secretariat=True,
    writes=True,
    limits=(("main", 150),),
)
async def days_remove(ctx: Context, request: Request, session: AsyncSession) -> Reply:
    _ = translator(request.locale)
    rows = await day_queries.all_campaign_dates(session)
    found = find_observance(request.command.main, [campaign_observance(r) for r in rows], _) if rows else None
    if found is None:
        raise UserError(_("There is no campaign date to remove (UN days cannot be removed)."))
    row = next(r for r in rows if r.slug == found.slug)
    await day_queries.remove_campaign_date(session, row.id)
    await record(ctx, request, session, subject=row.name,
                 before={"date": row.date.isoformat(), "themes": [t for t in row.themes.split(";") if t]})
    return Reply(text=_("Removed {name}.").format(name=row.name))

