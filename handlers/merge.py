"""`/hrc merge`: two records of one city become one (the secretariat's answer to a duplicate)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from handlers.audit import city_subject, record
from handlers.common import confirmation, resolve_city
from handlers.context import Context
from handlers.countries import country_name
from handlers.errors import UserError
from handlers.i18n import N_, Translate, translator
from handlers.registry import command
from handlers.secretariat import tell
from handlers.text import fold
from handlers.types import Action, Field, Reply, Request
from handlers.vocab import theme_name
from storage.models import City, CityStatus
from storage.queries import cities as city_queries
from storage.queries import merges


async def _not_itself(session: AsyncSession, typed: str, city: City, _: Translate) -> UserError:
    """The refusal of a merge whose two names find the same city, pointing at any city kept apart under
    that name (the 0006 migration parks a second city of one key under ``<key>#<id>``)."""
    message = _("“{name}” and “{into}” are the same city (#{id} {city}): a city cannot be merged into itself.").format(
        name=typed, into=city.name, id=city.id, city=city.name)
    parked = await city_queries.cities_parked_under(session, fold(typed))
    hint = None
    if parked:
        hint = _("Another city of that name is kept apart under its number: use it, e.g. `/hrc merge #{other} into: #{id}`.").format(
            other=parked[0].id, id=city.id)
    return UserError(message, hint=hint)


def _ask_across_countries(source: City, target: City, locale: str, _: Translate) -> Reply:
    """The question before merging cities of two countries: rarely one place, unless one was registered
    with the wrong country."""
    # The first city's country rides along: a number given since to another city is refused (resolve_city).
    command_text = f"merge #{source.id} into: #{target.id} country: {source.country} confirm: yes"
    return Reply(
        title=_("Merge {name} into {city}?").format(name=source.name, city=target.name),
        text=_("{name} ({country}) and {city} ({other}) are in two countries, so they are rarely the same place. "
               "Merge them only if one was registered with the wrong country: this cannot be undone.").format(
            name=source.name, country=country_name(source.country, locale), city=target.name,
            other=country_name(target.country, locale)),
        footer=_("Or type `/hrc merge #{old} into: #{id} country: {country} confirm: yes`.").format(
            old=source.id, id=target.id, country=source.country),
        actions=(Action(_("Merge anyway"), command_text, style="danger", action_id="merge"),),
    )


@command(
    "merge",
    summary=N_("Merge a duplicate city into the one that stays"),
    usage=N_("merge CITY into: CITY [country: NAME] [confirm: yes]"),
    examples=("/hrc merge Lodz into: Łódź", "/hrc merge #13 into: #12"),
    keys=("into", "country", "confirm"),
    required=("into",),
    main=N_("city"),
    main_required=True,
    secretariat=True,
    writes=True,
    limits=(("main", 100), ("into", 100), ("country", 80), ("confirm", 10)),
)
async def merge(ctx: Context, request: Request, session: AsyncSession) -> Reply:
    """Moves the first city's focal points, themes, practices (and anything else pointing at it) to the
    second, deletes the first and keeps its name as an alias of the second; both cities' focal points are
    told. ``country:`` narrows the first city; ``#ID`` names either exactly. Cities in two countries are
    asked about first (with a button): a merge cannot be undone, and its alias would send the first
    country's registrations of that name to the second city; ``confirm: yes`` merges them."""
    _ = translator(request.locale)
    args = request.command
    source = await resolve_city(ctx, request, session, args.main, args.opt("country"), _)
    target = await resolve_city(ctx, request, session, args.opt("into"), "", _)
    if source.id == target.id:
        raise await _not_itself(session, args.main, source, _)
    if target.status == CityStatus.REJECTED:
        raise UserError(_("{city} was declined: merge it into the other city instead, or verify it first.").format(
            city=target.name))
    confirmed = confirmation(args.opt("confirm"), _)
    if confirmed is False:
        return Reply(text=_("Nothing changed: {name} and {city} stay apart.").format(name=source.name, city=target.name))
    if source.country != target.country and not confirmed:
        return _ask_across_countries(source, target, request.locale, _)
    source_id, source_name, subject = source.id, source.name, city_subject(source)
    # An alias is kept for the first city's country only: across countries the names say their countries,
    # as the card's "Also known as: Grenoble (Spain)" does (else "“Grenoble” now finds Grenoble").
    source_country, across = source.country, source.country_key != target.country_key
    key = fold(source.name)
    alias = (source.name, key) if (key, source.country_key) != (target.name_key, target.country_key) else None
    before = {"merged city": f"#{source.id} {subject}", "status": source.status,
              "focal points": [f"{fp.member.display_name} ({fp.member.platform}:{fp.member.user_id})" for fp in source.focal_points],
              "themes": list(source.theme_slugs)}
    target_before = {"status": target.status, "themes": list(target.theme_slugs)}
    moved = await merges.merge_cities(session, source, target, alias, ctx.now())
    into = f"#{target.id} {city_subject(target)}"
    await record(ctx, request, session, city=source, subject=subject, before=before, after={"merged into": into})
    await record(ctx, request, session, city=target, subject=f"{subject} → {city_subject(target)}", before=target_before,
                 after={"status": target.status, "themes": list(target.theme_slugs), "alias": alias[0] if alias else None,
                        "focal points moved": moved.focal_points, "practices moved": moved.practices,
                        **{f"{table} moved": count for table, count in moved.other.items()}})

    def message(_: Translate) -> str:
        if across:
            return _("The secretariat merged {name} ({country}) into {city} ({other}): they were the same place. Its "
                     "focal points, themes and practices are now {city}'s, and “{name}” ({country}) still finds it.").format(
                name=source_name, country=country_name(source_country, _.language), city=target.name,
                other=country_name(target.country, _.language))
        return _("The secretariat merged {name} into {city}: they were the same place. Its focal points, themes "
                 "and practices are now {city}'s, and “{name}” still finds it.").format(name=source_name, city=target.name)

    notices = tell(ctx, target, list(target.focal_points), f"merged:{source_id}", message)
    if alias and across:
        text = _("{name} (#{old}) is merged into {city} (#{id}); “{name}” ({country}) now finds {city} ({other}).").format(
            name=source_name, old=source_id, city=target.name, id=target.id,
            country=country_name(source_country, request.locale), other=country_name(target.country, request.locale))
    elif alias:
        text = _("{name} (#{old}) is merged into {city} (#{id}); “{name}” now finds {city}.").format(
            name=source_name, old=source_id, city=target.name, id=target.id)
    else:
        text = _("{name} (#{old}) is merged into {city} (#{id}).").format(
            name=source_name, old=source_id, city=target.name, id=target.id)
    return Reply(
        title=_("Merged into {city}").format(city=target.name),
        text=text,
        fields=(
            Field(_("Focal points moved"), str(moved.focal_points)),
            Field(_("Practices moved"), str(moved.practices)),
            Field(_("Themes added"), ", ".join(theme_name(t, _) for t in moved.themes) or "—"),
            Field(_("Focal points told"), str(len(notices))),
        ),
        notices=notices,
    )
