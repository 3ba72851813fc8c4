"""Moments: instants the bot shows, rendered in each reader's own time zone by their platform.

The core writes an instant into reply text as a token (``moment``); each renderer turns it into its
platform's syntax: Discord ``<t:UNIX:F>`` (and ``<t:UNIX:R>``, "in 3 days"), Slack
``<!date^UNIX^{date_long_pretty} {time}|fallback>`` (PLATFORM_FACTS.md), and the console (and every plain
fallback) the ``fallback`` text: the time in the reader's zone (their city's, else the default), in their
language. The token lives between the same private-use markers as mentions, which no user text can carry
(``clean_input`` at the inbound boundary, ``storage.types`` on read), so user text can never forge one.

Local times typed by people (``announce at:``) are read by ``local_instant``: a time skipped by a DST change
is refused with the two times it may have meant, a time that happens twice asks which (an offset suffix,
``+02:00`` or ``+01:00``, says it).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from handlers.context import Context
from handlers.errors import UserError
from handlers.i18n import Translate
from handlers.types import Moment, Request
from handlers.zones import UnknownZone, get_zone
from storage.queries.members import find_member


def zone_or_default(name: str | None, ctx: Context) -> ZoneInfo:
    """The zone ``name`` (a city's, a channel's), else the default ``ctx.timezone``."""
    try:
        return get_zone(name or ctx.timezone)
    except UnknownZone:
        return get_zone(ctx.timezone)


async def reader_zone(ctx: Context, request: Request, session: AsyncSession) -> ZoneInfo:
    """The zone a reply's fallback times are written in: the caller's city's, else the default. (Slack and
    Discord show each reader their own zone anyway; this is what the console and notifications show.)"""
    actor = request.actor
    member = await find_member(session, actor.platform, actor.workspace, actor.user_id)
    city = member.focal_point.city if member is not None and member.focal_point is not None else None
    return zone_or_default(city.timezone if city is not None else None, ctx)


def fallback_text(when: datetime, zone: ZoneInfo, _: Translate) -> str:
    """``Thu 10 Dec 2026 09:00 (Europe/Madrid)`` in the reader's language: what a platform that cannot show the
    reader's own time (the console, a notification) shows."""
    local = when.astimezone(zone)
    return f"{_.date(local, 'EEE d MMM y')} {local:%H:%M} ({zone.key})"


def moment(when: datetime, zone: ZoneInfo, _: Translate, *, relative: bool = False) -> str:
    """The token for the instant ``when`` (aware), with its fallback in ``zone``; ``relative`` adds "in 3 days"
    where the platform can say it (Discord)."""
    unix = int(when.astimezone(UTC).timestamp())
    return Moment(unix, "FR" if relative else "F", fallback_text(when, zone, _)).token()


def offset_text(when: datetime) -> str:
    """``+02:00``: the UTC offset of an aware datetime."""
    offset = when.utcoffset() or timedelta(0)
    sign = "-" if offset < timedelta(0) else "+"
    minutes = abs(int(offset.total_seconds())) // 60
    return f"{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def _exists(local: datetime) -> bool:
    """False for a wall-clock time the zone skips (the spring-forward hour): it does not survive a round trip."""
    back = local.astimezone(UTC).astimezone(local.tzinfo)
    return back.replace(tzinfo=None) == local.replace(tzinfo=None)


def local_instant(wall: datetime, zone: ZoneInfo, offset: str | None, _: Translate, field: str = "at") -> datetime:
    """The instant a person meant by the wall-clock time ``wall`` (naive) in ``zone``.

    ``offset`` (``+01:00``, or None) picks one of the two instants of a time that happens twice. Raises
    ``UserError`` (on ``field``) for a time the zone skips (naming the times it may have meant), for a time
    that happens twice without an offset (naming both with their offsets), and for an offset the zone does not
    have at that time.
    """
    first, second = wall.replace(tzinfo=zone, fold=0), wall.replace(tzinfo=zone, fold=1)
    shown = f"{wall:%Y-%m-%d %H:%M}"
    if not _exists(first):
        before, after = sorted((first.astimezone(UTC).astimezone(zone), second.astimezone(UTC).astimezone(zone)))
        raise UserError(_("{time} does not exist in {zone}: the clocks jump forward then. Did you mean {before} ({before_offset}) "
                          "or {after} ({after_offset})?").format(
            time=shown, zone=zone.key, before=f"{before:%H:%M}", before_offset=offset_text(before),
            after=f"{after:%H:%M}", after_offset=offset_text(after)), field=field)
    candidates = [first] if first.utcoffset() == second.utcoffset() else [first, second]
    if offset is not None:
        chosen = [c for c in candidates if offset_text(c) == offset]
        if not chosen:
            raise UserError(_("{zone} is at {offsets} at {time}, not {offset}.").format(
                zone=zone.key, offsets=_(" or ").join(offset_text(c) for c in candidates), time=shown, offset=offset),
                field=field)
        return chosen[0]
    if len(candidates) == 2:
        raise UserError(_("{time} happens twice in {zone}, when the clocks go back. Which one? Write {time}{first} {zone} "
                          "(the first, {first_utc} UTC) or {time}{second} {zone} (the second, {second_utc} UTC).").format(
            time=shown, zone=zone.key, first=offset_text(first), second=offset_text(second),
            first_utc=f"{first.astimezone(UTC):%H:%M}", second_utc=f"{second.astimezone(UTC):%H:%M}"), field=field)
    return first
