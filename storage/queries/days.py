"""Campaign dates added by the secretariat."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import Row, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import CampaignDate


async def all_campaign_dates(session: AsyncSession) -> Sequence[CampaignDate]:
    return (await session.execute(select(CampaignDate).order_by(CampaignDate.date, CampaignDate.id))).scalars().all()


_CAMPAIGN_DATE_FIELDS = (select(CampaignDate.slug, CampaignDate.name, CampaignDate.date, CampaignDate.themes)
                         .order_by(CampaignDate.date, CampaignDate.id))


async def campaign_date_fields(session: AsyncSession) -> Sequence[Row[tuple[str, str, date, str]]]:
    """(slug, name, date, themes) of every campaign date, in the order of ``all_campaign_dates``: what the
    calendar shows, as plain rows (no ORM objects to build on every reply that shows a next day)."""
    return (await session.execute(_CAMPAIGN_DATE_FIELDS)).all()


async def campaign_date_by_slug(session: AsyncSession, slug: str) -> CampaignDate | None:
    return (await session.execute(select(CampaignDate).where(CampaignDate.slug == slug))).scalar_one_or_none()


async def add_campaign_date(session: AsyncSession, row: CampaignDate) -> CampaignDate:
    session.add(row)
    await session.flush()
    return row


async def remove_campaign_date(session: AsyncSession, row_id: int) -> None:
    # Through the ORM, not a Core DELETE: the data-version hook (queries/versions.py) sees ORM deletes only.
    row = await session.get(CampaignDate, row_id)
    if row is not None:
        await session.delete(row)
        await session.flush()
