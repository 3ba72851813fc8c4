"""Members' preferences for personal prompts: digest, lead time, pause (one optional row per member)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Digest, MemberPrefs


async def get_prefs(session: AsyncSession, member_id: int) -> MemberPrefs | None:
    return await session.get(MemberPrefs, member_id)


async def update_prefs(session: AsyncSession, member_id: int, now: datetime, **changes: object) -> MemberPrefs:
    """Set ``changes`` (``digest``, ``lead_days``, ``paused_until``) on the member's row, created with the
    defaults on first use. Unknown names raise AttributeError."""
    prefs = await session.get(MemberPrefs, member_id)
    if prefs is None:
        prefs = MemberPrefs(member_id=member_id, digest=Digest.OFF, lead_days=0, paused_until=None, updated_at=now)
        session.add(prefs)
    for name, value in changes.items():
        if not hasattr(MemberPrefs, name):
            raise AttributeError(name)
        setattr(prefs, name, value)
    prefs.updated_at = now
    await session.flush()
    return prefs
