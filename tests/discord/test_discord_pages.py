"""Long answers on Discord: divided into pages with Previous / Next, never cut (issue 11)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from bot.discord.render import DESCRIPTION_MAX, FIELD_VALUE_MAX
from storage.session import Database
from tests.directory_seed import city_name, seed_directory
from tests.discord.conftest import DiscordBot, embed_text
from tests.discord.limits import check_message
from tests.fakes.discord_api import slash

ANA = "500000000000000001"
BOB = "500000000000000003"
PAGE_RE = re.compile(r"Page (\d+) of (\d+)")


def listed_cities(message: dict[str, Any]) -> list[str]:
    """The city names listed in a `who` answer's fields, one per line."""
    names = []
    for embed in message["embeds"]:
        for field in embed.get("fields", []):
            for line in field["value"].split("\n"):
                names.append(line.split(" (", 1)[0].replace("\\", ""))
    return names


def page_of(message: dict[str, Any]) -> tuple[int, int]:
    match = PAGE_RE.search(message["embeds"][0].get("footer", {}).get("text", ""))
    return (int(match.group(1)), int(match.group(2))) if match else (1, 1)


def page_buttons(message: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {c["label"]: c for row in message.get("components", []) for c in row["components"] if c["custom_id"].startswith("hrcp:")}


async def turn(bot: DiscordBot, message: dict[str, Any], label: str, user_id: str = ANA) -> tuple[dict[str, Any], dict[str, Any]]:
    """Click ``label`` on ``message``; the callback and the message shown after it."""
    assert label in page_buttons(message), message.get("components")
    button = page_buttons(message)[label]
    shown = {**bot.fake.message("700000000000000001", message), "flags": message.get("flags", 0)}
    iid, callback = await bot.send(3, {"custom_id": button["custom_id"], "component_type": 2}, user_id=user_id, message=shown)
    if callback["type"] == 6:  # turned in place
        edited = (await bot.fake.wait_for(lambda: bot.fake.posted(f"token-{iid}/messages/@original", method="PATCH")))[0]
        return callback, edited
    return callback, await bot.answer(iid)


async def walk_pages(bot: DiscordBot, first: dict[str, Any]) -> list[dict[str, Any]]:
    pages, message = [first], first
    while not page_buttons(message).get("Next", {"disabled": True}).get("disabled"):
        _callback, message = await turn(bot, message, "Next")
        pages.append(message)
    return pages


@pytest.mark.parametrize(("count", "region"), [(30, None), (30, "europe"), (300, None)])
async def test_who_lists_every_city_across_pages(discord_bot: DiscordBot, sqlite_db: Database, count: int, region: str | None) -> None:
    bot = discord_bot
    await seed_directory(sqlite_db, count, region=region)
    options = {"theme": "housing", **({"region": "Europe"} if region else {})}
    iid, _first = await bot.send(2, slash(["who"], options), user_id=ANA)
    first = await bot.answer(iid)
    assert f"Verified cities: {count}." in embed_text(first)
    pages = await walk_pages(bot, first)
    numbers = [page_of(p) for p in pages]
    assert numbers == [(n, len(pages)) for n in range(1, len(pages) + 1)]
    names = [name for page in pages for name in listed_cities(page)]
    assert sorted(names) == sorted(city_name(n) for n in range(count))  # every name, whole, once
    text = "\n".join(embed_text(p) for p in pages)
    assert len(re.findall(r"<@\d{18}>", text)) == count  # every mention whole
    assert "<@" not in re.sub(r"<@\d{18}>", "", text)
    assert "narrow with region" not in text if region else True
    for page in pages:
        check_message(page)
        for embed in page["embeds"]:
            assert len(embed.get("description") or "") <= DESCRIPTION_MAX
            assert all(len(f["value"]) <= FIELD_VALUE_MAX for f in embed.get("fields", []))
    if count == 30:
        assert len(pages) == 1 and not page_buttons(first)  # 30 long names fit one embed: no pages
        return
    sizes = [check_message(page)["embed total"] for page in pages]
    assert all(size > 4500 for size in sizes[:-1]), sizes  # pages are filled, not one city each
    # Previous goes back, in place (the answer is only Ana's).
    callback, back = await turn(bot, pages[-1], "Previous")
    assert callback["type"] == 6 and page_of(back) == (len(pages) - 1, len(pages))


async def test_a_page_of_a_public_message_comes_as_a_fresh_answer(discord_bot: DiscordBot, sqlite_db: Database) -> None:
    bot = discord_bot
    await seed_directory(sqlite_db, 60)
    iid, _first = await bot.send(2, slash(["who"], {"theme": "housing"}), user_id=ANA)
    first = await bot.answer(iid)
    public = {**first, "flags": 0}  # as if shared in the channel
    callback, second = await turn(bot, public, "Next", user_id=BOB)
    assert callback["type"] == 5 and (callback["data"] or {}).get("flags", 0) & 64  # Bob's own, ephemeral
    assert page_of(second) == (2, page_of(first)[1])
    assert not bot.fake.posted("/messages/@original", method="PATCH")  # the shared message is left alone


async def test_a_page_button_works_after_a_restart(discord_bot: DiscordBot, sqlite_db: Database) -> None:
    """The custom id alone says what to show: a click on a message made before the bot started."""
    bot = discord_bot
    await seed_directory(sqlite_db, 150)
    message = {"id": "900000000000000001", "channel_id": "700000000000000001", "flags": 64, "embeds": [],
               "components": [{"type": 1, "components": [{"type": 2, "style": 2, "label": "Next", "custom_id": "hrcp:3:who housing"}]}]}
    callback, shown = await turn(bot, message, "Next")
    assert callback["type"] == 6 and page_of(shown)[0] == 3
    late = {**message, "components": [{"type": 1, "components": [{"type": 2, "style": 2, "label": "Next", "custom_id": "hrcp:99:who housing"}]}]}
    _callback, shown = await turn(bot, late, "Next")  # the list shrank since: its last page
    assert page_of(shown)[0] == page_of(shown)[1]
