"""Sync the command tree to Discord only when it differs from Discord's copy.

Overwriting the commands at every start costs a rate-limited request per guild (Discord allows 200
command creations a day per guild) and makes clients refetch them; so the local payload (translated,
as ``CommandTree.sync`` sends it) is compared with Discord's copy (what ``fetch_commands`` reads), synced only
when they differ. A failed sync is logged in one line and the bot keeps running with Discord's copy.
"""

from __future__ import annotations

import logging
from typing import Any

import discord
from discord import app_commands
from discord.http import Route

logger = logging.getLogger(__name__)

# Keys Discord adds (ids, versions, names localised for the caller), that the tree never sets
# (integration_types), or legacy ones (dm_permission, which ``contexts`` carries; default_permission).
_IGNORED = frozenset({"id", "application_id", "version", "guild_id", "dm_permission", "default_permission",
                      "integration_types", "name_localized", "description_localized"})


def canonical(value: Any) -> Any:
    """A payload with Discord's additions and empty defaults dropped, so local and remote compare equal."""
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if key in _IGNORED or item in (None, False, "", [], {}):
                continue
            out[key] = int(item) if key == "default_member_permissions" else canonical(item)
        return out
    if isinstance(value, list):
        return [canonical(item) for item in value]
    return value


async def remote_payload(tree: app_commands.CommandTree, guild: discord.abc.Snowflake | None) -> list[dict[str, Any]]:
    """Discord's copy as JSON, from the same endpoint ``fetch_commands`` reads. Not through ``AppCommand``:
    discord.py 2.7 parses ``contexts`` as if they started at 1, so ``[0]`` (guild only) would read as none."""
    app_id = tree.client.application_id
    if app_id is None:
        raise app_commands.MissingApplicationID
    if guild is None:
        route = Route("GET", "/applications/{application_id}/commands", application_id=app_id)
    else:
        route = Route("GET", "/applications/{application_id}/guilds/{guild_id}/commands", application_id=app_id,
                      guild_id=guild.id)
    # Localised names come back only when asked for; without them a translated tree would always differ.
    return await tree.client.http.request(route, params={"with_localizations": "true"})


async def local_payload(tree: app_commands.CommandTree, guild: discord.abc.Snowflake | None) -> list[dict[str, Any]]:
    """What ``tree.sync(guild=guild)`` would send."""
    commands = tree.get_commands(guild=guild)
    if tree.translator is not None:
        return [await command.get_translated_payload(tree, tree.translator) for command in commands]
    return [command.to_dict(tree) for command in commands]


def _by_name(payload: list[dict[str, Any]]) -> dict[tuple[int, str], Any]:
    return {(item.get("type", 1), item["name"]): canonical(item) for item in payload}


async def sync_if_changed(tree: app_commands.CommandTree, guild: discord.abc.Snowflake | None = None) -> bool | None:
    """Sync when the tree differs from Discord's copy. True: synced; False: already the same;
    None: failed (logged; the commands Discord has keep working)."""
    where = f"guild {guild.id}" if guild is not None else "global"
    try:
        local = _by_name(await local_payload(tree, guild))
        remote = _by_name(await remote_payload(tree, guild))
        if local == remote:
            logger.info("discord: commands unchanged (%s), not synced", where)
            return False
        await tree.sync(guild=guild)
    except Exception as error:  # the commands Discord already has keep working: never stop the bot for this
        logger.error("discord: could not sync the commands (%s): %s: %s; Discord's current copy stays in use",
                     where, type(error).__name__, error)
        return None
    logger.info("discord: commands synced (%s)", where)
    return True
