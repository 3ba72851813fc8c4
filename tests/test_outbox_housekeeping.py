"""The outbox's housekeeping: an idle pass only reads; settled rows of scheduled messages and notices go after
30 days (their keys stay in the delivery ledger); an announcement's rows stay with it."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import event, select, update

from bot.broadcast import BroadcastWorker
from storage.models import Announcement, AnnouncementStatus, OutboxMessage, OutboxStatus
from storage.queries import announcements as queries
from storage.session import Database
from tests.conftest import FakeClock
from tests.fakes.recording_sender import RecordingSender
from tests.test_scheduler import runtime_on


def _row(key: str) -> dict[str, str]:
    return {"key": key, "platform": "slack", "workspace": "W1", "kind": "dm", "target": "U1", "name": "ana", "payload": "{}"}


async def test_old_settled_rows_are_pruned_and_the_rest_kept(db: Database, clock: FakeClock) -> None:
    runtime = runtime_on(db, clock)
    runtime.notices.register(RecordingSender("slack"))
    now = clock.now
    async with db.transaction() as session:
        announcement = await queries.add(session, Announcement(title="t", text="x", status=AnnouncementStatus.DONE, created_at=now))
        await queries.enqueue(session, [_row(k) for k in ("old-sent", "old-failed", "old-cancelled", "recent-sent", "old-pending")], now)
        session.add(OutboxMessage(announcement_id=announcement.id, key="announcement-old", platform="slack", workspace="W1",
                                  target_kind="channel", target_id="C1", status=OutboxStatus.SENT, next_attempt_at=now,
                                  updated_at=now - timedelta(days=40)))
        ages = {"old-sent": (OutboxStatus.SENT, 40), "old-failed": (OutboxStatus.FAILED, 31), "old-cancelled": (OutboxStatus.CANCELLED, 90),
                "recent-sent": (OutboxStatus.SENT, 29), "old-pending": (OutboxStatus.PENDING, 40)}
        for key, (status, days) in ages.items():
            # next_attempt_at ahead: the pending row is not sent by this pass, only looked at by the pruning
            await session.execute(update(OutboxMessage).where(OutboxMessage.key == key).values(
                status=status, updated_at=now - timedelta(days=days), next_attempt_at=now + timedelta(days=1)))
    worker = BroadcastWorker(runtime)
    await worker.run_once()
    async with db.transaction(write=False) as session:
        left = set((await session.execute(select(OutboxMessage.key))).scalars())
    assert left == {"recent-sent", "old-pending", "announcement-old"}
    # Hourly, not every pass: a row that grew old meanwhile waits for the next prune.
    async with db.transaction() as session:
        await session.execute(update(OutboxMessage).where(OutboxMessage.key == "recent-sent").values(updated_at=now - timedelta(days=45)))
    assert await worker.prune() == 0
    worker._pruned_at = None  # an hour later
    assert await worker.prune() == 1


async def test_an_idle_pass_takes_no_write_lock(db: Database, clock: FakeClock) -> None:
    """Every second the worker looks for work: with none, it reads (it took two write transactions, which on
    SQLite queue with every command that writes)."""
    runtime = runtime_on(db, clock)
    runtime.notices.register(RecordingSender("slack"))
    worker = BroadcastWorker(runtime)
    await worker.run_once()  # the first pass prunes (once an hour): a write
    writes: list[str] = []

    def count(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        if statement.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE", "BEGIN IMMEDIATE", "SELECT ... FOR UPDATE")) \
                or "FOR UPDATE" in statement.upper():
            writes.append(statement)

    event.listen(db.engine.sync_engine, "before_cursor_execute", count)
    try:
        for _ in range(3):
            await worker.run_once()
    finally:
        event.remove(db.engine.sync_engine, "before_cursor_execute", count)
    assert writes == []


async def test_a_notice_goes_before_a_big_days_prompts(db: Database, clock: FakeClock) -> None:
    """Human Rights Day queues thousands of prompts (Slack sends 500 a minute); a notice or an announcement queued
    after them is claimed first, not ~50 minutes later; rows of the same priority go in the order they were due."""
    runtime = runtime_on(db, clock)
    now = clock.now
    async with db.transaction() as session:
        await queries.enqueue(session, [{**_row(f"prompt-{n}"), "priority": queries.PRIORITY_SCHEDULED} for n in range(50)], now)
        await queries.enqueue(session, [_row("notice-late")], now + timedelta(seconds=1))
    clock.advance(seconds=2)
    order = []
    for _ in range(3):
        async with db.transaction() as session:
            ((row, _unknown),) = await queries.claim_due(session, "slack", clock.now, 1, timedelta(seconds=10))
            order.append(row.key)
    assert order == ["notice-late", "prompt-0", "prompt-1"]
    # A row left ``sending`` by a crash (past its lease) comes before everything pending.
    clock.advance(seconds=11)
    async with db.transaction() as session:
        ((row, unknown),) = await queries.claim_due(session, "slack", clock.now, 1, timedelta(seconds=10))
    assert row.key == "notice-late" and unknown
    del runtime
