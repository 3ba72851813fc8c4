"""The delivery ledger: record a key before sending; a key seen before is never sent again."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Delivery, DeliveryStatus
from storage.queries.inserts import insert_if_absent

SETTLED_CHUNK = 500  # keys per IN list (well under SQLite's 32,766 bound variables and PostgreSQL's 65,535)


async def claim(session: AsyncSession, key: str, kind: str, now: datetime, status: str = DeliveryStatus.SENDING) -> bool:
    """Insert the key; True when this call created it (go ahead and send), False when it existed.

    ``INSERT … ON CONFLICT DO NOTHING`` keeps this race-free between processes on both engines.
    """
    values = {"key": key, "kind": kind, "status": status, "attempts": 0, "created_at": now, "updated_at": now}
    return await insert_if_absent(session, Delivery.__table__, values, ("key",))


async def touch(session: AsyncSession, key: str, kind: str, now: datetime) -> None:
    """Insert the key, or move its ``updated_at`` to ``now``: a real write of one row (the health check)."""
    dialect = session.bind.dialect.name if session.bind is not None else "sqlite"
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = insert(Delivery).values(key=key, kind=kind, status=DeliveryStatus.SENT, attempts=0, created_at=now, updated_at=now)
    await session.execute(stmt.on_conflict_do_update(index_elements=["key"], set_={"updated_at": now}))


async def claim_or_retry(session: AsyncSession, key: str, kind: str, now: datetime, max_attempts: int) -> bool:
    """Like ``claim``, but also takes back a key whose last try failed while attempts remain.

    The conditional UPDATE is the lock: of two processes retrying the same key, one wins.
    """
    if await claim(session, key, kind, now):
        return True
    result = await session.execute(
        update(Delivery)
        .where(Delivery.key == key, Delivery.status == DeliveryStatus.FAILED, Delivery.attempts < max_attempts)
        .values(status=DeliveryStatus.SENDING, updated_at=now)
    )
    return bool(result.rowcount)


async def _keys_where(session: AsyncSession, keys: list[str], condition: Any) -> set[str]:
    """Those of ``keys`` recorded and meeting ``condition``; one read per ``SETTLED_CHUNK`` keys."""
    found: set[str] = set()
    for start in range(0, len(keys), SETTLED_CHUNK):
        rows = await session.execute(select(Delivery.key).where(Delivery.key.in_(keys[start:start + SETTLED_CHUNK]), condition))
        found.update(rows.scalars())
    return found


async def settled(session: AsyncSession, keys: list[str], max_attempts: int) -> set[str]:
    """Those of ``keys`` that ``claim_or_retry`` would refuse: recorded and not a failure with attempts left,
    so that a caller with thousands of keys already sent (the scheduler, every minute of the day after the
    prompt hour) skips them without a write transaction each."""
    return await _keys_where(session, keys, (Delivery.status != DeliveryStatus.FAILED) | (Delivery.attempts >= max_attempts))


async def hand_over(session: AsyncSession, items: list[tuple[str, str]], now: datetime, max_attempts: int) -> set[str]:
    """Record each ``(key, kind)`` as ``queued`` (given to the outbox, which delivers it exactly once); the keys
    this call took: new ones, and those whose last direct try failed with attempts left (rows written before
    the scheduler sent through the outbox). A key another process took first is not returned. At most
    ``SETTLED_CHUNK`` items a call (two statements, whatever their number)."""
    if not items:
        return set()
    if len(items) > SETTLED_CHUNK:
        raise ValueError(f"at most {SETTLED_CHUNK} keys a call, got {len(items)}")
    dialect = session.bind.dialect.name if session.bind is not None else "sqlite"
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    values = [{"key": key, "kind": kind, "status": DeliveryStatus.QUEUED, "attempts": 0, "created_at": now, "updated_at": now}
              for key, kind in items]
    statement = insert(Delivery).values(values).on_conflict_do_nothing(index_elements=["key"]).returning(Delivery.key)
    taken = set((await session.execute(statement)).scalars())
    retried = await session.execute(
        update(Delivery)
        .where(Delivery.key.in_([key for key, _kind in items if key not in taken]), Delivery.status == DeliveryStatus.FAILED,
               Delivery.attempts < max_attempts)
        .values(status=DeliveryStatus.QUEUED, updated_at=now)
        .returning(Delivery.key))
    return taken | set(retried.scalars())


async def mark(
    session: AsyncSession, key: str, status: str, now: datetime, error: str | None = None, attempted: bool = True
) -> None:
    values: dict[str, object] = {"status": status, "updated_at": now, "last_error": (error or None) and error[:500]}
    if attempted:
        values["attempts"] = Delivery.attempts + 1
    await session.execute(update(Delivery).where(Delivery.key == key).values(**values))


async def get(session: AsyncSession, key: str) -> Delivery | None:
    return (await session.execute(select(Delivery).where(Delivery.key == key))).scalar_one_or_none()


async def delivered(session: AsyncSession, keys: list[str]) -> set[str]:
    """Those of ``keys`` already sent or being sent, or queued in the outbox (a failed try, or one given up, is not)."""
    return await _keys_where(session, keys, Delivery.status.in_(
        (DeliveryStatus.SENT, DeliveryStatus.SENDING, DeliveryStatus.PENDING, DeliveryStatus.QUEUED)))
