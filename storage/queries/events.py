"""Discord Scheduled Events mirroring campaign dates: which dates want one, and which exist per server."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import CampaignDate, DiscordEvent


async def wanted(session: AsyncSession) -> Sequence[CampaignDate]:
    """Campaign dates added with ``event: yes``."""
    return (await session.execute(select(CampaignDate).where(CampaignDate.event.is_(True)))).scalars().all()


async def mirrored(session: AsyncSession, guild_id: str) -> Sequence[DiscordEvent]:
    return (await session.execute(select(DiscordEvent).where(DiscordEvent.guild_id == guild_id))).scalars().all()


async def claim(session: AsyncSession, slug: str, guild_id: str, name: str, date: dt.date, now: datetime) -> bool:
    """Record that this process is creating the event; False when a row for (slug, server) exists already."""
    dialect = session.bind.dialect.name if session.bind is not None else "sqlite"
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = insert(DiscordEvent).values(slug=slug, guild_id=guild_id, event_id=None, name=name, date=date, updated_at=now)
    result = await session.execute(stmt.on_conflict_do_nothing(index_elements=["slug", "guild_id"]))
    return bool(result.rowcount)


async def record(session: AsyncSession, row_id: int, now: datetime, **values: object) -> None:
    """Set ``event_id``, ``name`` or ``date`` on a mirror row."""
    await session.execute(update(DiscordEvent).where(DiscordEvent.id == row_id).values(updated_at=now, **values))


async def forget(session: AsyncSession, row_id: int) -> None:
    await session.execute(delete(DiscordEvent).where(DiscordEvent.id == row_id))
