"""The scheduler: every minute (and once at start), send what `handlers.prompts.due_now` says is due.

APScheduler only provides the tick; what is due and what was sent live in the database, so a
restart picks up exactly where the last run stopped (see PLATFORM_FACTS.md, APScheduler: its job
store must not be shared between processes, and it has no exactly-once of its own).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger

from bot.outbound import DeliveryError, PermanentError
from bot.targets import delivery_failed
from bot.wiring import Runtime
from handlers.prompts import MAX_ATTEMPTS, Due, due_now
from storage.models import DeliveryStatus
from storage.queries import deliveries

logger = logging.getLogger(__name__)
TICK_SECONDS = 60


class PromptScheduler:
    def __init__(self, runtime: Runtime, *, clock: Callable[[], datetime] | None = None) -> None:
        self.runtime = runtime
        self.clock = clock or runtime.ctx.clock
        self._scheduler: AsyncIOScheduler | None = None

    async def tick(self) -> list[str]:
        """Send everything due now that was not sent before; returns the keys sent."""
        now = self.clock()
        platforms = set(self.runtime.notices.senders)
        if not platforms:
            return []
        async with self.runtime.db.transaction(write=False) as session:
            due = await due_now(self.runtime.ctx, session, now, platforms)
            # What went out at an earlier tick today is left out by reading, not by a claim (a write) each.
            done = await deliveries.settled(session, [item.key for item in due], MAX_ATTEMPTS)
        due = [item for item in due if item.key not in done]
        sent = []
        for item in due:
            if await self._send_once(item, now):
                sent.append(item.key)
        return sent

    async def _send_once(self, item: Due, now: datetime) -> bool:
        # Record the key before sending: a crash after this point can lose one message, never duplicate it.
        async with self.runtime.db.transaction() as session:
            if not await deliveries.claim_or_retry(session, item.key, item.kind, now, MAX_ATTEMPTS):
                return False
        sender = self.runtime.notices.senders[item.platform]
        status, error, unreachable = DeliveryStatus.SENT, None, None
        try:
            if item.member is not None:  # personal prompts, digests and reminders
                await sender.send_to_member(item.member, item.reply, delivery_key=item.key)
            elif item.target:  # a channel's prompt or digest
                await sender.send_to_channel(item.workspace, item.target, item.reply, delivery_key=item.key)
            else:
                await sender.send_to_secretariat(item.reply)
        except PermanentError as failure:
            status, error, unreachable = DeliveryStatus.GAVE_UP, failure.reason, failure
        except DeliveryError as failure:
            status, error = DeliveryStatus.FAILED, failure.reason
        except Exception as failure:  # noqa: BLE001 - one bad target must not stop the others
            status, error = DeliveryStatus.FAILED, f"{type(failure).__name__}: {failure}"[:300]
        if error:
            logger.warning("delivery %s failed: %s", item.key, error)
        async with self.runtime.db.transaction() as session:
            await deliveries.mark(session, item.key, status, datetime.now(UTC) if self.clock is None else self.clock(), error)
        if unreachable is not None:
            await delivery_failed(self.runtime, item.platform, item.kind, item.target, unreachable)
        return status == DeliveryStatus.SENT

    async def _safe_tick(self) -> None:
        try:
            await self.tick()
        except Exception:
            logger.exception("scheduler tick failed")

    def start(self) -> None:
        """Tick now (catch-up after a restart) and then every minute."""
        self._scheduler = AsyncIOScheduler(timezone=UTC)
        self._scheduler.add_job(
            self._safe_tick, IntervalTrigger(seconds=TICK_SECONDS), id="prompts", next_run_time=datetime.now(UTC),
            max_instances=1, coalesce=True, misfire_grace_time=TICK_SECONDS,
        )
        self._scheduler.start()

    def stop(self) -> None:
        if self._scheduler is not None:
            self._scheduler.shutdown(wait=False)
            self._scheduler = None
