"""What the scheduler should send now: day-of prompts, personal prompts, lead reminders.

Pure planning: given the current UTC instant, it lists every delivery that is due on its target's
*local* date (at or after the prompt hour, until that local day ends), each with a unique key
``kind:day:date:target``. The scheduler claims the key in the ledger before sending, so running
the plan again (every minute, after a restart) never sends twice; and since only the local today
is planned, a bot that was down all day does not post yesterday's prompts. Nor does a target whose time
zone moved west (Tokyo to Los Angeles) get the local date it is back in when it had the next one already.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from typing import TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from handlers.actions import NOTICE_DAYS, acting_lines, acting_reply
from handlers.calendar import Observance, occurrences
from handlers.context import Context
from handlers.day_names import day_name, day_page
from handlers.days import all_observances, cities_on_themes
from handlers.digests import digest_reply, stop_action
from handlers.i18n import Translate, language_of, translator
from handlers.languages import first_spoken
from handlers.quoting import day_arg
from handlers.types import Field, MemberRef, Reply, Visibility
from handlers.vocab import THEME_BY_SLUG, theme_name
from handlers.zones import UnknownZone, get_zone
from storage.models import Channel, ChannelPurpose, CityAction, Digest
from storage.queries import actions as action_queries
from storage.queries import channels as channel_queries
from storage.queries import deliveries
from storage.queries.channels import Subscriber

MAX_ATTEMPTS = 3  # tries of one scheduled message before the scheduler gives up on it (bot.scheduler)
_Plan = TypeVar("_Plan", bound=tuple)


@dataclass(frozen=True)
class Due:
    key: str
    kind: str  # "prompt" (channel), "personal" (member), "lead" (secretariat)
    platform: str
    reply: Reply
    workspace: str = ""
    target: str = ""  # channel id or user id
    member: MemberRef | None = None
    expires: datetime | None = None  # the end of the local day it is for: not sent after it (bot.scheduler)


def _zone(name: str | None, fallback: str) -> ZoneInfo:
    try:
        return get_zone(name or fallback)
    except UnknownZone:
        return get_zone(fallback)


def _is_prompt_day(day: Observance) -> bool:
    """Prompts go out on days linked to at least one campaign theme, and on campaign dates."""
    return day.is_campaign or any(t in THEME_BY_SLUG for t in day.themes)


_DAYS_ON: dict[tuple[int, date], tuple[list[Observance], list[Observance]]] = {}


def _days_on(observances: list[Observance], when: date) -> list[Observance]:
    """The prompt days on ``when``, remembered for this list of observances: a tick asks it for each of
    thousands of targets, on two or three local dates (each answer works 250 date rules out)."""
    key = (id(observances), when)
    known = _DAYS_ON.get(key)
    if known is not None and known[0] is observances:  # the same list, not one that took its id
        return known[1]
    if len(_DAYS_ON) >= 64:
        _DAYS_ON.clear()
    days = [day for _when, day in occurrences(observances, when, when) if _is_prompt_day(day)]
    _DAYS_ON[key] = (observances, days)
    return days


def _day_end(day: date, zone: ZoneInfo) -> datetime:
    """The instant ``day`` ends in ``zone`` (its next midnight, local; aware)."""
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone)


def _local_today(now: datetime, zone: ZoneInfo, hour: int) -> date | None:
    """The local date if the prompt hour has passed there, else None (not due yet)."""
    local = now.astimezone(zone)
    return local.date() if local.hour >= hour else None


async def day_prompt(session: AsyncSession, day: Observance, _: Translate, when: date | None = None) -> Reply:
    """The day-of prompt; with ``when`` (the occurrence), it lists the cities that said they act on it."""
    themes = _.list(theme_name(t, _) for t in day.themes)  # a campaign date may have none
    cities, total = await cities_on_themes(session, day.themes, limit=10)
    city_text = ", ".join(cities) + (" " + _("…and {count} more").format(count=total - len(cities)) if total > len(cities) else "")
    kind = _("a campaign date") if day.is_campaign else (_("a UN international day") if day.is_un else _("a day the community marks (not a UN day)"))
    fields = [Field(_("Themes"), themes, inline=False)] if themes else []
    acting = await action_queries.acting_on(session, day.slug, when) if when is not None else []
    if acting:
        fields.append(Field(_("Cities acting today"), acting_lines(acting, _), inline=False))
    if cities:
        fields.append(Field(_("Cities working on them"), city_text, inline=False))
    if day.page:
        fields.append(Field(_("Official page"), day_page(day, _.language), inline=False))
    return Reply(
        title=_("Today: {name}").format(name=day_name(day, _.language)),
        text=(_("Today is {name}, {kind}. Local governments make these rights real: it is a good day to show what your city does on {themes}.")
              if themes else _("Today is {name}, {kind}. Local governments make these rights real: it is a good day to show what your city does.")
              ).format(name=day_name(day, _.language), kind=kind, themes=themes),
        fields=tuple(fields),
        footer=_("Your city acts today? `/hrc act {slug}` · share a practice: `/hrc share title: … themes: … summary: …` "
                 "· `/hrc day {slug}`").format(slug=day_arg(day, _.language)),
        visibility=Visibility.CHANNEL, language=_.language,
    )


def _later_keys(observances: list[Observance], today: date, prompt_kind: str, digest_kind: str, target: str,
                *, from_today: bool = False) -> dict[str, date]:
    """The keys of the day-of prompts and digests ``target`` would have had on each local date after ``today``
    (or from it), with their dates. Local dates differ by at most two across the Earth (UTC+14 … UTC-12)."""
    keys: dict[str, date] = {}
    for offset in range(0 if from_today else 1, 3):
        later = today + timedelta(days=offset)
        keys.update({f"{prompt_kind}:{day.slug}:{later.isoformat()}:{target}": later for day in _days_on(observances, later)})
        keys.update({f"{digest_kind}:{period.value}:{later.isoformat()}:{target}": later
                     for period in (Digest.DAILY, Digest.WEEKLY)})
    return keys


async def served_through(session: AsyncSession, observances: list[Observance], today: date, prompt_kind: str,
                         digest_kind: str, target: str, *, from_today: bool = False) -> date | None:
    """The latest local date after ``today`` (or from it, ``from_today``) whose day-of prompts or digest
    ``target`` was sent, None when none was: a target whose time zone moved west (Tokyo to Los Angeles) is
    back on a date it has left, and the scheduler sends nothing for it (``due_now``)."""
    keys = _later_keys(observances, today, prompt_kind, digest_kind, target, from_today=from_today)
    return max((keys[key] for key in await deliveries.delivered(session, list(keys))), default=None)


def lead_reminder(day: Observance, when: date, lead_days: int, _: Translate, *, personal: bool = False) -> Reply:
    themes = _.list(theme_name(t, _) for t in day.themes)  # a campaign date may have none
    if personal and themes:
        text = _("{name} is on {date}. Is your city preparing something on {themes}? Share it with `/hrc share`.")
    elif personal:
        text = _("{name} is on {date}. Is your city preparing something? Share it with `/hrc share`.")
    elif themes:
        text = _("{name} is on {date}. Time to prepare communications and invite cities working on {themes} to share.")
    else:
        text = _("{name} is on {date}. Time to prepare communications and invite cities to share.")
    title = _("Tomorrow: {name}") if lead_days == 1 else _("In {n} days: {name}")
    return Reply(
        title=title.format(n=lead_days, name=day_name(day, _.language)),
        text=text.format(name=day_name(day, _.language), date=_.date(when), themes=themes),
        visibility=Visibility.CHANNEL, language=_.language,
    )


def _channel_themes(channel: Channel) -> set[str] | None:
    slugs = {t for t in (channel.themes or "").split(";") if t}
    return slugs or None


def _wanted(day: Observance, themes: set[str] | None) -> bool:
    """A day passes a theme filter when linked to one of the themes; campaign dates with no theme always do."""
    return themes is None or bool(themes.intersection(day.themes)) or (day.is_campaign and not day.themes)


def _period(today: date, digest: Digest) -> tuple[date, date] | None:
    """The dates a digest sent on ``today`` covers, or None when none is due today (weekly: Mondays only)."""
    if digest is Digest.DAILY:
        return today, today
    if digest is Digest.WEEKLY and today.weekday() == 0:
        return today, today + timedelta(days=6)
    return None


def _in_period(observances: list[Observance], start: date, end: date, themes: set[str] | None) -> list[tuple[date, Observance]]:
    return [(w, d) for w, d in occurrences(observances, start, end) if _is_prompt_day(d) and _wanted(d, themes)]


async def due_now(ctx: Context, session: AsyncSession, now: datetime, platforms: set[str]) -> list[Due]:
    """Every delivery due at ``now`` for the connected ``platforms``.

    Channels: one prompt per day, or (``digest``) one message a day / each Monday listing the period's days,
    limited to the channel's themes. Members: the same for their subscribed themes (their ``digest``), a
    reminder ``lead_days`` before each day, nothing while paused. Keys name the target and the local date, so
    each is sent once however often this runs."""
    default = language_of(ctx.default_language) or "en"
    observances = await all_observances(session)
    prompt_cache: dict[tuple[str, date, str], Reply] = {}

    async def prompt_for(day: Observance, when: date, language: str) -> Reply:
        """Each recipient reads the prompt in their own language: the channel's, or the member's."""
        if (day.slug, when, language) not in prompt_cache:
            prompt_cache[(day.slug, when, language)] = await day_prompt(session, day, translator(language), when)
        return prompt_cache[(day.slug, when, language)]

    due: list[Due] = []
    acting_names = _ActingNames(session)
    plans = []  # (channel, its local date, target): the channels whose prompt hour has come today
    for channel in await channel_queries.channels(session, ChannelPurpose.DAYS, active_only=True):
        if channel.platform not in platforms:
            continue
        today = _local_today(now, _zone(channel.timezone, ctx.timezone), ctx.prompt_hour)
        if today is not None:
            plans.append((channel, today, f"{channel.platform}:{channel.workspace}:{channel.channel_id}"))
    plans = await _unsettled(session, plans, lambda plan: _channel_keys(observances, *plan))
    # A channel that switched between one post per day and a daily digest during the day is not told the same
    # days twice: what went out today either way is read for every channel at once, not a query each.
    # A channel whose time zone moved west since (Tokyo to Los Angeles) never goes back to a date it has left:
    # what it was sent on a later local date is read at the same time.
    later = {target: _later_keys(observances, today, "prompt", "digest", target) for _channel, today, target in plans}
    told = await deliveries.delivered(session, [
        *(key for keys in later.values() for key in keys),
        *(key for channel, today, target in plans
          for key in _told_keys("prompt", "digest", Digest(channel.digest or Digest.OFF), observances, today, target))])
    for channel, today, target in plans:
        if not told.isdisjoint(later[target]):
            continue
        language = language_of(channel.language) or default  # `channel set days language: fr`
        ends = _day_end(today, _zone(channel.timezone, ctx.timezone))
        themes = _channel_themes(channel)
        digest = Digest(channel.digest or Digest.OFF)
        if digest is Digest.OFF:
            if f"digest:{Digest.DAILY.value}:{today.isoformat()}:{target}" in told:
                continue  # switched from a daily digest after today's went out: its days are told already
            for day in _days_on(observances, today):
                if _wanted(day, themes):
                    key = f"prompt:{day.slug}:{today.isoformat()}:{target}"
                    due.append(Due(key, "prompt", channel.platform, await prompt_for(day, today, language),
                                   channel.workspace, channel.channel_id, expires=ends))
            continue
        period = _period(today, digest)
        found = _in_period(observances, *period, themes) if period else []
        if digest is Digest.DAILY:  # switched from one post per day: not the days posted already today
            found = [(w, d) for w, d in found if f"prompt:{d.slug}:{today.isoformat()}:{target}" not in told]
        if found:
            key = f"digest:{digest.value}:{today.isoformat()}:{target}"
            reply = digest_reply(found, digest, today, language, await acting_names(found))
            due.append(Due(key, "digest", channel.platform, reply, channel.workspace, channel.channel_id, expires=ends))

    due.extend(await _personal(ctx, session, now, platforms, observances, prompt_for, acting_names))

    # Lead reminders to the secretariat, in the default time zone.
    today = _local_today(now, _zone(ctx.timezone, "UTC"), ctx.prompt_hour)
    acting = await action_queries.acting_between(session, today + timedelta(days=NOTICE_DAYS),
                                                 today + timedelta(days=NOTICE_DAYS)) if today is not None else []
    in_reminders: set[str] = set()  # days whose cities acting ride in the lead reminder (sent the same day)
    if today is not None and ctx.lead_days > 0:
        ahead = today + timedelta(days=ctx.lead_days)
        for day in _days_on(observances, ahead):
            reply = lead_reminder(day, ahead, ctx.lead_days, translator(default))
            on_day = [a for a in acting if a.day_slug == day.slug] if ctx.lead_days == NOTICE_DAYS else []
            if on_day:
                _ = translator(default)
                reply = replace(reply, fields=(*reply.fields, Field(_("Cities acting"), acting_lines(on_day, _), inline=False)))
                in_reminders.add(day.slug)
            for platform in sorted(platforms):
                key = f"lead:{day.slug}:{ahead.isoformat()}:secretariat:{platform}"
                due.append(Due(key, "lead", platform, reply, expires=_day_end(today, _zone(ctx.timezone, "UTC"))))
    if today is not None:
        due.extend(_acting_notices([a for a in acting if a.day_slug not in in_reminders], observances,
                                   today + timedelta(days=NOTICE_DAYS), platforms, default,
                                   _day_end(today, _zone(ctx.timezone, "UTC"))))
    return due


async def _unsettled(session: AsyncSession, plans: list[_Plan], keys_of: Callable[[_Plan], list[str]]) -> list[_Plan]:
    """The ``plans`` (targets whose prompt hour has come) with something still to send today. From the prompt hour
    to midnight every target comes up every minute, and almost all of them have had everything already: one
    read per 500 keys (``deliveries.settled``) leaves those out before anything else is read or built for them."""
    wanted = {id(plan): keys_of(plan) for plan in plans}
    settled = await deliveries.settled(session, [key for keys in wanted.values() for key in keys], MAX_ATTEMPTS)
    return [plan for plan in plans if not settled.issuperset(wanted[id(plan)])]


def _channel_keys(observances: list[Observance], channel: Channel, today: date, target: str) -> list[str]:
    """The keys a channel's plan would send today (``due_now`` builds the messages): its day-of prompts, or its digest."""
    themes = _channel_themes(channel)
    digest = Digest(channel.digest or Digest.OFF)
    if digest is Digest.OFF:
        return [f"prompt:{day.slug}:{today.isoformat()}:{target}" for day in _days_on(observances, today) if _wanted(day, themes)]
    period = _period(today, digest)
    return [f"digest:{digest.value}:{today.isoformat()}:{target}"] if period and _in_period(observances, *period, themes) else []


def _member_keys(observances: list[Observance], rows: list[Subscriber], today: date, target: str) -> list[str]:
    """The keys a member's plan would send today (``_personal``): day-of messages or a digest, and lead reminders."""
    themes = {r.theme for r in rows}
    digest = Digest(rows[0].digest or Digest.OFF)
    if digest is Digest.OFF:
        keys = [f"personal:{day.slug}:{today.isoformat()}:{target}" for day in _days_on(observances, today)
                if themes.intersection(day.themes)]
    else:
        period = _period(today, digest)
        found = period and [d for _w, d in _in_period(observances, *period, themes) if themes.intersection(d.themes)]
        keys = [f"pdigest:{digest.value}:{today.isoformat()}:{target}"] if found else []
    if rows[0].lead_days > 0:
        ahead = today + timedelta(days=rows[0].lead_days)
        keys += [f"plead:{day.slug}:{ahead.isoformat()}:{target}" for day in _days_on(observances, ahead)
                 if themes.intersection(day.themes)]
    return keys


def _told_keys(one: str, daily: str, digest: Digest, observances: list[Observance], today: date, target: str) -> list[str]:
    """The keys that say what ``target`` was already told today the other way: its daily digest (``daily``
    kind) when it now gets one message per day (``one`` kind), and each of today's days' message when it
    now gets a daily digest."""
    if digest is Digest.OFF:
        return [f"{daily}:{Digest.DAILY.value}:{today.isoformat()}:{target}"]
    if digest is Digest.DAILY:
        return [f"{one}:{day.slug}:{today.isoformat()}:{target}" for day in _days_on(observances, today)]
    return []


class _ActingNames:
    """``acting_names`` of each period asked, read once a tick (every digest of a period shows the same cities)."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self._by_period: dict[tuple[date, date], dict[tuple[str, date], list[str]]] = {}

    async def __call__(self, found: list[tuple[date, Observance]]) -> dict[tuple[str, date], list[str]]:
        period = (min(w for w, _d in found), max(w for w, _d in found))
        if period not in self._by_period:
            self._by_period[period] = await _acting_names(self.session, found)
        return self._by_period[period]


async def _acting_names(session: AsyncSession, found: list[tuple[date, Observance]]) -> dict[tuple[str, date], list[str]]:
    """The cities acting on each (date, day) of a digest, by name."""
    if not found:
        return {}
    names: dict[tuple[str, date], list[str]] = {}
    for action in await action_queries.acting_between(session, min(w for w, _d in found), max(w for w, _d in found)):
        names.setdefault((action.day_slug, action.day_date), []).append(action.city.name)
    return names


def _acting_notices(rows: Sequence[CityAction], observances: list[Observance], ahead: date, platforms: set[str],
                    language: str, expires: datetime) -> list[Due]:
    """The secretariat's list of the cities acting (``rows``) on each day ``NOTICE_DAYS`` ahead, for days whose
    lead reminder does not already carry it; keyed ``acting:day:date:secretariat:platform`` like the lead
    reminders: sent once."""
    by_slug = {d.slug: d for d in observances}
    due = []
    for slug in sorted({a.day_slug for a in rows}):
        if slug not in by_slug:  # a campaign date removed since
            continue
        reply = replace(acting_reply(by_slug[slug], ahead, [a for a in rows if a.day_slug == slug], translator(language)),
                        visibility=Visibility.CHANNEL, language=language)
        for platform in sorted(platforms):
            due.append(Due(f"acting:{slug}:{ahead.isoformat()}:secretariat:{platform}", "acting", platform, reply,
                           expires=expires))
    return due


async def _personal(
    ctx: Context, session: AsyncSession, now: datetime, platforms: set[str], observances: list[Observance],
    prompt_for: Callable[[Observance, date, str], Awaitable[Reply]], acting_names: _ActingNames,
) -> list[Due]:
    """Personal prompts, digests and lead reminders: at most one message per member, day and kind, each in the
    member's language (their choice, their last command's, their city's, else the default); nothing for a local
    date before one the member was already sent (their city's time zone moved west)."""
    default = language_of(ctx.default_language) or "en"
    by_member: dict[tuple[str, str, str], list[Subscriber]] = {}
    for sub in await channel_queries.subscribers(session):
        if sub.platform in platforms:
            by_member.setdefault((sub.platform, sub.workspace, sub.user_id), []).append(sub)
    due: list[Due] = []
    plans = []  # (platform, workspace, user id, their subscriptions, their local date, target)
    for (platform, workspace, user_id), rows in by_member.items():
        first = rows[0]
        if first.paused_until is not None and first.paused_until > now:
            continue
        today = _local_today(now, _zone(first.timezone, ctx.timezone), ctx.prompt_hour)
        if today is not None:
            plans.append((platform, workspace, user_id, rows, today, f"{platform}:{workspace}:{user_id}"))
    plans = await _unsettled(session, plans, lambda plan: _member_keys(observances, plan[3], plan[4], plan[5]))
    later = {target: _later_keys(observances, today, "personal", "pdigest", target) for *_who, today, target in plans}
    told = await deliveries.delivered(session, [  # as for channels (due_now): one read for every member
        *(key for keys in later.values() for key in keys),
        *(key for *_who, rows, today, target in plans
          for key in _told_keys("personal", "pdigest", Digest(rows[0].digest or Digest.OFF), observances, today, target))])
    for platform, workspace, user_id, rows, today, target in plans:
        if not told.isdisjoint(later[target]):
            continue  # their city's time zone moved west: nothing for a date before one they had
        first = rows[0]
        member = MemberRef(platform, workspace, user_id, first.display_name)
        ends = _day_end(today, _zone(first.timezone, ctx.timezone))
        language = (language_of(first.language) or language_of(first.last_language)
                    or first_spoken(first.city_languages) or default)
        _ = translator(language)
        themes = {r.theme for r in rows}
        digest = Digest(first.digest or Digest.OFF)
        if digest is Digest.OFF:
            if f"pdigest:{Digest.DAILY.value}:{today.isoformat()}:{target}" not in told:
                for day in _days_on(observances, today):
                    matched = sorted(themes.intersection(day.themes))
                    if matched:
                        reply = with_stop(await prompt_for(day, today, language), matched, _)
                        due.append(Due(f"personal:{day.slug}:{today.isoformat()}:{target}", "personal", platform, reply,
                                       workspace, user_id, member, ends))
        else:
            period = _period(today, digest)
            found = [(w, d) for w, d in _in_period(observances, *period, themes) if themes.intersection(d.themes)] if period else []
            if digest is Digest.DAILY:  # switched from one message per day: not the days told already today
                found = [(w, d) for w, d in found if f"personal:{d.slug}:{today.isoformat()}:{target}" not in told]
            if found:
                caused = sorted(themes.intersection(t for _when, day in found for t in day.themes))
                reply = with_stop(digest_reply(found, digest, today, language, await acting_names(found)), caused, _)
                due.append(Due(f"pdigest:{digest.value}:{today.isoformat()}:{target}", "personal", platform, reply,
                               workspace, user_id, member, ends))
        if first.lead_days > 0:
            ahead = today + timedelta(days=first.lead_days)
            for day in _days_on(observances, ahead):
                matched = sorted(themes.intersection(day.themes))
                if matched:
                    reply = with_stop(lead_reminder(day, ahead, first.lead_days, _, personal=True), matched, _)
                    due.append(Due(f"plead:{day.slug}:{ahead.isoformat()}:{target}", "personal", platform, reply,
                                   workspace, user_id, member, ends))
    return due


def with_stop(reply: Reply, themes: list[str], _: Translate) -> Reply:
    """The personal copy of a message: its "Stop these" button unsubscribes the themes that caused it."""
    return replace(reply, actions=(*reply.actions, stop_action(themes, _)))


def _window(now: datetime) -> list[date]:
    """Local dates that can be 'today' somewhere on Earth at ``now`` (UTC-12 … UTC+14)."""
    utc_day = now.date()
    return [utc_day - timedelta(days=1), utc_day, utc_day + timedelta(days=1)]
