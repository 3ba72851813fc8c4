"""What the scheduler should send now: day-of prompts, personal prompts, lead reminders.

Pure planning: given the current UTC instant, it lists every delivery that is due on its target's
*local* date (at or after the prompt hour, until that local day ends), each with a unique key
``kind:day:date:target``. The scheduler claims the key in the ledger before sending, so running
the plan again (every minute, after a restart) never sends twice; and since only the local today
is planned, a bot that was down all day does not post yesterday's prompts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from handlers.calendar import Observance, occurrences
from handlers.context import Context
from handlers.days import all_observances, cities_on_themes
from handlers.i18n import Translate, translator
from handlers.types import Field, MemberRef, Reply, Visibility
from handlers.vocab import THEME_BY_SLUG, theme_name
from handlers.zones import UnknownZone, get_zone
from storage.models import ChannelPurpose
from storage.queries import channels as channel_queries


@dataclass(frozen=True)
class Due:
    key: str
    kind: str  # "prompt" (channel), "personal" (member), "lead" (secretariat)
    platform: str
    reply: Reply
    workspace: str = ""
    target: str = ""  # channel id or user id
    member: MemberRef | None = None


def _zone(name: str | None, fallback: str) -> ZoneInfo:
    try:
        return get_zone(name or fallback)
    except UnknownZone:
        return get_zone(fallback)


def _is_prompt_day(day: Observance) -> bool:
    """Prompts go out on days linked to at least one campaign theme, and on campaign dates."""
    return day.is_campaign or any(t in THEME_BY_SLUG for t in day.themes)


def _days_on(observances: list[Observance], when: date) -> list[Observance]:
    return [day for _when, day in occurrences(observances, when, when) if _is_prompt_day(day)]


def _local_today(now: datetime, zone: ZoneInfo, hour: int) -> date | None:
    """The local date if the prompt hour has passed there, else None (not due yet)."""
    local = now.astimezone(zone)
    return local.date() if local.hour >= hour else None


async def day_prompt(session: AsyncSession, day: Observance, _: Translate) -> Reply:
    themes = ", ".join(theme_name(t, _) for t in day.themes) or "—"
    cities, total = await cities_on_themes(session, day.themes, limit=10)
    city_text = ", ".join(cities) + (" " + _("…and {count} more").format(count=total - len(cities)) if total > len(cities) else "")
    kind = _("a campaign date") if day.is_campaign else (_("a UN international day") if day.is_un else _("a day the community marks (not a UN day)"))
    fields = [Field(_("Themes"), themes, inline=False)]
    if cities:
        fields.append(Field(_("Cities working on them"), city_text, inline=False))
    if day.page:
        fields.append(Field(_("Official page"), day.page, inline=False))
    return Reply(
        title=_("Today: {name}").format(name=day.name),
        text=_("Today is {name}, {kind}. Local governments make these rights real: it is a good day to show what your city does on {themes}.").format(
            name=day.name, kind=kind, themes=themes
        ),
        fields=tuple(fields),
        footer=_("Share a practice: `/hrc share title: … themes: … summary: …` · `/hrc day {slug}`").format(slug=day.slug),
        visibility=Visibility.CHANNEL,
    )


def lead_reminder(day: Observance, when: date, lead_days: int, _: Translate) -> Reply:
    return Reply(
        title=_("In {n} days: {name}").format(n=lead_days, name=day.name),
        text=_("{name} is on {date}. Time to prepare communications and invite cities working on {themes} to share.").format(
            name=day.name, date=when.isoformat(), themes=", ".join(theme_name(t, _) for t in day.themes) or "—"
        ),
        visibility=Visibility.CHANNEL,
    )


async def due_now(ctx: Context, session: AsyncSession, now: datetime, platforms: set[str]) -> list[Due]:
    """Every delivery due at ``now`` for the connected ``platforms``."""
    _ = translator("en")
    observances = await all_observances(session)
    prompt_cache: dict[str, Reply] = {}

    async def prompt_for(day: Observance) -> Reply:
        if day.slug not in prompt_cache:
            prompt_cache[day.slug] = await day_prompt(session, day, _)
        return prompt_cache[day.slug]

    due: list[Due] = []
    for channel in await channel_queries.channels(session, ChannelPurpose.DAYS):
        if channel.platform not in platforms:
            continue
        today = _local_today(now, _zone(channel.timezone, ctx.timezone), ctx.prompt_hour)
        if today is None:
            continue
        for day in _days_on(observances, today):
            key = f"prompt:{day.slug}:{today.isoformat()}:{channel.platform}:{channel.workspace}:{channel.channel_id}"
            due.append(Due(key, "prompt", channel.platform, await prompt_for(day), channel.workspace, channel.channel_id))

    # Personal prompts: one message per member and day, whichever of their themes it matches.
    candidate_days = {d.slug: d for when in _window(now) for d in _days_on(observances, when)}
    themes = sorted({t for d in candidate_days.values() for t in d.themes})
    seen: set[str] = set()
    for sub in await channel_queries.subscribers(session, themes):
        if sub.platform not in platforms:
            continue
        today = _local_today(now, _zone(sub.timezone, ctx.timezone), ctx.prompt_hour)
        if today is None:
            continue
        for day in _days_on(observances, today):
            key = f"personal:{day.slug}:{today.isoformat()}:{sub.platform}:{sub.workspace}:{sub.user_id}"
            if sub.theme in day.themes and key not in seen:
                seen.add(key)
                member = MemberRef(sub.platform, sub.workspace, sub.user_id, sub.display_name)
                due.append(Due(key, "personal", sub.platform, await prompt_for(day), sub.workspace, sub.user_id, member))

    # Lead reminders to the secretariat, in the default time zone.
    today = _local_today(now, _zone(ctx.timezone, "UTC"), ctx.prompt_hour)
    if today is not None and ctx.lead_days > 0:
        ahead = today + timedelta(days=ctx.lead_days)
        for day in _days_on(observances, ahead):
            for platform in sorted(platforms):
                key = f"lead:{day.slug}:{ahead.isoformat()}:secretariat:{platform}"
                due.append(Due(key, "lead", platform, lead_reminder(day, ahead, ctx.lead_days, _)))
    return due


def _window(now: datetime) -> list[date]:
    """Local dates that can be 'today' somewhere on Earth at ``now`` (UTC-12 … UTC+14)."""
    utc_day = now.date()
    return [utc_day - timedelta(days=1), utc_day, utc_day + timedelta(days=1)]
