"""Scheduled prompts with an injected clock: local hours, DST, midnight, restarts, outages, retries."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from bot.scheduler import PromptScheduler
from bot.settings import Settings
from bot.wiring import Runtime, build_runtime
from handlers.types import Place
from storage.session import Database
from tests.conftest import Chat, FakeClock, person
from tests.fakes.recording_sender import RecordingSender

HRD = "Today: Human Rights Day"


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def runtime_on(db: Database, clock: FakeClock, **settings: object) -> Runtime:
    runtime = build_runtime(Settings(secretariat=frozenset({"console:sec", "slack:sec", "discord:sec"}), **settings), database=db)  # type: ignore[arg-type]
    runtime.ctx.clock = clock
    return runtime


async def opt_in(runtime: Runtime, channel: str, tz: str, platform: str = "slack") -> None:
    actor, _ = person("sec", platform=platform)
    reply = await runtime.answer_text(
        actor, Place(platform, "W1", channel), f"/hrc channel set days timezone: {tz}"
    )
    assert not reply.is_error, reply.text


def sent_titles(sender: RecordingSender, channel: str) -> list[str]:
    return sender.titles("channel", channel)


@contextlib.contextmanager
def queue_held(runtime: Runtime) -> Iterator[None]:
    """Inside, the outbox sends nothing of what the scheduler queues (a busy queue, or a process about to die)."""
    send = runtime.outbox.send_queued

    async def held(_platforms: object) -> None:
        return None

    runtime.outbox.send_queued = held
    try:
        yield
    finally:
        runtime.outbox.send_queued = send


async def test_prompts_go_out_at_nine_local_in_three_time_zones(db: Database, clock: FakeClock) -> None:
    runtime = runtime_on(db, clock)
    slack = RecordingSender("slack")
    runtime.notices.register(slack)
    for channel, tz in (("SEOUL", "Asia/Seoul"), ("MADRID", "Europe/Madrid"), ("BOGOTA", "America/Bogota")):
        await opt_in(runtime, channel, tz)
    scheduler = PromptScheduler(runtime)

    clock.now = at("2026-12-09T23:59")  # Seoul 08:59 on the 10th
    await scheduler.tick()
    assert HRD not in sent_titles(slack, "SEOUL")
    clock.now = at("2026-12-10T00:00")  # Seoul 09:00
    await scheduler.tick()
    assert sent_titles(slack, "SEOUL").count(HRD) == 1 and HRD not in sent_titles(slack, "MADRID")
    clock.now = at("2026-12-10T08:00")  # Madrid 09:00 (CET, UTC+1)
    await scheduler.tick()
    assert sent_titles(slack, "MADRID").count(HRD) == 1 and HRD not in sent_titles(slack, "BOGOTA")
    clock.now = at("2026-12-10T14:00")  # Bogotá 09:00 (UTC-5)
    await scheduler.tick()
    await scheduler.tick()
    assert [sent_titles(slack, c).count(HRD) for c in ("SEOUL", "MADRID", "BOGOTA")] == [1, 1, 1]
    assert max(slack.copies.values()) == 1  # nothing anywhere went out twice


async def test_daylight_saving_change_moves_the_utc_hour(db: Database, clock: FakeClock) -> None:
    runtime = runtime_on(db, clock)
    slack = RecordingSender("slack")
    runtime.notices.register(slack)
    await opt_in(runtime, "MADRID", "Europe/Madrid")
    scheduler = PromptScheduler(runtime)
    clock.now = at("2026-10-24T07:00")  # United Nations Day: 09:00 CEST (UTC+2)
    await scheduler.tick()
    assert "Today: United Nations Day" in sent_titles(slack, "MADRID")
    clock.now = at("2026-10-31T07:30")  # World Cities Day, after the change: 08:30 CET, not yet
    await scheduler.tick()
    assert "Today: World Cities Day" not in sent_titles(slack, "MADRID")
    clock.now = at("2026-10-31T08:00")  # 09:00 CET (UTC+1)
    await scheduler.tick()
    assert "Today: World Cities Day" in sent_titles(slack, "MADRID")


async def test_restart_mid_day_sends_nothing_twice(db: Database, clock: FakeClock) -> None:
    slack = RecordingSender("slack")
    first = runtime_on(db, clock)
    first.notices.register(slack)
    await opt_in(first, "MADRID", "Europe/Madrid")
    clock.now = at("2026-12-10T08:05")
    assert await PromptScheduler(first).tick()

    restarted = build_runtime(Settings(), database=db.reopen())  # a new process on the same database
    restarted.ctx.clock = clock
    restarted.notices.register(slack)
    clock.now = at("2026-12-10T12:00")
    assert await PromptScheduler(restarted).tick() == []
    assert sent_titles(slack, "MADRID").count(HRD) == 1
    await restarted.db.dispose()


async def test_catch_up_after_a_short_outage_but_no_stale_prompt_after_a_long_one(db: Database, clock: FakeClock) -> None:
    runtime = runtime_on(db, clock)
    slack = RecordingSender("slack")
    runtime.notices.register(slack)
    await opt_in(runtime, "MADRID", "Europe/Madrid")
    await opt_in(runtime, "SEOUL", "Asia/Seoul")
    scheduler = PromptScheduler(runtime)
    clock.now = at("2026-12-10T15:30")  # down since before midnight UTC: Madrid is at 16:30 on the 10th
    await scheduler.tick()
    assert HRD in sent_titles(slack, "MADRID")
    # Seoul is already at 00:30 on the 11th: Human Rights Day is over there, and it is not posted late.
    assert HRD not in sent_titles(slack, "SEOUL")


async def test_across_midnight_the_local_date_decides(db: Database, clock: FakeClock) -> None:
    runtime = runtime_on(db, clock)
    slack = RecordingSender("slack")
    runtime.notices.register(slack)
    await opt_in(runtime, "AUCKLAND", "Pacific/Auckland")  # UTC+13 in December
    scheduler = PromptScheduler(runtime)
    clock.now = at("2026-12-09T20:00")  # 09:00 on the 10th in Auckland, still the 9th in UTC
    await scheduler.tick()
    assert HRD in sent_titles(slack, "AUCKLAND")


async def test_transient_failure_is_retried_permanent_is_not(db: Database, clock: FakeClock) -> None:
    runtime = runtime_on(db, clock)
    slack = RecordingSender("slack", fail_next=["transient"])
    discord = RecordingSender("discord", fail_next=["permanent"])
    runtime.notices.register(slack)
    runtime.notices.register(discord)
    await opt_in(runtime, "MADRID", "Europe/Madrid")
    await opt_in(runtime, "GENERAL", "Europe/Madrid", platform="discord")
    scheduler = PromptScheduler(runtime)
    clock.now = at("2026-12-10T08:00")
    await scheduler.tick()
    clock.now = at("2026-12-10T08:01")
    await scheduler.tick()
    await scheduler.tick()
    assert sent_titles(slack, "MADRID").count(HRD) == 1
    assert HRD not in sent_titles(discord, "GENERAL")


async def test_a_platform_down_holds_nothing_back_and_gets_its_prompt_once_back(db: Database, clock: FakeClock) -> None:
    """Discord failing every call on Human Rights Day: Slack's channels and subscribers get their prompt in the
    same tick; Discord's is retried with backoff (not at the next tick only) and arrives once, when it is back."""
    runtime = runtime_on(db, clock)
    slack, discord = RecordingSender("slack"), RecordingSender("discord", fail_always="transient")
    runtime.notices.register(slack)
    runtime.notices.register(discord)
    await opt_in(runtime, "MADRID", "Europe/Madrid")
    await opt_in(runtime, "GENERAL", "Europe/Madrid", platform="discord")
    scheduler = PromptScheduler(runtime)
    clock.now = at("2026-12-10T08:00")
    assert len(await scheduler.tick()) == 2
    assert sent_titles(slack, "MADRID") == [HRD] and discord.calls == 1 and discord.posts == []
    discord.fail_always = None  # back within the outbox's tries (2 s, 4 s, … after each)
    clock.now = at("2026-12-10T08:00:03")
    assert await scheduler.tick() == []  # nothing new to queue; the row due again is sent
    assert sent_titles(discord, "GENERAL") == [HRD]
    clock.now = at("2026-12-10T08:05")
    await scheduler.tick()
    assert sent_titles(slack, "MADRID") == [HRD] and sent_titles(discord, "GENERAL") == [HRD]


async def test_console_prints_the_secretariat_reminder(db: Database, clock: FakeClock) -> None:
    """The console has no secretariat channel id: its reminder, queued like any other, is printed as the
    secretariat's (it was dropped for want of a channel when the scheduler first queued in the outbox)."""
    import io

    from bot.console import ConsoleSender

    runtime = runtime_on(db, clock, lead_days=7)
    out = io.StringIO()
    runtime.notices.register(ConsoleSender(out))
    scheduler = PromptScheduler(runtime)
    clock.now = at("2027-03-15T09:00")  # seven days before World Water Day, 09:00 in HRC_TIMEZONE (UTC)
    await scheduler.tick()
    await scheduler.tick()
    printed = out.getvalue()
    assert printed.count("→ secretariat channel:") == 1 and "In 7 days: World Water Day" in printed


async def test_a_prompt_queued_but_unsent_when_its_day_ends_is_dropped(db: Database, clock: FakeClock) -> None:
    """The bot queues Madrid's and a subscriber's Human Rights Day messages at 23:30 local and dies before
    sending them. Restarted after midnight it sends nothing of the 10th ("Today: Human Rights Day" on the 11th
    is worse than nothing), and records why; restarted before midnight, it sends them, once."""
    from sqlalchemy import select

    from storage.models import OutboxMessage, OutboxStatus

    async def queue_and_die(runtime: Runtime) -> None:
        with queue_held(runtime):  # the process dies right after the commit that queued them
            assert len(await PromptScheduler(runtime).tick()) == 2

    async def restart() -> tuple[Runtime, RecordingSender]:
        restarted = runtime_on(db.reopen(), clock)
        sender = RecordingSender("slack")
        restarted.notices.register(sender)
        return restarted, sender

    runtime = runtime_on(db, clock)
    runtime.notices.register(RecordingSender("slack"))
    await opt_in(runtime, "MADRID", "Europe/Madrid")
    chat = Chat(runtime.ctx)
    await chat.say("ana", "/hrc register city: Sevilla country: Spain region: Europe timezone: Europe/Madrid", platform="slack")
    await chat.say("sec", "/hrc verify Sevilla")
    await chat.say("ana", "/hrc subscribe human rights", platform="slack")
    clock.now = at("2026-12-10T22:30")  # 23:30 in Madrid
    await queue_and_die(runtime)
    clock.now = at("2026-12-11T00:00")  # 01:00 on the 11th in Madrid
    restarted, slack = await restart()
    await PromptScheduler(restarted).tick()
    assert HRD not in sent_titles(slack, "MADRID") and HRD not in slack.titles("dm", "ana")
    async with db.transaction(write=False) as session:
        rows = (await session.execute(select(OutboxMessage).where(OutboxMessage.key.like("%2026-12-10%")))).scalars().all()
    assert len(rows) == 2 and all(r.status == OutboxStatus.FAILED and "expired" in (r.last_error or "") for r in rows)
    await restarted.db.dispose()

    clock.now = at("2027-03-22T22:30")  # World Water Day, 23:30 in Madrid (CET)
    await queue_and_die(runtime)
    clock.now = at("2027-03-22T22:45")  # restarted before midnight: sent, once
    restarted, slack = await restart()
    await PromptScheduler(restarted).tick()
    await PromptScheduler(restarted).tick()
    assert sent_titles(slack, "MADRID") == ["Today: World Water Day"]
    await restarted.db.dispose()


async def test_what_was_asked_to_stop_is_not_sent_from_the_queue(db: Database, clock: FakeClock) -> None:
    """On a big day a prompt can wait in the outbox behind thousands (Slack sends 500 a minute). A channel unset,
    or a member who paused or unsubscribed from everything meanwhile, gets nothing from the queue after that."""
    from sqlalchemy import select

    from storage.models import OutboxMessage, OutboxStatus

    runtime = runtime_on(db, clock)
    slack = RecordingSender("slack")
    runtime.notices.register(slack)
    await opt_in(runtime, "MADRID", "Europe/Madrid")
    await opt_in(runtime, "PARIS", "Europe/Paris")
    chat = Chat(runtime.ctx)
    await chat.say("ana", "/hrc register city: Sevilla country: Spain region: Europe timezone: Europe/Madrid", platform="slack")
    await chat.say("sec", "/hrc verify Sevilla")
    for who in ("ana", "bob", "eve"):
        await chat.say(who, "/hrc subscribe human rights", platform="slack")
    scheduler = PromptScheduler(runtime)
    with queue_held(runtime):  # the queue is busy: nothing of these goes yet
        clock.now = at("2026-12-10T09:00")  # 10:00 in Madrid and Paris, 09:00 in HRC_TIMEZONE (bob's and eve's)
        assert len(await scheduler.tick()) == 5
        actor, _ = person("sec", platform="slack")
        reply = await runtime.answer_text(actor, Place("slack", "W1", "MADRID"), "/hrc channel unset days")
        assert not reply.is_error, reply.text
        assert not (await chat.say("bob", "/hrc pause 2 weeks", platform="slack")).is_error
        assert not (await chat.say("eve", "/hrc unsubscribe all", platform="slack")).is_error
    await scheduler.tick()
    assert sent_titles(slack, "PARIS") == [HRD] and slack.titles("dm", "ana") == [HRD]
    assert HRD not in sent_titles(slack, "MADRID") and slack.titles("dm", "bob") == [] and slack.titles("dm", "eve") == []
    async with db.transaction(write=False) as session:
        cancelled = (await session.execute(select(OutboxMessage.target_id).where(
            OutboxMessage.status == OutboxStatus.CANCELLED))).scalars().all()
    assert sorted(cancelled) == ["MADRID", "bob", "eve"]


async def test_personal_prompts_and_lead_reminders(db: Database, clock: FakeClock) -> None:
    runtime = runtime_on(db, clock, lead_days=7)
    slack = RecordingSender("slack")
    runtime.notices.register(slack)
    chat = Chat(runtime.ctx)
    await chat.say("ana", "/hrc register city: Quilmes country: Argentina region: Latin America timezone: America/Argentina/Buenos_Aires", platform="slack")
    await chat.say("sec", "/hrc verify Quilmes")
    await chat.say("ana", "/hrc subscribe water", platform="slack")
    scheduler = PromptScheduler(runtime)
    clock.now = at("2027-03-22T11:59")  # 08:59 in Buenos Aires (UTC-3)
    await scheduler.tick()
    assert "Today: World Water Day" not in slack.titles("dm", "ana")
    clock.now = at("2027-03-22T12:00")
    await scheduler.tick()
    await scheduler.tick()
    assert slack.titles("dm", "ana").count("Today: World Water Day") == 1
    clock.now = at("2027-03-15T09:00")  # seven days before, 09:00 in HRC_TIMEZONE (UTC)
    await scheduler.tick()
    assert "In 7 days: World Water Day" in slack.titles("secretariat")


async def test_campaign_dates_are_prompted(db: Database, clock: FakeClock, tmp_path: Path) -> None:
    runtime = runtime_on(db, clock)
    slack = RecordingSender("slack")
    runtime.notices.register(slack)
    await opt_in(runtime, "MADRID", "Europe/Madrid")
    actor, place = person("sec", platform="slack")
    added = await runtime.answer_text(actor, place, "/hrc days add name: World Human Rights Cities Forum date: 2027-05-18")
    assert not added.is_error, added.text
    clock.now = at("2027-05-18T07:00")
    await PromptScheduler(runtime).tick()
    assert "Today: World Human Rights Cities Forum" in sent_titles(slack, "MADRID")


async def test_a_tick_after_everything_went_out_writes_nothing(db: Database, clock: FakeClock) -> None:
    """From the prompt hour to midnight the scheduler runs every minute over every target, and it claimed each
    key it had already sent with a write transaction: at the campaign's 2030 size, 20,000 subscribers on Human
    Rights Day were 20,000 writes a minute all day. Keys already settled are now left out by one read."""
    from sqlalchemy import event

    slack = RecordingSender("slack")
    runtime = runtime_on(db, clock)
    runtime.notices.register(slack)
    await opt_in(runtime, "MADRID", "Europe/Madrid")
    await opt_in(runtime, "BOGOTA", "America/Bogota")
    scheduler = PromptScheduler(runtime)
    clock.now = at("2026-12-10T15:00")  # 16:00 in Madrid, 10:00 in Bogotá: both are due
    assert len(await scheduler.tick()) == 2
    writes: list[str] = []

    def count(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        if statement.lstrip().upper().startswith(("INSERT", "UPDATE", "BEGIN IMMEDIATE")):
            writes.append(statement)

    event.listen(db.engine.sync_engine, "before_cursor_execute", count)
    try:
        clock.now = at("2026-12-10T15:01")
        assert await scheduler.tick() == []
    finally:
        event.remove(db.engine.sync_engine, "before_cursor_execute", count)
    assert writes == []
    assert sent_titles(slack, "MADRID").count(HRD) == 1 and sent_titles(slack, "BOGOTA").count(HRD) == 1


async def test_a_zone_moved_west_never_brings_back_an_earlier_day(db: Database, clock: FakeClock) -> None:
    """Tokyo has had 10 December's prompt; moved to Los Angeles (still the 9th there), the channel and a member
    whose city moved get nothing for the 9th, even after a restart: the ledger says the 10th was served."""
    runtime = runtime_on(db, clock)
    slack = RecordingSender("slack")
    runtime.notices.register(slack)
    chat = Chat(runtime.ctx)
    await chat.say("ana", "/hrc register city: Kobe country: Japan region: Asia-Pacific timezone: Asia/Tokyo", platform="slack")
    await chat.say("sec", "/hrc verify Kobe")
    reply = await chat.say("ana", "/hrc subscribe participatory democracy", platform="slack")
    assert not reply.is_error, reply.text
    clock.now = at("2026-12-10T03:00")  # noon on the 10th in Tokyo, 19:00 on the 9th in Los Angeles
    await opt_in(runtime, "TOKYO", "Asia/Tokyo")
    await PromptScheduler(runtime).tick()
    assert HRD in sent_titles(slack, "TOKYO") and HRD in slack.titles("dm", "ana")

    actor, _ = person("sec", platform="slack")
    moved = await runtime.answer_text(actor, Place("slack", "W1", "TOKYO"), "/hrc channel set days timezone: America/Los_Angeles")
    # Human Rights Day was had: the next post is 11 December's, 09:00 in Los Angeles (17:00 UTC), not the 10th's.
    assert "Fri 11 Dec 2026 17:00 (UTC)" in moved.text, moved.text
    await chat.say("ana", "/hrc register city: Kobe country: Japan region: Asia-Pacific timezone: America/Los_Angeles",
                   platform="slack")
    clock.now = at("2026-12-10T03:01")
    restarted = build_runtime(Settings(), database=db.reopen())
    restarted.ctx.clock = clock
    restarted.notices.register(slack)
    assert await PromptScheduler(restarted).tick() == []
    assert "Today: International Anti-Corruption Day" not in sent_titles(slack, "TOKYO")
    assert "Today: International Anti-Corruption Day" not in slack.titles("dm", "ana")
    clock.now = at("2026-12-11T17:00")  # 09:00 on the 11th in Los Angeles: the days go on from there
    await PromptScheduler(restarted).tick()
    assert max(slack.copies.values()) == 1
    await restarted.db.dispose()


async def test_a_zone_moved_west_stops_an_earlier_daily_digest(db: Database, clock: FakeClock) -> None:
    runtime = runtime_on(db, clock)
    slack = RecordingSender("slack")
    runtime.notices.register(slack)
    clock.now = at("2026-12-10T03:00")
    actor, _ = person("sec", platform="slack")
    reply = await runtime.answer_text(actor, Place("slack", "W1", "TOKYO"),
                                      "/hrc channel set days timezone: Asia/Tokyo digest: daily")
    assert not reply.is_error, reply.text
    scheduler = PromptScheduler(runtime)
    assert len(await scheduler.tick()) == 1
    await opt_in(runtime, "TOKYO", "America/Los_Angeles")
    clock.now = at("2026-12-10T03:01")
    assert await scheduler.tick() == []


async def test_stop_these_cancels_what_is_still_queued_for_those_themes(db: Database, clock: FakeClock) -> None:
    """A personal prompt and a lead reminder queued at the same tick: the member clicks the first one's "Stop
    these" (`unsubscribe water`); the reminder for the same theme, still in the queue, is not sent after all.
    Another member's row for a theme they keep is sent."""
    from sqlalchemy import select

    from storage.models import OutboxMessage, OutboxStatus

    runtime = runtime_on(db, clock)
    slack = RecordingSender("slack")
    runtime.notices.register(slack)
    chat = Chat(runtime.ctx)
    for who in ("ana", "bob"):
        await chat.say(who, "/hrc subscribe water, housing", platform="slack")
        await chat.say(who, "/hrc subscribe lead: 7 days", platform="slack")
    scheduler = PromptScheduler(runtime)
    with queue_held(runtime):  # the queue is busy: nothing of these goes yet
        clock.now = at("2027-03-15T09:00")  # World Water Day (water) in 7 days, 09:00 in HRC_TIMEZONE (UTC)
        queued = await scheduler.tick()
        assert any(key.startswith("plead:") and key.endswith(":ana") for key in queued), queued
        assert not (await chat.say("ana", "/hrc unsubscribe water", platform="slack")).is_error  # her "Stop these"
        assert not (await chat.say("bob", "/hrc unsubscribe housing", platform="slack")).is_error  # not what it is about
    await scheduler.tick()
    assert "In 7 days: World Water Day" not in slack.titles("dm", "ana")
    assert "In 7 days: World Water Day" in slack.titles("dm", "bob")
    async with db.transaction(write=False) as session:
        cancelled = (await session.execute(select(OutboxMessage.target_id).where(
            OutboxMessage.status == OutboxStatus.CANCELLED))).scalars().all()
    assert cancelled == ["ana"]
