"""Messages the bot sends on its own in Slack: notices, prompts, broadcasts (bot.outbound.PlatformSender)."""

from __future__ import annotations

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.outbound import DeliveryError, PermanentError, RateLimited, TargetUnreachable, TransientError
from bot.slack.render import blocks_for, fallback_text
from handlers.types import MemberRef, Reply

METADATA_EVENT = "hrc_delivery"
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

    def __init__(self, client: AsyncWebClient, secretariat_channel: str, team_id: str | None = None) -> None:
        self.client = client
        self.secretariat_channel = secretariat_channel
        self.team_id = team_id

    async def _post(self, channel: str, reply: Reply, delivery_key: str | None) -> str:
        kwargs = {}
        if delivery_key:
            # The key rides on the message, so a re-send after a crash can first look for it.
            kwargs["metadata"] = {"event_type": METADATA_EVENT, "event_payload": {"key": delivery_key}}
        try:
            response = await self.client.chat_postMessage(
                channel=channel, text=fallback_text(reply), blocks=blocks_for(reply, self.team_id),
                unfurl_links=False, unfurl_media=False, **kwargs,
            )
        except Exception as error:  # noqa: BLE001 - classified for the caller
            raise classify(error) from None
        return str(response.get("ts", ""))

    async def send_to_member(self, member: MemberRef, reply: Reply, *, delivery_key: str | None = None) -> str:
        try:
            opened = await self.client.conversations_open(users=member.user_id)
        except Exception as error:  # noqa: BLE001
            raise classify(error) from None
        return await self._post(opened["channel"]["id"], reply, delivery_key)

    async def send_to_channel(
        self, workspace: str, channel_id: str, reply: Reply, *, delivery_key: str | None = None
    ) -> str:
        return await self._post(channel_id, reply, delivery_key)

    async def send_to_secretariat(self, reply: Reply) -> None:
        if self.secretariat_channel:
            await self._post(self.secretariat_channel, reply, None)

    async def was_delivered(self, kind: str, workspace: str, target: str, delivery_key: str) -> bool | None:
        """Look for the key in the channel's recent messages (used sparingly: conversations.history is rate limited)."""
        try:
            channel = target
            if kind == "dm":
                channel = (await self.client.conversations_open(users=target))["channel"]["id"]
            history = await self.client.conversations_history(channel=channel, limit=50, include_all_metadata=True)
        except Exception:  # noqa: BLE001 - cannot tell
            return None
        for message in history.get("messages", []):
            metadata = message.get("metadata") or {}
            if metadata.get("event_type") == METADATA_EVENT and metadata.get("event_payload", {}).get("key") == delivery_key:
                return True
        return False
