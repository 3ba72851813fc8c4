"""Registering a city, its card, and its themes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from sqlalchemy.ext.asyncio import AsyncSession

from handlers.audit import record
from handlers.common import (
    caller,
    caller_if_known,
    can_see,
    focal_point_mentions,
    member_ref,
    own_focal_point,
    parse_languages,
    parse_themes,
    parse_timezone,
    reason_text,
    require_editor,
    resolve_city,
    short_date,
    status_label,
    with_field,
)
from handlers.context import Context
from handlers.countries import country_name, find_country
from handlers.duplicates import near_matches, possibly_same
from handlers.errors import UserError
from handlers.i18n import N_, Translate, translator
from handlers.quoting import themes_arg
from handlers.registry import command
from handlers.text import clean_name, fold
from handlers.types import Action, Field, Notice, NoticeTarget, ParsedCommand, Reply, Request, Visibility
from handlers.vocab import find_region, find_size, region_name, size_name, theme_name
from storage.models import City, CityStatus, FocalStatus, Member
from storage.queries import cities as city_queries
from storage.queries import merges
from storage.queries.cities import CityName

CITY_LIMITS = (("city", 100), ("country", 80), ("themes", 600), ("timezone", 64), ("languages", 80), ("size", 40), ("region", 60))


def _registration_notice(city: City, member: Member, joining: bool, locale: str, _: Translate,
                         near: Sequence[CityName] = ()) -> Notice:
    """Tell the secretariat channel(s), with buttons to decide; ``near``: cities whose name is close
    (``handlers.duplicates``), named so the secretariat can merge them."""
    who = member_ref(member).mention()
    country = country_name(city.country, locale)
    if joining:
        text = _("{who} asks to join {city} ({country}) as a focal point.").format(
            who=who, city=city.name, country=country
        )
    else:
        text = _("{who} registered {city} ({country}, {region}).").format(
            who=who, city=city.name, country=country, region=region_name(city.region, _)
        )
    if near:
        text += "\n" + possibly_same(near, locale, _)
    fields = [Field(_("Themes"), ", ".join(theme_name(t, _) for t in city.theme_slugs) or "—", inline=False)]
    ref = f"#{city.id}"
    return Notice(
        target=NoticeTarget.SECRETARIAT,
        key=f"registration:{city.id}:{member.id}",
        reply=Reply(
            title=_("New registration: {city}").format(city=city.name),
            text=text,
            fields=tuple(fields),
            visibility=Visibility.CHANNEL,
            language=_.language,
            actions=(
                Action(_("Verify"), f"verify {ref}", style="primary", action_id="verify"),
                Action(_("Reject"), f"reject {ref}", style="danger", action_id="reject"),
            ),
        ),
    )


@command(
    "register",
    summary=N_("Register your city (or join it as another focal point)"),
    usage=N_("register city: NAME country: NAME region: REGION [themes: T1, T2] [size: SIZE] [timezone: IANA] [languages: en, es]"),
    examples=(
        "/hrc register city: Grenoble country: France region: Europe themes: participatory democracy, housing",
        "/hrc register city: Quilmes country: Argentina region: Latin America size: intermediary city timezone: America/Argentina/Buenos_Aires languages: es",
    ),
    keys=("city", "country", "region", "themes", "size", "timezone", "languages"),
    required=("city", "country", "region"),
    writes=True,
    limits=CITY_LIMITS,
)
async def register(ctx: Context, request: Request, session: AsyncSession) -> Reply:
    """Registers the caller's city as pending, or asks to join an existing one; the secretariat is told."""
    _ = translator(request.locale)
    args = request.command
    name = clean_name(args.opt("city"))
    country = find_country(args.opt("country"), request.locale, _)
    try:
        region = find_region(args.opt("region"), _)
    except UserError as error:
        raise with_field(error, "region") from None
    try:
        size = find_size(args.opt("size"), _) if args.opt("size") else None
    except UserError as error:
        raise with_field(error, "size") from None
    themes = parse_themes(args.opt("themes"), _) if args.opt("themes") else []
    timezone = parse_timezone(args.opt("timezone"), _) if args.opt("timezone") else None
    languages = parse_languages(args.opt("languages"), _) if args.opt("languages") else []
    if not fold(name):
        raise UserError(_("A city's name needs letters or digits."), field="city")

    member = await caller(ctx, request, session)
    existing = await city_queries.city_by_name_and_country(session, fold(name), country)
    if member.focal_point is not None:
        current = member.focal_point.city
        if existing is not None and current.id == existing.id and member.focal_point.status == FocalStatus.PENDING \
                and current.status == CityStatus.VERIFIED:  # asked to join: not a focal point until confirmed
            return Reply(text=_("You already asked to join {city} as a focal point: the secretariat will confirm, "
                                "and I will tell you.").format(city=current.name))
        if existing is not None and current.id == existing.id:
            return Reply(
                text=_("You are already a focal point of {city} ({status}).").format(
                    city=current.name, status=status_label(current.status, _)
                )
            )
        if member.focal_point.status == FocalStatus.PENDING and current.status == CityStatus.VERIFIED:
            raise UserError(_("You asked to join {city} as a focal point and the secretariat has not confirmed it "
                              "yet. To register another city instead, first withdraw that request with "
                              "`/hrc leave`.").format(city=current.name))
        raise UserError(
            _("You already represent {city}. To change city, ask the secretariat.").format(city=current.name)
        )

    now = ctx.now()
    if existing is not None and existing.status != CityStatus.REJECTED:
        await city_queries.add_focal_point(session, member, existing, FocalStatus.PENDING, now)
        # The city's themes are its focal points' to change: those asked for here are named, not dropped silently.
        unlisted = [t.slug for t in themes if t.slug not in existing.theme_slugs]
        await record(ctx, request, session, city=existing, action="register (join)",
                     after={"focal point": f"{member.display_name} ({member.platform}:{member.user_id}): {FocalStatus.PENDING}"})
        return Reply(
            title=_("Request sent"),
            text=_("{city} ({country}) is already in the directory. You asked to join it as a focal point: "
                   "the secretariat will confirm, and I will tell you.").format(
                city=existing.name, country=country_name(existing.country, request.locale)
            ),
            footer=_("Its themes stay as they are; once confirmed, add yours with `/hrc theme add {themes}`.").format(
                themes=themes_arg(unlisted, _.language)) if unlisted else None,
            notices=(_registration_notice(existing, member, True, ctx.default_language, translator(ctx.default_language)),),
        )

    before: dict[str, object] = {}
    if existing is not None:  # a rejected registration, submitted again
        before = _card_values(existing)
        city = existing
        city.name, city.name_key, city.country, city.region = name, fold(name), country, region.slug
        city.status, city.reject_reason, city.registered_at = CityStatus.PENDING, None, now
    else:
        city = await city_queries.add_city(
            session,
            City(name=name, name_key=fold(name), country=country, country_key=country, region=region.slug,
                 status=CityStatus.PENDING, registered_at=now, languages=""),
        )
        await session.refresh(city, ["themes", "focal_points"])
    city.size = size.slug if size else city.size
    city.timezone = timezone or city.timezone
    city.languages = ",".join(languages) if languages else city.languages
    if themes:
        city_queries.set_themes(city, [t.slug for t in themes])
    await session.flush()
    await city_queries.add_focal_point(session, member, city, FocalStatus.PENDING, now)
    await record(ctx, request, session, city=city, before=before, after={
        **_card_values(city), "focal point": f"{member.display_name} ({member.platform}:{member.user_id}): {FocalStatus.PENDING}"})
    near = near_matches(city.id, city.name_key, city.country, await city_queries.city_names_in(session, [city.country]))
    return Reply(
        title=_("Thank you: {city} is registered").format(city=city.name),
        text=_("{city} is pending until the campaign secretariat verifies it; I will tell you when they do. "
               "Meanwhile you can add themes with `/hrc theme add THEME`.").format(city=city.name),
        fields=_card_fields(city, 0, request.locale, _),
        notices=(_registration_notice(city, member, False, ctx.default_language, translator(ctx.default_language), near),),
    )


def _card_values(city: City) -> dict[str, object]:
    """A city's card as the audit trail records it (slugs and codes, not translated labels)."""
    return {"name": city.name, "country": city.country, "region": city.region, "size": city.size,
            "timezone": city.timezone, "languages": city.languages, "status": city.status, "themes": list(city.theme_slugs)}


def _card_fields(city: City, practices: int, locale: str, _: Translate,
                 aliases: Sequence[tuple[str, str]] = ()) -> tuple[Field, ...]:
    languages = ", ".join(city.languages.split(",")) if city.languages else "—"
    # The names of cities merged into this one (`/hrc merge`), which still find it; one kept for another
    # country (a city registered with the wrong one, often under this very name) says that country.
    names = dict.fromkeys(name if country == city.country_key else f"{name} ({country_name(country, locale)})"
                          for name, country in aliases)
    known_as = (Field(_("Also known as"), ", ".join(names), inline=False),) if names else ()
    return (
        Field(_("Country"), country_name(city.country, locale)),
        Field(_("Region"), region_name(city.region, _)),
        Field(_("Size"), size_name(city.size, _)),
        Field(_("Status"), status_label(city.status, _)),
        Field(_("Joined"), short_date(city.joined_at, locale)),
        Field(_("Practices"), str(practices)),
        Field(_("Time zone"), city.timezone or "—"),
        Field(_("Languages"), languages),
        Field(_("Themes"), ", ".join(theme_name(t, _) for t in city.theme_slugs) or "—", inline=False),
        Field(_("Focal points"), focal_point_mentions(city, _, include_pending=city.status != CityStatus.VERIFIED), inline=False),
        *known_as,
    )


@command(
    "profile",
    summary=N_("A city's card (yours by default)"),
    usage=N_("profile [CITY] [country: NAME]"),
    examples=("/hrc profile", "/hrc profile Gwangju"),
    keys=("country",),
    main=N_("city"),
    limits=(("main", 100), ("country", 80)),
)
async def profile(ctx: Context, request: Request, session: AsyncSession) -> Reply:
    """Shows the city card: country, region, size, themes, focal points, practices, status, joined date."""
    _ = translator(request.locale)
    if request.command.main:
        city = await resolve_city(ctx, request, session, request.command.main, request.command.opt("country"), _)
    else:
        city = own_focal_point(await caller_if_known(request, session), _).city
        city = await city_queries.city_by_id(session, city.id) or city
    if not can_see(ctx, request, city):
        raise UserError(_("I can't find the city “{name}” in the directory.").format(name=request.command.main))
    count = await city_queries.practices_count(session, city.id)
    # A verified city's card, asked for by a name no other city carries (or by #ID), is the same for
    # everyone; one's own, a pending one, or one whose name is ambiguous to some callers is not.
    main = request.command.main
    by_id = main.startswith("#") and main[1:].isdecimal()
    shareable = city.status == CityStatus.VERIFIED and bool(main) and (
        by_id or (await city_queries.name_keys_in_use(session, [city.name_key])).get(city.name_key) == 1
    )
    aliases = (await merges.alias_names(session, [city.id])).get(city.id, [])
    return card_reply(city, count, request.locale, _, shareable=shareable, aliases=aliases)


def card_reply(city: City, practices: int, locale: str, _: Translate, *, shareable: bool = False,
               aliases: Sequence[tuple[str, str]] = ()) -> Reply:
    footer = _("Demo data: loaded by `hrc-bot seed-demo`, not a real registration.") if city.is_demo else None
    if city.status == CityStatus.REJECTED and city.reject_reason:
        footer = _("Reason given: {reason}").format(reason=reason_text(city.reject_reason, _))
    return Reply(title=city.name, fields=_card_fields(city, practices, locale, _, aliases), footer=footer,
                 shareable=shareable, cache_scopes=frozenset({f"city:{city.id}", f"name:{city.name_key}", "members"}))


async def shared_city_cards(session: AsyncSession, locale: str = "en", *, page: int = 100,
                            ids: Sequence[int] | None = None) -> list[tuple[ParsedCommand, Reply]]:
    """`profile NAME` for every verified city (or those of ``ids``) whose name is unambiguous, as the
    handler would answer it: to fill the reply cache in a few queries instead of one per city on first
    ask. Read a page at a time so that no single step holds the event loop for long (1,000 cities:
    ~0.25 s in all)."""
    _ = translator(locale)
    counts = await city_queries.practice_counts(session, ids)
    # Every name's count in one query for a whole warm-up; only the names read for a few cities (``ids``).
    in_use = await city_queries.name_keys_in_use(session) if ids is None else {}
    cards: list[tuple[ParsedCommand, Reply]] = []
    after = 0
    while cities := await city_queries.verified_cities_after(session, after, page, ids):
        if ids is not None:
            in_use |= await city_queries.name_keys_in_use(session, sorted({city.name_key for city in cities}))
        aliases = await merges.alias_names(session, [city.id for city in cities])
        cards += [
            (ParsedCommand("profile", main=city.name),
             replace(card_reply(city, counts.get(city.id, 0), locale, _, shareable=True, aliases=aliases.get(city.id, [])),
                     language=_.language))
            for city in cities
            if in_use.get(city.name_key) == 1
        ]
        after = cities[-1].id
    return cards


async def _edit_themes(ctx: Context, request: Request, session: AsyncSession, add: bool) -> Reply:
    _ = translator(request.locale)
    member = await caller_if_known(request, session)
    city = (await require_editor(session, member, _)).city
    await city_queries.load_themes(session, city)
    changed = parse_themes(request.command.main, _, field="main")
    current = list(city.theme_slugs)
    if add:
        wanted = current + [t.slug for t in changed if t.slug not in current]
        if len(wanted) > 15:
            raise UserError(_("A city can list at most 15 themes; remove one first."))
        unchanged = [t for t in changed if t.slug in current]
    else:
        wanted = [slug for slug in current if slug not in {t.slug for t in changed}]
        unchanged = [t for t in changed if t.slug not in current]
    city_queries.set_themes(city, wanted)
    await session.flush()
    if wanted != current:
        await record(ctx, request, session, city=city, before={"themes": current}, after={"themes": wanted})
    if wanted:
        text = _("{city} now works on: {themes}.").format(city=city.name, themes=", ".join(theme_name(t, _) for t in sorted(wanted)))
    else:  # the last theme removed
        text = _("{city} lists no theme now: `/hrc theme add THEME` adds one.").format(city=city.name)
    if unchanged:
        note = _("(already listed: {themes})") if add else _("(was not listed: {themes})")
        text += " " + note.format(themes=", ".join(_(t.name) for t in unchanged))
    return Reply(text=text)


@command(
    "theme add",
    summary=N_("Add themes your city works on"),
    usage=N_("theme add THEME[, THEME…]"),
    examples=("/hrc theme add housing", "/hrc theme add water, climate justice"),
    main=N_("theme"),
    main_required=True,
    writes=True,
    limits=(("main", 600),),
)
async def theme_add(ctx: Context, request: Request, session: AsyncSession) -> Reply:
    return await _edit_themes(ctx, request, session, add=True)


@command(
    "theme remove",
    summary=N_("Remove themes from your city"),
    usage=N_("theme remove THEME[, THEME…]"),
    examples=("/hrc theme remove housing",),
    main=N_("theme"),
    main_required=True,
    writes=True,
    limits=(("main", 600),),
)
async def theme_remove(ctx: Context, request: Request, session: AsyncSession) -> Reply:
    return await _edit_themes(ctx, request, session, add=False)
