"""Slack in Socket Mode: the real Bolt AsyncSocketModeHandler against the fake's websocket."""

from __future__ import annotations

import asyncio
import contextlib

from bot.settings import Settings, SlackSettings
from bot.slack.service import serve
from bot.wiring import build_runtime
from storage.session import Database
from tests.fakes.slack_api import FakeSlack
from tests.slack.conftest import block_texts


def slash(text: str, user: str, trigger: str) -> dict[str, str]:
    """A slash command as Socket Mode delivers it: the same fields as the HTTP form, as JSON."""
    return {
        "token": "legacy", "team_id": "T1", "team_domain": "hrc", "channel_id": "CGEN", "channel_name": "general",
        "user_id": user, "user_name": user.lower(), "command": "/hrc", "text": text, "api_app_id": "A1",
        "is_enterprise_install": "false", "response_url": "https://hooks.slack.invalid/commands/1", "trigger_id": trigger,
    }


async def test_socket_mode_answers_in_the_ack_and_applies_a_redelivered_command_once(sqlite_db: Database) -> None:
    fake = await FakeSlack().start()
    settings = Settings(
        secretariat=frozenset({"slack:USEC"}),
        # No signing secret: Socket Mode needs none (the app token authenticates the connection).
        slack=SlackSettings(bot_token="xoxb-test", app_token="xapp-test", api_url=f"{fake.url}/api/", secretariat_channel="CSEC"),
    )
    runtime = build_runtime(settings, database=sqlite_db)
    task = asyncio.create_task(serve(runtime))
    try:
        register = slash("register city: Quilmes country: Argentina region: Latin America themes: water", "UANA", "t.1")
        ack = await fake.envelope("slash_commands", register)
        assert ack["envelope_id"] and "Quilmes is registered" in block_texts(ack["payload"]["blocks"])
        assert ack["payload"]["response_type"] == "ephemeral"
        card = await fake.wait_for(lambda: [p for p in fake.called("chat.postMessage") if p["channel"] == "CSEC"])
        assert "Quilmes" in card[0]["text"]

        # Slack redelivers an envelope it saw no ack for: the same trigger is applied once, acked empty.
        again = await fake.envelope("slash_commands", register)
        assert "payload" not in again or not again["payload"]
        pending = await fake.envelope("slash_commands", slash("pending", "USEC", "t.2"))
        assert block_texts(pending["payload"]["blocks"]).count("Quilmes (Argentina") == 1
        assert len([p for p in fake.called("chat.postMessage") if p["channel"] == "CSEC"]) == 1
        assert [c.method for c in fake.calls].count("apps.connections.open") >= 1
    finally:
        task.cancel()
        with contextlib.suppress(BaseException):
            await task
        await fake.stop()
