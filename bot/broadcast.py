"""The broadcast worker: delivers announcement outbox rows, exactly once, within each platform's limits.

Per platform, independently (one platform down never holds the other back), in up to ``concurrency``
lanes: claim ONE due row just before its call (status ``sending`` committed first) → pace with token
buckets → send with the row's delivery key → mark ``sent``, or reschedule (429: Retry-After; 5xx/network:
exponential backoff), or give up after MAX_ATTEMPTS / on a permanent error, recording why.
The claim is renewed while the call runs (slack_sdk and discord.py wait out 429s inside one call) and
the call is cut off when it cannot be renewed: no API call outlives its claim, so another instance
never takes over a row that is still being sent.
A row in doubt (found still ``sending`` after its lease, or whose last try failed in a way that may
have delivered it: 5xx, timeout, cut connection; never a 429) has an unknown outcome: the sender is
asked whether the key already reached the target (Slack: message metadata, paced at Tier 3), else the
same key is re-sent (Discord: deterministic nonce with enforce_nonce).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Iterable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.notify import reply_from_json, reply_to_json
from bot.outbound import DeliveryError, PermanentError, PlatformSender, RateLimited
from bot.ratelimit import DEFAULT_LIMITS, Limits, TokenBucket
from bot.targets import delivery_failed
from bot.wiring import Change, Runtime
from handlers.announcements import announcement_reply, status_reply, target_language
from handlers.i18n import translator
from handlers.languages import recipient_language
from handlers.moments import zone_or_default
from handlers.types import MemberRef
from storage.errors import describe
from storage.models import AnnouncementStatus, OutboxStatus
from storage.queries import announcements as queries

logger = logging.getLogger(__name__)
MAX_ATTEMPTS = 6
# A claim lives 10 s and is renewed every third of that while its call runs (``_hold``): short, so that
# after a crash the rows that were in flight are taken back within seconds, not after a long lease.
LEASE = timedelta(seconds=10)
PRUNE_EVERY_SECONDS = 3600.0


class ClaimLost(Exception):
    """This worker no longer holds the row it was sending."""


@dataclass(frozen=True)
class Claim:
    """One outbox row claimed for one try; ``attempts`` (after the claim) is its fencing token."""

    row_id: int
    key: str
    kind: str  # "channel" | "dm"
    workspace: str
    target: str
    attempts: int
    announcement_id: int | None
    unknown: bool  # in doubt (left ``sending`` by a crash, or a try that may have gone through): it may already have arrived
    payload: str | None = None  # a notice's message (no announcement)
    platform: str = ""
    language: str | None = None  # an announcement's: the version its target reads (None: the main one)
    expires_at: datetime | None = None  # a scheduled message's: not sent after this (the end of its local day)


class BroadcastWorker:
    def __init__(self, runtime: Runtime, *, clock: Callable[[], datetime] | None = None,
                 limits: dict[str, Limits] | None = None, lease: timedelta = LEASE, concurrency: int = 20) -> None:
        self.runtime = runtime
        self._clock = clock
        self.limits = limits or DEFAULT_LIMITS
        self.lease = lease
        self.concurrency = concurrency
        self._global: dict[str, TokenBucket] = {}
        self._per_target: dict[tuple[str, str], TokenBucket] = {}
        self._wake = asyncio.Event()
        self._stopping = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._guard: Callable[[], AbstractAsyncContextManager[object]] | None = None
        self._tried: dict[int, bool] = {}  # row id -> its call may have reached the platform
        self.rate_limited = 0  # 429s received (for the benchmark's report)
        self._pruned_at: float | None = None  # the event loop's time of the last prune

    def clock(self) -> datetime:
        """The given clock, else the runtime's (read at each call: tests set it after building the runtime)."""
        return (self._clock or self.runtime.ctx.clock)()

    # --- one pass, for tests and for the loop ---------------------------------------------------

    async def run_once(self) -> None:
        """One pass: start the announcements due, send every due row of each platform, close what is done, and
        (at most hourly) prune old settled rows. Idle, it only reads."""
        async with self.runtime.db.transaction(write=False) as session:
            announcements = await queries.in_hand(session, self.clock())
        if announcements:
            await self.start_due()
        await asyncio.gather(*(self.drain(platform) for platform in list(self.runtime.notices.senders)))
        if announcements:
            await self.finish_done()
        await self.prune()

    async def prune(self) -> int:
        """Delete the scheduled messages' and notices' rows settled over 30 days ago (``queries.prune_settled``),
        at most once an hour, a chunk at a time; returns how many."""
        loop = asyncio.get_running_loop()
        if self._pruned_at is not None and loop.time() - self._pruned_at < PRUNE_EVERY_SECONDS:
            return 0
        self._pruned_at = loop.time()
        pruned = 0
        while True:
            async with self.runtime.db.transaction() as session:
                deleted = await queries.prune_settled(session, self.clock())
            pruned += deleted
            if deleted < queries.PRUNE_CHUNK:
                break
        if pruned:
            logger.info("outbox: %d settled rows older than %d days deleted", pruned, queries.OUTBOX_KEPT.days)
        return pruned

    async def start_due(self) -> None:
        now = self.clock()
        async with self.runtime.db.transaction() as session:
            default = self.runtime.ctx.default_language
            started = await queries.due_to_start(session, now)
            for announcement in started:
                # Each row keeps the language its target reads now: a re-send is the same version.
                created = await queries.materialise(session, announcement, now, lambda t: target_language(t, default))
                announcement.status = AnnouncementStatus.SENDING
                logger.info("announcement %s: %s deliveries queued", announcement.id, created)
        if started:  # views that show announcements' state (Slack's App Home) are told
            await self.runtime.changed(Change("announcement"))

    async def drain(self, platform: str) -> None:
        """Send every row of ``platform`` that is due now (rows rescheduled to later stay for later).

        Up to ``concurrency`` lanes; each claims ONE row just before its call, so rows are never held
        ahead of time (after a crash only the rows being sent wait for their lease). A lane that finds
        work opens another, so an idle pass costs one claim query per platform.
        """
        sender = self.runtime.notices.senders.get(platform)
        if sender is None:
            return
        async with self.runtime.db.transaction(write=False) as session:
            if not await queries.has_due(session, platform, self.clock(), self.lease):
                return
        replies: dict[tuple[int | None, str | None], object] = {}  # one per announcement and language
        lanes = 0

        async def lane() -> None:
            nonlocal lanes
            try:
                while not self._stopping.is_set():
                    # A Retry-After pause, and the platform's pace, are waited out before claiming, never
                    # while holding a claim: a crash then leaves in doubt only the calls really in flight.
                    per_platform = self._bucket(platform, "")[0]
                    await per_platform.unpaused()
                    await per_platform.acquire()
                    claim = await self._claim_next(platform)
                    if claim is None:
                        return
                    if lanes < self.concurrency:
                        spawn()
                    if claim.payload is not None:
                        reply = reply_from_json(claim.payload)
                    elif (claim.announcement_id, claim.language) in replies:
                        reply = replies[(claim.announcement_id, claim.language)]
                    else:
                        reply = replies[(claim.announcement_id, claim.language)] = await self._reply(
                            claim.announcement_id, claim.language)
                    await self._deliver(platform, sender, claim, reply, prepaid=1.0)
            finally:
                lanes -= 1

        async with asyncio.TaskGroup() as group:
            def spawn() -> None:
                nonlocal lanes
                lanes += 1
                group.create_task(lane())

            spawn()

    async def send_rows(self, row_ids: list[int]) -> None:
        """Send these rows now (notices just queued by bot.notify), each claimed just before its call;
        a row that fails is rescheduled and the worker's loop retries it."""
        for row_id in row_ids:
            claim = await self._claim_next(None, row_ids=[row_id])
            if claim is None:  # another instance took it, or it is not due
                continue
            sender = self.runtime.notices.senders.get(claim.platform)
            if sender is None:
                await self._release(claim, tried=False)  # sent once that platform is connected
                continue
            await self._deliver(claim.platform, sender, claim, reply_from_json(claim.payload or "{}"))

    async def _claim_next(self, platform: str | None, *, row_ids: list[int] | None = None) -> Claim | None:
        async with self.runtime.db.transaction() as session:
            claimed = await queries.claim_due(session, platform, self.clock(), 1, self.lease, row_ids=row_ids)
            # Read what we need now: the row is used after this transaction ends.
            return next((Claim(row.id, row.key, row.target_kind, row.workspace, row.target_id, row.attempts,
                               row.announcement_id, unknown, row.payload, row.platform, row.language, row.expires_at)
                         for row, unknown in claimed), None)

    async def _reply(self, announcement_id: int | None, language: str | None) -> object:
        async with self.runtime.db.transaction(write=False) as session:
            return announcement_reply(await queries.get(session, announcement_id), language)  # type: ignore[arg-type]

    def _bucket(self, platform: str, target: str) -> tuple[TokenBucket, TokenBucket]:
        limits = self.limits.get(platform, DEFAULT_LIMITS["console"])
        if platform not in self._global:
            self._global[platform] = TokenBucket(limits.rate, limits.burst)
        key = (platform, target)
        if key not in self._per_target:
            self._per_target[key] = TokenBucket(limits.per_target_rate, limits.per_target_burst)
        return self._global[platform], self._per_target[key]

    async def _deliver(self, platform: str, sender: PlatformSender, claim: Claim, reply: object, *, prepaid: float = 0.0) -> None:
        """Pace, send and record one claimed row; the claim is renewed for as long as this takes, and
        the API call is cut off if the claim cannot be renewed (it must never outlive its claim).
        ``prepaid``: requests' worth of the platform's pace already taken before the claim."""
        held = self._hold(claim)
        work = asyncio.ensure_future(self._attempt(platform, sender, claim, reply, prepaid))
        holder = asyncio.ensure_future(held)
        try:
            done, _ = await asyncio.wait({work, holder}, return_when=asyncio.FIRST_COMPLETED)
        except asyncio.CancelledError:  # shutdown: stop the call, give the row back
            work.cancel()
            holder.cancel()
            await asyncio.gather(work, holder, return_exceptions=True)
            await self._release(claim, tried=self._tried.pop(claim.row_id, False))
            raise
        if work in done:
            holder.cancel()
            await asyncio.gather(holder, return_exceptions=True)
            work.result()
            return
        # The claim was lost (taken over after it expired, or the database cannot be written): stop the call.
        work.cancel()
        await asyncio.gather(work, return_exceptions=True)
        self._tried.pop(claim.row_id, None)
        logger.warning("delivery %s: claim lost (%s); call cut off, left to whoever holds the row", claim.key, holder.exception())

    async def _hold(self, claim: Claim) -> None:
        """Renew the claim every third of the lease; raise ClaimLost when it is no longer ours, or when it
        could not be renewed before it expires (database unavailable)."""
        loop = asyncio.get_running_loop()
        lease = self.lease.total_seconds()
        expires = loop.time() + lease * 0.8  # a margin for clocks and a slow commit
        while True:
            await asyncio.sleep(min(lease / 3, max(expires - loop.time(), 0.0)))
            if loop.time() >= expires:
                raise ClaimLost("could not renew the claim in time")
            try:
                async with self.runtime.db.transaction() as session:
                    renewed = await queries.extend_claim(session, claim.row_id, claim.attempts, self.clock())
            except Exception as error:  # noqa: BLE001 - retried until the claim would expire
                logger.warning("delivery %s: claim not renewed (%s)", claim.key, describe(error))
                continue
            if not renewed:
                raise ClaimLost("taken over by another worker")
            expires = loop.time() + lease * 0.8

    async def _attempt(self, platform: str, sender: PlatformSender, claim: Claim, reply: object, prepaid: float = 0.0) -> None:
        kind, workspace, target, attempts = claim.kind, claim.workspace, claim.target, claim.attempts
        if claim.expires_at is not None and self.clock() >= claim.expires_at:
            # "Today: Human Rights Day" a day late is worse than nothing (the bot was down, or the platform
            # refused all day): dropped without a call, and recorded why.
            await self._finish(claim, OutboxStatus.FAILED, error="expired: its day ended before it could be sent")
            return
        # After a crash, or a failed try whose request may still have gone through (timeout, reset),
        # ask the platform whether the key already arrived before sending again. Only then: a row retried
        # after a 429 was refused, and the check is costly (Slack conversations.history is Tier 3).
        if claim.unknown:
            check = getattr(sender, "was_delivered", None)
            self._tried[claim.row_id] = True
            delivered = await check(kind, workspace, target, claim.key) if check else None
            if delivered:
                await self._finish(claim, OutboxStatus.SENT)
                return
        logger.debug("deliver %s attempts=%s unknown=%s", claim.key, attempts, claim.unknown)
        per_platform, per_target = self._bucket(platform, target)
        member = MemberRef(platform, workspace, target, target)
        cost = 1.0
        if kind == "dm":
            requests_for_dm = getattr(sender, "requests_for_dm", None)
            cost = float(await requests_for_dm(member)) if requests_for_dm else self.limits.get(platform, DEFAULT_LIMITS["console"]).dm_cost
        await per_target.acquire()
        if cost > prepaid:
            await per_platform.acquire(cost - prepaid)
        self._tried[claim.row_id] = True
        try:
            if kind == "dm":
                message_id = await sender.send_to_member(member, reply, delivery_key=claim.key)  # type: ignore[arg-type]
            else:
                message_id = await sender.send_to_channel(workspace, target, reply, delivery_key=claim.key)  # type: ignore[arg-type]
        except RateLimited as error:
            self.rate_limited += 1
            wait = error.retry_after or 1.0
            per_platform.pause(wait)
            await self._finish(claim, OutboxStatus.PENDING, error=error.reason, retry_in=wait)
        except PermanentError as error:
            await self._finish(claim, OutboxStatus.FAILED, error=error.reason)
            await delivery_failed(self.runtime, platform, kind, target, error)
        except Exception as error:  # noqa: BLE001 - transient: back off and retry, up to MAX_ATTEMPTS
            reason = error.reason if isinstance(error, DeliveryError) else f"{type(error).__name__}: {error}"
            if attempts >= MAX_ATTEMPTS:
                await self._finish(claim, OutboxStatus.FAILED, error=f"gave up after {attempts} tries: {reason}")
            else:
                await self._finish(claim, OutboxStatus.PENDING, error=reason, retry_in=min(2.0 ** attempts, 300.0), in_doubt=True)
        else:
            await self._finish(claim, OutboxStatus.SENT, message_id=message_id)

    async def _finish(self, claim: Claim, status: str, *, error: str | None = None, retry_in: float | None = None,
                      message_id: str | None = None, in_doubt: bool = False) -> None:
        self._tried.pop(claim.row_id, None)
        now = self.clock()
        retry_at = now + timedelta(seconds=retry_in) if retry_in is not None else None
        async with self.runtime.db.transaction() as session:
            recorded = await queries.finish(session, claim.row_id, status, now, error=error, message_id=message_id,
                                            retry_at=retry_at, attempts=claim.attempts, in_doubt=in_doubt)
        if not recorded:
            logger.warning("delivery %s: outcome %s not recorded, the claim had been taken over", claim.key, status)
        if retry_at is not None:
            self._wake.set()

    async def _release(self, claim: Claim, *, tried: bool) -> None:
        try:
            async with self.runtime.db.transaction() as session:
                await queries.release(session, claim.row_id, claim.attempts, self.clock(), tried=tried, lease=self.lease)
        except Exception as error:  # noqa: BLE001 - the lease takes it back anyway
            logger.warning("delivery %s: claim not released (%s); it expires with its lease", claim.key, describe(error))

    async def finish_done(self) -> None:
        """Close announcements with nothing left to send, and report to their author once."""
        async with self.runtime.db.transaction() as session:
            done = await queries.sending_without_work(session)
            reports = []
            for announcement in done:
                announcement.status, announcement.finished_at = AnnouncementStatus.DONE, self.clock()
                author = announcement.author
                if author is not None:  # queued with the status change: one report, sent like any notice
                    city = author.focal_point.city if author.focal_point is not None else None
                    _ = translator(recipient_language(self.runtime.ctx, author))
                    zone = zone_or_default(city.timezone if city is not None else None, self.runtime.ctx)
                    report = await status_reply(session, announcement, _, zone)
                    reports.append({"key": f"announce-report:{announcement.id}", "platform": author.platform,
                                    "workspace": author.workspace, "kind": "dm", "target": author.user_id,
                                    "name": author.display_name, "payload": reply_to_json(report)})
            queued = await queries.enqueue(session, reports, self.clock())
        await self.send_rows(queued)
        if done:
            await self.runtime.changed(Change("announcement"))

    # --- production loop --------------------------------------------------------------------------

    async def run(self) -> None:
        while not self._stopping.is_set():
            try:
                async with self._guard() if self._guard is not None else contextlib.nullcontext():
                    await self.run_once()
            except Exception:
                logger.exception("broadcast pass failed")
            self._wake.clear()
            try:
                await asyncio.wait_for(self._wake.wait(), timeout=1.0)
            except TimeoutError:
                pass

    def start(self, *, guard: Callable[[], AbstractAsyncContextManager[object]] | None = None) -> BroadcastWorker:
        """Run passes in the background (at once, then whenever woken and at least every second).
        ``guard``: a context each pass runs in (the console's: never in the middle of a command's answer)."""
        self._guard = guard
        self._task = asyncio.get_running_loop().create_task(self.run(), name="broadcasts")
        return self

    def wake(self) -> None:
        """Run the next background pass now rather than within the second."""
        self._wake.set()

    async def send_queued(self, platforms: Iterable[str]) -> None:
        """Rows were just queued for ``platforms`` (the scheduler's day): wake the background loop when it runs
        (the caller goes on at once); else (a test, a one-off pass) send them now, each platform in its lanes."""
        if self._task is not None and not self._task.done():
            self.wake()
            return
        await asyncio.gather(*(self.drain(platform) for platform in sorted(set(platforms))))

    async def stop(self, grace: float = 5.0) -> None:
        """Claim nothing more; let the calls in flight finish for up to ``grace`` seconds, then cut them
        off and give their rows back (``queries.release``) so another instance takes them at once."""
        self._stopping.set()
        self._wake.set()
        if self._task is None:
            return
        done, _ = await asyncio.wait({self._task}, timeout=grace)
        if not done:
            self._task.cancel()
            await asyncio.wait({self._task}, timeout=2.0)
        self._task = None


def start_broadcasts(runtime: Runtime) -> BroadcastWorker:
    worker: BroadcastWorker = runtime.outbox or BroadcastWorker(runtime)
    return worker.start()
