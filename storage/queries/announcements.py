"""Announcements and their outbox: one row per (announcement, target), claimed before each send."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, delete, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from storage.models import (
    Announcement,
    AnnouncementStatus,
    Channel,
    ChannelPurpose,
    City,
    CityStatus,
    CityTheme,
    FocalPoint,
    FocalStatus,
    Member,
    OutboxMessage,
    OutboxStatus,
)


@dataclass(frozen=True)
class Target:
    """One place an announcement goes. ``languages``: what its reader is known to read, best first (a
    channel's ``language:``; a person's choice, their last command's language, their city's languages),
    as stored, possibly empty; the caller picks the first one the bot speaks (handlers.announcements)."""

    platform: str
    workspace: str
    kind: str  # "channel" | "dm"
    target_id: str
    name: str
    languages: tuple[str, ...] = ()


async def add(session: AsyncSession, announcement: Announcement) -> Announcement:
    session.add(announcement)
    await session.flush()
    return announcement


async def get(session: AsyncSession, announcement_id: int) -> Announcement | None:
    stmt = select(Announcement).where(Announcement.id == announcement_id).options(selectinload(Announcement.author))
    return (await session.execute(stmt)).scalar_one_or_none()


async def recent(session: AsyncSession, limit: int = 10) -> Sequence[Announcement]:
    stmt = select(Announcement).order_by(Announcement.created_at.desc(), Announcement.id.desc()).limit(limit)
    return (await session.execute(stmt)).scalars().all()


async def targets(session: AsyncSession, announcement: Announcement) -> list[Target]:
    """Every announcement channel, plus (with dm) every verified focal point of a verified city, filtered."""
    found = [
        Target(c.platform, c.workspace, "channel", c.channel_id, c.name, (c.language or "",))
        for c in (await session.execute(
            select(Channel).where(Channel.purpose == ChannelPurpose.ANNOUNCEMENTS, Channel.paused_at.is_(None)).order_by(Channel.id)
        )).scalars()
    ]
    if announcement.dm:
        stmt = (
            select(Member, City.languages)
            .join(FocalPoint, FocalPoint.member_id == Member.id)
            .join(City, City.id == FocalPoint.city_id)
            .where(FocalPoint.status == FocalStatus.VERIFIED, City.status == CityStatus.VERIFIED)
            .order_by(Member.id)
        )
        if announcement.region:
            stmt = stmt.where(City.region == announcement.region)
        if announcement.theme:
            stmt = stmt.where(City.id.in_(select(CityTheme.city_id).where(CityTheme.theme == announcement.theme)))
        found += [
            Target(m.platform, m.workspace, "dm", m.user_id, m.display_name,
                   (m.language or "", m.last_language or "", *(city_languages or "").split(",")))
            for m, city_languages in (await session.execute(stmt)).all()
        ]
    return found


def delivery_key(announcement_id: int, target: Target) -> str:
    return f"announce:{announcement_id}:{target.platform}:{target.workspace}:{target.kind}:{target.target_id}"


async def materialise(session: AsyncSession, announcement: Announcement, now: datetime,
                      language: Callable[[Target], str | None] = lambda target: None) -> int:
    """Insert one outbox row per target, with the language ``language(target)`` it reads; idempotent (a key
    already there is left as it is, language included: a re-send is the same version)."""
    rows = [
        {"announcement_id": announcement.id, "key": delivery_key(announcement.id, t), "platform": t.platform,
         "workspace": t.workspace, "target_kind": t.kind, "target_id": t.target_id, "target_name": t.name[:200],
         "status": OutboxStatus.PENDING, "attempts": 0, "next_attempt_at": now, "updated_at": now,
         "language": language(t)}
        for t in await targets(session, announcement)
    ]
    if not rows:
        return 0
    insert = postgresql.insert if session.bind.dialect.name == "postgresql" else sqlite.insert
    result = await session.execute(insert(OutboxMessage).values(rows).on_conflict_do_nothing(index_elements=["key"]))
    return int(result.rowcount or 0)


async def enqueue(session: AsyncSession, rows: Sequence[Mapping[str, Any]], now: datetime) -> list[int]:
    """Queue notices: each ``{key, platform, workspace, kind, target, name, payload}`` (and optionally ``expires``,
    an aware datetime after which it is not sent, and ``priority``, ``PRIORITY_FIRST`` by default) becomes an
    outbox row due now. Idempotent: a key already
    queued is left alone. Returns the ids of the rows created."""
    if not rows:
        return []
    values = [
        {"announcement_id": None, "key": r["key"][:255], "platform": r["platform"], "workspace": r["workspace"],
         "target_kind": r["kind"], "target_id": r["target"], "target_name": r["name"][:200], "payload": r["payload"],
         "language": None, "status": OutboxStatus.PENDING, "attempts": 0, "next_attempt_at": now, "updated_at": now,
         "expires_at": r.get("expires"), "priority": r.get("priority", PRIORITY_FIRST)}
        for r in rows
    ]
    insert = postgresql.insert if session.bind.dialect.name == "postgresql" else sqlite.insert
    stmt = insert(OutboxMessage).values(values).on_conflict_do_nothing(index_elements=["key"]).returning(OutboxMessage.id)
    return [row_id for (row_id,) in (await session.execute(stmt)).all()]


async def in_hand(session: AsyncSession, now: datetime) -> bool:
    """Whether an announcement is due to start or being sent: one read, so that the worker's idle pass (every
    second) takes no write lock for ``due_to_start`` and ``sending_without_work``."""
    stmt = select(Announcement.id).where(or_(
        and_(Announcement.status == AnnouncementStatus.QUEUED, Announcement.send_at <= now),
        Announcement.status == AnnouncementStatus.SENDING)).limit(1)
    return (await session.execute(stmt)).first() is not None


OUTBOX_KEPT = timedelta(days=30)  # how long a scheduled message's or a notice's row stays once settled
PRUNE_CHUNK = 5000  # rows deleted per statement (a short write lock each)


async def prune_settled(session: AsyncSession, now: datetime, *, kept: timedelta = OUTBOX_KEPT, limit: int = PRUNE_CHUNK) -> int:
    """Delete up to ``limit`` outbox rows of scheduled messages and notices (no announcement) that were sent,
    failed or cancelled more than ``kept`` ago; their keys stay in the delivery ledger (``deliveries``), which is
    what keeps them from going twice. An announcement's rows stay with it (its status and failures are shown).
    Returns how many were deleted."""
    old = select(OutboxMessage.id).where(
        OutboxMessage.announcement_id.is_(None),
        OutboxMessage.status.in_([OutboxStatus.SENT, OutboxStatus.FAILED, OutboxStatus.CANCELLED]),
        OutboxMessage.updated_at < now - kept,
    ).limit(limit)
    result = await session.execute(delete(OutboxMessage).where(OutboxMessage.id.in_(old)))
    return int(result.rowcount or 0)


async def cancel_scheduled(session: AsyncSession, targets: Sequence[tuple[str, str, str]], now: datetime, *,
                           only: Callable[[str | None], bool] | None = None) -> int:
    """Cancel the scheduler's rows still waiting for each ``(platform, workspace, target id)`` (a channel unset,
    a person who unsubscribed or paused): what they asked to stop must not arrive minutes later from the
    queue. ``only``: given a row's payload, whether to cancel it (all of them when None). Rows being sent are
    left to finish. Returns how many were cancelled."""
    cancelled = 0
    for platform, workspace, target in targets:
        waiting = [OutboxMessage.status == OutboxStatus.PENDING, OutboxMessage.platform == platform,
                   OutboxMessage.priority == PRIORITY_SCHEDULED, OutboxMessage.workspace == workspace,
                   OutboxMessage.target_id == target]
        if only is not None:  # a member's few rows of the day, read to pick those to cancel
            rows = (await session.execute(select(OutboxMessage.id, OutboxMessage.payload).where(*waiting))).all()
            picked = [row_id for row_id, payload in rows if only(payload)]
            if not picked:
                continue
            waiting.append(OutboxMessage.id.in_(picked))
        result = await session.execute(
            update(OutboxMessage).where(*waiting)
            .values(status=OutboxStatus.CANCELLED, updated_at=now, last_error="cancelled: its target asked to stop"))
        cancelled += int(result.rowcount or 0)
    return cancelled


async def due_to_start(session: AsyncSession, now: datetime) -> Sequence[Announcement]:
    stmt = select(Announcement).where(Announcement.status == AnnouncementStatus.QUEUED, Announcement.send_at <= now)
    return (await session.execute(stmt.with_for_update(skip_locked=True))).scalars().all()


PRIORITY_FIRST, PRIORITY_SCHEDULED = 0, 1  # announcements and notices; the scheduler's day prompts after them


def _due(platform: str | None, now: datetime, lease: timedelta, row_ids: Sequence[int] | None) -> list[Any]:
    """Rows to send now: pending and due, or left ``sending`` past their lease (their worker died mid-call)."""
    return [
        OutboxMessage.platform == platform if platform is not None else OutboxMessage.id.in_(row_ids or []),
        or_(
            and_(OutboxMessage.status == OutboxStatus.PENDING, OutboxMessage.next_attempt_at <= now),
            and_(OutboxMessage.status == OutboxStatus.SENDING, OutboxMessage.updated_at <= now - lease),
        ),
    ]


async def has_due(session: AsyncSession, platform: str, now: datetime, lease: timedelta) -> bool:
    """Whether ``claim_due`` would find a row of ``platform``: one indexed read (``ix_outbox_claim``), so that an
    idle pass (every second, and every scheduler tick) takes no write lock."""
    found = await session.execute(select(OutboxMessage.id).where(*_due(platform, now, lease, None)).limit(1))
    return found.first() is not None


async def claim_due(
    session: AsyncSession, platform: str | None, now: datetime, limit: int, lease: timedelta, *,
    row_ids: Sequence[int] | None = None,
) -> list[tuple[OutboxMessage, bool]]:
    """Claim up to ``limit`` rows to send now: (row, in_doubt). The worker claims one row just
    before its call (``limit=1``), so a crash leaves at most one claimed row per lane waiting for its lease.

    A row left in ``sending`` longer than ``lease`` belongs to a worker that died mid-call: its
    outcome is unknown, as is a row whose last try was marked ``in_doubt``; the caller checks before re-sending. The claim (status ``sending``) is
    committed by the caller before any API call. PostgreSQL: SKIP LOCKED lets instances share work.
    With ``platform=None``, only the rows ``row_ids`` (notices just queued) are considered.
    """
    # Two reads, each the first rows of ``ix_outbox_claim`` in its order (one read with both conditions OR-ed
    # sorted every due row at each claim): rows left by a crash first, then the pending, by priority and due time.
    which = OutboxMessage.platform == platform if platform is not None else OutboxMessage.id.in_(row_ids or [])
    stale = (select(OutboxMessage)
             .where(which, OutboxMessage.status == OutboxStatus.SENDING, OutboxMessage.updated_at <= now - lease)
             .order_by(OutboxMessage.priority, OutboxMessage.id).limit(limit).with_for_update(skip_locked=True))
    rows = list((await session.execute(stale)).scalars())
    if len(rows) < limit:
        pending = (select(OutboxMessage)
                   .where(which, OutboxMessage.status == OutboxStatus.PENDING, OutboxMessage.next_attempt_at <= now)
                   .order_by(OutboxMessage.priority, OutboxMessage.next_attempt_at, OutboxMessage.id)
                   .limit(limit - len(rows)).with_for_update(skip_locked=True))
        rows += (await session.execute(pending)).scalars()
    claimed = []
    for row in rows:
        claimed.append((row, row.status == OutboxStatus.SENDING or bool(row.in_doubt)))
        row.status, row.attempts, row.updated_at = OutboxStatus.SENDING, row.attempts + 1, now
    await session.flush()
    return claimed


def _held(row_id: int, attempts: int | None) -> list[object]:
    """The claim is identified by the row and its attempt number (a fencing token): a worker whose
    claim was taken over by another (it expired) can no longer extend, finish or release the row."""
    where: list[object] = [OutboxMessage.id == row_id]
    if attempts is not None:
        where += [OutboxMessage.status == OutboxStatus.SENDING, OutboxMessage.attempts == attempts]
    return where


async def extend_claim(session: AsyncSession, row_id: int, attempts: int, now: datetime) -> bool:
    """Renew a claim while its API call runs (``updated_at`` is what the lease is measured from).
    False when the claim is no longer this worker's."""
    result = await session.execute(update(OutboxMessage).where(*_held(row_id, attempts)).values(updated_at=now))
    return bool(result.rowcount)


async def release(session: AsyncSession, row_id: int, attempts: int, now: datetime, *, tried: bool, lease: timedelta) -> bool:
    """Give a claim back on shutdown. Not tried yet: pending again, as if never claimed. Tried (the call
    was cut off, its outcome unknown): left ``sending`` but expired, so the next worker checks whether it
    arrived before sending again, without waiting out the lease."""
    values: dict[str, object] = (
        {"updated_at": now - lease} if tried
        else {"status": OutboxStatus.PENDING, "attempts": attempts - 1, "next_attempt_at": now, "updated_at": now}
    )
    result = await session.execute(update(OutboxMessage).where(*_held(row_id, attempts)).values(**values))
    return bool(result.rowcount)


async def finish(session: AsyncSession, row_id: int, status: str, now: datetime, *, error: str | None = None,
                 message_id: str | None = None, retry_at: datetime | None = None, attempts: int | None = None,
                 in_doubt: bool = False) -> bool:
    """Record the outcome of a try. With ``attempts`` (the claim's), only while the claim is still held.
    ``in_doubt``: the try failed but may have delivered (the next try checks first)."""
    values: dict[str, object] = {"status": status, "updated_at": now, "last_error": error[:300] if error else None,
                                 "in_doubt": in_doubt}
    if message_id is not None:
        values["message_id"] = message_id
    if retry_at is not None:
        values["next_attempt_at"] = retry_at
    result = await session.execute(update(OutboxMessage).where(*_held(row_id, attempts)).values(**values))
    return bool(result.rowcount)


async def counts(session: AsyncSession, announcement_id: int) -> dict[tuple[str, str], int]:
    stmt = (
        select(OutboxMessage.platform, OutboxMessage.status, func.count())
        .where(OutboxMessage.announcement_id == announcement_id)
        .group_by(OutboxMessage.platform, OutboxMessage.status)
    )
    return {(platform, status): n for platform, status, n in (await session.execute(stmt)).all()}


async def failures(session: AsyncSession, announcement_id: int, limit: int = 5) -> Sequence[OutboxMessage]:
    stmt = (
        select(OutboxMessage)
        .where(OutboxMessage.announcement_id == announcement_id, OutboxMessage.status == OutboxStatus.FAILED)
        .order_by(OutboxMessage.id)
        .limit(limit)
    )
    return (await session.execute(stmt)).scalars().all()


async def cancel_pending(session: AsyncSession, announcement_id: int, now: datetime) -> int:
    result = await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.announcement_id == announcement_id, OutboxMessage.status == OutboxStatus.PENDING)
        .values(status=OutboxStatus.CANCELLED, updated_at=now)
    )
    return int(result.rowcount or 0)


async def sending_without_work(session: AsyncSession) -> Sequence[Announcement]:
    """Announcements being sent whose every row reached an end state, with their author's city (the report to
    the author gives its times in that city's zone)."""
    open_rows = select(OutboxMessage.id).where(
        OutboxMessage.announcement_id == Announcement.id,
        OutboxMessage.status.in_([OutboxStatus.PENDING, OutboxStatus.SENDING]),
    )
    stmt = select(Announcement).where(Announcement.status == AnnouncementStatus.SENDING, ~open_rows.exists())
    author = selectinload(Announcement.author)
    options = author.selectinload(Member.focal_point).selectinload(FocalPoint.city)
    return (await session.execute(stmt.options(options))).scalars().all()
