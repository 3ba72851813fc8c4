"""Run Discord: one client with the command tree, persistent buttons and a sender for notices."""

from __future__ import annotations

import asyncio
import contextlib
import logging

import discord
import discord.gateway
import yarl
from discord import app_commands

from bot.discord.commands import build_commands
from bot.discord.context_menus import build_context_menus
from bot.discord.events import keep_in_sync
from bot.discord.interactions import refuse_unless_served
from bot.discord.modals import is_form_submission, on_form_submit
from bot.discord.sender import DiscordSender
from bot.discord.sync import sync_if_changed
from bot.discord.translator import CatalogueTranslator
from bot.discord.views import CommandButton, ItemButton, MemberButton, PageButton
from bot.wiring import Runtime

logger = logging.getLogger(__name__)


def intents() -> discord.Intents:
    # Only `guilds`: the guild's roles (to recognise DISCORD_SECRETARIAT_ROLE) and channels. Commands
    # arrive as interactions, so no privileged intent (message content, members) is needed.
    return discord.Intents(guilds=True)


class ServedTree(app_commands.CommandTree):
    """The command tree, answering only in the servers the bot is set up for (autocomplete included)."""

    async def interaction_check(self, interaction: discord.Interaction, /) -> bool:
        return await refuse_unless_served(interaction)


class HrcClient(discord.Client):
    def __init__(self, runtime: Runtime) -> None:
        super().__init__(intents=intents())
        self.hrc_runtime = runtime
        self.tree = ServedTree(self)
        for command in [*build_commands(), *build_context_menus()]:
            self.tree.add_command(command)

    async def on_interaction(self, interaction: discord.Interaction) -> None:
        # Forms by custom id: a late submission or one after a restart is still applied.
        if is_form_submission(interaction) and await refuse_unless_served(interaction):
            await on_form_submit(interaction)

    async def setup_hook(self) -> None:
        # setup_hook runs once per process; on_ready can fire again after a reconnect.
        # The gateway URL comes from the REST API in use (DISCORD_API_URL), as /gateway/bot tells it.
        _shards, url, _limits = await self.http.get_bot_gateway()
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(url)
        self.add_dynamic_items(CommandButton, ItemButton, MemberButton, PageButton)
        await self.tree.set_translator(CatalogueTranslator())  # Spanish and French names, before any sync
        settings = self.hrc_runtime.settings.discord
        if settings.guild_ids:
            for guild_id in settings.guild_ids:
                guild = discord.Object(guild_id)
                self.tree.copy_global_to(guild=guild)
                await sync_if_changed(self.tree, guild)  # guild commands appear at once
        else:
            await sync_if_changed(self.tree)
        self.hrc_runtime.notices.register(DiscordSender(self, settings.secretariat_channel, dm_channels=self.hrc_runtime.dm_channels))
        # Campaign dates added with `event: yes` become Scheduled Events in the campaign's servers.
        self._events_task = asyncio.create_task(keep_in_sync(self.hrc_runtime, self.http))

    async def close(self) -> None:
        task = getattr(self, "_events_task", None)
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await super().close()


def use_api(url: str) -> None:
    """Point discord.py's REST (and so its gateway discovery) at DISCORD_API_URL."""
    discord.http.Route.BASE = url.rstrip("/")


async def serve(runtime: Runtime) -> None:
    use_api(runtime.settings.discord.api_url)
    client = HrcClient(runtime)
    async with client:
        # A bad token raises LoginFailure here; the platform supervisor retries with backoff.
        await client.start(runtime.settings.discord.token, reconnect=True)


def invite_url(application_id: int) -> str:
    # create_events: campaign dates added with `event: yes` become Scheduled Events (bot/discord/events.py).
    permissions = discord.Permissions(view_channel=True, send_messages=True, embed_links=True, create_events=True)
    return discord.utils.oauth_url(application_id, permissions=permissions, scopes=("bot", "applications.commands"))
