"""One person, several platform accounts (``/hrc link``): one-time codes, folding a second member row into
the first, and undoing it (``/hrc unlink``).

Every table with a foreign key to ``members.id`` is covered when a member row is folded into another:
the ones this module knows have their own rules (subscriptions are united, preferences and the focal
point kept once); any other (who created a channel setting or a date, who wrote a practice or an
announcement, and any table added later) has its rows re-pointed as they are.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Column, Table, delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from storage.models import Base, FocalPoint, LinkCode, Member, MemberAccount, MemberPrefs, Subscription
from storage.queries.versions import mark_changed

# (table, column) pairs folded by their own rules below; every other reference to members.id is re-pointed.
KNOWN = frozenset({("focal_points", "member_id"), ("subscriptions", "member_id"), ("member_prefs", "member_id"),
                   ("member_accounts", "member_id"), ("link_codes", "member_id")})


def member_references() -> list[tuple[Table, Column]]:
    """Every (table, column) of the models with a foreign key to ``members.id``."""
    return [
        (table, column)
        for table in Base.metadata.sorted_tables
        for column in table.columns
        if any(fk.column.table.name == "members" and fk.column.name == "id" for fk in column.foreign_keys)
    ]


async def add_code(session: AsyncSession, member: Member, platform: str, code_hash: str, now: datetime,
                   expires_at: datetime) -> None:
    """Store a new code of ``member`` (its hash), given on ``platform``; their earlier unused codes go."""
    await session.execute(delete(LinkCode).where(LinkCode.member_id == member.id, LinkCode.used_at.is_(None)))
    session.add(LinkCode(code_hash=code_hash, member_id=member.id, platform=platform, created_at=now, expires_at=expires_at))
    await session.flush()


async def code_by_hash(session: AsyncSession, code_hash: str) -> LinkCode | None:
    return (await session.execute(select(LinkCode).where(LinkCode.code_hash == code_hash))).scalar_one_or_none()


async def use_code(session: AsyncSession, code: LinkCode, now: datetime) -> bool:
    """Mark the code used; False when another command used it first (single use, whatever the race)."""
    result = await session.execute(
        update(LinkCode).where(LinkCode.id == code.id, LinkCode.used_at.is_(None)).values(used_at=now)
    )
    return result.rowcount == 1


async def member_by_id(session: AsyncSession, member_id: int) -> Member | None:
    """The member with their focal point (and city) and linked accounts loaded."""
    stmt = select(Member).where(Member.id == member_id).options(selectinload(Member.focal_point).selectinload(FocalPoint.city))
    return (await session.execute(stmt)).scalar_one_or_none()


async def fold_member(session: AsyncSession, keep: Member, drop: Member) -> None:
    """Fold ``drop`` (a member row of the same person on another platform) into ``keep`` and delete it.

    Subscriptions are united; ``keep``'s preferences and languages win, ``drop``'s fill what ``keep``
    lacks; ``drop``'s focal point moves to ``keep`` when ``keep`` has none (the caller refuses two of
    different cities and deletes a second one of the same city before). Rows of any other table
    pointing at ``drop`` are re-pointed at ``keep``.
    """
    themes = set((await session.execute(select(Subscription.theme).where(Subscription.member_id == keep.id))).scalars())
    await session.execute(delete(Subscription).where(Subscription.member_id == drop.id, Subscription.theme.in_(themes)))
    await session.execute(update(Subscription).where(Subscription.member_id == drop.id).values(member_id=keep.id))
    if await session.get(MemberPrefs, keep.id) is None:
        await session.execute(update(MemberPrefs).where(MemberPrefs.member_id == drop.id).values(member_id=keep.id))
    else:
        await session.execute(delete(MemberPrefs).where(MemberPrefs.member_id == drop.id))
    await session.execute(delete(LinkCode).where(LinkCode.member_id == drop.id))
    keep.language = keep.language or drop.language
    keep.last_language = keep.last_language or drop.last_language
    if drop.focal_point is not None and keep.focal_point is None:
        focal = drop.focal_point
        focal.member = keep  # the back-reference moves it from one member to the other
    for table, column in member_references():
        if (table.name, column.name) not in KNOWN:
            await session.execute(table.update().where(column == drop.id).values({column.name: keep.id}))
    await session.delete(drop)
    await session.flush()
    mark_changed(session)


async def add_account(session: AsyncSession, member: Member, platform: str, workspace: str, user_id: str,
                      display_name: str, now: datetime) -> MemberAccount:
    account = MemberAccount(platform=platform, workspace=workspace, user_id=user_id, display_name=display_name[:200],
                            created_at=now)
    member.accounts.append(account)
    await session.flush()
    mark_changed(session)
    return account


async def split_accounts(session: AsyncSession, member: Member, accounts: Sequence[MemberAccount], now: datetime) -> list[Member]:
    """Make each of ``accounts`` (linked to ``member``) a member of its own again, with a copy of the
    member's languages, subscriptions and preferences; the focal point stays with ``member``."""
    themes = (await session.execute(select(Subscription.theme).where(Subscription.member_id == member.id))).scalars().all()
    prefs = await session.get(MemberPrefs, member.id)
    made = []
    for account in list(accounts):
        member.accounts.remove(account)
        await session.flush()  # the identity is free before a member takes it
        own = Member(platform=account.platform, workspace=account.workspace, user_id=account.user_id,
                     display_name=account.display_name, created_at=now, language=member.language,
                     last_language=member.last_language)
        session.add(own)
        await session.flush()
        session.add_all(Subscription(member_id=own.id, theme=theme, created_at=now) for theme in themes)
        if prefs is not None:
            session.add(MemberPrefs(member_id=own.id, digest=prefs.digest, lead_days=prefs.lead_days,
                                    paused_until=prefs.paused_until, updated_at=now))
        made.append(own)
    await session.flush()
    mark_changed(session)
    return made
