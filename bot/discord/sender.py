"""Messages the bot sends on its own in Discord: notices, prompts, broadcasts (bot.outbound.PlatformSender).

A direct message needs the DM channel (``POST /users/@me/channels``, a request of its own); it is opened
once per person and kept (``bot.dm_channels``), so a repeat broadcast, even after a restart, costs one
request per DM.
"""

from __future__ import annotations

import hashlib

import aiohttp
import discord

from bot.discord.interactions import buttons
from bot.discord.render import render_pages
from bot.dm_channels import DmChannels
from bot.outbound import DeliveryError, PermanentError, RateLimited, TargetUnreachable, TransientError
from handlers.types import MemberRef, Reply

# Discord JSON error codes for a target out of reach: Unknown Channel, Unknown User, Missing Access,
# Missing Permissions, Cannot send messages to this user (DMs refused). Every 403 is one too.
UNREACHABLE_CODES = {10003, 10013, 50001, 50013, 50007}
UNKNOWN_CHANNEL = 10003
_ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz"


def nonce_of(delivery_key: str) -> str:
    """A deterministic nonce (≤ 25 characters) from the delivery key: with enforce_nonce, Discord
    returns the message already sent with it instead of posting a second copy."""
    number = int.from_bytes(hashlib.sha256(delivery_key.encode()).digest()[:15], "big")
    digits = []
    while number:
        number, rest = divmod(number, 36)
        digits.append(_ALPHABET[rest])
    return "".join(reversed(digits))[:25] or "0"


def classify(error: Exception) -> DeliveryError:
    if isinstance(error, discord.HTTPException):
        if error.status == 429:
            retry_after = float(getattr(error, "retry_after", 1.0) or 1.0)
            return RateLimited("discord rate limited", retry_after=retry_after)
        if error.status == 403 or error.code in UNREACHABLE_CODES:
            return TargetUnreachable(f"discord {error.status}: {error.text or error.code}"[:200])
        if error.status == 404 or isinstance(error, discord.NotFound):
            return PermanentError(f"discord {error.status}: {error.text or error.code}"[:200])
        if error.status >= 500:
            return TransientError(f"discord {error.status}")
        return PermanentError(f"discord {error.status}: {error.text or error.code}"[:200])
    if isinstance(error, aiohttp.ClientError | TimeoutError | discord.GatewayNotFound):
        return TransientError(f"discord unreachable: {type(error).__name__}")
    return TransientError(f"discord: {type(error).__name__}")


class DiscordSender:
    platform = "discord"

    def __init__(self, client: discord.Client, secretariat_channel: str, *, dm_channels: DmChannels | None = None) -> None:
        """``dm_channels``: where DM channels are kept across restarts (None: discord.py's memory only)."""
        self.client = client
        self.secretariat_channel = secretariat_channel
        self.dm_channels = dm_channels

    async def _send_raw(self, target: discord.abc.Messageable, reply: Reply, delivery_key: str | None, guild: str | None = None) -> str:
        """Post ``reply``: one message a page (a long one is never cut), the buttons with the last page;
        each page has its own nonce, so a retry posts none of them twice. The first message's id.
        Raises discord.py's errors as they are."""
        pages = render_pages(reply)
        first = ""
        for number, (embed, allowed) in enumerate(pages, 1):
            view = buttons(reply, guild) if number == len(pages) else None
            kwargs = {"view": view} if view is not None else {}
            key = delivery_key if number == 1 or not delivery_key else f"{delivery_key}#page{number}"
            message = await target.send(embed=embed, allowed_mentions=allowed, nonce=nonce_of(key) if key else None, **kwargs)
            first = first or str(message.id)
        return first

    async def _send(self, target: discord.abc.Messageable, reply: Reply, delivery_key: str | None, guild: str | None = None) -> str:
        try:
            return await self._send_raw(target, reply, delivery_key, guild)
        except Exception as error:  # noqa: BLE001 - classified for the caller
            raise classify(error) from None

    async def send_to_channel(self, workspace: str, channel_id: str, reply: Reply, *, delivery_key: str | None = None) -> str:
        try:
            # A partial messageable needs no GET of the channel first: one request per message.
            channel = self.client.get_channel(int(channel_id)) or self.client.get_partial_messageable(int(channel_id))
        except ValueError:
            raise PermanentError(f"discord: bad channel id {channel_id!r}") from None
        return await self._send(channel, reply, delivery_key)  # type: ignore[arg-type]

    async def _open_dm(self, member: MemberRef) -> str:
        user = self.client.get_user(int(member.user_id))
        if user is not None:
            channel_id = str((user.dm_channel or await user.create_dm()).id)
        else:  # not cached: open the DM directly (one request, instead of fetching the user first)
            channel_id = str((await self.client.http.start_private_message(int(member.user_id)))["id"])
        if self.dm_channels is not None:
            await self.dm_channels.put(self.platform, member.workspace, member.user_id, channel_id)
        return channel_id

    async def requests_for_dm(self, member: MemberRef) -> int:
        """Requests a DM to ``member`` will take: 1 when its channel is known, else 2 (open, then post)."""
        if self.dm_channels is not None and await self.dm_channels.get(self.platform, member.workspace, member.user_id):
            return 1
        user = self.client.get_user(int(member.user_id)) if member.user_id.isascii() and member.user_id.isdigit() else None
        return 1 if user is not None and user.dm_channel is not None else 2

    async def send_to_member(self, member: MemberRef, reply: Reply, *, delivery_key: str | None = None) -> str:
        stored = None
        try:
            if self.dm_channels is not None:
                stored = await self.dm_channels.get(self.platform, member.workspace, member.user_id)
            channel_id = stored or await self._open_dm(member)
        except ValueError:
            raise PermanentError(f"discord: bad user id {member.user_id!r}") from None
        except Exception as error:  # noqa: BLE001
            raise classify(error) from None
        try:
            return await self._send_raw(self.client.get_partial_messageable(int(channel_id)), reply, delivery_key, member.workspace)
        except Exception as error:  # noqa: BLE001 - classified for the caller
            if not (stored and isinstance(error, discord.HTTPException) and error.code == UNKNOWN_CHANNEL):
                raise classify(error) from None
        # The stored channel is gone (rare): open the DM again, once.
        assert self.dm_channels is not None
        await self.dm_channels.forget(self.platform, member.workspace, member.user_id)
        try:
            channel_id = await self._open_dm(member)
        except Exception as error:  # noqa: BLE001
            raise classify(error) from None
        return await self._send(self.client.get_partial_messageable(int(channel_id)), reply, delivery_key, member.workspace)

    async def send_to_secretariat(self, reply: Reply) -> None:
        if self.secretariat_channel:
            await self.send_to_channel("", self.secretariat_channel, reply)

    async def was_delivered(self, kind: str, workspace: str, target: str, delivery_key: str) -> bool | None:
        return None  # cannot tell cheaply; a re-send with the same nonce is deduplicated by Discord
