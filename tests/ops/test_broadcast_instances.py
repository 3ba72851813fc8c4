"""Broadcasts across instances and restarts (issue 18, items 10 and 11).

Two bot processes on one PostgreSQL database send one announcement while Slack answers 429 for longer
than the claim's lease: slack_sdk waits out each Retry-After inside one call, so without renewing the
claim the other instance takes the row over and the channel gets two copies. Every channel gets one.
"""

from __future__ import annotations

import asyncio
import sys
from collections import Counter
from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, select

from bot.broadcast import BroadcastWorker
from bot.settings import Settings
from bot.wiring import build_runtime
from handlers.types import Place
from storage.models import OutboxMessage, OutboxStatus
from storage.queries import announcements as queries
from storage.session import Database
from tests.conftest import FakeClock, make_database, person
from tests.fakes.recording_sender import RecordingSender
from tests.fakes.slack_api import FakeSlack

ROOT = Path(__file__).resolve().parents[2]
CHANNELS = 6


async def test_two_instances_in_a_429_storm_longer_than_the_lease_send_one_copy_each(tmp_path: Path) -> None:
    db, cleanup = await make_database("postgresql", tmp_path)
    fake = await FakeSlack().start()
    try:
        runtime = build_runtime(Settings(secretariat=frozenset({"slack:sec"})), database=db)
        actor, _ = person("sec", platform="slack")
        for n in range(CHANNELS):
            assert not (await runtime.answer_text(actor, Place("slack", "W1", f"C{n}"), "/hrc channel set announcements")).is_error
        await runtime.answer_text(actor, Place("slack", "W1", "C0"), "/hrc announce title: Storm text: one copy each")
        assert "on its way" in (await runtime.answer_text(actor, Place("slack", "W1", "C0"), "/hrc announce confirm 1")).text
        # 429 with Retry-After 1 s for 4 s from the first post; slack_sdk retries each call up to 5 times: a call lasts
        # longer than the 2 s lease (the run: Retry-After 15 for 70 s, a 60 s lease).
        fake.storm("chat.postMessage", seconds=4, retry_after=1)
        schema = db._options["connect_args"]["server_settings"]["search_path"]  # type: ignore[index]
        instances = [
            await asyncio.create_subprocess_exec(
                sys.executable, "-m", "tests.ops.broadcast_instance", schema, fake.url, "2", cwd=ROOT)
            for _ in range(2)
        ]
        assert [await p.wait() for p in instances] == [0, 0]
        copies = Counter(str(c.params["channel"]) for c in fake.calls if c.method == "chat.postMessage")
        assert copies == {f"C{n}": 1 for n in range(CHANNELS)} | {"sec": 1}  # and one report to the author (a DM: posted to the user id)
        assert any(c.method == "chat.postMessage:429" for c in fake.calls)  # the storm did happen
        async with db.transaction(write=False) as session:
            assert (await queries.counts(session, 1)) == {("slack", OutboxStatus.SENT): CHANNELS}
    finally:
        await fake.stop()
        await cleanup()  # type: ignore[operator]


async def sending(db: Database) -> int:
    async with db.transaction(write=False) as session:
        return (await session.execute(select(func.count()).select_from(OutboxMessage).where(
            OutboxMessage.status == OutboxStatus.SENDING))).scalar_one()


async def test_after_a_crash_only_the_rows_being_sent_wait_for_the_lease(tmp_path: Path) -> None:
    """Rows are claimed one at a time just before their call: a worker killed mid-broadcast holds at most
    one row per lane, and the others go out at once after the restart (not after the lease)."""
    db, cleanup = await make_database("sqlite", tmp_path)
    clock = FakeClock()
    try:
        runtime = build_runtime(Settings(secretariat=frozenset({"slack:sec"})), database=db)
        runtime.ctx.clock = clock
        actor, _ = person("sec", platform="slack")
        for n in range(42):
            await runtime.answer_text(actor, Place("slack", "W1", f"C{n}"), "/hrc channel set announcements")
        await runtime.answer_text(actor, Place("slack", "W1", "C0"), "/hrc announce title: Crash text: mid-way")
        await runtime.answer_text(actor, Place("slack", "W1", "C0"), "/hrc announce confirm 1")
        hanging = RecordingSender("slack")
        stuck = asyncio.Event()

        async def never_answers(*_args: object, **_kwargs: object) -> str:
            stuck.set()
            await asyncio.Event().wait()
            return ""

        hanging.send_to_channel = never_answers  # type: ignore[method-assign]
        runtime.notices.register(hanging)
        first = BroadcastWorker(runtime, concurrency=3)
        task = asyncio.create_task(first.run_once())
        await stuck.wait()
        # The first worker hangs in its calls (for the database, as good as dead): it holds only the
        # rows it is sending, one per lane, not a batch claimed ahead.
        assert 1 <= await sending(db) <= 3

        restarted = build_runtime(Settings(secretariat=frozenset({"slack:sec"})), database=db.reopen())
        restarted.ctx.clock = clock
        sender = RecordingSender("slack")
        restarted.notices.register(sender)
        await BroadcastWorker(restarted, lease=timedelta(seconds=60)).run_once()  # no time has passed
        held = await sending(db)
        assert 1 <= held <= 3 and len({t for k, t, _r, _key in sender.posts if k == "channel"}) == 42 - held
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await restarted.db.dispose()
    finally:
        await cleanup()  # type: ignore[operator]
