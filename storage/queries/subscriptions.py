"""Members' theme subscriptions (personal prompts on UN days)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import bindparam, delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Subscription
from storage.queries.inserts import insert_if_absent

_MEMBER_THEMES = (  # built once: every `subscribe` runs it
    select(Subscription.theme).where(Subscription.member_id == bindparam("member_id")).order_by(Subscription.theme)
)


async def member_themes(session: AsyncSession, member_id: int) -> Sequence[str]:
    return (await session.execute(_MEMBER_THEMES, {"member_id": member_id})).scalars().all()


async def subscribe(session: AsyncSession, member_id: int, theme: str, now: datetime) -> bool:
    """Add the subscription; False when it already existed.

    One ``INSERT … ON CONFLICT DO NOTHING`` (no read first, no ORM object: subscriptions show in no shared
    reply, so no data version depends on them)."""
    values = {"member_id": member_id, "theme": theme, "created_at": now}
    return await insert_if_absent(session, Subscription.__table__, values, ("member_id", "theme"))


async def unsubscribe(session: AsyncSession, member_id: int, theme: str) -> bool:
    result = await session.execute(
        delete(Subscription).where(Subscription.member_id == member_id, Subscription.theme == theme)
    )
    return bool(result.rowcount)


async def unsubscribe_all(session: AsyncSession, member_id: int) -> list[str]:
    """Remove every subscription of the member; returns the themes removed, sorted."""
    themes = list(await member_themes(session, member_id))
    if themes:
        await session.execute(delete(Subscription).where(Subscription.member_id == member_id))
    return themes
