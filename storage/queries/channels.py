"""Channels that opted in to day-of prompts or announcements, and members to prompt personally."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select
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


async def channels(session: AsyncSession, purpose: str | None = None) -> Sequence[Channel]:
    stmt = select(Channel).order_by(Channel.purpose, Channel.platform, Channel.workspace, Channel.channel_id)
    if purpose:
        stmt = stmt.where(Channel.purpose == purpose)
    return (await session.execute(stmt)).scalars().all()


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


async def subscribers(session: AsyncSession, themes: Sequence[str] | None = None) -> list[Subscriber]:
    """Members subscribed to any of ``themes`` (None: to any theme), one row per (member, theme), with
    their city's time zone when they have a city and their preferences (``member_prefs``)."""
    if themes is not None and not themes:
        return []
    stmt = (
        select(Member, Subscription.theme, City.timezone, MemberPrefs)
        .join(Subscription, Subscription.member_id == Member.id)
        .outerjoin(FocalPoint, FocalPoint.member_id == Member.id)
        .outerjoin(City, City.id == FocalPoint.city_id)
        .outerjoin(MemberPrefs, MemberPrefs.member_id == Member.id)
        .order_by(Member.id, Subscription.theme)
    )
    if themes is not None:
        stmt = stmt.where(Subscription.theme.in_(themes))
    return [
        Subscriber(
            m.platform, m.workspace, m.user_id, m.display_name, theme, tz,
            prefs.digest if prefs else Digest.OFF, prefs.lead_days if prefs else 0, prefs.paused_until if prefs else None,
        )
        for m, theme, tz, prefs in (await session.execute(stmt)).all()
    ]
