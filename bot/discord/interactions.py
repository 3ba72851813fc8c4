"""Turn a Discord interaction into a core request, and send the reply back within Discord's window."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

import discord

from bot.discord.render import render
from handlers.types import Actor, ParsedCommand, Place, Reply, Request, Visibility

if TYPE_CHECKING:
    from bot.wiring import Runtime

# Discord kills an interaction not answered within 3 s; past this we defer and follow up.
ANSWER_WITHIN = 2.0


def runtime_of(interaction: discord.Interaction) -> Runtime:
    return interaction.client.hrc_runtime  # type: ignore[attr-defined]


def is_secretariat_role(user: discord.abc.User, role: str) -> bool:
    roles = getattr(user, "roles", [])
    return bool(role) and any(r.name == role or str(r.id) == role for r in roles)


def actor_of(interaction: discord.Interaction) -> Actor:
    user = interaction.user
    runtime = runtime_of(interaction)
    return Actor(
        platform="discord",
        workspace=str(interaction.guild_id or "dm"),
        user_id=str(user.id),
        display_name=user.display_name,
        secretariat_role=is_secretariat_role(user, runtime.settings.discord.secretariat_role),
    )


def place_of(interaction: discord.Interaction) -> Place:
    channel = interaction.channel
    return Place(
        platform="discord",
        workspace=str(interaction.guild_id or "dm"),
        channel_id=str(interaction.channel_id or ""),
        is_direct=interaction.guild_id is None,
        name=getattr(channel, "name", "") or "",
    )


def request_of(interaction: discord.Interaction, command: ParsedCommand) -> Request:
    return Request(actor=actor_of(interaction), place=place_of(interaction), command=command, locale=str(interaction.locale))


def buttons(reply: Reply) -> discord.ui.View | None:
    if not reply.actions:
        return None
    from bot.discord.views import CommandButton

    view = discord.ui.View(timeout=None)
    for action in reply.actions[:5]:
        view.add_item(CommandButton(action.command, label=action.label, style=action.style))
    return view


async def send_reply(interaction: discord.Interaction, reply: Reply) -> None:
    embed, allowed = render(reply)
    ephemeral = reply.visibility is not Visibility.CHANNEL or reply.is_error
    view = buttons(reply)
    extra = {"view": view} if view is not None else {}
    if not interaction.response.is_done():
        await interaction.response.send_message(embed=embed, allowed_mentions=allowed, ephemeral=ephemeral, **extra)
    else:
        await interaction.followup.send(embed=embed, allowed_mentions=allowed, ephemeral=ephemeral, **extra)


class DeferDeadline:
    """Defers once ``seconds`` pass without an answer (Discord's 3-second window); until then the answer
    can be the interaction's first response. A timer, not a task per interaction."""

    def __init__(self, interaction: discord.Interaction, seconds: float) -> None:
        self._interaction = interaction
        self._deferred: asyncio.Future[Any] | None = None
        self._timer = asyncio.get_running_loop().call_later(seconds, self._expire)

    def _expire(self) -> None:
        self._deferred = asyncio.ensure_future(self._interaction.response.defer(ephemeral=True, thinking=True))

    async def settle(self) -> None:
        """Stop the timer; if the defer went out, wait for it so the answer becomes a followup."""
        self._timer.cancel()
        if self._deferred is not None:
            await self._deferred


async def answer(interaction: discord.Interaction, command: ParsedCommand) -> Reply | None:
    """Run the command; answer directly when quick, otherwise defer first (Discord's 3-second window)."""
    runtime = runtime_of(interaction)
    deadline = DeferDeadline(interaction, ANSWER_WITHIN)
    try:
        reply = await runtime.answer_once(request_of(interaction, command), key=f"discord-interaction:{interaction.id}")
    finally:
        await deadline.settle()
    if reply is None:  # the same interaction delivered twice
        return None
    await send_reply(interaction, reply)
    await runtime.deliver_notices(reply)
    return reply
