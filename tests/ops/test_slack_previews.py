"""Slack ephemeral previews (issue 18, item 12): every announcement's Send works, once, and the
preview is replaced after Send or Cancel so its buttons cannot be clicked again."""

from __future__ import annotations

import time
from typing import Any

from tests.slack.conftest import SlackBot, block_texts


def ephemeral_click(slack: SlackBot, preview: dict[str, Any], label: str, n: int) -> dict[str, Any]:
    """A click on a button of an ephemeral message, shaped as Slack sends it: no `message`, a
    `container` with the message's ts, and the response_url of that message."""
    buttons = next(b for b in preview["blocks"] if b["type"] == "actions")["elements"]
    button = next(b for b in buttons if b["text"]["text"] == label)
    return {
        "type": "block_actions", "team": {"id": "T1", "domain": "hrc"},
        "user": {"id": "USEC", "username": "sec", "name": "sec", "team_id": "T1"},
        "api_app_id": "A1", "token": "legacy", "trigger_id": f"t.click.{n}",
        "container": {"type": "message", "message_ts": f"{n}.000200", "channel_id": "CGEN", "is_ephemeral": True},
        "channel": {"id": "CGEN", "name": "general"},
        "response_url": f"{slack.fake.url}/response/preview-{n}",
        "actions": [{**button, "block_id": "hrc_actions", "action_ts": str(time.time()), "type": "button"}],
    }


async def click(slack: SlackBot, payload: dict[str, Any]) -> dict[str, Any]:
    before = len(slack.fake.responses)
    assert (await slack.interact(payload))[0] == 200
    return (await slack.fake.wait_for(lambda: slack.fake.responses[before:]))[0]


async def test_each_preview_sends_once_and_is_replaced(slack: SlackBot) -> None:
    await slack.command("channel set announcements", user="USEC", name="sec", channel="CANN")  # someone to send to
    first = await slack.command("announce title: First text: one", user="USEC", name="sec")
    second = await slack.command("announce title: Second text: two", user="USEC", name="sec")
    assert first["response_type"] == "ephemeral" and "Preview of announcement #2" in block_texts(second["blocks"])

    sent = await click(slack, ephemeral_click(slack, first, "Send", 1))
    assert "Announcement #1 is on its way" in block_texts(sent["blocks"])
    assert sent["replace_original"] is True and not [b for b in sent["blocks"] if b["type"] == "actions"]

    # The second announcement's Send is another action, even with the same button and no `message`.
    sent = await click(slack, ephemeral_click(slack, second, "Send", 2))
    assert "Announcement #2 is on its way" in block_texts(sent["blocks"]) and sent["replace_original"] is True

    # The same click delivered again (a retry, a double click) is applied once: nothing more is said.
    assert (await slack.interact(ephemeral_click(slack, second, "Send", 2)))[0] == 200
    status = await slack.command("announce status 2", user="USEC", name="sec")
    assert "Status: queued" in block_texts(status["blocks"])
    assert not [r for r in slack.fake.responses if "already" in str(r)]

    third = await slack.command("announce title: Third text: three", user="USEC", name="sec")
    cancelled = await click(slack, ephemeral_click(slack, third, "Cancel", 3))
    assert "Announcement #3 cancelled" in block_texts(cancelled["blocks"]) and cancelled["replace_original"] is True
