"""When the next scheduled post reaches a channel or a person: the instant the scheduler (``handlers.prompts``)
will send it, for replies to show as a moment (``handlers.moments``)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from handlers.calendar import Observance
from handlers.context import Context
from handlers.days import all_observances, dated_within
from handlers.i18n import translator
from handlers.moments import moment, reader_zone, zone_or_default
from handlers.prompts import _is_prompt_day as is_prompt_day
from handlers.prompts import _wanted as wanted
from handlers.prompts import served_through
from handlers.types import Request
from storage.models import Digest

HORIZON_DAYS = 400  # every yearly day comes round within this


def next_post(observances: list[Observance], now: datetime, zone: ZoneInfo, prompt_hour: int, digest: Digest,
              themes: set[str] | None, *, personal: bool = False, lead_days: int = 0,
              include_today: bool = False) -> datetime | None:
    """The instant (aware, in ``zone``) of the next prompt or digest for a target in ``zone`` with ``themes``
    (None: all) and ``digest``, after ``now``; None when nothing comes within ``HORIZON_DAYS``. A ``personal``
    target (a subscriber) gets only days linked to one of its themes, as ``handlers.prompts`` sends them, and
    with ``lead_days`` also a reminder that many days before each.

    Today counts while its prompt hour is still ahead (or, ``include_today``, all day: the scheduler catches up
    until the local day ends what it has not sent yet); a weekly digest goes out on Mondays with the week's
    days; DST is the zone's: 09:00 stays 09:00 local on either side of a change.
    """
    local = now.astimezone(zone)
    start = local.date() if include_today or local.hour < prompt_hour else local.date() + timedelta(days=1)
    dated = _dated(observances, start, None if themes is None else frozenset(themes), personal)
    reminders = [d - timedelta(days=lead_days) for d in dated if lead_days and d - timedelta(days=lead_days) >= start]
    for when in sorted({*_send_days(dated, start, digest)[:1], *reminders[:1]}):
        return datetime.combine(when, time(prompt_hour), tzinfo=zone)
    return None


_BY_DAY: dict[int, tuple[list[tuple[date, Observance]], list[tuple[Observance, tuple[date, ...]]]]] = {}


def _dated(observances: list[Observance], start: date, themes: frozenset[str] | None, personal: bool) -> list[date]:
    """The dates from ``start`` within ``HORIZON_DAYS`` that have a prompt day for ``themes`` (a ``personal``
    target, a subscriber, only the days linked to one of its themes). The span's prompt days and their dates are
    grouped once (``handlers.days.dated_within``); each call then tests each day once, not each date."""
    span = dated_within(observances, start, start + timedelta(days=HORIZON_DAYS))
    known = _BY_DAY.get(id(span))
    if known is None or known[0] is not span:
        grouped: dict[Observance, list[date]] = {}
        for when, day in span:
            if is_prompt_day(day):
                grouped.setdefault(day, []).append(when)
        if len(_BY_DAY) >= 64:
            _BY_DAY.clear()
        known = _BY_DAY[id(span)] = (span, [(day, tuple(dates)) for day, dates in grouped.items()])
    mine = themes or frozenset()
    return sorted({when for day, dates in known[1]
                   if wanted(day, themes) and not (personal and not mine.intersection(day.themes)) for when in dates})


def _send_days(dated: list[date], start: date, digest: Digest) -> list[date]:
    """The dates a message goes out, given the dates that have days: each of them, or (weekly) the Mondays of
    weeks that have one."""
    if digest is not Digest.WEEKLY:
        return dated
    mondays = sorted({d - timedelta(days=d.weekday()) for d in dated})
    return [m for m in mondays if m >= start]


async def next_post_text(ctx: Context, request: Request, session: AsyncSession, *, zone: str | None, digest: Digest,
                         themes: set[str] | None, personal: bool = False, lead_days: int = 0,
                         after: datetime | None = None, reader: ZoneInfo | None = None, target: str = "") -> str:
    """"Next post: <moment>." for a target in ``zone`` (a channel's, a member's city's), "" when none is coming.
    ``after`` (a pause's end) moves the start later than now. ``reader``: the caller's zone
    (``handlers.moments.reader_zone``) when the caller already knows it; read from the database otherwise.
    ``target`` (``platform:workspace:id``, as the scheduler's keys end) lets today's messages not sent yet count."""
    _ = translator(request.locale)
    start = max(ctx.now(), after) if after is not None else ctx.now()
    local_zone = zone_or_default(zone, ctx)
    observances = await all_observances(session)
    local = start.astimezone(local_zone)
    if target:
        # A target whose zone moved west may already have had the days of the date it is back in (or the next):
        # the scheduler sends nothing before the date after it (handlers.prompts.served_through).
        served = await served_through(session, observances, local.date(), "personal" if personal else "prompt",
                                      "pdigest" if personal else "digest", target, from_today=True)
        if served is not None:
            start = max(start, datetime.combine(served + timedelta(days=1), time(0), tzinfo=local_zone))
            local = start.astimezone(local_zone)
    when = next_post(observances, start, local_zone, ctx.prompt_hour, digest, themes,
                     personal=personal, lead_days=lead_days)
    if target and local.hour >= ctx.prompt_hour:
        # Past today's prompt hour the scheduler still sends today's messages, within a minute, to a target that
        # has had none of them (a channel just set, a new subscriber): the next post is then now, not tomorrow.
        # Had it had them, ``served`` above would have moved ``start`` to tomorrow.
        today = next_post(observances, start, local_zone, ctx.prompt_hour, digest, themes, personal=personal,
                          lead_days=lead_days, include_today=True)
        if today is not None and today.date() == local.date():
            when = start
    if when is None:
        return ""
    if reader is None:
        reader = await reader_zone(ctx, request, session)
    return _("Next post: {when}.").format(when=moment(when, reader, _, relative=True))
