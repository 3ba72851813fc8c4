"""One bot on Slack and Discord at once: a verification made on Discord refreshes the open App Home of the
Slack registrant and of the Slack secretariat (the real Bolt app and the real discord.py client, each
against its fake, sharing one runtime)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

import aiohttp
import discord
import pytest

from bot.discord.service import serve
from bot.settings import DiscordSettings, Settings, SlackSettings
from bot.slack.service import start_http
from bot.wiring import build_runtime
from storage.session import Database
from tests.discord.conftest import SECRETARIAT_CHANNEL, DiscordBot
from tests.fakes.discord_api import GUILD_ID, SECRETARIAT_ROLE_ID, FakeDiscord, slash
from tests.fakes.slack_api import FakeSlack
from tests.slack.conftest import SIGNING_SECRET, SlackBot, block_texts
from tests.slack.test_slack_home import REGISTER, homes, next_home, open_home, settled

SEC = "500000000000000002"


@pytest.fixture
async def both(sqlite_db: Database) -> AsyncIterator[tuple[SlackBot, DiscordBot]]:
    slack_fake, discord_fake = await FakeSlack().start(), await FakeDiscord().start()
    settings = Settings(
        secretariat=frozenset({"slack:USEC"}),
        slack=SlackSettings(bot_token="xoxb-test", signing_secret=SIGNING_SECRET, api_url=f"{slack_fake.url}/api/",
                            secretariat_channel="CSEC"),
        discord=DiscordSettings(token="test-token", guild_ids=(int(GUILD_ID),), secretariat_channel=SECRETARIAT_CHANNEL,
                                secretariat_role=SECRETARIAT_ROLE_ID, api_url=f"{discord_fake.url}/api/v10"),
    )
    runtime = build_runtime(settings, database=sqlite_db)
    runner, port = await start_http(runtime, "127.0.0.1", 0)
    task = asyncio.create_task(serve(runtime))
    await asyncio.wait_for(discord_fake.ready.wait(), 15)
    await discord_fake.wait_for(lambda: "discord" in runtime.notices.senders)
    async with aiohttp.ClientSession() as http:
        yield SlackBot(slack_fake, runtime, f"http://127.0.0.1:{port}", http), DiscordBot(discord_fake, runtime)
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError, Exception):
        await task
    await runner.cleanup()
    await discord_fake.stop()
    await slack_fake.stop()
    discord.http.Route.BASE = "https://discord.com/api/v10"


async def test_a_verification_on_discord_refreshes_the_slack_homes_that_show_it(both: tuple[SlackBot, DiscordBot]) -> None:
    slack, discord_bot = both
    await slack.command(REGISTER)
    member = await open_home(slack, "UANA", "EvD1")
    assert "pending" in block_texts(member["blocks"]).lower()
    queue = await open_home(slack, "USEC", "EvD2")
    assert "Awaiting a decision (1)" in block_texts(queue["blocks"])

    await discord_bot.send(2, slash(["secretariat", "verify"], {"city": "Quilmes"}), user_id=SEC, roles=[SECRETARIAT_ROLE_ID])
    card = await next_home(slack, "UANA", 1)
    assert "pending" not in block_texts(card["blocks"]).lower() and "Quilmes" in block_texts(card["blocks"])
    empty = await next_home(slack, "USEC", 1)
    assert "Awaiting a decision" not in block_texts(empty["blocks"])
    await settled(slack)
    assert len(homes(slack, "UANA")) == 2 and len(homes(slack, "USEC")) == 2
