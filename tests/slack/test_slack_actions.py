""""My city acts" through the real Bolt stack: act with a hostile note, the day's card, the outcome button on a
shared practice, and the secretariat's list."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

from handlers.types import Actor, Place
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


def ephemeral_click(slack: SlackBot, button: dict[str, Any], block_id: str, n: int) -> dict[str, Any]:
    """A click on an answer only USEC sees: Slack sends no ``message``, only the container and response_url."""
    return {
        "type": "block_actions", "team": {"id": "T1", "domain": "hrc"},
        "user": {"id": "USEC", "username": "sec", "name": "sec", "team_id": "T1"},
        "api_app_id": "A1", "token": "legacy", "trigger_id": f"t.list{n}",
        "container": {"type": "message", "message_ts": f"9.00010{n}", "channel_id": "CSEC", "is_ephemeral": True},
        "channel": {"id": "CSEC", "name": "secretariat"},
        "response_url": f"{slack.fake.url}/response/list{n}",
        "actions": [{**button, "block_id": block_id, "action_ts": str(time.time()), "type": "button"}],
    }


def entry_buttons(blocks: list[dict[str, Any]]) -> dict[str, tuple[dict[str, Any], str]]:
    """Each entry's buttons of a list, by the command they run: (button, its block_id)."""
    return {e["value"]: (e, b["block_id"]) for b in blocks if b["type"] == "actions"
            and b["block_id"].startswith("hrc_item_") for e in b["elements"]}


async def test_pending_list_stays_when_one_city_is_verified_or_declined(slack: SlackBot) -> None:
    for user, city in (("UANA", "Grenoble"), ("UBOB", "Lyon"), ("UCAM", "Nantes")):
        await slack.command(f"register city: {city} country: France region: Europe", user=user, name=user.lower())
    listing = await slack.command("pending", user="USEC", name="sec", channel="CSEC")
    assert listing["response_type"] == "ephemeral"
    buttons = entry_buttons(listing["blocks"])
    assert set(buttons) == {"verify #1", "reject #1", "verify #2", "reject #2", "verify #3", "reject #3"}

    before = len(slack.fake.responses)
    assert (await slack.interact(ephemeral_click(slack, *buttons["verify #2"], 1)))[0] == 200
    shown = (await slack.fake.wait_for(lambda: slack.fake.responses[before:]))[0]
    assert shown["replace_original"] is True and shown["response_type"] == "ephemeral"
    text = block_texts(shown["blocks"])
    assert shown["blocks"][0]["type"] == "context" and text.startswith("✅ Lyon is verified; 1 focal point told.")
    assert "Awaiting a decision (2)" in text and "Grenoble" in text and "Nantes" in text
    assert "Lyon (France" not in text  # its entry is gone: decided
    again = entry_buttons(shown["blocks"])
    assert set(again) == {"verify #1", "reject #1", "verify #3", "reject #3"}
    told = await slack.fake.wait_for(lambda: slack.fake.posts_in("DUBOB"))
    assert "Welcome to the campaign" in told[0]["text"]

    # The refreshed list's buttons work the same: decline Nantes from it.
    before = len(slack.fake.responses)
    assert (await slack.interact(ephemeral_click(slack, *again["reject #3"], 2)))[0] == 200
    shown = (await slack.fake.wait_for(lambda: slack.fake.responses[before:]))[0]
    text = block_texts(shown["blocks"])
    assert text.startswith("✅ Nantes declined; 1 focal point told.") and "Awaiting a decision (1)" in text
    assert set(entry_buttons(shown["blocks"])) == {"verify #1", "reject #1"}

    # Someone else verifies Grenoble meanwhile; the stale button of the first list says so, in place.
    other = Actor("console", "local", "maria", "Maria", secretariat_role=True)
    await slack.runtime.answer_text(other, Place("console", "local", "console"), "verify Grenoble")
    before = len(slack.fake.responses)
    assert (await slack.interact(ephemeral_click(slack, *buttons["verify #1"], 3)))[0] == 200
    shown = (await slack.fake.wait_for(lambda: slack.fake.responses[before:]))[0]
    text = block_texts(shown["blocks"])
    assert text.startswith("✅ Grenoble was already verified by Maria (console) on ")
    assert "Nothing is waiting for a decision." in text and not entry_buttons(shown["blocks"])
    # …and so does a stale Reject, as a warning: nothing is declined.
    before = len(slack.fake.responses)
    assert (await slack.interact(ephemeral_click(slack, *buttons["reject #1"], 4)))[0] == 200
    shown = (await slack.fake.wait_for(lambda: slack.fake.responses[before:]))[0]
    assert block_texts(shown["blocks"]).startswith("⚠️ Grenoble is verified and nobody is waiting to join it")


async def test_pending_list_in_a_message_keeps_the_other_entries_buttons(slack: SlackBot) -> None:
    """The list as a message with a ts (typed in the bot's Messages tab): only the clicked entry changes."""
    for user, city in (("UANA", "Grenoble"), ("UBOB", "Lyon"), ("UCAM", "Nantes")):
        await slack.command(f"register city: {city} country: France region: Europe", user=user, name=user.lower())
    listing = await slack.command("pending", user="USEC", name="sec", channel="CSEC")
    button, block_id = entry_buttons(listing["blocks"])["verify #2"]
    click = ephemeral_click(slack, button, block_id, 5)
    click["container"]["is_ephemeral"] = False
    click["message"] = {"type": "message", "ts": "9.000105", "text": listing["text"], "blocks": listing["blocks"]}
    assert (await slack.interact(click))[0] == 200
    updated = (await slack.fake.wait_for(lambda: slack.fake.called("chat.update")))[0]
    assert set(entry_buttons(updated["blocks"])) == {"verify #1", "reject #1", "verify #3", "reject #3"}
    marked = [b for b in updated["blocks"] if b["type"] == "context" and "Lyon is verified" in block_texts([b])]
    assert marked and "(<@USEC>)" in block_texts(marked)
    # The outcome stands where Lyon's buttons were, under Lyon's entry.
    index = updated["blocks"].index(marked[0])
    assert "Lyon" in block_texts([updated["blocks"][index - 1]])
