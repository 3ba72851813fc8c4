"""Lookups and formatting shared by several handler modules."""

from __future__ import annotations

from datetime import datetime

from babel import Locale, UnknownLocaleError
from babel.dates import format_date
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.context import Context
from handlers.errors import UserError
from handlers.i18n import Translate
from handlers.text import fold, split_list, suggest
from handlers.types import MemberRef, Request
from handlers.vocab import Term, find_theme
from handlers.zones import UnknownZone, canonical_zone
from storage.models import City, CityStatus, FocalPoint, FocalStatus, Member
from storage.queries import cities as city_queries
from storage.queries.members import find_member, upsert_member

MAX_THEMES = 15


async def caller(ctx: Context, request: Request, session: AsyncSession) -> Member:
    actor = request.actor
    return await upsert_member(session, actor.platform, actor.workspace, actor.user_id, actor.display_name, ctx.now())


async def caller_if_known(request: Request, session: AsyncSession) -> Member | None:
    actor = request.actor
    return await find_member(session, actor.platform, actor.workspace, actor.user_id)


def member_ref(member: Member) -> MemberRef:
    return MemberRef(member.platform, member.workspace, member.user_id, member.display_name)


def can_see(ctx: Context, request: Request, city: City) -> bool:
    """Verified cities are public; pending and rejected ones only to the secretariat and their focal points."""
    if city.status == CityStatus.VERIFIED or ctx.is_secretariat(request.actor):
        return True
    return any(
        fp.member.platform == request.actor.platform and fp.member.user_id == request.actor.user_id
        for fp in city.focal_points
    )


async def resolve_city(
    ctx: Context, request: Request, session: AsyncSession, name: str, country: str, _: Translate
) -> City:
    """The city a user named (or ``#ID``, as buttons send), with suggestions when unknown or ambiguous."""
    if name.startswith("#") and name[1:].isdigit() and len(name) <= 10:
        by_id = await city_queries.city_by_id(session, int(name[1:]))
        if by_id is not None and can_see(ctx, request, by_id):
            return by_id
        raise UserError(_("I can't find the city “{name}” in the directory.").format(name=name))
    matches = [c for c in await city_queries.cities_by_name_key(session, fold(name)) if can_see(ctx, request, c)]
    if country:
        matches = [c for c in matches if c.country_key == fold(country)]
    if len(matches) == 1:
        return matches[0]
    if len(matches) > 1:
        countries = ", ".join(c.country for c in matches)
        raise UserError(
            _("There are several cities named “{name}” ({countries}). Add country: to say which.").format(
                name=name, countries=countries
            )
        )
    close = suggest(name, await city_queries.all_city_names(session), n=3, cutoff=0.6)
    if close:
        raise UserError(
            _("I can't find the city “{name}”. Did you mean {choices}?").format(
                name=name, choices=_(" or ").join(f"“{c}”" for c in close)
            )
        )
    raise UserError(_("I can't find the city “{name}” in the directory.").format(name=name))


def own_focal_point(member: Member | None, _: Translate) -> FocalPoint:
    if member is None or member.focal_point is None:
        raise UserError(
            _("You don't represent a city yet."),
            hint=_("Register yours first: `/hrc register city: NAME country: NAME region: REGION`."),
        )
    return member.focal_point


def require_editor(member: Member | None, _: Translate) -> FocalPoint:
    """A focal point may edit their city once confirmed, or while their new city awaits verification."""
    focal = own_focal_point(member, _)
    if focal.status == FocalStatus.VERIFIED or focal.city.status == CityStatus.PENDING:
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


def parse_timezone(value: str, _: Translate) -> str:
    try:
        return canonical_zone(value)
    except UnknownZone:
        raise UserError(
            _("“{value}” is not a time zone I know. Use an IANA name such as Europe/Madrid or America/Bogota.").format(
                value=value
            ),
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
    if moment is None:
        return "—"
    try:
        return format_date(moment.date(), format="medium", locale=locale.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return format_date(moment.date(), format="medium", locale="en")


def status_label(status: str, _: Translate) -> str:
    return {
        CityStatus.PENDING: _("pending verification"),
        CityStatus.VERIFIED: _("verified"),
        CityStatus.REJECTED: _("not accepted"),
    }.get(status, status)


def focal_point_mentions(city: City, _: Translate, *, include_pending: bool = False) -> str:
    parts = []
    for fp in city.focal_points:
        if fp.status == FocalStatus.VERIFIED or include_pending:
            mention = member_ref(fp.member).mention()
            parts.append(mention if fp.status == FocalStatus.VERIFIED else f"{mention} ({_('pending')})")
    return ", ".join(parts) if parts else "—"
