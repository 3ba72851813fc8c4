"""Messages the bot sends on its own in Slack: notices, prompts, broadcasts (bot.outbound.PlatformSender).

A direct message is posted with the person's user id as ``channel``: Slack delivers it into the app's
DM with them, with no ``conversations.open`` (Tier 3, ~50/min: 500 DMs would take ten minutes in opens
alone). The DM channel (D…) in the post's answer is stored (``bot.dm_channels``) for the check after a
crash, the one place that needs it.
"""

from __future__ import annotations

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.dm_channels import DmChannels
from bot.outbound import DeliveryError, PermanentError, RateLimited, TargetUnreachable, TransientError
from bot.ratelimit import TokenBucket
from bot.slack.render import fallback_text, messages_for
from handlers.types import MemberRef, Reply

METADATA_EVENT = "hrc_delivery"
# conversations.open and conversations.history are Tier 3: "50+ per minute" per workspace (Slack method
# docs, "Rate limits"); each has its own budget.
TIER3_PER_MINUTE = 50.0
# The target is out of reach: the bot was removed or never invited, the channel is archived or gone,
# the person cannot get DMs (Slack Web API error codes). A subset of PERMANENT.
UNREACHABLE = {"channel_not_found", "not_in_channel", "is_archived", "account_inactive", "user_not_found", "cannot_dm_bot"}
# Errors that no retry can fix (Slack Web API error codes).
PERMANENT = {
    "channel_not_found", "not_in_channel", "is_archived", "account_inactive", "invalid_auth", "not_authed",
    "user_not_found", "cannot_dm_bot", "restricted_action", "msg_too_long", "invalid_blocks", "no_permission",
    "missing_scope", "token_revoked",
}


def classify(error: Exception) -> DeliveryError:
    if isinstance(error, SlackApiError):
        status = error.response.status_code
        code = str(error.response.get("error", "")) if error.response.data else ""
        if status == 429 or code == "ratelimited":
            retry_after = float(error.response.headers.get("retry-after", error.response.headers.get("Retry-After", 1)))
            return RateLimited(f"slack rate limited ({code or status})", retry_after=retry_after)
        if code in UNREACHABLE:
            return TargetUnreachable(f"slack: {code}")
        if code in PERMANENT:
            return PermanentError(f"slack: {code}")
        return TransientError(f"slack: {code or status}")
    if isinstance(error, aiohttp.ClientError | TimeoutError):
        return TransientError(f"slack unreachable: {type(error).__name__}")
    return TransientError(f"slack: {type(error).__name__}")


class SlackSender:
    platform = "slack"

    def __init__(self, client: AsyncWebClient, secretariat_channel: str, team_id: str | None = None, *,
                 dm_channels: DmChannels | None = None, tier3_per_minute: float = TIER3_PER_MINUTE) -> None:
        """``dm_channels``: where DM channels are kept (None: not kept, the crash check opens them).
        ``tier3_per_minute``: the pace of the crash check's conversations.open / conversations.history."""
        self.client = client
        self.secretariat_channel = secretariat_channel
        self.team_id = team_id
        self.dm_channels = dm_channels
        # A burst of 1: checks are rare (only rows in doubt after a crash or a cut-off call), never urgent.
        self.tier3 = {method: TokenBucket(tier3_per_minute / 60.0, 1.0) for method in ("open", "history")}
        # Pages of a long message found by the crash check (delivery key -> page number -> ts): the re-send
        # that follows posts only the others.
        self._found: dict[str, dict[int, str]] = {}

    async def _post(self, channel: str, reply: Reply, delivery_key: str | None) -> tuple[str, str]:
        """Post; returns (the first message's ts, the channel Slack put it in: a D… id when ``channel`` is a
        user id). A long reply goes out page by page (never cut); each page carries the delivery key with
        its number and the number of pages, so that after a crash between pages the check finds which
        arrived and only the others are sent (pages found by ``was_delivered`` are skipped)."""
        found = self._found.pop(delivery_key, {}) if delivery_key else {}
        pages = messages_for(reply, self.team_id)
        first, where = found.get(1, ""), channel
        for number, blocks in enumerate(pages, 1):
            if number in found:
                continue
            kwargs = {}
            if delivery_key:
                payload = {"key": delivery_key, "page": number, "pages": len(pages)}
                kwargs["metadata"] = {"event_type": METADATA_EVENT, "event_payload": payload}
            try:
                response = await self.client.chat_postMessage(
                    channel=where, text=fallback_text(reply), blocks=blocks, unfurl_links=False, unfurl_media=False, **kwargs,
                )
            except Exception as error:  # noqa: BLE001 - classified for the caller
                raise classify(error) from None
            where = str(response.get("channel", "") or where)
            first = first or str(response.get("ts", ""))
        return first, where

    async def send_to_member(self, member: MemberRef, reply: Reply, *, delivery_key: str | None = None) -> str:
        ts, channel = await self._post(member.user_id, reply, delivery_key)  # no conversations.open
        if self.dm_channels is not None and channel != member.user_id:
            await self.dm_channels.put(self.platform, member.workspace, member.user_id, channel)
        return ts

    async def send_to_channel(
        self, workspace: str, channel_id: str, reply: Reply, *, delivery_key: str | None = None
    ) -> str:
        return (await self._post(channel_id, reply, delivery_key))[0]

    async def send_to_secretariat(self, reply: Reply) -> None:
        if self.secretariat_channel:
            await self._post(self.secretariat_channel, reply, None)

    async def dm_channel(self, workspace: str, user_id: str) -> str:
        """The D… channel of the bot's DM with ``user_id``: stored, else opened (Tier 3, paced) and stored."""
        if self.dm_channels is not None and (known := await self.dm_channels.get(self.platform, workspace, user_id)):
            return known
        await self.tier3["open"].acquire()
        channel = str((await self.client.conversations_open(users=user_id))["channel"]["id"])
        if self.dm_channels is not None:
            await self.dm_channels.put(self.platform, workspace, user_id, channel)
        return channel

    async def was_delivered(self, kind: str, workspace: str, target: str, delivery_key: str) -> bool | None:
        """Look for the key in the channel's recent messages: True when every page of the message is there,
        False when none or only some are (the pages found are then skipped by the re-send), None when Slack
        cannot tell. Only for rows in doubt (the broadcast worker asks after a crash or a cut-off call,
        never after a 429), paced at Tier 3 (~50/min)."""
        try:
            channel = await self.dm_channel(workspace, target) if kind == "dm" else target
            await self.tier3["history"].acquire()
            history = await self.client.conversations_history(channel=channel, limit=50, include_all_metadata=True)
        except Exception:  # noqa: BLE001 - cannot tell
            return None
        found: dict[int, str] = {}
        pages = 1
        for message in history.get("messages", []):
            metadata = message.get("metadata") or {}
            payload = metadata.get("event_payload") or {}
            if metadata.get("event_type") == METADATA_EVENT and payload.get("key") == delivery_key:
                # A message from before pages were numbered stands for the whole reply.
                number, pages = int(payload.get("page", 1)), max(pages, int(payload.get("pages", 1)))
                found[number] = str(message.get("ts", ""))
        if found and len(found) < pages:  # a crash between pages: the re-send posts the others
            self._found[delivery_key] = found
        return bool(found) and len(found) >= pages
