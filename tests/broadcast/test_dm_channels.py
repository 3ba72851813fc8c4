"""Direct messages with as few calls as the platforms allow, through the real senders and the fake APIs:
Slack DMs posted to the user id (no conversations.open), DM channels kept across restarts, and the
check after a crash made only for rows in doubt, paced at Slack's Tier 3."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import discord
import pytest
from slack_sdk.web.async_client import AsyncWebClient

from bot.broadcast import BroadcastWorker
from bot.discord.sender import DiscordSender
from bot.discord.service import use_api
from bot.outbound import TransientError
from bot.ratelimit import Limits, TokenBucket
from bot.settings import Settings, SlackSettings
from bot.slack.render import messages_for
from bot.slack.sender import SlackSender
from bot.slack.service import web_client
from bot.wiring import Runtime, build_runtime
from handlers.types import Field, Place, Reply
from storage.models import OutboxStatus
from storage.queries import announcements as queries
from storage.queries import dm_channels
from storage.session import Database
from tests.conftest import FakeClock, person
from tests.fakes.discord_api import FakeDiscord
from tests.fakes.recording_sender import RecordingSender
from tests.fakes.slack_api import FakeSlack

FAST = {p: Limits(10_000, 10_000, 10_000, 10_000) for p in ("slack", "discord")}
SLACK_PEOPLE = ["UANA", "UBOB", "UCAT"]
DISCORD_PEOPLE = ["500000000000000101", "500000000000000102", "500000000000000103"]
DISCORD_SEC = "500000000000000109"


@pytest.fixture
async def fake_slack() -> AsyncIterator[FakeSlack]:
    fake = await FakeSlack().start()
    yield fake
    await fake.stop()


@pytest.fixture
async def fake_discord() -> AsyncIterator[FakeDiscord]:
    fake = await FakeDiscord().start()
    base = discord.http.Route.BASE
    use_api(f"{fake.url}/api/v10")
    yield fake
    discord.http.Route.BASE = base
    await fake.stop()


def runtime_for(db: Database, clock: FakeClock, slack_url: str = "") -> Runtime:
    settings = Settings(secretariat=frozenset({"slack:USEC", f"discord:{DISCORD_SEC}"}),
                        slack=SlackSettings(bot_token="xoxb-test", signing_secret="s", api_url=f"{slack_url or 'http://-'}/api/"))
    runtime = build_runtime(settings, database=db)
    runtime.ctx.clock = clock
    return runtime


async def say(runtime: Runtime, user: str, text: str, platform: str = "slack") -> None:
    actor, _ = person(user, platform=platform)
    reply = await runtime.answer_text(actor, Place(platform, "W1", "C1"), text)
    assert not reply.is_error, reply.text


async def focal_points(runtime: Runtime, people: list[str], platform: str) -> None:
    sec = "USEC" if platform == "slack" else DISCORD_SEC
    for n, user in enumerate(people):
        await say(runtime, user, f"/hrc register city: Town{platform}{n} country: Spain region: Europe", platform)
        await say(runtime, sec, f"/hrc verify Town{platform}{n}", platform)


async def announce(runtime: Runtime, title: str, platform: str) -> None:
    sec = "USEC" if platform == "slack" else DISCORD_SEC
    await say(runtime, sec, f"/hrc announce title: {title} text: To every focal point. dm: yes", platform)
    async with runtime.db.transaction(write=False) as session:
        number = (await queries.recent(session, 1))[0].id
    await say(runtime, sec, f"/hrc announce confirm {number}", platform)


async def stored(db: Database, platform: str) -> dict[tuple[str, str], str]:
    async with db.transaction(write=False) as session:
        return await dm_channels.all_of(session, platform)


async def test_slack_dms_are_posted_to_the_user_id_without_opening_a_conversation(
    db: Database, clock: FakeClock, fake_slack: FakeSlack
) -> None:
    runtime = runtime_for(db, clock, fake_slack.url)
    runtime.notices.register(SlackSender(web_client(runtime), "", dm_channels=runtime.dm_channels))
    await focal_points(runtime, SLACK_PEOPLE, "slack")
    await announce(runtime, "Forum", "slack")
    await BroadcastWorker(runtime, limits=FAST).run_once()

    counts = fake_slack.counts()
    assert counts["conversations.open"] == 0 and counts["conversations.history"] == 0
    for user in SLACK_PEOPLE:
        posts = fake_slack.posts_in("D" + user)
        assert [p["channel"] for p in posts if "Forum" in str(p.get("text"))] == [user]  # one post, to the user id
    # The DM channels from the posts' answers are kept (the author's report went by DM too).
    assert await stored(db, "slack") == {("W1", user): "D" + user for user in [*SLACK_PEOPLE, "USEC"]}


async def test_discord_dm_channels_are_opened_once_and_reused_after_a_restart(
    db: Database, clock: FakeClock, fake_discord: FakeDiscord
) -> None:
    async def one_broadcast(database: Database, title: str, setup: bool) -> Runtime:
        runtime = runtime_for(database, clock)
        client = discord.Client(intents=discord.Intents.none())
        await client.login("test-token")  # REST only: sending needs no gateway
        try:
            runtime.notices.register(DiscordSender(client, "", dm_channels=runtime.dm_channels))
            if setup:
                await focal_points(runtime, DISCORD_PEOPLE, "discord")
            await announce(runtime, title, "discord")
            await BroadcastWorker(runtime, limits=FAST).run_once()
        finally:
            await client.close()
        return runtime

    def opens() -> int:
        return len(fake_discord.posted("/users/@me/channels"))

    await one_broadcast(db, "First", setup=True)
    people = [*DISCORD_PEOPLE, DISCORD_SEC]
    assert opens() == len(people)  # each DM channel opened once (the report to the author is a DM too)
    dms = {user: "5" + user[1:] for user in people}  # the fake's DM channel ids
    assert await stored(db, "discord") == {("W1", user): channel for user, channel in dms.items()}

    restarted = await one_broadcast(db.reopen(), "Second", setup=False)  # a new process: nothing in memory
    assert opens() == len(people)  # no new open: the stored channels were reused
    for user in DISCORD_PEOPLE:
        titles = [m["embeds"][0].get("title") for m in fake_discord.posted(f"/channels/{dms[user]}/messages")]
        assert titles == ["First", "Second"]
    await restarted.db.dispose()


class PacedClock:
    """A monotonic clock that moves only when a bucket sleeps (one per bucket: each is paced alone)."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += seconds


async def test_the_crash_check_asks_only_for_rows_in_doubt_at_tier3_pace(
    db: Database, clock: FakeClock, fake_slack: FakeSlack
) -> None:
    runtime = runtime_for(db, clock, fake_slack.url)
    await focal_points(runtime, SLACK_PEOPLE, "slack")
    await announce(runtime, "Crash", "slack")
    worker = BroadcastWorker(runtime, limits=FAST)
    await worker.start_due()
    # The process dies after claiming the three rows; the first one was posted before the crash.
    async with runtime.db.transaction() as session:
        claimed = [row for row, _unknown in await queries.claim_due(session, "slack", clock(), 10, timedelta(seconds=60))]
    assert sorted(row.target_id for row in claimed) == SLACK_PEOPLE
    first = SlackSender(web_client(runtime), "", dm_channels=runtime.dm_channels)
    posted = next(row for row in claimed if row.target_id == "UANA")
    await first._post(posted.target_id, Reply(title="Crash", text="To every focal point."), posted.key)

    restarted = runtime_for(db.reopen(), clock, fake_slack.url)
    sender = SlackSender(web_client(restarted), "", dm_channels=restarted.dm_channels)
    paced = {method: PacedClock() for method in sender.tier3}
    sender.tier3 = {method: TokenBucket(50 / 60, 1.0, clock=paced[method], sleep=paced[method].sleep) for method in sender.tier3}
    restarted.notices.register(sender)
    clock.advance(seconds=61)  # the dead worker's claims have expired: all three are in doubt
    await BroadcastWorker(restarted, limits=FAST).run_once()

    for user in SLACK_PEOPLE:
        assert len([p for p in fake_slack.posts_in("D" + user) if "Crash" in str(p.get("text"))]) == 1
    history = fake_slack.called("conversations.history")
    assert sorted(p["channel"] for p in history) == ["D" + user for user in SLACK_PEOPLE]  # one check per row in doubt
    # The DM channels were never stored for the rows whose post never happened: opened, paced too.
    assert sorted(p["users"] for p in fake_slack.called("conversations.open")) == ["UANA", "UBOB", "UCAT"]
    # Tier 3 (50 a minute, no burst): three calls of each method take at least two intervals of 1.2 s.
    assert paced["history"].now >= 2 * 60 / 50 - 1e-6 and paced["open"].now >= 2 * 60 / 50 - 1e-6
    async with restarted.db.transaction(write=False) as session:
        assert (await queries.counts(session, 1)) == {("slack", OutboxStatus.SENT): 3}
    await restarted.db.dispose()


class CountingSender(RecordingSender):
    checks: int = 0

    async def was_delivered(self, kind: str, workspace: str, target: str, delivery_key: str) -> bool | None:
        self.checks += 1
        return await super().was_delivered(kind, workspace, target, delivery_key)


async def test_a_row_refused_with_429_is_not_checked_but_one_that_may_have_gone_through_is(
    db: Database, clock: FakeClock
) -> None:
    runtime = runtime_for(db, clock)
    sender = CountingSender("slack", fail_next=["ratelimit", "ratelimit"])
    runtime.notices.register(sender)
    await say(runtime, "USEC", "/hrc channel set announcements")
    await say(runtime, "USEC", "/hrc announce title: Storm text: hold on")
    await say(runtime, "USEC", "/hrc announce confirm 1")
    worker = BroadcastWorker(runtime, limits=FAST)
    for _ in range(3):
        await worker.run_once()
        clock.advance(seconds=5)
    assert sender.checks == 0 and sender.titles("channel") == ["Storm"]  # two 429s, then sent, never checked

    sender.fail_next = ["transient"]
    await say(runtime, "USEC", "/hrc announce title: Timeout text: maybe")
    await say(runtime, "USEC", "/hrc announce confirm 2")
    for _ in range(3):
        await worker.run_once()
        clock.advance(seconds=5)
    assert sender.checks == 1 and sender.titles("channel") == ["Storm", "Timeout"]


async def test_a_crash_between_the_pages_of_a_long_slack_message_leaves_no_page_unsent_or_twice(fake_slack: FakeSlack) -> None:
    client = AsyncWebClient(token="xoxb-test", base_url=f"{fake_slack.url}/api/", retry_handlers=[])  # a cut call is not retried
    lines = "\n".join(f"Day {n}: " + "a line of the digest that is long enough " * 2 for n in range(300))
    digest = Reply(title="Digest", fields=(Field("Days", lines, inline=False),))
    pages = len(messages_for(digest))
    assert pages >= 3
    fake_slack.drop("chat.postMessage", after=1)  # page 1 posted, then the process dies on page 2
    with pytest.raises(TransientError):
        await SlackSender(client, "").send_to_channel("T1", "CDIGEST", digest, delivery_key="digest:1")

    restarted = SlackSender(client, "")
    assert await restarted.was_delivered("channel", "T1", "CDIGEST", "digest:1") is False  # only page 1 arrived
    await restarted.send_to_channel("T1", "CDIGEST", digest, delivery_key="digest:1")

    posted = [p["metadata"] for p in fake_slack.posts_in("CDIGEST")]
    numbers = [m["event_payload"]["page"] for m in posted]
    assert sorted(numbers) == list(range(1, pages + 1))  # every page once
    assert all(m["event_payload"] == {"key": "digest:1", "page": n, "pages": pages} for m, n in zip(posted, numbers, strict=True))
    assert await SlackSender(client, "").was_delivered("channel", "T1", "CDIGEST", "digest:1") is True
