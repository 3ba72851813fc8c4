"""Channels that opted in to day-of prompts or announcements, and members to prompt personally."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Channel, City, Digest, FocalPoint, Member, MemberPrefs, Subscription


async def find_channel(session: AsyncSession, platform: str, workspace: str, channel_id: str, purpose: str) -> Channel | None:
    stmt = select(Channel).where(
        Channel.platform == platform, Channel.workspace == workspace, Channel.channel_id == channel_id,
        Channel.purpose == purpose,
    )
    return (await session.execute(stmt)).scalar_one_or_none()


async def add_channel(session: AsyncSession, channel: Channel) -> Channel:
    session.add(channel)
    await session.flush()
    return channel


async def remove_channel(session: AsyncSession, channel_id: int) -> None:
    await session.execute(delete(Channel).where(Channel.id == channel_id))


async def channels(session: AsyncSession, purpose: str | None = None, *, active_only: bool = False) -> Sequence[Channel]:
    """Channels set for ``purpose`` (all when None); ``active_only`` leaves out the paused ones."""
    stmt = select(Channel).order_by(Channel.purpose, Channel.platform, Channel.workspace, Channel.channel_id)
    if purpose:
        stmt = stmt.where(Channel.purpose == purpose)
    if active_only:
        stmt = stmt.where(Channel.paused_at.is_(None))
    return (await session.execute(stmt)).scalars().all()


async def pause(session: AsyncSession, platform: str, channel_id: str, reason: str, now: datetime) -> list[Channel]:
    """Pause every purpose of a channel the bot can no longer post in; returns the rows paused now
    (empty when they already were: the secretariat is told once)."""
    stmt = select(Channel).where(Channel.platform == platform, Channel.channel_id == channel_id, Channel.paused_at.is_(None))
    rows = list((await session.execute(stmt.with_for_update())).scalars())
    for row in rows:
        row.paused_at, row.pause_reason = now, reason[:200]
    return rows


async def resume(session: AsyncSession, platform: str, channel_id: str) -> int:
    result = await session.execute(
        update(Channel).where(Channel.platform == platform, Channel.channel_id == channel_id, Channel.paused_at.is_not(None))
        .values(paused_at=None, pause_reason=None)
    )
    return int(result.rowcount or 0)


@dataclass(frozen=True)
class Subscriber:
    platform: str
    workspace: str
    user_id: str
    display_name: str
    theme: str
    timezone: str | None  # their city's, when they represent one
    digest: str = Digest.OFF
    lead_days: int = 0
    paused_until: datetime | None = None
    language: str | None = None  # chosen with `/hrc language`
    last_language: str | None = None  # of their last command that changed something
    city_languages: str = ""  # their city's, comma-separated codes


async def subscribers(session: AsyncSession, themes: Sequence[str] | None = None) -> list[Subscriber]:
    """Members subscribed to any of ``themes`` (None: to any theme), one row per (member, theme), with
    their city's time zone when they have a city and their preferences (``member_prefs``)."""
    if themes is not None and not themes:
        return []
    # Columns, not Member objects: the scheduler reads every subscriber every minute (20,000 members at the
    # campaign's 2030 size), and an object each, with its linked accounts loaded beside it, was 2 s of a 3-s tick.
    stmt = (
        select(Member.platform, Member.workspace, Member.user_id, Member.display_name, Member.language,
               Member.last_language, Subscription.theme, City.timezone, MemberPrefs.digest, MemberPrefs.lead_days,
               MemberPrefs.paused_until, City.languages)
        .join(Subscription, Subscription.member_id == Member.id)
        .outerjoin(FocalPoint, FocalPoint.member_id == Member.id)
        .outerjoin(City, City.id == FocalPoint.city_id)
        .outerjoin(MemberPrefs, MemberPrefs.member_id == Member.id)
        .order_by(Member.id, Subscription.theme)
    )
    if themes is not None:
        stmt = stmt.where(Subscription.theme.in_(themes))
    return [
        Subscriber(platform, workspace, user_id, name, theme, tz, digest or Digest.OFF, lead_days or 0, paused_until,
                   language, last_language, langs or "")
        for platform, workspace, user_id, name, language, last_language, theme, tz, digest, lead_days, paused_until, langs
        in (await session.execute(stmt)).all()
    ]
