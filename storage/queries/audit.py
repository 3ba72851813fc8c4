"""The audit trail: append rows, read them back newest first. There is deliberately no update or delete."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Collection, Sequence
from datetime import datetime

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import AuditEvent


def append(session: AsyncSession, events: Sequence[AuditEvent]) -> None:
    """Add rows to the trail in the caller's transaction (so they commit or roll back with the change)."""
    session.add_all(events)


async def with_merged(session: AsyncSession, city_id: int) -> set[int]:
    """``city_id`` and the numbers of every city merged into it, or into one of those (`/hrc merge`): each
    merged city's own event says where it went (``after``: ``{"merged into": "#12 Bogotá (Colombia)"}``,
    ``handlers.merge``), so a city's trail keeps its duplicates' registrations and verifications."""
    found, todo = {city_id}, [city_id]
    while todo:
        into = f'%"merged into": "#{todo.pop()} %'
        rows = await session.execute(
            select(AuditEvent.city_id).where(AuditEvent.action == "merge", AuditEvent.after.like(into)))
        for (merged,) in rows:
            if merged is not None and merged not in found:
                found.add(merged)
                todo.append(merged)
    return found


async def merged_into(session: AsyncSession, city_id: int) -> int | None:
    """The number of the city that city ``city_id`` was merged into (read from its own merge event's
    ``after``, ``{"merged into": "#12 Bogotá (Colombia)"}``), or None when it never was."""
    rows = await session.execute(select(AuditEvent.after).where(
        AuditEvent.action == "merge", AuditEvent.city_id == city_id, AuditEvent.after.like('%"merged into": "#%')))
    for (after,) in rows:
        into = str(json.loads(after).get("merged into", ""))
        number = into[1:].split(" ", 1)[0]
        if number.isdecimal():
            return int(number)
    return None


async def last_decision(session: AsyncSession, city_id: int, action: str) -> AuditEvent | None:
    """The latest ``action`` ("verify", "reject") recorded for the city: who decided, and when."""
    stmt = (select(AuditEvent).where(AuditEvent.city_id == city_id, AuditEvent.action == action)
            .order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(1))
    return (await session.execute(stmt)).scalars().first()


def _filtered(city_ids: Collection[int] | None, since: datetime | None) -> Select[tuple[AuditEvent]]:
    stmt = select(AuditEvent)
    if city_ids is not None:
        stmt = stmt.where(AuditEvent.city_id.in_(sorted(city_ids)))
    if since is not None:
        stmt = stmt.where(AuditEvent.at >= since)
    return stmt


async def page(
    session: AsyncSession, *, city_ids: Collection[int] | None = None, since: datetime | None = None, offset: int = 0,
    limit: int = 20,
) -> tuple[Sequence[AuditEvent], int]:
    """One page of events (of the cities numbered ``city_ids``; None: all), newest first, and how many match in all."""
    stmt = _filtered(city_ids, since)
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
