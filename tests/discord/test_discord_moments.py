"""Local times on Discord through discord.py: the announcement's time and the next prompt as ``<t:UNIX:F>``
(and ``<t:UNIX:R>``), which each reader's client shows in their own zone; footers stay plain text."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.discord.conftest import DiscordBot, embed_text
from tests.discord.test_discord_tree import run
from tests.fakes.discord_api import SECRETARIAT_ROLE_ID, Channel

SEC = {"user_id": "500000000000000002", "roles": [SECRETARIAT_ROLE_ID]}
ONE_THIRTY_UTC = int(datetime(2027, 10, 31, 1, 30, tzinfo=UTC).timestamp())


async def test_times_render_as_discord_timestamps(discord_bot: DiscordBot) -> None:
    bot = discord_bot
    bot.runtime.ctx.clock = lambda: datetime(2027, 10, 20, 9, 0, tzinfo=UTC)
    asked = await run(bot, ["secretariat", "announce", "new"], {"title": "Forum", "text": "Soon", "at": "2027-10-31 02:30 Europe/Madrid"}, **SEC)
    assert "happens twice in Europe/Madrid" in embed_text(asked) and asked["flags"] & 64
    preview = await run(bot, ["secretariat", "announce", "new"], {"title": "Forum", "text": "Soon",
                                                                 "at": "2027-10-31 02:30+01:00 Europe/Madrid"}, **SEC)
    assert f"Sending: <t:{ONE_THIRTY_UTC}:F> (<t:{ONE_THIRTY_UTC}:R>)." in preview["embeds"][-1]["description"]  # under the message as delivered
    sent = await run(bot, ["secretariat", "announce", "send"], {"id": 1}, **SEC)
    assert f"scheduled for <t:{ONE_THIRTY_UTC}:F> (<t:{ONE_THIRTY_UTC}:R>)" in embed_text(sent)
    status = await run(bot, ["secretariat", "announce", "status"], {"id": 1}, **SEC)
    assert {"name": "Scheduled for", "value": f"<t:{ONE_THIRTY_UTC}:F> (<t:{ONE_THIRTY_UTC}:R>)", "inline": False} in status["embeds"][0]["fields"]

    days = await run(bot, ["secretariat", "channel", "set"], {"what": "days", "timezone": "America/Bogota",
                                                               "channel": Channel("700000000000000043", "days")}, **SEC)
    snow_leopard_day = int(datetime(2027, 10, 23, 14, 0, tzinfo=UTC).timestamp())  # 09:00 in Bogota
    assert f"Next post: <t:{snow_leopard_day}:F> (<t:{snow_leopard_day}:R>)." in embed_text(days)
