"""Members: one row per person, found by their own (platform, workspace, user id) or a linked account's."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BindParameter, ColumnElement, bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from storage.models import City, FocalPoint, Member, MemberAccount


def _identity(platform: str | BindParameter[str], workspace: str | BindParameter[str],
              user_id: str | BindParameter[str]) -> ColumnElement[bool]:
    """Members whose own account is this identity, or who linked it as another account (``/hrc link``).

    One ``IN`` over the union of two lookups, each by its unique index, rather than ``own OR id IN
    (linked)``: PostgreSQL reads every member for that OR (a hashed subplan cannot use an index), ~2 ms a
    lookup at 20,000 members, on every command of a person whose language is not cached and every write."""
    own = select(Member.id).where(Member.platform == platform, Member.workspace == workspace, Member.user_id == user_id)
    linked = select(MemberAccount.member_id).where(
        MemberAccount.platform == platform, MemberAccount.workspace == workspace, MemberAccount.user_id == user_id
    )
    return Member.id.in_(own.union_all(linked))


# The lookups every command makes, built once with the identity as parameters: building one again for each
# command (options, subquery, cache key) cost more CPU than running it.
_IDENTITY = _identity(bindparam("platform"), bindparam("workspace"), bindparam("user_id"))
_FIND_MEMBER = (
    select(Member)
    .where(_IDENTITY)
    # Joined, not select-in: one round trip on every command that writes (linked accounts included).
    .options(joinedload(Member.focal_point).joinedload(FocalPoint.city), joinedload(Member.accounts))
)
_LANGUAGE_PREFERENCES = (
    select(Member.language, City.languages)
    .outerjoin(FocalPoint, FocalPoint.member_id == Member.id)
    .outerjoin(City, City.id == FocalPoint.city_id)
    .where(_IDENTITY)
)


async def find_member(session: AsyncSession, platform: str, workspace: str, user_id: str) -> Member | None:
    """The member (the person) this platform identity belongs to: their own account or a linked one."""
    identity = {"platform": platform, "workspace": workspace, "user_id": user_id}
    return (await session.execute(_FIND_MEMBER, identity)).unique().scalar_one_or_none()


async def upsert_member(
    session: AsyncSession, platform: str, workspace: str, user_id: str, display_name: str, now: datetime,
    *, last_language: str | None = None,
) -> Member:
    """The member for this identity, created on first sight (with ``last_language``, when given); the
    display name follows the platform's (the linked account's own name when the identity is a linked account)."""
    member = await find_member(session, platform, workspace, user_id)
    if member is None:
        member = Member(
            platform=platform, workspace=workspace, user_id=user_id, display_name=display_name[:200], created_at=now,
            last_language=last_language,
        )
        session.add(member)
        await session.flush()
        # A row just inserted has no focal point and no linked account yet: said so without reading them back.
        set_committed_value(member, "focal_point", None)
        set_committed_value(member, "accounts", [])
        return member
    name = display_name[:200]
    if (member.platform, member.workspace, member.user_id) == (platform, workspace, user_id):
        if name and member.display_name != name:
            member.display_name = name
    else:
        for account in member.accounts:
            if (account.platform, account.workspace, account.user_id) == (platform, workspace, user_id) and name:
                if account.display_name != name:
                    account.display_name = name
    return member


async def language_preferences(session: AsyncSession, platform: str, workspace: str, user_id: str) -> tuple[str | None, str]:
    """(the language the member chose or None, their city's ``languages`` or "") in one query."""
    identity = {"platform": platform, "workspace": workspace, "user_id": user_id}
    row = (await session.execute(_LANGUAGE_PREFERENCES, identity)).first()
    return (row[0], row[1] or "") if row is not None else (None, "")


async def members_on(session: AsyncSession, platform: str, workspace: str) -> list[tuple[Member, str, str]]:
    """Every member with an account on ``platform`` in ``workspace`` (their own or a linked one), as
    (member, that account's display name, its user id): to find a person by name."""
    own = (await session.execute(
        select(Member).where(Member.platform == platform, Member.workspace == workspace)
        .options(selectinload(Member.focal_point).selectinload(FocalPoint.city))
    )).scalars().all()
    found = [(m, m.display_name, m.user_id) for m in own]
    linked = (await session.execute(
        select(MemberAccount).where(MemberAccount.platform == platform, MemberAccount.workspace == workspace)
        .options(selectinload(MemberAccount.member).selectinload(Member.focal_point).selectinload(FocalPoint.city))
    )).scalars().all()
    return found + [(a.member, a.display_name, a.user_id) for a in linked]
