"""Files that go with a reply (``Reply.attachments``), uploaded with ``files_upload_v2``.

``files.upload`` is retired (PLATFORM_FACTS.md); ``files_upload_v2`` is slack_sdk's three-step flow:
``files.getUploadURLExternal``, a POST of the bytes to the URL it returns, ``files.completeUploadExternal``
sharing the file into a channel. It needs the ``files:write`` scope (slack/manifest.yml).

Where: a reply meant for the whole channel shares its files in that channel; a reply only the caller
sees (an ephemeral answer, which cannot carry files) shares them in the caller's direct messages with
the bot, so an export of the directory is never posted where others read.
"""

from __future__ import annotations

import logging

from slack_sdk.errors import SlackApiError, SlackRequestError
from slack_sdk.web.async_client import AsyncWebClient

from handlers.i18n import translator
from handlers.types import Attachment, Reply, Visibility

logger = logging.getLogger(__name__)
ALT_TEXT_MAX = 1000  # files.getUploadURLExternal: alt_txt up to 1,000 characters
COMMENT_MAX = 3000


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def where_files_go(reply: Reply) -> str:
    """``"channel"`` or ``"dm"``: see the module's docstring."""
    return "channel" if reply.visibility is Visibility.CHANNEL and not reply.is_error else "dm"


def upload_note(reply: Reply, locale: str) -> str:
    """A line for the caller's answer saying where its files went ("" when it has none)."""
    if not reply.attachments or where_files_go(reply) == "channel":
        return ""
    _ = translator(locale)
    names = ", ".join(a.filename for a in reply.attachments)
    return _("📎 {files}: sent to you in your direct messages with the bot.").format(files=names)


async def upload_attachments(client: AsyncWebClient, reply: Reply, *, channel_id: str, user_id: str) -> list[str]:
    """Upload every attachment of ``reply``; returns the ids of the files Slack created.

    ``channel_id`` is where the command was typed (used for channel replies), ``user_id`` the caller
    (whose direct-message channel gets the files of a private reply). A failed upload (no
    ``files:write`` scope, the bot not in the channel, Slack down) is logged and skipped: the answer
    itself has already reached the caller, with the file's alt text.
    """
    if not reply.attachments:
        return []
    try:
        target = channel_id if where_files_go(reply) == "channel" else await _dm_channel(client, user_id)
    except SlackApiError as error:
        logger.warning("slack: cannot open a direct message to upload files: %s", error.response.get("error"))
        return []
    ids = []
    for attachment in reply.attachments:
        file_id = await _upload_one(client, attachment, target)
        if file_id:
            ids.append(file_id)
    return ids


async def _dm_channel(client: AsyncWebClient, user_id: str) -> str:
    # completeUploadExternal wants a channel id: a user id is not accepted, so open the DM first.
    opened = await client.conversations_open(users=user_id)
    return str(opened["channel"]["id"])


async def _upload_one(client: AsyncWebClient, attachment: Attachment, channel: str) -> str | None:
    try:
        response = await client.files_upload_v2(
            channel=channel,
            filename=attachment.filename,
            title=attachment.filename,
            content=attachment.content,
            alt_txt=_cut(attachment.alt_text, ALT_TEXT_MAX) or None,
            initial_comment=_cut(attachment.alt_text, COMMENT_MAX) or None,
        )
    except (SlackApiError, SlackRequestError) as error:
        reason = error.response.get("error") if isinstance(error, SlackApiError) else str(error)[:200]
        logger.warning("slack: upload of %s failed: %s", attachment.filename, reason)
        return None
    return str((response.get("file") or {}).get("id", ""))
