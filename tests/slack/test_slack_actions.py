""""My city acts" through the real Bolt stack: act with a hostile note, the day's card, the outcome button on a
shared practice, and the secretariat's list."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

from tests.slack.conftest import SlackBot, block_texts

REGISTER = "register city: Grenoble country: France region: Europe themes: human rights"


def in_channel_click(slack: SlackBot, message: dict[str, Any], button: dict[str, Any], block_id: str) -> dict[str, Any]:
    return {
        "type": "block_actions", "team": {"id": "T1", "domain": "hrc"},
        "user": {"id": "UANA", "username": "ana", "name": "ana", "team_id": "T1"},
        "api_app_id": "A1", "token": "legacy", "trigger_id": "t.click",
        "container": {"type": "message", "message_ts": "5.000100", "channel_id": "CGEN", "is_ephemeral": False},
        "channel": {"id": "CGEN", "name": "general"},
        "message": {"type": "message", "ts": "5.000100", "text": message["text"], "blocks": message["blocks"]},
        "response_url": f"{slack.fake.url}/response/click",
        "actions": [{**button, "block_id": block_id, "action_ts": str(time.time()), "type": "button"}],
    }


async def test_act_card_outcome_button_and_acting(slack: SlackBot) -> None:
    clock = {"now": datetime(2026, 11, 24, 9, 0, tzinfo=UTC)}
    slack.runtime.ctx.clock = lambda: clock["now"]
    await slack.command(REGISTER)
    await slack.command("verify Grenoble", user="USEC", name="sec")

    answer = await slack.command("act human rights day note: <!channel> open day & *party* <@U999> link: https://example.org/open")
    assert "Recorded: Grenoble acts on Human Rights Day" in block_texts(answer["blocks"])
    card = await slack.command("day human rights day", user="UBOB", name="bob")
    texts = block_texts(card["blocks"], only_type="mrkdwn")
    assert "Grenoble (France): &lt;!channel&gt; open day &amp; ∗party∗ &lt;@U999&gt; · https://example.org/open" in texts
    assert "<!channel>" not in texts and "<@U999>" not in texts

    clock["now"] = datetime(2026, 12, 12, 10, 0, tzinfo=UTC)
    shared = await slack.command("share title: Open day report themes: human rights summary: 400 visitors.")
    assert shared["response_type"] == "in_channel"
    assert "Record this as your city's action for Human Rights Day?" in block_texts(shared["blocks"])
    block = next(b for b in shared["blocks"] if b["type"] == "actions")
    (button,) = [b for b in block["elements"] if b["value"] == "act human-rights-day practice: 1"]
    assert button["text"]["text"] == "Our action for Human Rights Day"
    assert (await slack.interact(in_channel_click(slack, shared, button, block["block_id"])))[0] == 200
    updated = (await slack.fake.wait_for(lambda: slack.fake.called("chat.update")))[0]
    assert "as the outcome of Grenoble's action on Human Rights Day" in block_texts(updated["blocks"])
    assert "Open day report" in block_texts(updated["blocks"])  # the shared practice stays, with the outcome below

    listing = await slack.command("acting human rights day", user="USEC", name="sec")
    text = block_texts(listing["blocks"])
    assert "Cities acting on Human Rights Day (December 10, 2026)" in text
    assert "outcome: Open day report" in text and "https://example.org/open" in text
    refused = await slack.command("acting human rights day", user="UBOB", name="bob")
    assert "secretariat" in block_texts(refused["blocks"]).lower()
