"""Direct-message channels the bot shares with people (table ``dm_channels``), one per person per platform."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import DmChannel


async def all_of(session: AsyncSession, platform: str) -> dict[tuple[str, str], str]:
    """Every stored DM channel of ``platform``: {(workspace, user id): channel id}."""
    stmt = select(DmChannel.workspace, DmChannel.user_id, DmChannel.channel_id).where(DmChannel.platform == platform)
    return {(workspace, user_id): channel for workspace, user_id, channel in (await session.execute(stmt)).all()}


async def store(session: AsyncSession, platform: str, workspace: str, user_id: str, channel_id: str, now: datetime) -> None:
    """Insert or replace one person's DM channel (an upsert on (platform, workspace, user id): two
    instances learning the same channel at once is harmless)."""
    insert = postgresql.insert if session.bind.dialect.name == "postgresql" else sqlite.insert
    stmt = insert(DmChannel).values(platform=platform, workspace=workspace, user_id=user_id, channel_id=channel_id,
                                    updated_at=now)
    stmt = stmt.on_conflict_do_update(index_elements=["platform", "workspace", "user_id"],
                                      set_={"channel_id": channel_id, "updated_at": now})
    await session.execute(stmt)


async def forget(session: AsyncSession, platform: str, workspace: str, user_id: str) -> None:
    await session.execute(delete(DmChannel).where(
        DmChannel.platform == platform, DmChannel.workspace == workspace, DmChannel.user_id == user_id))
