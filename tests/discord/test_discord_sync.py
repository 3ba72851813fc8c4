"""Commands are synced only when the tree differs from Discord's copy; a failed sync leaves the bot running."""

from __future__ import annotations

import asyncio
import contextlib
import logging

import discord
import pytest

from bot.discord.service import serve
from bot.settings import DiscordSettings, Settings
from bot.wiring import build_runtime
from storage.session import Database
from tests.discord.conftest import embed_text
from tests.fakes.discord_api import GUILD_ID, FakeDiscord, interaction, slash


async def start_and_stop(fake: FakeDiscord, db: Database, *, ask: bool = False) -> str:
    """Run the bot until it is ready (and, with ``ask``, answers /campaign themes); the answer's text."""
    settings = Settings(discord=DiscordSettings(token="test-token", guild_ids=(int(GUILD_ID),), api_url=f"{fake.url}/api/v10"))
    runtime = build_runtime(settings, database=db)
    fake.ready.clear()
    task = asyncio.create_task(serve(runtime))
    text = ""
    try:
        await asyncio.wait_for(fake.ready.wait(), 15)
        await fake.wait_for(lambda: "discord" in runtime.notices.senders)
        if ask:
            payload = interaction(2, slash(["campaign", "themes"], {}), interaction_id="420000000000000001")
            await fake.dispatch("INTERACTION_CREATE", payload)
            text = embed_text((await fake.wait_for(lambda: fake.callbacks(payload["id"])))[0]["data"])
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await task
    return text


@pytest.fixture
async def fake() -> FakeDiscord:
    fake = await FakeDiscord().start()
    yield fake
    await fake.stop()
    discord.http.Route.BASE = "https://discord.com/api/v10"


async def test_sync_is_skipped_when_discord_already_has_the_tree(fake: FakeDiscord, sqlite_db: Database) -> None:
    await start_and_stop(fake, sqlite_db)
    assert len(fake.posted("/commands", method="PUT")) == 1
    await start_and_stop(fake, sqlite_db)
    assert len(fake.posted("/commands", method="PUT")) == 1  # compared, found equal, not overwritten
    assert len(fake.posted("/commands", method="GET")) == 2

    path = next(iter(fake.commands))
    fake.commands[path] = [c for c in fake.commands[path] if c["name"] != "who"]  # Discord's copy is now stale
    await start_and_stop(fake, sqlite_db)
    assert len(fake.posted("/commands", method="PUT")) == 2


async def test_a_failed_sync_is_logged_and_the_bot_keeps_answering(
    fake: FakeDiscord, sqlite_db: Database, caplog: pytest.LogCaptureFixture
) -> None:
    fake.refuse_sync = True
    with caplog.at_level(logging.ERROR, logger="bot.discord.sync"):
        text = await start_and_stop(fake, sqlite_db, ask=True)
    assert "Campaign themes" in text
    assert any("could not sync the commands" in r.getMessage() for r in caplog.records)
