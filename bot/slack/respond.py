"""``respond()`` that still reaches the person when the response_url no longer does.

A response_url takes 5 messages within 30 minutes (Slack docs, "Handling user interaction"); past that
Slack answers 404 (``expired_url``, ``used_url``) and Bolt's ``respond`` returns that answer without
raising. Previous / Next, a button or "Share in channel" pressed on an answer an hour old would then do
nothing at all. Here the message goes instead as an ephemeral message in the same channel, or, where the
bot cannot post (a channel it is not in), by direct message.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

logger = logging.getLogger(__name__)

Respond = Callable[..., Awaitable[Any]]


def lasting(respond: Respond, client: AsyncWebClient, channel: str, user_id: str) -> Respond:
    """``respond`` with a fallback when Slack refuses the response_url (see the module)."""

    async def send(**message: Any) -> Any:
        response = await respond(**message)
        if getattr(response, "status_code", 200) < 400 or message.get("delete_original"):
            return response  # a message that cannot be deleted any more stays: nothing to tell
        logger.info("slack: response_url refused (%s); answering with a message", getattr(response, "body", ""))
        content = {key: message[key] for key in ("text", "blocks") if message.get(key)}
        if channel and channel != "home" and message.get("response_type") == "in_channel":
            try:  # an answer meant for everyone in the channel stays one
                return await client.chat_postMessage(channel=channel, **content)
            except SlackApiError as error:
                logger.info("slack: chat.postMessage in %s: %s", channel, error.response.get("error"))
        if channel and channel != "home":
            try:
                return await client.chat_postEphemeral(channel=channel, user=user_id, **content)
            except SlackApiError as error:
                logger.info("slack: chat.postEphemeral in %s: %s", channel, error.response.get("error"))
        return await client.chat_postMessage(channel=user_id, **content)

    return send
