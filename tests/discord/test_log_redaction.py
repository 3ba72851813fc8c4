"""At LOG_LEVEL=DEBUG discord.py logs gateway payloads and request URLs: interaction tokens never show."""

from __future__ import annotations

from tests.discord.conftest import DiscordBot
from tests.fakes.discord_api import slash
from tests.log_capture import debug_log


async def test_interaction_tokens_are_redacted_at_debug(discord_bot: DiscordBot) -> None:
    with debug_log() as log:
        iid, _ = await discord_bot.send(2, slash(["campaign", "themes"], {}))
        discord_bot.runtime.answer_within = 0  # deferred: the followup goes to /webhooks/APP/TOKEN
        iid2, _ = await discord_bot.send(2, slash(["campaign", "progress"], {}))
        await discord_bot.answer(iid2)
    text = log.getvalue()
    assert "INTERACTION_CREATE" in text or "interactions" in text  # discord.py did log the traffic
    assert f"token-{iid}" not in text and f"token-{iid2}" not in text
    assert "test-token" not in text  # the bot token
