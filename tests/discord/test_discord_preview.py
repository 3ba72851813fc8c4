"""The announcement preview on Discord shows exactly what will be delivered, whole (issue 11)."""

from __future__ import annotations

from typing import Any

from tests.discord.conftest import DiscordBot
from tests.discord.limits import check_message
from tests.fakes.discord_api import SECRETARIAT_ROLE_ID, Channel, slash

SEC: dict[str, Any] = {"user_id": "500000000000000002", "roles": [SECRETARIAT_ROLE_ID]}
TARGET = Channel("700000000000000042", "announcements")
# 1,900 characters with markdown and would-be pings, in sentences: none of it may be cut or rendered.
TEXT = ("Dear focal points, the *World Forum* of Human Rights Cities opens on 10 December in Gwangju "
        "(@everyone <!channel> `code` _x_). " * 20)[:1900]


def embeds_of(message: dict[str, Any]) -> list[dict[str, Any]]:
    return [{k: v for k, v in e.items() if k in ("title", "description", "fields", "footer")} for e in message["embeds"]]


async def test_a_1900_character_announcement_is_previewed_whole_and_as_delivered(discord_bot: DiscordBot) -> None:
    bot = discord_bot
    iid, _ = await bot.send(2, slash(["secretariat", "channel", "set"], {"what": "announcements", "channel": TARGET}), **SEC)
    await bot.answer(iid)
    iid, _ = await bot.send(2, slash(["secretariat", "announce", "new"], {"title": "World Forum", "text": TEXT,
                                                                          "link": "https://example.org/forum"}), **SEC)
    preview = await bot.answer(iid)
    check_message(preview)
    delivered_embed, info = preview["embeds"]
    assert len(TEXT) == 1900
    shown = delivered_embed["description"].replace("\\", "").replace("\u200b", "")  # escapes undone
    assert shown == TEXT.rstrip()  # whole (it was cut at 1,024), markdown and pings shown as typed
    assert "Preview of announcement #1" in info["title"] and info["fields"][0]["value"] == "Discord: 1 channel"
    labels = [c["label"] for row in preview["components"] for c in row["components"]]
    assert labels == ["Send", "Cancel"]

    iid, _ = await bot.send(2, slash(["secretariat", "announce", "send"], {"id": 1}), **SEC)
    await bot.answer(iid)
    await bot.runtime.outbox.run_once()
    posted = await bot.fake.wait_for(lambda: bot.fake.posted(f"/channels/{TARGET.id}/messages"))
    assert embeds_of(posted[0]) == embeds_of({"embeds": [delivered_embed]})  # the preview is what was delivered
