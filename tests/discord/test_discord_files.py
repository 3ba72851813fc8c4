"""Files with a reply on Discord: a multipart interaction response through the real discord.py client."""

from __future__ import annotations

from tests.discord.conftest import DiscordBot, embed_text
from tests.fakes.discord_api import slash

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


async def test_progress_chart_is_attached_to_the_embed(discord_bot: DiscordBot) -> None:
    bot = discord_bot
    iid, _first = await bot.send(2, slash(["campaign", "progress"], {}))
    message = await bot.answer(iid)
    assert "Verified local and regional governments: 0." in embed_text(message)
    files = message["_files"]
    assert [f["filename"] for f in files] == ["progress.png"]
    assert files[0]["content"].startswith(PNG_SIGNATURE)
    assert message["embeds"][0]["image"]["url"] == "attachment://progress.png"  # the chart shows inside the embed
    described = message["attachments"][0]
    assert described["filename"] == "progress.png"
    assert "verified local and regional governments: 0" in described["description"]  # Discord's alt text
    assert message.get("flags", 0) & 64  # only the caller sees it, file included


async def test_the_cached_embed_is_not_changed_by_attaching(discord_bot: DiscordBot) -> None:
    bot = discord_bot
    first_id, _ = await bot.send(2, slash(["campaign", "progress"], {}))
    second_id, _ = await bot.send(2, slash(["campaign", "progress"], {}))
    first, second = await bot.answer(first_id), await bot.answer(second_id)
    assert first["embeds"] == second["embeds"]
    assert len(second["_files"]) == 1 and second["_files"][0]["content"] == first["_files"][0]["content"]
