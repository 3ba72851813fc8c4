"""Discord's right-click commands: on a member, "City card"; on a message, "Share as practice".

Both run the core's own commands: the city card is ``profile #ID`` of the member's city (the core
decides what the caller may see); sharing opens the same form as ``/practices share``, its summary
filled with the message's text (message commands receive it without the message-content intent).
"""

from __future__ import annotations

import discord
from discord import app_commands
from discord.app_commands import locale_str

from bot.discord.interactions import (
    answer,
    reader_language_of,
    runtime_of,
    send_reply,
    thinking_within,
    workspace_of,
)
from bot.discord.modals import FORMS, open_form
from handlers.i18n import N_, translator
from handlers.types import ParsedCommand, Reply, clean_input
from storage.queries.members import find_member

CITY_CARD = N_("City card")
SHARE_AS_PRACTICE = N_("Share as practice")


async def city_card(interaction: discord.Interaction, member: discord.Member | discord.User) -> None:
    """The card of the member's city, or a plain answer when they represent none."""
    runtime = runtime_of(interaction)
    deadline = thinking_within(interaction)  # the database may be slow: within Discord's window, as `answer`
    try:
        async with runtime.ctx.db.transaction(write=False) as session:
            found = await find_member(session, "discord", workspace_of(interaction), str(member.id))
            city_id = found.focal_point.city_id if found is not None and found.focal_point is not None else None
        language = await reader_language_of(interaction) if city_id is None else ""
    finally:
        await deadline.settle()  # after a defer, send_reply and answer answer with a followup
    if city_id is None:
        _ = translator(language)
        name = clean_input(member.display_name)
        await send_reply(interaction, Reply(text=_("{name} does not represent a city in the directory.").format(name=name)))
        return
    await answer(interaction, ParsedCommand("profile", main=f"#{city_id}"))


async def share_as_practice(interaction: discord.Interaction, message: discord.Message) -> None:
    """The share form, its summary filled with the message's text (up to the summary's limit)."""
    limit = next(field.max_length for field in FORMS["share"][1] if field.key == "summary")
    text = clean_input(message.content or "").strip()[:limit]
    await open_form(interaction, "share", {"summary": text} if text else {})


def build_context_menus() -> list[app_commands.ContextMenu]:
    return [
        app_commands.ContextMenu(name=locale_str(CITY_CARD), callback=city_card),
        app_commands.ContextMenu(name=locale_str(SHARE_AS_PRACTICE), callback=share_as_practice),
    ]
