"""Members: one row per (platform, workspace, user id)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from storage.models import City, FocalPoint, Member


async def find_member(session: AsyncSession, platform: str, workspace: str, user_id: str) -> Member | None:
    stmt = (
        select(Member)
        .where(Member.platform == platform, Member.workspace == workspace, Member.user_id == user_id)
        # Joined, not select-in: one round trip instead of three on every command that writes.
        .options(joinedload(Member.focal_point).joinedload(FocalPoint.city))
    )
    return (await session.execute(stmt)).unique().scalar_one_or_none()


async def upsert_member(
    session: AsyncSession, platform: str, workspace: str, user_id: str, display_name: str, now: datetime
) -> Member:
    """The member for this identity, created on first sight; the display name follows the platform's."""
    member = await find_member(session, platform, workspace, user_id)
    if member is None:
        member = Member(
            platform=platform, workspace=workspace, user_id=user_id, display_name=display_name[:200], created_at=now
        )
        session.add(member)
        await session.flush()
        await session.refresh(member, ["focal_point"])
    elif display_name and member.display_name != display_name[:200]:
        member.display_name = display_name[:200]
    return member


async def language_preferences(session: AsyncSession, platform: str, workspace: str, user_id: str) -> tuple[str | None, str]:
    """(the language the member chose or None, their city's ``languages`` or "") in one query."""
    stmt = (
        select(Member.language, City.languages)
        .outerjoin(FocalPoint, FocalPoint.member_id == Member.id)
        .outerjoin(City, City.id == FocalPoint.city_id)
        .where(Member.platform == platform, Member.workspace == workspace, Member.user_id == user_id)
    )
    row = (await session.execute(stmt)).first()
    return (row[0], row[1] or "") if row is not None else (None, "")
