"""Buttons that run a grammar command (Verify / Reject / Send …) and keep working after a restart.

A DynamicItem carries the command in its custom_id (≤ 100 characters), so no state is needed in
memory: `client.add_dynamic_items(CommandButton)` at start-up makes old messages' buttons live again.
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache

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
from bot.discord.render import render, render_pages, with_decision
from bot.render_memo import per_reply
from handlers.dispatch import parse_or_none
from handlers.i18n import translator
from handlers.registry import COMMANDS
from handlers.types import ParsedCommand, Reply

PAGE_PREFIX = "hrcp:"
COMMAND_ID_MAX = 100 - len(PAGE_PREFIX) - len("9999:")  # Discord's custom_id holds 100 characters
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
        refusal = await dm_refusal(interaction, command) if not guild or not (guild.isascii() and guild.isdigit()) or not serves_guild(interaction, int(guild)) else None
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
    decision, _allowed = render(reply)
    _ = translator(reply.language)
    embeds = with_decision(list(interaction.message.embeds) or [decision], _("Decision"),
                           f"{decision.description or ''} ({interaction.user.mention})")
    await interaction.edit_original_response(
        embeds=embeds, view=buttons(reply, guild), allowed_mentions=discord.AllowedMentions.none()
    )
    await runtime.deliver_notices(reply)


def page_command(command: ParsedCommand | None) -> str | None:
    """The grammar text that runs ``command`` again (``who housing region: europe``), for a page button;
    None when the command changes something (a page must never repeat a write) or the text would not fit
    a custom id."""
    if command is None or command.name not in COMMANDS or COMMANDS[command.name].writes:
        return None
    text = " ".join(part for part in (command.name, command.main, *(f"{k}: {v}" for k, v in command.options.items() if v)) if part)
    return text if len(text) <= COMMAND_ID_MAX and _parsed(text) == command else None


@lru_cache(maxsize=1024)
def _parsed(text: str) -> ParsedCommand | None:
    # Every long answer checks its page command parses back (~20 µs): the same few come again and again.
    # Callers only compare what they get.
    return parse_or_none(text)


class PageButton(discord.ui.DynamicItem[discord.ui.Button], template=r"hrcp:(?P<page>\d{1,4}):(?P<command>.{1,91})"):
    """Previous / next page of a long answer. The custom id carries the command and the page (≤ 100
    characters), so a click after a restart still works: the command runs again (it only reads) and the
    page asked for is shown. On an answer only its author sees, the click turns the page in place; on a
    message everyone sees, the clicker gets the page in a fresh answer only they see (nobody turns a
    shared message's pages for everyone)."""

    def __init__(self, page: int, command: str, *, label: str = "…", disabled: bool = False) -> None:
        super().__init__(discord.ui.Button(label=label[:80], style=discord.ButtonStyle.secondary, disabled=disabled,
                                           custom_id=f"{PAGE_PREFIX}{page}:{command}"))
        self.page = page
        self.command = command

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Button, match: re.Match[str]) -> PageButton:
        return cls(int(match["page"]), match["command"], label=item.label or "…")

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        return await refuse_unless_served(interaction)

    async def callback(self, interaction: discord.Interaction) -> None:
        command = parse_or_none(self.command)
        if command is None or page_command(command) is None:  # not one of ours: nothing to run
            await interaction.response.defer()
            return
        in_place = interaction.message is not None and interaction.message.flags.ephemeral
        await (interaction.response.defer() if in_place else interaction.response.defer(ephemeral=True, thinking=True))
        reply = await runtime_of(interaction).answer(request_of(interaction, command))
        pages = render_pages(reply)
        number = min(max(1, self.page), len(pages))  # the list may have shrunk since the button was made
        embed, allowed = pages[number - 1]
        view = page_view(reply, self.command, number, len(pages))
        extra: dict[str, object] = {"view": view} if view is not None else {}
        if in_place and not reply.is_error:
            await interaction.edit_original_response(embed=embed, allowed_mentions=allowed, **extra)
        else:
            await interaction.followup.send(embed=embed, allowed_mentions=allowed, ephemeral=True, **extra)


def first_page_view(reply: Reply, command: str, pages: int) -> discord.ui.View | None:
    """``page_view`` of the first page; for a shared reply (``Reply.shareable``, served again and again
    from the cache), one view for every answer: a finished view (``unheld``) is only the description of
    its buttons, which discord.py reads and does not keep (at most it sets a timeout that never runs)."""
    return _shared_first_page_view(reply, command, pages) if reply.shareable else page_view(reply, command, 1, pages)


@per_reply
def _shared_first_page_view(reply: Reply, command: str, pages: int) -> discord.ui.View | None:
    return page_view(reply, command, 1, pages)


def page_view(reply: object, command: str | None, page: int, pages: int) -> discord.ui.View | None:
    """The reply's own buttons, and with ``command`` and more than one page, Previous / Next."""
    from bot.discord.interactions import buttons, unheld

    view = buttons(reply)  # type: ignore[arg-type]
    if command is None or pages < 2:
        return view
    view = view or unheld(discord.ui.View(timeout=None))
    _ = translator(getattr(reply, "language", ""))
    row = 1 if view.children else 0
    previous = PageButton(page - 1, command, label=_("Previous"), disabled=page <= 1)
    following = PageButton(page + 1, command, label=_("Next"), disabled=page >= pages)
    previous.row = following.row = row
    view.add_item(previous)
    view.add_item(following)
    return view
