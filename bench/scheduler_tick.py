"""The scheduler's minute, at the campaign's 2030 size: 5,000 days channels (one per city, in five time
zones) and 20,000 members subscribed to human rights on Human Rights Day, once everything due went out.
From the prompt hour to midnight the scheduler runs every minute over every target; a tick after the posts
went out should cost reads only.

    .venv/bin/python -m bench.scheduler_tick [--channels 5000] [--members 20000] [--ticks 5]

Prints the first tick (every post queued in the outbox, 500 to a transaction), then the outbox sending them
to a recording sender with the platforms' limits lifted (what the bot's own work costs a message; under
Slack's real pace of 500 posts a minute, 24,000 take 48 minutes whatever the bot does), then the later
ticks' time (p50 / max) and how many write statements they made. SQLite in a temporary file.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import event, insert

from bot.broadcast import BroadcastWorker
from bot.ratelimit import Limits
from bot.scheduler import PromptScheduler
from bot.settings import Settings
from bot.wiring import build_runtime
from storage.migrate import upgrade
from storage.models import Channel, Member, Subscription
from storage.session import Database
from tests.fakes.recording_sender import RecordingSender

ZONES = ("Europe/Madrid", "America/Bogota", "Africa/Nairobi", "Asia/Seoul", "Europe/Paris")


async def main(channels: int, members: int, ticks: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        db = Database(f"sqlite:///{Path(folder) / 'tick.db'}")
        await upgrade(db)
        now = datetime(2026, 12, 10, 15, 0, tzinfo=UTC)  # past 09:00 local in every zone above
        async with db.engine.begin() as conn:
            await conn.execute(insert(Channel), [
                {"platform": "slack", "workspace": "W1", "channel_id": f"C{n:06d}", "name": f"c{n}", "purpose": "days",
                 "timezone": ZONES[n % len(ZONES)], "created_at": now, "digest": "off", "themes": ""}
                for n in range(channels)])
            await conn.execute(insert(Member), [
                {"id": n + 1, "platform": "slack", "workspace": "W1", "user_id": f"U{n:06d}", "display_name": f"m{n}",
                 "created_at": now} for n in range(members)])
            await conn.execute(insert(Subscription), [
                {"member_id": n + 1, "theme": "human-rights", "created_at": now} for n in range(members)])
        runtime = build_runtime(Settings(lead_days=0), database=db)
        runtime.ctx.clock = lambda: now
        sender = RecordingSender("slack")
        runtime.notices.register(sender)
        unpaced = Limits(rate=1e6, burst=1e6, per_target_rate=1e6, per_target_burst=1e6)
        worker = runtime.outbox = BroadcastWorker(runtime, limits={"slack": unpaced})
        scheduler = PromptScheduler(runtime)
        sending = worker.send_queued

        async def later(_platforms: object) -> None:  # the first tick only queues: its sending is timed apart
            return None

        worker.send_queued = later  # type: ignore[method-assign]
        started = time.perf_counter()
        sent = await scheduler.tick()
        print(f"{channels} channels, {members} subscribers: first tick queued {len(sent)} posts in {time.perf_counter() - started:.2f} s")
        worker.send_queued = sending  # type: ignore[method-assign]
        started = time.perf_counter()
        await worker.send_queued({"slack"})
        took = time.perf_counter() - started
        print(f"the outbox sent {len(sender.posts)} of them in {took:.1f} s ({len(sender.posts) / took:.0f} a second, "
              f"{worker.concurrency} lanes, limits lifted)")
        writes = 0

        def count(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
            nonlocal writes
            writes += statement.lstrip().upper().startswith(("INSERT", "UPDATE", "BEGIN IMMEDIATE"))

        event.listen(db.engine.sync_engine, "before_cursor_execute", count)
        times = []
        for _ in range(ticks):
            started = time.perf_counter()
            assert await scheduler.tick() == []
            times.append(time.perf_counter() - started)
        print(f"later ticks (nothing left to send): p50 {statistics.median(times) * 1000:.0f} ms, "
              f"max {max(times) * 1000:.0f} ms, {writes / ticks:.0f} write statements a tick")
        await db.dispose()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--channels", type=int, default=5000)
    parser.add_argument("--members", type=int, default=20000)
    parser.add_argument("--ticks", type=int, default=5)
    args = parser.parse_args()
    asyncio.run(main(args.channels, args.members, args.ticks))
