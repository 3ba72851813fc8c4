"""Personal prompts in Slack through the real Bolt stack: the "Stop these" button of a DM, then "Undo"."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

from bot.scheduler import PromptScheduler
from tests.slack.conftest import SlackBot, block_texts


def click(slack: SlackBot, message: dict[str, Any], button: dict[str, Any], block_id: str) -> dict[str, Any]:
    return {
        "type": "block_actions", "team": {"id": "T1", "domain": "hrc"},
        "user": {"id": "UANA", "username": "ana", "name": "ana", "team_id": "T1"},
        "api_app_id": "A1", "token": "legacy", "trigger_id": "t.click",
        "container": {"type": "message", "message_ts": message["ts"], "channel_id": "DUANA", "is_ephemeral": False},
        "channel": {"id": "DUANA", "name": "directmessage"},
        "message": {"type": "message", "ts": message["ts"], "text": message["text"], "blocks": message["blocks"]},
        "response_url": f"{slack.fake.url}/response/click",
        "actions": [{**button, "block_id": block_id, "action_ts": str(time.time()), "type": "button"}],
    }


def buttons_of(blocks: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], str]:
    block = next(b for b in blocks if b["type"] == "actions")
    return block["elements"], block["block_id"]


async def test_stop_these_in_a_dm_then_undo(slack: SlackBot) -> None:
    answer = await slack.command("subscribe water")
    assert "Subscribed to Water &amp; sanitation" in block_texts(answer["blocks"])
    slack.runtime.ctx.clock = lambda: datetime(2027, 3, 22, 9, 0, tzinfo=UTC)
    await PromptScheduler(slack.runtime).tick()
    dm = slack.fake.posts_in("DUANA")[0]
    assert "World Water Day" in dm["text"]
    buttons, block_id = buttons_of(dm["blocks"])
    assert [(b["text"]["text"], b["value"]) for b in buttons] == [("Stop these", "unsubscribe water-sanitation")]

    message = {"ts": "9.000100", "text": dm["text"], "blocks": dm["blocks"]}
    assert (await slack.interact(click(slack, message, buttons[0], block_id)))[0] == 200
    updated = (await slack.fake.wait_for(lambda: slack.fake.called("chat.update")))[0]
    assert "Unsubscribed from Water &amp; sanitation" in block_texts(updated["blocks"])
    undo, undo_block = buttons_of(updated["blocks"])
    assert [(b["text"]["text"], b["value"]) for b in undo] == [("Undo", "subscribe water-sanitation")]

    message = {"ts": "9.000100", "text": updated["text"], "blocks": updated["blocks"]}
    assert (await slack.interact(click(slack, message, undo[0], undo_block)))[0] == 200
    undone = (await slack.fake.wait_for(lambda: slack.fake.called("chat.update")[1:]))[0]
    assert "Subscribed to Water &amp; sanitation" in block_texts(undone["blocks"])
    again = await slack.command("subscribe water")
    assert "already subscribed" in block_texts(again["blocks"])


async def test_days_export_uploads_the_calendar_file(slack: SlackBot) -> None:
    from icalendar import Calendar

    answer = await slack.command("days export theme: water")
    assert "hrc-days.ics" in block_texts(answer["blocks"])
    (upload,) = await slack.fake.wait_for(lambda: slack.fake.uploads)
    assert upload["filename"] == "hrc-days.ics" and upload["channel"] == "DUANA"
    events = Calendar.from_ical(upload["content"]).walk("VEVENT")
    assert "world-water-day@hrc-bot.human-rights-cities" in {str(e["uid"]) for e in events}
