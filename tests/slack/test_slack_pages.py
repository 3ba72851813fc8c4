"""Long answers on Slack: divided into pages, never cut, entities never split (issue 11)."""

from __future__ import annotations

import html
import json
import time
from typing import Any

from bot.pages import split_text
from bot.slack.inert_text import inert
from storage.session import Database
from tests.directory_seed import city_name, seed_directory
from tests.slack.conftest import SlackBot
from tests.slack.limits import check_blocks


def listed(blocks: list[dict[str, Any]]) -> list[str]:
    names = []
    for block in blocks:
        text = block.get("text", {}).get("text", "") if block["type"] == "section" else ""
        for line in text.split("\n"):
            if line.startswith(("Saint", "Ciudad")):
                names.append(html.unescape(line.split(" (", 1)[0]))
    return names


def click(slack: SlackBot, message: dict[str, Any], label: str, n: int, *, ephemeral: bool = True) -> dict[str, Any]:
    buttons = next(b for b in message["blocks"] if b.get("block_id") == "hrc_pages")["elements"]
    button = next(b for b in buttons if b["text"]["text"] == label)
    payload: dict[str, Any] = {
        "type": "block_actions", "team": {"id": "T1", "domain": "hrc"},
        "user": {"id": "UANA", "username": "ana", "name": "ana", "team_id": "T1"}, "api_app_id": "A1",
        "token": "legacy", "trigger_id": f"t.page.{n}",
        "container": {"type": "message", "message_ts": f"{n}.000300", "channel_id": "CGEN", "is_ephemeral": ephemeral},
        "channel": {"id": "CGEN", "name": "general"}, "response_url": f"{slack.fake.url}/response/page-{n}",
        "actions": [{**button, "block_id": "hrc_pages", "action_ts": str(time.time()), "type": "button"}],
    }
    if not ephemeral:
        payload["message"] = {"ts": f"{n}.000300", "blocks": message["blocks"]}
    return payload


async def answer_to(slack: SlackBot, payload: dict[str, Any]) -> dict[str, Any]:
    before = len(slack.fake.responses)
    assert (await slack.interact(payload))[0] == 200
    return (await slack.fake.wait_for(lambda: slack.fake.responses[before:]))[0]


async def test_who_with_1000_cities_pages_on_slack(slack: SlackBot, sqlite_db: Database) -> None:
    await seed_directory(sqlite_db, 1000, focal_points=2)
    first = await slack.command("who housing")
    pages, message, n = [first], first, 0
    while any(b.get("block_id") == "hrc_pages" and any(e["text"]["text"] == "Next" for e in b["elements"]) for b in message["blocks"]):
        n += 1
        message = await answer_to(slack, click(slack, message, "Next", n))
        assert message["replace_original"] is True  # only Ana sees it: turned in place
        pages.append(message)
    assert len(pages) >= 2
    for number, page in enumerate(pages, 1):
        check_blocks(page["blocks"])
        assert f"Page {number} of {len(pages)}" in str(page["blocks"])
    names = [name for page in pages for name in listed(page["blocks"])]
    assert sorted(names) == sorted(inert(city_name(n)) for n in range(1000))  # "Città*Ðà" shows as "Città∗Ðà"


async def test_a_page_of_a_channel_message_comes_as_a_fresh_ephemeral_answer(slack: SlackBot, sqlite_db: Database) -> None:
    await seed_directory(sqlite_db, 1000)
    first = await slack.command("who housing")
    second = await answer_to(slack, click(slack, first, "Next", 1, ephemeral=False))
    assert second["replace_original"] is False and second["response_type"] == "ephemeral"
    assert "Page 2 of" in str(second["blocks"])


async def test_next_on_an_answer_whose_response_url_expired_still_shows_the_page(slack: SlackBot, sqlite_db: Database) -> None:
    """Past 30 minutes (or 5 uses) Slack refuses the response_url with a 404: the page comes as an
    ephemeral message in the channel, or by direct message where the bot cannot post."""
    await seed_directory(sqlite_db, 1000)
    first = await slack.command("who housing")
    slack.fake.expired |= {"page-1", "page-2"}
    assert (await slack.interact(click(slack, first, "Next", 1)))[0] == 200
    posted = (await slack.fake.wait_for(lambda: slack.fake.called("chat.postEphemeral")))[0]
    assert (posted["channel"], posted["user"]) == ("CGEN", "UANA") and "Page 2 of" in str(posted["blocks"])
    check_blocks(posted["blocks"] if isinstance(posted["blocks"], list) else json.loads(posted["blocks"]))

    slack.fake.fail["chat.postEphemeral"] = "not_in_channel"
    assert (await slack.interact(click(slack, first, "Next", 2)))[0] == 200
    direct = (await slack.fake.wait_for(lambda: [p for p in slack.fake.called("chat.postMessage") if p["channel"] == "UANA"]))[0]
    assert "Page 2 of" in str(direct["blocks"])
    assert slack.fake.responses == []  # nothing went through the expired URLs


async def test_an_announcement_full_of_markup_is_previewed_whole_on_slack(slack: SlackBot) -> None:
    """3,000 characters of ``<`` and ``&`` grow fourfold when escaped: the preview shows all of it, in
    sections of at most 3,000 characters, no ``&lt;`` cut in two (Slack's old cut after escaping)."""
    text = ("<&> " * 750)[:2999] + "!"
    preview = await slack.command(f"announce title: Escapes text: {text}", user="USEC", name="sec")
    messages = [preview, *slack.fake.responses[1:]] if len(slack.fake.responses) > 1 else [preview]
    sections = [b["text"]["text"] for m in messages for b in m["blocks"] if b["type"] == "section" and "text" in b]
    for m in messages:
        check_blocks(m["blocks"])
    shown = html.unescape("\n".join(s for s in sections if s.startswith("&lt;&amp;&gt;")).replace("\n", " "))
    assert shown.split() == text.split()


def test_split_text_never_cuts_an_entity_or_a_token() -> None:
    text = "a" * 9 + "&lt;" + " <@U123456> " + "x" * 20
    for limit in range(11, 40):  # from the longest token up
        pieces = split_text(text, limit)
        assert all(len(p) <= limit for p in pieces)
        assert all(p.count("&") == p.count(";") for p in pieces), (limit, pieces)
        assert "".join(pieces).replace(" ", "") == text.replace(" ", "")
        assert all(("<" in p) == (">" in p) for p in pieces), (limit, pieces)


async def test_an_answer_for_the_channel_stays_one_when_its_response_url_expired(slack: SlackBot) -> None:
    """The fallback for an expired response_url posted every answer as an ephemeral message: one meant for the
    channel (``response_type: in_channel``) was then seen by the clicker alone."""
    from slack_bolt.context.respond.async_respond import AsyncRespond
    from slack_sdk.web.async_client import AsyncWebClient

    from bot.slack.respond import lasting

    slack.fake.expired.add("old")
    client = AsyncWebClient(token="xoxb-test", base_url=f"{slack.fake.url}/api/")
    respond = lasting(AsyncRespond(response_url=f"{slack.fake.url}/response/old"), client, "CGEN", "UANA")
    await respond(text="For everyone", response_type="in_channel")
    await respond(text="For you", response_type="ephemeral")
    assert [p["text"] for p in slack.fake.called("chat.postMessage") if p["channel"] == "CGEN"] == ["For everyone"]
    assert [p["text"] for p in slack.fake.called("chat.postEphemeral")] == ["For you"]
