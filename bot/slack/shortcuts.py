"""Slack shortcuts (declared in slack/manifest*.yml): "Register my city" from the shortcuts menu, and
"Share as practice" on any message, which opens the share form with the message's text and a link to it.

Shortcuts must be acknowledged within 3 s, and ``views.open`` must use the payload's ``trigger_id``
within 3 s too: the only call made before it is ``chat.getPermalink`` (hundreds a minute allowed).
"""

from __future__ import annotations

import html
import json
import logging
import re
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack.modals import REGISTER_ID, SUMMARY_MAX, TITLE_MAX, register_modal, share_modal
from bot.slack.users import WITHIN_TRIGGER, SlackUsers
from bot.wiring import Runtime
from handlers.grammar import usage_line
from handlers.i18n import translator
from handlers.registry import COMMANDS
from handlers.text import shorten
from handlers.types import ParsedCommand

logger = logging.getLogger(__name__)

GLOBAL_REGISTER = "hrc_register_shortcut"
MESSAGE_SHARE = "hrc_share_message"
_LABELLED_LINK = re.compile(r"<([^<>|]+)\|([^<>]+)>")  # <https://x.org|label>, <@U123|name>, <#C1|general>
_BARE_LINK = re.compile(r"<([^<>|]+)>")  # <https://x.org>, <@U123>, <!here>


def plain_message_text(text: str) -> str:
    """A Slack message's ``text`` as people read it: ``<url|label>`` → ``label (url)``, ``<@U1>`` → ``@U1``,
    ``<!here>`` → ``@here`` (kept as words: the form's text is user data, escaped when shown), entities
    decoded."""

    def labelled(match: re.Match[str]) -> str:
        target, label = match.group(1), match.group(2)
        return f"{label} ({target})" if target.startswith(("http://", "https://")) else label

    def bare(match: re.Match[str]) -> str:
        target = match.group(1)
        return "@" + target[1:] if target[:1] in "@!" else target

    return html.unescape(_BARE_LINK.sub(bare, _LABELLED_LINK.sub(labelled, text)))


def is_private_conversation(channel: dict[str, Any]) -> bool:
    """A message shortcut's ``channel`` is a DM (``D…``, named ``directmessage``) or a group DM (named
    ``mpdm-…``) between people: the bot is not in it and cannot be invited there."""
    name = str(channel.get("name", ""))
    return str(channel.get("id", "")).startswith("D") or name == "directmessage" or name.startswith("mpdm-")


async def open_form(client: AsyncWebClient, trigger_id: str, view: dict[str, Any], user_id: str, language: str) -> None:
    """Open ``view``; when Slack refuses (the trigger expired on the way…) the person, who has no
    response_url here (Home button, shortcuts), is told by direct message how to type the command instead."""
    try:
        await client.views_open(trigger_id=trigger_id, view=view)
        return
    except SlackApiError as error:
        logger.warning("slack: views.open failed: %s", error.response.get("error"))
    _ = translator(language)
    form = "register" if view.get("callback_id") == REGISTER_ID else "share"
    text = _("I couldn't open the form. Try again, or type the command instead: `{usage}`").format(
        usage=usage_line(COMMANDS[form], _))
    await client.chat_postMessage(channel=user_id, text=text)


def share_values(message_text: str, permalink: str) -> ParsedCommand:
    """The share form's pre-filled values from a message: its first line as title, all of it as summary.

    Built as a ``ParsedCommand`` so the message text passes the one inbound-text boundary."""
    text = plain_message_text(message_text).strip()
    first_line = text.splitlines()[0] if text else ""
    options = {"title": shorten(first_line, TITLE_MAX), "summary": shorten(text, SUMMARY_MAX)}
    if permalink:
        options["link"] = permalink
    return ParsedCommand(name="share", options=options)


def register_shortcuts(app: AsyncApp, runtime: Runtime, users: SlackUsers) -> None:
    """Both shortcuts' listeners; their forms open in the person's language (``users.actor_and_language``)."""

    async def language_of(body: dict[str, Any]) -> str:
        team_id = body.get("team", {}).get("id", "") or body.get("user", {}).get("team_id", "")
        user_id = body.get("user", {}).get("id", "")
        return (await users.actor_and_language(runtime.ctx, team_id, user_id, wait=WITHIN_TRIGGER))[1]

    @app.shortcut(GLOBAL_REGISTER)
    async def register_shortcut(ack: Any, body: dict[str, Any], client: AsyncWebClient) -> None:
        await ack()
        language = await language_of(body)
        view = register_modal(private_metadata=json.dumps({"channel": ""}), locale=language)
        await open_form(client, body["trigger_id"], view, body.get("user", {}).get("id", ""), language)

    @app.shortcut(MESSAGE_SHARE)
    async def share_message(ack: Any, body: dict[str, Any], client: AsyncWebClient) -> None:
        await ack()
        language = await language_of(body)
        conversation = body.get("channel") or {}
        channel = conversation.get("id", "")
        message = body.get("message") or {}
        permalink = ""
        if channel and message.get("ts"):
            try:
                permalink = (await client.chat_getPermalink(channel=channel, message_ts=message["ts"])).get("permalink") or ""
            except Exception:  # noqa: BLE001 - the form still opens, without the link
                permalink = ""
        values = share_values(message.get("text", ""), permalink)
        metadata = {"channel": channel, **({"private": True} if is_private_conversation(conversation) else {})}
        view = share_modal(values.options, private_metadata=json.dumps(metadata), locale=language)
        await open_form(client, body["trigger_id"], view, body.get("user", {}).get("id", ""), language)
