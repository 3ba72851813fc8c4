"""The directory at a glance: themes, who works on what, progress toward 10 > 100 > 1000."""

from __future__ import annotations

import asyncio
from collections import Counter

from sqlalchemy.ext.asyncio import AsyncSession

from handlers.chart import ProgressData, alt_text, render_png
from handlers.context import Context
from handlers.countries import country_name
from handlers.i18n import N_, translator
from handlers.quoting import theme_arg
from handlers.registry import command
from handlers.types import Attachment, Field, Item, Reply, Request, mention_token
from handlers.vocab import REGIONS, THEMES, find_region, find_theme, region_name
from storage.models import CityStatus
from storage.queries import cities as city_queries

MILESTONES = (10, 100, 1000)
# Adapters divide a long answer into pages (bot.pages); this only bounds one query's work.
WHO_MAX_CITIES = 3000


@command(
    "themes",
    summary=N_("Every theme, with how many verified cities work on it"),
    usage=N_("themes"),
    examples=("/hrc themes",),
)
async def themes(ctx: Context, request: Request, session: AsyncSession) -> Reply:
    _ = translator(request.locale)
    counts = await city_queries.verified_theme_counts(session)
    ordered = sorted(THEMES, key=lambda t: (-counts.get(t.slug, 0), _(t.name).casefold()))
    items = tuple(
        Item(
            title=_(t.name),
            text=_("verified cities: {count}").format(count=counts.get(t.slug, 0)),
        )
        for t in ordered
    )
    return Reply(
        title=_("Campaign themes"),
        items=items,
        footer=_("Ask `/hrc who THEME` to meet the cities working on one."),
        shareable=True,
        cache_scopes=frozenset({"themes", "cities"}),
    )


@command(
    "who",
    summary=N_("Verified cities working on a theme, with their focal points"),
    usage=N_("who THEME [region: REGION]"),
    examples=("/hrc who housing", "/hrc who housing region: Latin America"),
    keys=("region",),
    main=N_("theme"),
    main_required=True,
    limits=(("main", 80), ("region", 60)),
)
async def who(ctx: Context, request: Request, session: AsyncSession) -> Reply:
    """Groups the verified cities on a theme by region; focal points appear as mentions."""
    _ = translator(request.locale)
    theme = find_theme(request.command.main, _)
    region = find_region(request.command.opt("region"), _) if request.command.opt("region") else None
    region_slug = region.slug if region else None
    if ctx.cache is not None and ctx.cache.rosters is not None:  # kept per theme, patched after changes (handlers/roster.py)
        shown, total = await ctx.cache.rosters.lines(session, theme.slug, region_slug, WHO_MAX_CITIES)
    else:
        shown, total = await city_queries.who_works_on(session, theme.slug, region_slug, WHO_MAX_CITIES)
    where = _(" in {region}").format(region=_(region.name)) if region else ""
    scopes = frozenset({f"theme:{theme.slug}", "cities", "focal", "members"})
    if not shown:
        return Reply(
            text=_("No verified city works on {theme}{where} yet.").format(theme=_(theme.name), where=where),
            footer=_("Does yours? `/hrc theme add {slug}`").format(slug=theme_arg(theme.slug, _.language)),
            shareable=True,
            cache_scopes=scopes,
        )
    # ~1,300 lines for a theme at the campaign's 2030 size: each country named once, a lone focal point not joined.
    by_region: dict[str, list[str]] = {}
    countries: dict[str, str] = {}
    colon = _.label("")  # ":" / " :" (French spaces its colon), once for the ~1,300 lines
    nobody = _("no focal point yet")  # a city whose focal points all left (demo cities have none)
    for name, country, city_region, focal_points in shown:
        shown_country = countries.get(country)
        if shown_country is None:
            shown_country = countries[country] = country_name(country, request.locale)
        if len(focal_points) == 1:
            people = mention_token(*focal_points[0])
        else:
            people = ", ".join([mention_token(*fp) for fp in focal_points]) or nobody
        lines = by_region.get(city_region)
        if lines is None:
            lines = by_region[city_region] = []
        lines.append(f"{name} ({shown_country}){colon} {people}")
    order = [r.slug for r in REGIONS]
    fields = tuple(
        Field(f"{region_name(slug, _)} ({len(lines)})", "\n".join(lines), inline=False)
        for slug, lines in sorted(by_region.items(), key=lambda kv: order.index(kv[0]) if kv[0] in order else 99)
    )
    footer = None
    if total > len(shown):  # never said silently; the hint only when there is a narrower question to ask
        more = total - len(shown)
        footer = (_("…and {count} more not listed.") if region else _("…and {count} more: narrow with region:")).format(count=more)
    return Reply(
        title=_("Who works on {theme}{where}").format(theme=_(theme.name), where=where),
        text=_("Verified cities: {count}.").format(count=total),
        fields=fields,
        footer=footer,
        shareable=True,
        cache_scopes=scopes,
    )


def _bar(value: int, target: int, width: int = 20) -> str:
    filled = min(width, round(width * value / target)) if target else width
    return "█" * filled + "░" * (width - filled)


@command(
    "progress",
    summary=N_("The campaign's progress toward 10 > 100 > 1000"),
    usage=N_("progress"),
    examples=("/hrc progress",),
)
async def progress(ctx: Context, request: Request, session: AsyncSession) -> Reply:
    """Counts toward each milestone, by region and by year, with the chart as a PNG attachment
    (``progress.png``, alt text with the same numbers)."""
    _ = translator(request.locale)
    by_region = await city_queries.verified_counts_by_region(session)
    by_status = await city_queries.city_count_by_status(session)
    joined = await city_queries.verified_join_dates(session)
    years = Counter(moment.year for moment in joined)
    total = sum(by_region.values())
    reached = [m for m in MILESTONES if total >= m]
    target = next((m for m in MILESTONES if total < m), MILESTONES[-1])
    lines = [
        f"{m:>4}  {_bar(min(total, m), m)}  {min(total, m)}/{m}" + ("  ✓" if total >= m else "")
        for m in MILESTONES
    ]
    text = _("Verified local and regional governments: {total}.").format(total=total)
    if total < MILESTONES[-1]:
        text += " " + _("{missing} to go to reach {target}.").format(missing=target - total, target=target)
    if reached:
        text += " " + _("Milestones reached: {list}.").format(list=", ".join(str(m) for m in reached))
    region_lines = "\n".join(
        f"{_.label(_(r.name))} {by_region[r.slug]}" for r in sorted(REGIONS, key=lambda r: -by_region.get(r.slug, 0))
        if by_region.get(r.slug)
    )
    year_lines = "\n".join(f"{_.label(str(year))} {count}" for year, count in sorted(years.items()))
    data = ProgressData(
        joined=joined,
        regions=[(_(r.name), by_region.get(r.slug, 0)) for r in REGIONS],
        pending=by_status.get(CityStatus.PENDING, 0),
    )
    # Drawing takes about a tenth of a second: in a thread, so other commands are served meanwhile.
    png = await asyncio.to_thread(render_png, data, MILESTONES, _)
    chart = Attachment("progress.png", png, "image/png", alt_text=alt_text(data, MILESTONES, _))
    return Reply(
        title=_("10, 100, 1000 Human Rights Cities & Territories by 2030"),
        text=text + "\n" + "\n".join(lines),
        fields=(
            Field(_("By region"), region_lines or "—"),
            Field(_("By year joined"), year_lines or "—"),
            Field(_("Awaiting verification"), str(by_status.get(CityStatus.PENDING, 0))),
        ),
        attachments=(chart,),
        shareable=True,
        cache_scopes=frozenset({"cities"}),
    )
