"""Bot-made markdown renders on Discord (commands as code), user text stays inert (issue 11)."""

from __future__ import annotations

from tests.discord.conftest import DiscordBot
from tests.fakes.discord_api import SECRETARIAT_ROLE_ID, slash

ANA = "500000000000000001"
SEC = "500000000000000002"


async def test_quoted_commands_render_as_code_and_user_text_stays_escaped(discord_bot: DiscordBot) -> None:
    bot = discord_bot
    name = "Evil **bold** `tick _x_"
    iid, _ = await bot.send(2, slash(["city", "register"], {"city": name, "country": "France", "region": "europe", "themes": "water"}), user_id=ANA)
    await bot.answer(iid)
    iid, _ = await bot.send(2, slash(["secretariat", "pending"], {}), user_id=SEC, roles=[SECRETARIAT_ROLE_ID])
    description = (await bot.answer(iid))["embeds"][0]["description"]
    assert "\\`/" not in description  # the bot's own quotes are not escaped …
    assert "`/secretariat verify" in description  # … and name the command as Discord's tree has it
    assert "Evil \\*\\*bold\\*\\* \\`tick \\_x\\_" in description  # the user's markdown is shown as typed, inert


async def test_a_footer_shows_commands_without_backticks(discord_bot: DiscordBot) -> None:
    """Discord shows no markdown in a footer: a quoted command is written plainly, not as \\`…\\`."""
    bot = discord_bot
    iid, _ = await bot.send(2, slash(["campaign", "themes"], {}), user_id=ANA)
    footer = (await bot.answer(iid))["embeds"][0]["footer"]["text"]
    assert "/who" in footer and "`" not in footer
