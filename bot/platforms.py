"""Start the chat platforms whose tokens are set. Filled in by the Slack and Discord adapters."""

from __future__ import annotations

from bot.settings import Settings


async def run_platforms(settings: Settings) -> int:
    raise SystemExit("hrc-bot: Slack and Discord adapters are not available in this build yet")
