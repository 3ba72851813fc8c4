"""The broadcast worker: delivers announcement outbox rows, exactly once, within each platform's limits.

Per platform, independently (one platform down never holds the other back):
claim due rows (status ``sending`` committed before any API call) → pace with token buckets →
send with the row's delivery key → mark ``sent``, or reschedule (429: Retry-After; 5xx/network:
exponential backoff), or give up after MAX_ATTEMPTS / on a permanent error, recording why.
A row found still ``sending`` after a restart has an unknown outcome: the sender is asked whether
the key already reached the target (Slack: message metadata), else the same key is re-sent
(Discord: deterministic nonce with enforce_nonce).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from bot.outbound import DeliveryError, PermanentError, PlatformSender, RateLimited
from bot.ratelimit import DEFAULT_LIMITS, Limits, TokenBucket
from bot.wiring import Runtime
from handlers.announcements import announcement_reply, status_reply
from handlers.i18n import translator
from handlers.types import MemberRef
from storage.models import AnnouncementStatus, OutboxStatus
from storage.queries import announcements as queries
from storage.queries import deliveries

logger = logging.getLogger(__name__)
MAX_ATTEMPTS = 6
BATCH = 50
LEASE = timedelta(seconds=60)


class BroadcastWorker:
    def __init__(self, runtime: Runtime, *, clock: Callable[[], datetime] | None = None,
                 limits: dict[str, Limits] | None = None, lease: timedelta = LEASE, concurrency: int = 20) -> None:
        self.runtime = runtime
        self.clock = clock or runtime.ctx.clock
        self.limits = limits or DEFAULT_LIMITS
        self.lease = lease
        self.concurrency = concurrency
        self._global: dict[str, TokenBucket] = {}
        self._per_target: dict[tuple[str, str], TokenBucket] = {}
        self._wake = asyncio.Event()
        self.rate_limited = 0  # 429s received (for the benchmark's report)

    # --- one pass, for tests and for the loop ---------------------------------------------------

    async def run_once(self) -> None:
        await self.start_due()
        await asyncio.gather(*(self.drain(platform) for platform in list(self.runtime.notices.senders)))
        await self.finish_done()

    async def start_due(self) -> None:
        now = self.clock()
        async with self.runtime.db.transaction() as session:
            for announcement in await queries.due_to_start(session, now):
                created = await queries.materialise(session, announcement, now)
                announcement.status = AnnouncementStatus.SENDING
                logger.info("announcement %s: %s deliveries queued", announcement.id, created)

    async def drain(self, platform: str) -> None:
        """Send every row of ``platform`` that is due now (rows rescheduled to later stay for later)."""
        sender = self.runtime.notices.senders.get(platform)
        if sender is None:
            return
        while True:
            async with self.runtime.db.transaction() as session:
                claimed = await queries.claim_due(session, platform, self.clock(), BATCH, self.lease)
                # Read what we need now: the rows are used after this transaction ends.
                work = [(row.id, row.key, row.target_kind, row.workspace, row.target_id, row.attempts, row.announcement_id, unknown)
                        for row, unknown in claimed]
            if not work:
                return
            await self._deliver_batch(platform, sender, work)

    async def _deliver_batch(self, platform: str, sender: PlatformSender, work: list[tuple]) -> None:
        replies = await self._replies({item[6] for item in work})
        limiter = asyncio.Semaphore(self.concurrency)

        async def one(item: tuple) -> None:
            async with limiter:
                await self._deliver(platform, sender, item, replies[item[6]])

        await asyncio.gather(*(one(item) for item in work))

    async def _replies(self, ids: set[int]) -> dict[int, object]:
        async with self.runtime.db.transaction(write=False) as session:
            return {i: announcement_reply(await queries.get(session, i)) for i in ids}  # type: ignore[arg-type]

    def _bucket(self, platform: str, target: str) -> tuple[TokenBucket, TokenBucket]:
        limits = self.limits.get(platform, DEFAULT_LIMITS["console"])
        if platform not in self._global:
            self._global[platform] = TokenBucket(limits.rate, limits.burst)
        key = (platform, target)
        if key not in self._per_target:
            self._per_target[key] = TokenBucket(limits.per_target_rate, limits.per_target_burst)
        return self._global[platform], self._per_target[key]

    async def _deliver(self, platform: str, sender: PlatformSender, item: tuple, reply: object) -> None:
        row_id, key, kind, workspace, target, attempts, _announcement, unknown = item
        # After a crash, or a failed try whose request may still have gone through (timeout, reset),
        # ask the platform whether the key already arrived before sending again.
        if unknown or attempts > 1:
            check = getattr(sender, "was_delivered", None)
            delivered = await check(kind, workspace, target, key) if check else None
            if delivered:
                await self._finish(row_id, OutboxStatus.SENT)
                return
        logger.debug("deliver %s attempts=%s unknown=%s", key, attempts, unknown)
        per_platform, per_target = self._bucket(platform, target)
        await per_target.acquire()
        await per_platform.acquire(self.limits.get(platform, DEFAULT_LIMITS["console"]).dm_cost if kind == "dm" else 1.0)
        try:
            if kind == "dm":
                message_id = await sender.send_to_member(MemberRef(platform, workspace, target, target), reply, delivery_key=key)  # type: ignore[arg-type]
            else:
                message_id = await sender.send_to_channel(workspace, target, reply, delivery_key=key)  # type: ignore[arg-type]
        except RateLimited as error:
            self.rate_limited += 1
            wait = error.retry_after or 1.0
            per_platform.pause(wait)
            await self._finish(row_id, OutboxStatus.PENDING, error=error.reason, retry_in=wait)
        except PermanentError as error:
            await self._finish(row_id, OutboxStatus.FAILED, error=error.reason)
        except Exception as error:  # noqa: BLE001 - transient: back off and retry, up to MAX_ATTEMPTS
            reason = error.reason if isinstance(error, DeliveryError) else f"{type(error).__name__}: {error}"
            if attempts >= MAX_ATTEMPTS:
                await self._finish(row_id, OutboxStatus.FAILED, error=f"gave up after {attempts} tries: {reason}")
            else:
                await self._finish(row_id, OutboxStatus.PENDING, error=reason, retry_in=min(2.0 ** attempts, 300.0))
        else:
            await self._finish(row_id, OutboxStatus.SENT, message_id=message_id)

    async def _finish(self, row_id: int, status: str, *, error: str | None = None, retry_in: float | None = None,
                      message_id: str | None = None) -> None:
        now = self.clock()
        retry_at = now + timedelta(seconds=retry_in) if retry_in is not None else None
        async with self.runtime.db.transaction() as session:
            await queries.finish(session, row_id, status, now, error=error, message_id=message_id, retry_at=retry_at)
        if retry_at is not None:
            self._wake.set()

    async def finish_done(self) -> None:
        """Close announcements with nothing left to send, and report to their author once."""
        _ = translator("en")
        async with self.runtime.db.transaction() as session:
            done = await queries.sending_without_work(session)
            reports = []
            for announcement in done:
                announcement.status, announcement.finished_at = AnnouncementStatus.DONE, self.clock()
                if announcement.author is not None and await deliveries.claim(
                    session, f"announce-report:{announcement.id}", "report", self.clock()
                ):
                    author = announcement.author
                    reports.append((MemberRef(author.platform, author.workspace, author.user_id, author.display_name),
                                    await status_reply(session, announcement, _)))
        for member, report in reports:
            sender = self.runtime.notices.senders.get(member.platform)
            if sender is None:
                logger.warning("broadcast report for %s: %s is not connected", member.user_id, member.platform)
                continue
            try:
                await sender.send_to_member(member, report)
            except Exception:  # noqa: BLE001 - the report is informative; the broadcast itself is done
                logger.exception("broadcast report could not be delivered")

    # --- production loop --------------------------------------------------------------------------

    async def run(self) -> None:
        while True:
            try:
                await self.run_once()
            except Exception:
                logger.exception("broadcast pass failed")
            self._wake.clear()
            try:
                await asyncio.wait_for(self._wake.wait(), timeout=1.0)
            except TimeoutError:
                pass


def start_broadcasts(runtime: Runtime) -> asyncio.Task[None]:
    return asyncio.get_running_loop().create_task(BroadcastWorker(runtime).run(), name="broadcasts")
