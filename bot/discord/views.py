"""Buttons that run a grammar command (Verify / Reject / Send …) and keep working after a restart.

A DynamicItem carries the command in its custom_id (≤ 100 characters), so no state is needed in
memory: `client.add_dynamic_items(CommandButton)` at start-up makes old messages' buttons live again.
"""

from __future__ import annotations

import re
from dataclasses import replace

import discord

from bot.discord.interactions import (
    buttons,
    dm_refusal,
    refuse_unless_served,
    request_of,
    runtime_of,
    send_reply,
    serves_guild,
)
from bot.discord.render import render
from handlers.dispatch import parse_or_none

STYLES = {"primary": discord.ButtonStyle.primary, "danger": discord.ButtonStyle.danger}


class CommandButton(discord.ui.DynamicItem[discord.ui.Button], template=r"hrc:(?P<command>.{1,96})"):
    def __init__(self, command: str, *, label: str = "…", style: str = "default") -> None:
        super().__init__(
            discord.ui.Button(
                label=label[:80], style=STYLES.get(style, discord.ButtonStyle.secondary), custom_id=f"hrc:{command[:96]}"
            )
        )
        self.command = command

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button, match: re.Match[str]
    ) -> CommandButton:
        return cls(match["command"], label=item.label or "…")

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        return await refuse_unless_served(interaction)

    async def callback(self, interaction: discord.Interaction) -> None:
        await run_button(interaction, self.command, None)


class MemberButton(discord.ui.DynamicItem[discord.ui.Button], template=r"hrcm:(?P<guild>\d{1,20}):(?P<command>.{1,76})"):
    """A button in a direct message to a member ("Stop these", "Undo"). A click in a DM carries no server,
    and members are kept per server: the member's server rides in the custom id (≤ 100 characters)."""

    def __init__(self, guild: str, command: str, *, label: str = "…", style: str = "default") -> None:
        super().__init__(
            discord.ui.Button(
                label=label[:80], style=STYLES.get(style, discord.ButtonStyle.secondary),
                custom_id=f"hrcm:{guild}:{command[:76]}",
            )
        )
        self.guild = guild
        self.command = command

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button, match: re.Match[str]
    ) -> MemberButton:
        return cls(match["guild"], match["command"], label=item.label or "…")

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        return await refuse_unless_served(interaction)

    async def callback(self, interaction: discord.Interaction) -> None:
        await run_button(interaction, self.command, self.guild)


async def run_button(interaction: discord.Interaction, text: str, guild: str | None) -> None:
    """Run a button's command for the person who clicked; record the outcome on the message, with the
    reply's own buttons (an "Undo") in place of the old ones."""
    command = parse_or_none(text)
    if command is not None and interaction.guild_id is None:
        # In a DM a button acts for its server only when it names a server the bot serves.
        refusal = dm_refusal(interaction, command) if not guild or not guild.isdigit() or not serves_guild(interaction, int(guild)) else None
        if refusal is not None:
            await send_reply(interaction, refusal)
            return
    await interaction.response.defer()
    if command is None:
        return
    runtime = runtime_of(interaction)
    message_id = interaction.message.id if interaction.message else 0
    # The same person pressing the same button of the same message twice applies it once.
    key = f"discord-action:{interaction.guild_id}:{interaction.user.id}:{message_id}:{text}"
    request = request_of(interaction, command)
    if guild and interaction.guild_id is None:  # in a DM: act as the member of the server the message came from
        request = replace(request, actor=replace(request.actor, workspace=guild), place=replace(request.place, workspace=guild))
    reply = await runtime.answer_once(request, key)
    if reply is None:
        return
    if reply.is_error or interaction.message is None:
        await send_reply(interaction, reply)
        return
    embeds = list(interaction.message.embeds) or [render(reply)[0].copy()]  # copied: we add a field below
    decision, _allowed = render(reply)
    embeds[0].add_field(name="Decision", value=f"{decision.description or ''} ({interaction.user.mention})"[:1024], inline=False)
    await interaction.edit_original_response(
        embeds=embeds, view=buttons(reply, guild), allowed_mentions=discord.AllowedMentions.none()
    )
    await runtime.deliver_notices(reply)
