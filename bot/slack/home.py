"""App Home: the viewer's city card (or a Register button), the next UN days, campaign progress."""

from __future__ import annotations

from typing import Any

from bot.slack.render import MAX_BLOCKS, blocks_for
from bot.wiring import Runtime
from handlers.registry import COMMANDS
from handlers.types import Actor, ParsedCommand, Place, Reply, Request

UPCOMING_DAYS = 5


async def _ask(runtime: Runtime, actor: Actor, team_id: str, name: str, main: str = "") -> Reply:
    request = Request(actor=actor, place=Place("slack", team_id, "home"), command=ParsedCommand(name, main))
    return await runtime.answer(request)


async def home_view(runtime: Runtime, actor: Actor, team_id: str) -> dict[str, Any]:
    blocks: list[dict[str, Any]] = []
    card = await _ask(runtime, actor, team_id, "profile")
    if card.is_error:
        blocks += [
            {"type": "header", "text": {"type": "plain_text", "text": "Human Rights Cities"}},
            {"type": "section", "text": {"type": "mrkdwn", "text": "You don't represent a city yet. Register yours: the secretariat verifies it."}},
            {"type": "actions", "elements": [{
                "type": "button", "action_id": "hrc_open_register", "style": "primary",
                "text": {"type": "plain_text", "text": "Register my city"},
            }]},
        ]
    else:
        blocks += blocks_for(card, team_id)
    if "days" in COMMANDS:
        days = await _ask(runtime, actor, team_id, "days")
        if not days.is_error:
            blocks += [{"type": "divider"}, *blocks_for(Reply(title=days.title, items=days.items[:UPCOMING_DAYS]), team_id)]
    progress = await _ask(runtime, actor, team_id, "progress")
    blocks += [{"type": "divider"}, *blocks_for(progress, team_id)]
    return {"type": "home", "blocks": blocks[:MAX_BLOCKS]}
