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
from bot.discord.render import items_by_page, outcome_line, render, render_pages, with_decision
from bot.render_memo import per_reply
from handlers.dispatch import parse_or_none
from handlers.i18n import translator
from handlers.registry import COMMANDS
from handlers.types import ParsedCommand, Reply

PAGE_PREFIX = "hrcp:"
ITEM_PREFIX = "hrci:"
CUSTOM_ID_MAX = 100
ROWS_MAX = 5  # action rows in one message, each of at most 5 buttons
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


class ItemButton(discord.ui.DynamicItem[discord.ui.Button],
                 template=r"hrci:(?P<page>\d{1,4}):(?P<size>\d{1,2}):(?P<rest>.{2,94})"):
    """A button of one entry of a list ("Verify Grenoble" on `pending`). The custom id carries the entry's
    command, the list's command (which only reads) and the page shown, ``hrci:1:7:pendingverify #12`` (the
    list's command's length first, so either may hold any character): once clicked, the message shows the
    outcome on one line above the list as it is now, on the same page, with its buttons; the entry decided
    is gone from it. Still works after a restart."""

    def __init__(self, page: int, listing: str, command: str, *, label: str = "…", style: str = "default") -> None:
        super().__init__(discord.ui.Button(label=label[:80], style=ITEM_STYLES.get(style, discord.ButtonStyle.secondary),
                                           custom_id=item_custom_id(page, listing, command)))
        self.page, self.listing, self.command = page, listing, command

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Button, match: re.Match[str]) -> ItemButton:
        size, rest = int(match["size"]), match["rest"]
        return cls(int(match["page"]), rest[:size], rest[size:], label=item.label or "…")

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        return await refuse_unless_served(interaction)

    async def callback(self, interaction: discord.Interaction) -> None:
        await run_item_button(interaction, self.command, self.listing, self.page)


# A list's entry's buttons side by side: approving green and declining red read at a glance (as Slack
# shows its "primary"), where a reply's own "primary" (Send, Verify on a notice) is Discord's blurple.
ITEM_STYLES = {"primary": discord.ButtonStyle.success, "danger": discord.ButtonStyle.danger}


def item_custom_id(page: int, listing: str, command: str) -> str:
    return f"{ITEM_PREFIX}{page}:{len(listing)}:{listing}{command}"


def item_rows(reply: Reply, listing: str, page: int, rows: int) -> list[list[ItemButton]]:
    """The buttons of the entries shown on ``page`` of ``reply`` (listed by ``listing``), one row an entry,
    at most ``rows`` rows: the first entries of the page; the others keep the command their text quotes.
    An action whose custom id would pass 100 characters has no button."""
    if rows < 1 or not any(item.actions for item in reply.items):
        return []
    on_pages = items_by_page(reply)
    out = []
    for index in on_pages[min(max(1, page), len(on_pages)) - 1]:
        row = [ItemButton(page, listing, action.command, label=action.full_label or action.label, style=action.style)
               for action in reply.items[index].actions[:5]
               if len(item_custom_id(page, listing, action.command)) <= CUSTOM_ID_MAX]
        if row:
            out.append(row)
        if len(out) >= rows:
            break
    return out


async def run_item_button(interaction: discord.Interaction, text: str, listing_text: str, page: int) -> None:
    """Run an entry's command for the person who clicked, then show on the message the outcome on one
    line and the list as it is now (its page ``page``, or its last when it shrank), with its buttons."""
    listing = parse_or_none(listing_text)
    if listing is None or (listed := page_command(listing)) is None:  # not a list we made: never re-run a write
        await run_button(interaction, text, None)
        return
    command = parse_or_none(text)
    if command is not None and interaction.guild_id is None and (refusal := await dm_refusal(interaction, command)) is not None:
        await send_reply(interaction, refusal)
        return
    await interaction.response.defer()
    if command is None:
        return
    runtime = runtime_of(interaction)
    message_id = interaction.message.id if interaction.message else 0
    key = f"discord-action:{interaction.guild_id}:{interaction.user.id}:{message_id}:{text}"
    reply = await runtime.answer_once(request_of(interaction, command), key)
    if reply is None:  # the same click delivered twice
        return
    shown = await runtime.answer(request_of(interaction, listing))
    pages = render_pages(shown)
    number = min(max(1, page), len(pages))
    embed, _allowed = pages[number - 1]
    ephemeral = interaction.message is None or interaction.message.flags.ephemeral
    await interaction.edit_original_response(
        content=outcome_line(reply, "" if ephemeral else interaction.user.mention), embed=embed,
        view=page_view(shown, listed, number, len(pages)), allowed_mentions=discord.AllowedMentions.none(),
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
            # content=None: a line an entry's button left above the list (``run_item_button``) was about the page before
            await interaction.edit_original_response(content=None, embed=embed, allowed_mentions=allowed, **extra)
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


def page_view(reply: Reply, command: str | None, page: int, pages: int) -> discord.ui.View | None:
    """The reply's own buttons (a row); with ``command`` (the list's, which only reads), a row for each of
    the first entries of the page that have buttons (``item_rows``), and with more than one page, Previous
    / Next last. Within Discord's 5 rows: the entries get those the other two leave."""
    from bot.discord.interactions import buttons, unheld

    view = buttons(reply)
    paged = command is not None and pages >= 2
    used = (1 if view is not None else 0) + (1 if paged else 0)
    entries = item_rows(reply, command, page, ROWS_MAX - used) if command is not None else []
    if not paged and not entries:
        return view
    view = view or unheld(discord.ui.View(timeout=None))
    row = 1 if view.children else 0
    for entry in entries:
        for button in entry:
            button.row = row
            view.add_item(button)
        row += 1
    if paged:
        _ = translator(reply.language)
        previous = PageButton(page - 1, command, label=_("Previous"), disabled=page <= 1)  # type: ignore[arg-type]
        following = PageButton(page + 1, command, label=_("Next"), disabled=page >= pages)  # type: ignore[arg-type]
        previous.row = following.row = row
        view.add_item(previous)
        view.add_item(following)
    return view
