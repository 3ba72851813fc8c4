"""The scheduler: every minute (and once at start), hand what `handlers.prompts.due_now` says is due to
the outbox, which delivers it.

APScheduler only provides the tick; what is due and what was queued live in the database, so a
restart picks up exactly where the last run stopped (see PLATFORM_FACTS.md, APScheduler: its job
store must not be shared between processes, and it has no exactly-once of its own).

Each due message is recorded in the delivery ledger (``queued``) and queued as an outbox row with the
same key, in one transaction, 500 at a time: a crash leaves either both or neither. The broadcast
worker (``bot.broadcast``) then sends the rows as it sends announcements and notices: within each
platform's limits, one platform never holding the other back, retried after a 429, a 5xx or a cut
connection, and, after a crash mid-call, checked with the platform before any second try. So a day's
prompts reach each channel and subscriber exactly once; one still unsent when its local day ends (the bot
was down, the platform refused all day) is dropped, never sent a day late. A big day (Human Rights Day: thousands of
channels and subscribers) is queued in seconds, not sent one by one inside the tick.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger

from bot.notify import reply_to_json
from bot.wiring import Runtime
from handlers.prompts import MAX_ATTEMPTS, Due, due_now
from storage.queries import announcements as outbox
from storage.queries import deliveries

logger = logging.getLogger(__name__)
TICK_SECONDS = 60
HAND_OVER_CHUNK = deliveries.SETTLED_CHUNK  # due messages queued per transaction


class PromptScheduler:
    def __init__(self, runtime: Runtime, *, clock: Callable[[], datetime] | None = None) -> None:
        self.runtime = runtime
        self.clock = clock or runtime.ctx.clock
        self._scheduler: AsyncIOScheduler | None = None

    async def tick(self) -> list[str]:
        """Queue everything due now that was not queued (or sent) before, and have the outbox send what is
        due (``BroadcastWorker.send_queued``); returns the keys queued by this tick."""
        now = self.clock()
        platforms = set(self.runtime.notices.senders)
        if not platforms:
            return []
        async with self.runtime.db.transaction(write=False) as session:
            due = await due_now(self.runtime.ctx, session, now, platforms)
            # What went out at an earlier tick today is left out by reading, not by a claim (a write) each.
            done = await deliveries.settled(session, [item.key for item in due], MAX_ATTEMPTS)
        due = [item for item in due if item.key not in done]
        queued: list[str] = []
        for start in range(0, len(due), HAND_OVER_CHUNK):
            chunk = due[start:start + HAND_OVER_CHUNK]
            async with self.runtime.db.transaction() as session:
                taken = await deliveries.hand_over(session, [(item.key, item.kind) for item in chunk], now, MAX_ATTEMPTS)
                rows = [row for item in chunk if item.key in taken and (row := self._outbox_row(item)) is not None]
                await outbox.enqueue(session, rows, now)
            queued += [item.key for item in chunk if item.key in taken]
        if queued:
            logger.info("scheduler: %d messages queued", len(queued))
        # Also when nothing is new: a row whose try failed is due again (the worker's loop, when it runs, sees it too).
        await self._worker().send_queued(platforms)
        return queued

    def _outbox_row(self, item: Due) -> dict[str, object] | None:
        """The outbox row (``storage.queries.announcements.enqueue``) that delivers ``item``; None for a
        secretariat message on a platform with no secretariat channel (nowhere to send it)."""
        payload = reply_to_json(item.reply)
        if item.member is not None:  # personal prompts, digests and reminders
            member = item.member
            return {"key": item.key, "platform": item.platform, "workspace": member.workspace, "kind": "dm",
                    "target": member.user_id, "name": member.display_name, "payload": payload, "expires": item.expires,
                    "priority": outbox.PRIORITY_SCHEDULED}
        if item.target:  # a channel's prompt or digest
            return {"key": item.key, "platform": item.platform, "workspace": item.workspace, "kind": "channel",
                    "target": item.target, "name": "", "payload": payload, "expires": item.expires,
                    "priority": outbox.PRIORITY_SCHEDULED}
        channel = getattr(self.runtime.notices.senders.get(item.platform), "secretariat_channel", "")
        if not channel:
            return None
        return {"key": item.key, "platform": item.platform, "workspace": "", "kind": "channel", "target": channel,
                "name": "secretariat", "payload": payload, "expires": item.expires,
                "priority": outbox.PRIORITY_SCHEDULED}

    def _worker(self):  # type: ignore[no-untyped-def]
        from bot.broadcast import BroadcastWorker

        if self.runtime.outbox is None:
            self.runtime.outbox = BroadcastWorker(self.runtime)
        return self.runtime.outbox

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
