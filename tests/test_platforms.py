"""Both platforms in one process on one database; one failing never stops the other."""

from __future__ import annotations

import asyncio
import contextlib

import aiohttp

from bot.discord.service import serve as serve_discord
from bot.platforms import supervise
from bot.settings import DiscordSettings, Settings, SlackSettings
from bot.slack.service import start_http
from bot.wiring import build_runtime
from storage.session import Database
from tests.fakes.discord_api import GUILD_ID, FakeDiscord
from tests.fakes.slack_api import FakeSlack
from tests.slack.conftest import SIGNING_SECRET, SlackBot


async def test_a_failing_platform_is_retried_with_backoff_while_the_other_runs(sqlite_db: Database) -> None:
    runtime = build_runtime(Settings(), database=sqlite_db)
    delays: list[float] = []
    healthy = asyncio.Event()

    async def broken(_runtime: object) -> None:
        raise RuntimeError("401 Unauthorized: improper token has been passed")

    async def working(_runtime: object) -> None:
        healthy.set()
        await asyncio.Event().wait()

    async def record(delay: float) -> None:
        delays.append(delay)
        if len(delays) >= 4:
            raise asyncio.CancelledError

    good = asyncio.create_task(supervise("good", working, runtime))
    bad = asyncio.create_task(supervise("bad", broken, runtime, sleep=record))
    with contextlib.suppress(asyncio.CancelledError):
        await bad
    await asyncio.wait_for(healthy.wait(), 5)
    assert not good.done()  # still serving
    good.cancel()
    # 1 s, 2 s, 4 s, 8 s, each with ±20 % jitter (randomness is the only thing left unmocked here).
    assert all(0.8 * base <= delay <= 1.2 * base for delay, base in zip(delays, (1, 2, 4, 8), strict=True)), delays


async def test_slack_and_discord_at_once_share_the_directory(sqlite_db: Database) -> None:
    slack_fake, discord_fake = await FakeSlack().start(), await FakeDiscord().start()
    settings = Settings(
        secretariat=frozenset({"slack:USEC"}),
        slack=SlackSettings(bot_token="xoxb-test", signing_secret=SIGNING_SECRET, api_url=f"{slack_fake.url}/api/",
                            secretariat_channel="CSEC"),
        discord=DiscordSettings(token="test-token", guild_ids=(int(GUILD_ID),), secretariat_channel="710000000000000001",
                                api_url=f"{discord_fake.url}/api/v10"),
    )
    runtime = build_runtime(settings, database=sqlite_db)
    runner, port = await start_http(runtime, "127.0.0.1", 0)
    discord_task = asyncio.create_task(serve_discord(runtime))
    try:
        await asyncio.wait_for(discord_fake.ready.wait(), 15)
        await discord_fake.wait_for(lambda: "discord" in runtime.notices.senders)
        async with aiohttp.ClientSession() as http:
            bot = SlackBot(slack_fake, runtime, f"http://127.0.0.1:{port}", http)
            await bot.command("register city: Quilmes country: Argentina region: Latin America")
        # The registration reaches the secretariat channel on both platforms.
        await slack_fake.wait_for(lambda: [p for p in slack_fake.called("chat.postMessage") if p["channel"] == "CSEC"])
        posted = await discord_fake.wait_for(lambda: discord_fake.posted("/channels/710000000000000001/messages"))
        assert "Quilmes" in posted[0]["embeds"][0]["title"]
    finally:
        discord_task.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await discord_task
        await runner.cleanup()
        await slack_fake.stop()
        await discord_fake.stop()
        import discord

        discord.http.Route.BASE = "https://discord.com/api/v10"
