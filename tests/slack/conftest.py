"""Slack end to end: the real Bolt app in HTTP mode on 127.0.0.1, signed requests, a fake Web API."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import aiohttp
import pytest

from bot.settings import Settings, SlackSettings
from bot.slack.service import start_http
from bot.wiring import Runtime, build_runtime
from storage.session import Database
from tests.fakes.slack_api import FakeSlack

SIGNING_SECRET = "test-signing-secret"


def sign(body: str, timestamp: int, secret: str = SIGNING_SECRET) -> str:
    base = f"v0:{timestamp}:{body}".encode()
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


@dataclass
class SlackBot:
    fake: FakeSlack
    runtime: Runtime
    base: str
    http: aiohttp.ClientSession
    _trigger: int = 0

    async def post(self, body: str, *, timestamp: int | None = None, signature: str | None = None,
                   headers: dict[str, str] | None = None) -> tuple[int, str]:
        ts = int(time.time()) if timestamp is None else timestamp
        all_headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Slack-Request-Timestamp": str(ts),
            "X-Slack-Signature": signature if signature is not None else sign(body, ts),
            **(headers or {}),
        }
        async with self.http.post(f"{self.base}/slack/events", data=body.encode(), headers=all_headers) as response:
            return response.status, await response.text()

    def command_body(self, text: str, user: str = "UANA", name: str = "ana", channel: str = "CGEN", trigger: str | None = None) -> str:
        self._trigger += 1
        return urlencode({
            "token": "legacy", "team_id": self.fake.team_id, "team_domain": "hrc", "channel_id": channel,
            "channel_name": "general", "user_id": user, "user_name": name, "command": "/hrc", "text": text,
            "api_app_id": "A1", "is_enterprise_install": "false",
            "response_url": f"{self.fake.url}/response/{self._trigger}",
            "trigger_id": trigger or f"trigger.{self._trigger}",
        })

    async def command(self, text: str, **kwargs: Any) -> dict[str, Any]:
        """Run a slash command and return the bot's answer: in the ack's body when it was ready in
        time, otherwise what it posted to response_url."""
        before = len(self.fake.responses)
        status, body = await self.post(self.command_body(text, **kwargs))
        assert status == 200
        if body:
            return json.loads(body)
        await self.fake.wait_for(lambda: len(self.fake.responses) > before)
        return self.fake.responses[before]

    async def interact(self, payload: dict[str, Any]) -> tuple[int, str]:
        return await self.post(urlencode({"payload": json.dumps(payload)}))

    def submission(self, view: dict[str, Any], values: dict[str, Any], user: str = "UANA", view_id: str = "V1") -> dict[str, Any]:
        """A view_submission payload as Slack sends it, for a view the bot opened."""
        return {
            "type": "view_submission", "team": {"id": self.fake.team_id, "domain": "hrc"},
            "user": {"id": user, "username": user.lower(), "name": user.lower(), "team_id": self.fake.team_id},
            "api_app_id": "A1", "token": "legacy", "trigger_id": "t.submit",
            "view": {**view, "id": view_id, "team_id": self.fake.team_id, "state": {"values": values}},
        }


@pytest.fixture
async def slack(sqlite_db: Database) -> AsyncIterator[SlackBot]:
    fake = await FakeSlack().start()
    settings = Settings(
        secretariat=frozenset({"slack:USEC"}),
        slack=SlackSettings(bot_token="xoxb-test", signing_secret=SIGNING_SECRET, api_url=f"{fake.url}/api/",
                            secretariat_channel="CSEC"),
    )
    runtime = build_runtime(settings, database=sqlite_db)
    runner, port = await start_http(runtime, "127.0.0.1", 0)
    async with aiohttp.ClientSession() as http:
        yield SlackBot(fake, runtime, f"http://127.0.0.1:{port}", http)
    await runner.cleanup()
    await fake.stop()


def block_texts(blocks: list[dict[str, Any]], only_type: str | None = None) -> str:
    """Every text in a Block Kit payload (or only its ``mrkdwn`` ones, which Slack parses), joined."""
    parts: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("text"), str) and (only_type is None or node.get("type") == only_type):
                parts.append(node["text"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(blocks)
    return "\n".join(parts)
