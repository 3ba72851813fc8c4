"""Turn a Discord interaction into a core request, and send the reply back within Discord's window."""

from __future__ import annotations

import io
import logging
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import discord

from bot.deadline import Deadline
from bot.discord.render import in_messages, render_pages
from handlers.i18n import translator
from handlers.languages import reader_language
from handlers.registry import COMMANDS
from handlers.types import Actor, ParsedCommand, Place, Reply, Request, Visibility

if TYPE_CHECKING:
    from bot.wiring import Runtime

logger = logging.getLogger(__name__)


def runtime_of(interaction: discord.Interaction) -> Runtime:
    return interaction.client.hrc_runtime  # type: ignore[attr-defined]


def served(interaction: discord.Interaction) -> bool:
    """Whether the bot serves this interaction's server: one in DISCORD_GUILD_IDS when that is set, else
    one the bot is a member of. Direct messages are served (read-only: see ``dm_refusal``)."""
    return interaction.guild_id is None or serves_guild(interaction, interaction.guild_id)


def serves_guild(interaction: discord.Interaction, guild_id: int) -> bool:
    """Whether ``guild_id`` is a server the bot serves (DISCORD_GUILD_IDS, else the servers it is in)."""
    guild_ids = runtime_of(interaction).settings.discord.guild_ids
    if guild_ids:
        return guild_id in guild_ids
    return interaction.client.get_guild(guild_id) is not None


def is_secretariat_role(interaction: discord.Interaction, role_id: str) -> bool:
    """The caller holds the secretariat role, matched by id (a role's id exists in one guild only, so a
    role merely *named* like it in another server grants nothing), in a server the bot serves."""
    if not role_id or interaction.guild_id is None or not served(interaction):
        return False
    roles = getattr(interaction.user, "roles", [])
    return any(str(r.id) == role_id for r in roles)


async def refuse_unless_served(interaction: discord.Interaction) -> bool:
    """Answer an interaction from a server the bot does not serve with a short refusal; True if served.

    Nothing is run and nothing is stored for a refused interaction; autocomplete gets no choices.
    """
    if served(interaction):
        return True
    logger.info("discord: refused an interaction from guild %s (not served)", interaction.guild_id)
    if interaction.type is discord.InteractionType.autocomplete:
        await interaction.response.autocomplete([])
    elif not interaction.response.is_done():
        _ = translator(str(interaction.locale))
        await interaction.response.send_message(
            _("This bot serves only the campaign's own server. Nothing was changed."), ephemeral=True
        )
    return False


async def reader_language_of(interaction: discord.Interaction) -> str:
    """The language to answer the caller in outside the core: their ``/language``, else the client's."""
    return await reader_language(runtime_of(interaction).ctx, actor_of(interaction), str(interaction.locale))


# Commands that change only the caller's own preference: in a DM that acts as the campaign server's
# member (``workspace_of``), they are that member's as in the server; without an argument they only read.
PERSONAL = frozenset({"language"})


async def dm_refusal(interaction: discord.Interaction, command: ParsedCommand) -> Reply | None:
    """In a direct message only read-only commands run (a DM has no server, so no member to write for),
    and the caller's own preferences when the DM acts as the campaign server's member."""
    spec = COMMANDS.get(command.name)
    if interaction.guild_id is not None or spec is None or not spec.writes:
        return None
    if command.name in PERSONAL and (not (command.main or command.options) or workspace_of(interaction) != "dm"):
        return None
    _ = translator(await reader_language_of(interaction))
    return Reply(text=_("Please use this command in the campaign server: in a direct message I can only answer questions."), is_error=True)


def workspace_of(interaction: discord.Interaction) -> str:
    """The server whose member the caller is: the interaction's; in a DM (which carries none), the
    campaign's server when the bot serves one (DISCORD_GUILD_IDS, else the one server it is in), since
    members are kept per server: a focal point asking `/city profile` in a DM is answered about their
    city. With several servers, "dm" (a DM cannot tell which)."""
    if interaction.guild_id is not None:
        return str(interaction.guild_id)
    guild_ids = runtime_of(interaction).settings.discord.guild_ids
    if len(guild_ids) == 1:
        return str(guild_ids[0])
    guilds = [] if guild_ids else interaction.client.guilds
    return str(guilds[0].id) if len(guilds) == 1 else "dm"


def actor_of(interaction: discord.Interaction) -> Actor:
    user = interaction.user
    runtime = runtime_of(interaction)
    return Actor(
        platform="discord",
        workspace=workspace_of(interaction),
        user_id=str(user.id),
        display_name=user.display_name,
        secretariat_role=is_secretariat_role(interaction, runtime.settings.discord.secretariat_role),
    )


def place_of(interaction: discord.Interaction) -> Place:
    channel = interaction.channel
    return Place(
        platform="discord",
        workspace=workspace_of(interaction),
        channel_id=str(interaction.channel_id or ""),
        is_direct=interaction.guild_id is None,
        name=getattr(channel, "name", "") or "",
        can_post=can_post_in(interaction),
    )


def can_post_in(interaction: discord.Interaction, channel: Any = None) -> bool | None:
    """Whether the bot has what it needs to post its embeds (the permissions the invite asks for: View
    Channel, Send Messages, Embed Links) in the interaction's channel, from ``app_permissions``; in another
    ``channel`` (a channel option), from the guild's cache when it has the bot's member; else None."""
    if interaction.guild_id is None:
        return None
    if channel is None or str(channel.id) == str(interaction.channel_id):
        perms = interaction.app_permissions
    else:
        guild = interaction.guild
        me = guild.me if guild is not None else None
        target = guild.get_channel(int(channel.id)) if guild is not None else None
        if me is None or target is None:
            return None
        perms = target.permissions_for(me)
    return perms.view_channel and perms.send_messages and perms.embed_links


def request_of(interaction: discord.Interaction, command: ParsedCommand) -> Request:
    return Request(actor=actor_of(interaction), place=place_of(interaction), command=command, locale=str(interaction.locale))


def buttons(reply: Reply, guild: str | None = None) -> discord.ui.View | None:
    """The reply's actions as persistent buttons; with ``guild`` (a DM to a member of that server), buttons
    that act as that server's member (``MemberButton``)."""
    if not reply.actions:
        return None
    from bot.discord.views import CommandButton, MemberButton

    view = discord.ui.View(timeout=None)
    for action in reply.actions[:5]:
        if guild and guild.isascii() and guild.isdigit():
            view.add_item(MemberButton(guild, action.command, label=action.label, style=action.style))
        else:
            view.add_item(CommandButton(action.command, label=action.label, style=action.style))
    return unheld(view)


def unheld(view: discord.ui.View) -> discord.ui.View:
    """``view`` marked finished before it is sent, so discord.py does not keep it. Our buttons are
    ``DynamicItem``s, found by their custom id (``add_dynamic_items``) whatever happened to the view;
    a view left open is kept instead, and on an answer only its reader sees, with a task that waits
    15 minutes to time it out: one more task per answer with buttons (each `who` has Previous / Next)."""
    view.stop()
    return view


ALT_TEXT_MAX = 1024  # an attachment's description (Discord's alt text)


def files_of(reply: Reply, embed: discord.Embed) -> tuple[discord.Embed, list[discord.File]]:
    """The reply's attachments as discord.py files sent with the embed (one multipart request); the
    first image is shown inside the embed. ``embed`` may be shared (render's cache): it is copied."""
    if not reply.attachments:
        return embed, []
    files = [
        discord.File(io.BytesIO(a.content), filename=a.filename, description=a.alt_text[:ALT_TEXT_MAX] or None)
        for a in reply.attachments
    ]
    image = next((a for a in reply.attachments if a.mime_type.startswith("image/")), None)
    if image is not None:
        embed = embed.copy()
        embed.set_image(url=f"attachment://{files[reply.attachments.index(image)].filename}")
    return embed, files


async def send_reply(interaction: discord.Interaction, reply: Reply, command: ParsedCommand | None = None) -> None:
    """Answer with ``reply``, its preview's messages first (each as it will be delivered). A reply that
    needs several pages shows its first with Previous / Next when ``command`` only reads and fits a
    button (``views.page_command``); otherwise every page is sent, as few messages as Discord's limits
    allow, so nothing is left out."""
    from bot.discord.views import first_page_view, page_command

    pages = render_pages(reply)
    ephemeral = reply.visibility is not Visibility.CHANNEL or reply.is_error
    listed = page_command(command) if not reply.preview else None
    again = listed if len(pages) > 1 else None
    shown = [page for preview in reply.preview for page in render_pages(preview)] + list(pages[:1] if again else pages)
    messages = in_messages(shown)
    if listed and len(messages) == 1:  # one page of a list: its entries' buttons know the list, to show it again once clicked
        again = listed
    for number, (embeds, allowed) in enumerate(messages, 1):
        extra: dict[str, object] = {}
        if number == 1 and reply.attachments:
            embeds[0], files = files_of(reply, embeds[0])
            extra["files"] = files
        view = (first_page_view(reply, again, len(pages)) if again else buttons(reply)) if number == len(messages) else None
        if view is not None:
            extra["view"] = view
        if not interaction.response.is_done():
            await interaction.response.send_message(embeds=embeds, allowed_mentions=allowed, ephemeral=ephemeral, **extra)
        else:
            await interaction.followup.send(embeds=embeds, allowed_mentions=allowed, ephemeral=ephemeral, **extra)


async def settle_thinking(interaction: discord.Interaction, reply: Reply) -> None:
    """End the author-only "thinking…" message of a deferred answer, so that ``reply`` can be posted for the
    channel: Discord gives the first followup after a defer the defer's visibility, whatever the followup asks
    (https://github.com/discord/discord-api-docs/pull/3466), and a slow shared practice was seen by its
    author alone. Editing the thinking message settles it; the followups after it are messages of their own."""
    _ = translator(reply.language)
    await interaction.edit_original_response(content=_("Done: posted in the channel."))


def thinking_within(interaction: discord.Interaction) -> Deadline:
    """Discord's 3-second window: past ``answer_within``, an author-only "thinking…" (``defer``), unless the
    interaction was answered or deferred already (by a caller that read the database first: "City card")."""

    async def defer() -> None:
        if not interaction.response.is_done():
            await interaction.response.defer(ephemeral=True, thinking=True)

    return Deadline(runtime_of(interaction).answer_within, defer)


def is_deferred(interaction: discord.Interaction) -> bool:
    return interaction.response.type is discord.InteractionResponseType.deferred_channel_message


async def answer(interaction: discord.Interaction, command: ParsedCommand, *, channel: Any = None) -> Reply | None:
    """Run the command; answer directly when quick, otherwise defer first (Discord's 3-second window).

    ``channel``: the channel a command acts on when it is not the one it was typed in (a channel option).
    """
    runtime = runtime_of(interaction)
    if (refusal := await dm_refusal(interaction, command)) is not None:
        await send_reply(interaction, refusal)
        return None
    request = request_of(interaction, command)
    if channel is not None:
        place = replace(request.place, channel_id=str(channel.id), name=getattr(channel, "name", "") or "",
                        can_post=can_post_in(interaction, channel))
        request = replace(request, place=place)
    deadline = thinking_within(interaction)
    try:
        reply = await runtime.answer_once(request, key=f"discord-interaction:{interaction.id}")
    finally:
        await deadline.settle()  # after a defer, send_reply answers with a followup
    if reply is None:  # the same interaction delivered twice
        return None
    if is_deferred(interaction) and reply.visibility is Visibility.CHANNEL and not reply.is_error:
        await settle_thinking(interaction, reply)
    await send_reply(interaction, reply, command)
    await runtime.deliver_notices(reply)
    return reply
