"""Members' preferences for personal prompts: digest, lead time, pause (one optional row per member)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Row, bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Digest, MemberPrefs


async def get_prefs(session: AsyncSession, member_id: int) -> MemberPrefs | None:
    return await session.get(MemberPrefs, member_id)


PrefsValues = Row[tuple[str, int, datetime | None]]
_VALUES = (  # built once: every `subscribe` reads it
    select(MemberPrefs.digest, MemberPrefs.lead_days, MemberPrefs.paused_until)
    .where(MemberPrefs.member_id == bindparam("member_id"))
)


async def prefs_values(session: AsyncSession, member_id: int) -> PrefsValues | None:
    """The member's ``digest``, ``lead_days`` and ``paused_until`` as a plain row (the same attribute names
    as ``MemberPrefs``), for a reply that only shows them; None when they have no row (the defaults)."""
    return (await session.execute(_VALUES, {"member_id": member_id})).first()


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
