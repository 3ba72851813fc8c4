"""The audit trail: append rows, read them back newest first. There is deliberately no update or delete."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from datetime import datetime

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import AuditEvent


def append(session: AsyncSession, events: Sequence[AuditEvent]) -> None:
    """Add rows to the trail in the caller's transaction (so they commit or roll back with the change)."""
    session.add_all(events)


def _filtered(city_id: int | None, since: datetime | None) -> Select[tuple[AuditEvent]]:
    stmt = select(AuditEvent)
    if city_id is not None:
        stmt = stmt.where(AuditEvent.city_id == city_id)
    if since is not None:
        stmt = stmt.where(AuditEvent.at >= since)
    return stmt


async def page(
    session: AsyncSession, *, city_id: int | None = None, since: datetime | None = None, offset: int = 0, limit: int = 20
) -> tuple[Sequence[AuditEvent], int]:
    """One page of events, newest first, and how many match in all."""
    stmt = _filtered(city_id, since)
    total = (await session.execute(select(func.count()).select_from(stmt.subquery()))).scalar_one()
    rows = (await session.execute(stmt.order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).offset(offset).limit(limit))).scalars().all()
    return rows, total


async def every_event(session: AsyncSession, batch: int = 500) -> AsyncIterator[AuditEvent]:
    """Every event, oldest first, read ``batch`` rows at a time (exports)."""
    after = 0
    while rows := (await session.execute(
        select(AuditEvent).where(AuditEvent.id > after).order_by(AuditEvent.id).limit(batch)
    )).scalars().all():
        for row in rows:
            yield row
        after = rows[-1].id
