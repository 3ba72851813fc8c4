"""Whole tables for exports, each read in one query with what its rows show."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload, selectinload

from storage.models import City, Delivery, FocalPoint, Member, Practice, Subscription


async def cities(session: AsyncSession) -> Sequence[City]:
    """Every city with its themes, ordered by country then name (folded)."""
    stmt = select(City).options(selectinload(City.themes)).order_by(City.country_key, City.name_key, City.id)
    return (await session.execute(stmt)).scalars().all()


async def practices(session: AsyncSession) -> Sequence[Practice]:
    """Every practice with its city, themes and author, oldest first."""
    stmt = (
        select(Practice)
        .options(joinedload(Practice.city), selectinload(Practice.themes))
        .order_by(Practice.created_at, Practice.id)
    )
    return (await session.execute(stmt)).scalars().all()


async def practice_authors(session: AsyncSession) -> dict[int, str]:
    """Display name of every member who shared a practice, by member id."""
    stmt = select(Member.id, Member.display_name).where(Member.id.in_(select(Practice.member_id)))
    return {member_id: name for member_id, name in (await session.execute(stmt)).all()}


async def members(session: AsyncSession) -> Sequence[Member]:
    """Every member with the city they represent, by platform then name."""
    stmt = (
        select(Member)
        .options(joinedload(Member.focal_point).joinedload(FocalPoint.city))
        .order_by(Member.platform, Member.display_name, Member.id)
    )
    return (await session.execute(stmt)).scalars().all()


async def subscriptions(session: AsyncSession) -> dict[int, list[str]]:
    """Theme slugs each member subscribed to, by member id."""
    rows = (await session.execute(select(Subscription.member_id, Subscription.theme).order_by(Subscription.theme))).all()
    result: dict[int, list[str]] = {}
    for member_id, theme in rows:
        result.setdefault(member_id, []).append(theme)
    return result


async def deliveries(session: AsyncSession) -> Sequence[Delivery]:
    stmt = select(Delivery).order_by(Delivery.created_at, Delivery.id)
    return (await session.execute(stmt)).scalars().all()
