"""Lookups and formatting shared by several handler modules."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from functools import lru_cache

from babel import Locale, UnknownLocaleError
from babel.dates import format_date
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.context import Context
from handlers.countries import country_code, country_name, find_country
from handlers.errors import UserError
from handlers.i18n import N_, Translate
from handlers.text import fold, split_list, suggest
from handlers.types import Actor, MemberRef, Request
from handlers.vocab import Term, find_theme
from handlers.words import NO, YES
from handlers.zones import UnknownZone, canonical_zone, close_zones, offset_zone, zones_for_place
from storage.models import City, CityStatus, FocalPoint, FocalStatus, Member
from storage.queries import audit as audit_queries
from storage.queries import cities as city_queries
from storage.queries.members import find_member, upsert_member

MAX_THEMES = 15


async def caller(ctx: Context, request: Request, session: AsyncSession) -> Member:
    actor = request.actor
    language = request.locale[:8] if request.locale else None  # the language their direct messages will use
    member = await upsert_member(session, actor.platform, actor.workspace, actor.user_id, actor.display_name, ctx.now(),
                                 last_language=language)
    if language and member.last_language != language:
        member.last_language = language
    return member


async def caller_if_known(request: Request, session: AsyncSession) -> Member | None:
    actor = request.actor
    return await find_member(session, actor.platform, actor.workspace, actor.user_id)


def member_ref(member: Member) -> MemberRef:
    """The member to mention or notify: their own account, with their linked ones (``/hrc link``) so that
    each platform mentions its own; direct messages go to their own account."""
    accounts = tuple((a.platform, a.workspace, a.user_id) for a in member.accounts)
    return MemberRef(member.platform, member.workspace, member.user_id, member.display_name, accounts)


def accounts_of(member: Member) -> list[tuple[str, str, str]]:
    """Every account of ``member`` as (platform, workspace, user id): their own, then their linked ones."""
    return [(member.platform, member.workspace, member.user_id), *((a.platform, a.workspace, a.user_id) for a in member.accounts)]


def is_account_of(member: Member, actor: Actor) -> bool:
    """Whether ``actor`` is ``member`` on one of their accounts (their own or a linked one)."""
    identity = (actor.platform, actor.workspace, actor.user_id)
    return identity == (member.platform, member.workspace, member.user_id) or any(
        identity == (a.platform, a.workspace, a.user_id) for a in member.accounts
    )


def can_see(ctx: Context, request: Request, city: City) -> bool:
    """Verified cities are public; pending and rejected ones only to the secretariat and their focal points."""
    if city.status == CityStatus.VERIFIED or ctx.is_secretariat(request.actor):
        return True
    return any(is_account_of(fp.member, request.actor) for fp in city.focal_points)


async def _merged_city(session: AsyncSession, number: int) -> City | None:
    """The city that the deleted city ``number`` lives on in, through a chain of merges (at most 20)."""
    for _step in range(20):
        into = await audit_queries.merged_into(session, number)
        if into is None:
            return None
        city = await city_queries.city_by_id(session, into)
        if city is not None:
            return city
        number = into
    return None


async def resolve_city(
    ctx: Context, request: Request, session: AsyncSession, name: str, country: str, _: Translate
) -> City:
    """The city a user named (or ``#ID``, as buttons send), with suggestions when unknown or ambiguous."""
    if name.startswith("#") and name[1:].isdecimal() and len(name) <= 10:
        by_id = await city_queries.city_by_id(session, int(name[1:]))
        # With a country (as a question's button sends), the number must still be a city of that country (a
        # second check: numbers are never given twice since migration 0018).
        if by_id is not None and can_see(ctx, request, by_id) and (not country or by_id.country == country_code(country)):
            return by_id
        if by_id is None and (now := await _merged_city(session, int(name[1:]))) is not None and can_see(ctx, request, now):
            raise UserError(_("{name} was merged into {city} (#{id}).").format(name=name, city=now.name, id=now.id))
        raise UserError(_("I can't find the city “{name}” in the directory.").format(name=name))
    key = fold(name)
    visible = [c for c in await city_queries.cities_by_name_key(session, key) if can_see(ctx, request, c)]
    matches = visible
    if country:
        code = country_code(country)
        if code is None and not any(c.country_key == fold(country) for c in visible):
            find_country(country, request.locale, _)  # raises, with "did you mean" from real country names
        matches = [c for c in visible if c.country_key in (code, fold(country))]
    if len(matches) == 1:
        return matches[0]
    countries = ", ".join(sorted({country_name(c.country, request.locale) for c in (matches or visible)}))
    if len(matches) > 1:
        hint = _("For example: `{name} country: {country}`").format(
            name=name, country=country_name(matches[0].country, request.locale)
        )
        if ctx.is_secretariat(request.actor):  # the secretariat may name any city by its number
            hint += "\n" + _("Or by its number: {cities}.").format(cities=", ".join(
                f"#{c.id} {c.name} ({country_name(c.country, request.locale)})" for c in matches))
        raise UserError(
            _("There are several cities named “{name}” ({countries}). Add country: to say which.").format(
                name=name, countries=countries
            ),
            hint=hint,
        )
    if visible:  # the name is known, in other countries than the one given
        raise UserError(
            _("There is no city named “{name}” in {country}; there is one in: {countries}.").format(
                name=name, country=country_name(country_code(country) or country, request.locale), countries=countries
            )
        )
    candidates = await city_queries.city_names(session, verified_only=not ctx.is_secretariat(request.actor))
    raise unknown_city(ctx, request, name, candidates, _)


def unknown_city(ctx: Context, request: Request, name: str, candidates: Sequence[str], _: Translate) -> UserError:
    """The answer to a city name that matches nothing the caller may see: "did you mean" from ``candidates``
    (only what the caller may see: verified cities, or every city for the secretariat), never the name typed."""
    key = fold(name)
    close = suggest(name, [c for c in candidates if fold(c) != key], n=3, cutoff=0.6)
    if ctx.is_secretariat(request.actor):
        message = _("I can't find the city “{name}” in the directory.").format(name=name)
    else:
        message = _("No verified city is named “{name}”.").format(name=name)
    if close:
        message += " " + _("Did you mean {choices}?").format(choices=_(" or ").join(_.quote(c) for c in close))
    return UserError(message)


def own_focal_point(member: Member | None, _: Translate) -> FocalPoint:
    if member is None or member.focal_point is None:
        raise UserError(
            _("You don't represent a city yet."),
            hint=_("Register yours first: `/hrc register city: NAME country: NAME region: REGION`."),
        )
    return member.focal_point


async def require_editor(session: AsyncSession, member: Member | None, _: Translate) -> FocalPoint:
    """A focal point may edit their city once confirmed, or, while their new city awaits verification, if
    they registered it (its first focal point); someone asking to join waits for the secretariat, as they
    would for a verified city. Raises UserError otherwise."""
    focal = own_focal_point(member, _)
    if focal.status == FocalStatus.VERIFIED:
        return focal
    if focal.city.status == CityStatus.PENDING and focal.id == await city_queries.first_focal_point_id(session, focal.city_id):
        return focal
    raise UserError(
        _("The secretariat has not yet confirmed you as a focal point of {city}; you can edit it once they do.").format(
            city=focal.city.name
        )
    )


def with_field(error: UserError, field: str) -> UserError:
    error.field = error.field or field
    return error


def parse_themes(value: str, _: Translate, *, limit: int = MAX_THEMES, field: str = "themes") -> list[Term]:
    try:
        terms = list({t.slug: t for t in (find_theme(word, _) for word in split_list(value))}.values())
    except UserError as error:
        raise with_field(error, field) from None
    if not terms:
        raise UserError(_("Name at least one theme."), hint=_("`/hrc themes` lists every theme."), field=field)
    if len(terms) > limit:
        raise UserError(_("At most {limit} themes, please.").format(limit=limit), field=field)
    return terms


def confirmation(value: str, _: Translate) -> bool | None:
    """A ``confirm:`` option as given: True for yes, False for no (in en/es/fr: ``handlers.words`` YES and NO),
    None when not given. Raises UserError (field ``confirm``) for any other word."""
    answer = fold(value)
    if not answer:
        return None
    if answer not in YES | NO:
        raise UserError(_("confirm: takes yes or no."), field="confirm")
    return answer in YES


def parse_timezone(value: str, _: Translate) -> str:
    """The IANA name for ``value``: an IANA name in any case, or a city part naming exactly one zone
    (``bogota`` -> America/Bogota). Raises UserError with close zones as a hint otherwise."""
    try:
        return canonical_zone(value)
    except UnknownZone:
        places = zones_for_place(value)
        if len(places) == 1:
            return places[0]
        close = list(places) or close_zones(value)
        offset = offset_zone(value)  # "UTC+5": a city's zone is better (it follows daylight saving time)
        if offset is not None:
            spelled, zone = offset
            hint = None
            if zone == "UTC":
                hint = _("For UTC itself, write UTC.")
            elif zone:
                hint = _("For a fixed {offset} all year, write {zone} (IANA writes the sign the other way round).").format(
                    offset=spelled, zone=zone)
            raise UserError(
                _("“{value}” is an offset from UTC, not a time zone: give your city's zone, such as America/Bogota "
                  "or Asia/Kolkata, so that daylight saving time is followed.").format(value=value),
                hint=hint, field="timezone",
            ) from None
        raise UserError(
            _("“{value}” is not a time zone I know. Use an IANA name such as Europe/Madrid or America/Bogota.").format(
                value=value
            ),
            hint=_("Did you mean {choices}?").format(choices=_(" or ").join(_.quote(c) for c in close)) if close else None,
            field="timezone",
        ) from None


def parse_languages(value: str, _: Translate) -> list[str]:
    codes: list[str] = []
    for word in split_list(value):
        try:
            locale = Locale.parse(word.replace("-", "_"))
        except (UnknownLocaleError, ValueError, TypeError):
            raise UserError(
                _("“{value}” is not a language code I know. Use codes such as en, es, fr.").format(value=word),
                field="languages",
            ) from None
        if locale.language not in codes:
            codes.append(locale.language)
    if len(codes) > 8:
        raise UserError(_("At most 8 languages, please."), field="languages")
    return codes


def short_date(moment: datetime | None, locale: str) -> str:
    """``moment``'s date in CLDR's medium width for ``locale`` (``4 mar 2026``); English for an unknown locale."""
    if moment is None:
        return "—"
    return _medium_date(moment.date(), locale)


@lru_cache(maxsize=4096)
def _medium_date(day: date, locale: str) -> str:
    """Memoised: Babel parses the locale and the pattern on every call (~40 µs), and a search lists 50 dates."""
    try:
        return format_date(day, format="medium", locale=locale.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return format_date(day, format="medium", locale="en")


PLATFORM_NAMES = {"slack": "Slack", "discord": "Discord", "console": N_("console")}


def platform_name(platform: str, _: Translate) -> str:
    """``slack`` -> ``Slack``; the console by its name in the reader's language."""
    return _(PLATFORM_NAMES[platform]) if platform in PLATFORM_NAMES else platform


def status_label(status: str, _: Translate) -> str:
    return {
        CityStatus.PENDING: _("pending verification"),
        CityStatus.VERIFIED: _("verified"),
        CityStatus.REJECTED: _("not accepted"),
    }.get(status, status)


# The reason stored on a city whose only focal point withdrew its registration (`/hrc leave` before the
# secretariat decided): stored in English like a reason the secretariat types, shown in the reader's words.
WITHDRAWN_REASON = N_("withdrawn by the registrant")


def reason_text(reason: str, _: Translate) -> str:
    """A stored reason for declining a city as the reader reads it (the secretariat's own words as typed)."""
    return _(WITHDRAWN_REASON) if reason == WITHDRAWN_REASON else reason


def focal_point_mentions(city: City, _: Translate, *, include_pending: bool = False) -> str:
    parts = []
    waiting = _("awaiting confirmation")  # outside the f-string below: extraction cannot see into f-strings
    for fp in city.focal_points:
        if fp.status == FocalStatus.VERIFIED or include_pending:
            mention = member_ref(fp.member).mention()
            parts.append(mention if fp.status == FocalStatus.VERIFIED else f"{mention} ({waiting})")
    return ", ".join(parts) if parts else _("no one yet")  # all left (or a demo city): said, not a dash
