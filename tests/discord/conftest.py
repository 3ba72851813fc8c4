"""Discord end to end: the real discord.py client against the fake Discord (REST + gateway) on 127.0.0.1."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import discord
import pytest

from bot.discord.service import serve
from bot.settings import DiscordSettings, Settings
from bot.wiring import Runtime, build_runtime
from storage.session import Database
from tests.fakes.discord_api import GUILD_ID, SECRETARIAT_ROLE_ID, FakeDiscord, interaction

SECRETARIAT_CHANNEL = "710000000000000001"


@dataclass
class DiscordBot:
    fake: FakeDiscord
    runtime: Runtime
    _count: int = 0

    async def send(self, kind: int, data: dict[str, Any], **kwargs: Any) -> tuple[str, dict[str, Any]]:
        """Dispatch an INTERACTION_CREATE and return (its id, the first callback the bot made)."""
        self._count += 1
        kwargs.setdefault("interaction_id", str(410000000000000000 + self._count))
        payload = interaction(kind, data, **kwargs)
        await self.fake.dispatch("INTERACTION_CREATE", payload)
        callbacks = await self.fake.wait_for(lambda: self.fake.callbacks(payload["id"]))
        return payload["id"], callbacks[0]

    async def answer(self, interaction_id: str) -> dict[str, Any]:
        """The message the user finally sees: the callback's own, or the followup after a defer."""
        first = self.fake.callbacks(interaction_id)[0]
        if first["type"] == 4:
            return first["data"]
        return (await self.fake.wait_for(lambda: self.followups(interaction_id)))[0]

    def followups(self, interaction_id: str) -> list[Any]:
        return [c.body for c in self.fake.calls if c.method == "POST" and c.path.startswith("/webhooks/") and f"token-{interaction_id}" in c.path]


@pytest.fixture
async def discord_bot(sqlite_db: Database) -> AsyncIterator[DiscordBot]:
    fake = await FakeDiscord().start()
    settings = Settings(
        secretariat=frozenset({"discord:500000000000000009"}),
        discord=DiscordSettings(token="test-token", guild_ids=(int(GUILD_ID),), secretariat_channel=SECRETARIAT_CHANNEL,
                                secretariat_role=SECRETARIAT_ROLE_ID, api_url=f"{fake.url}/api/v10"),
    )
    runtime = build_runtime(settings, database=sqlite_db)
    task = asyncio.create_task(serve(runtime))
    await asyncio.wait_for(fake.ready.wait(), 15)
    await fake.wait_for(lambda: "discord" in runtime.notices.senders)
    yield DiscordBot(fake, runtime)
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError, Exception):
        await task
    await fake.stop()
    discord.http.Route.BASE = "https://discord.com/api/v10"


def embed_text(message: dict[str, Any]) -> str:
    parts = []
    for embed in message.get("embeds", []):
        parts += [embed.get("title") or "", embed.get("description") or ""]
        parts += [f"{f['name']}: {f['value']}" for f in embed.get("fields", [])]
        parts.append((embed.get("footer") or {}).get("text", ""))
    return "\n".join(parts)
