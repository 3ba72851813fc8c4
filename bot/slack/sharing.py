""""Share in channel": answers only the caller sees (who, day, profile, progress) carry a button that
posts the same answer for everyone in the channel, with who shared it.

The click runs the command again as the person who clicked (these commands only read, so the answer is
the one they saw, or fresher). The bot can post only where it is a member: elsewhere Slack answers
``not_in_channel`` / ``channel_not_found`` and the person is told how to invite it.
"""

from __future__ import annotations

import functools
import hashlib
from dataclasses import replace
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.models.blocks import ActionsBlock, ButtonElement
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack.files import upload_attachments
from bot.slack.render import MAX_BLOCKS, context, fallback_text, messages_for
from bot.slack.respond import lasting
from bot.slack.users import SlackUsers
from bot.wiring import Runtime
from handlers.dispatch import parse_or_none
from handlers.i18n import translator
from handlers.types import ParsedCommand, Place, Reply, Request, Visibility
from storage.models import DeliveryStatus
from storage.queries import deliveries

SHARE_ACTION = "hrc_share_in_channel"
SHAREABLE = frozenset({"who", "day", "profile", "progress"})
MAX_TRIES = 20  # clicks that could not post, per answer
CANNOT_POST = frozenset({"not_in_channel", "channel_not_found", "is_archived", "restricted_action", "no_permission"})


def with_share_button(command: ParsedCommand | None, text: str, reply: Reply, blocks: list[dict[str, Any]], locale: str = "en") -> list[dict[str, Any]]:
    """``blocks`` plus a "Share in channel" button when ``reply`` answers a shareable command for the
    caller alone; a new list (``blocks`` may be a cached rendering)."""
    if command is None or command.name not in SHAREABLE or reply.is_error or reply.visibility is not Visibility.CALLER:
        return blocks
    block = _share_block(translator(locale).language)
    button = {**block["elements"][0], "value": text.strip()[:2000] or " "}
    return [*blocks[: MAX_BLOCKS - 1], {**block, "elements": [button]}]


@functools.lru_cache(maxsize=8)
def _share_block(language: str) -> dict[str, Any]:
    """The actions block with the "Share in channel" button, built (and checked) once per language through
    slack_sdk's models; each answer copies it with its own value (the command typed)."""
    _ = translator(language)
    button = ButtonElement(text=_("Share in channel"), action_id=SHARE_ACTION, value=" ")
    return ActionsBlock(block_id="hrc_share", elements=[button]).to_dict()


def register_sharing(app: AsyncApp, runtime: Runtime, users: SlackUsers) -> None:
    @app.action(SHARE_ACTION)
    async def share_clicked(ack: Any, body: dict[str, Any], action: dict[str, Any], respond: Any, client: AsyncWebClient) -> None:
        await ack()
        team_id = body.get("team", {}).get("id", "") or body.get("user", {}).get("team_id", "")
        user = body.get("user", {})
        actor, locale = await users.actor_and_locale(team_id, user.get("id", ""), user.get("username") or user.get("name", ""))
        channel = body.get("channel", {}).get("id") or body.get("container", {}).get("channel_id", "")
        command = parse_or_none(action.get("value", ""))
        if command is None or command.name not in SHAREABLE or not channel:
            return
        respond = lasting(respond, client, channel, actor.user_id)  # an answer an hour old still answers
        # The same button of the same answer clicked twice (or a retry) posts once; a click that could not
        # post (the bot not in the channel yet) may be tried again.
        typed = hashlib.sha256(action.get("value", "").encode()).hexdigest()[:32]  # keys hold 255 characters
        key = f"slack-share:{team_id}:{actor.user_id}:{body.get('container', {}).get('message_ts', '')}:{typed}"
        if not await _claim(runtime, key):
            return
        place = Place("slack", team_id, channel)
        reply = await runtime.answer(Request(actor=actor, place=place, command=command, locale=locale))
        _ = translator(reply.language or "en")
        if reply.is_error:
            await _settle(runtime, key, DeliveryStatus.FAILED, "error reply")
            await respond(text=fallback_text(reply), response_type="ephemeral", replace_original=False)
            return
        messages = messages_for(reply, team_id)  # every page: a shared answer has no buttons to turn them
        messages[-1] = [*messages[-1], context(_("Shared by {who}").format(who=f"<@{actor.user_id}>"))]
        try:
            for blocks in messages:
                await client.chat_postMessage(channel=channel, text=fallback_text(reply), blocks=blocks,
                                              unfurl_links=False, unfurl_media=False)
        except SlackApiError as error:
            code = str(error.response.get("error"))
            await _settle(runtime, key, DeliveryStatus.FAILED, code)
            if code not in CANNOT_POST:
                raise
            text = _("I can't post in this channel. Invite me with `/invite @hrc`, then press “Share in channel” again.")
            await respond(text=text, response_type="ephemeral", replace_original=False)
            return
        await _settle(runtime, key, DeliveryStatus.SENT)
        # Its files (the progress chart) go along, in the channel this time.
        await upload_attachments(client, replace(reply, visibility=Visibility.CHANNEL), channel_id=channel, user_id=actor.user_id)
        await respond(delete_original=True)


async def _claim(runtime: Runtime, key: str) -> bool:
    async with runtime.db.transaction() as session:
        return await deliveries.claim_or_retry(session, key, "share", runtime.ctx.now(), max_attempts=MAX_TRIES)


async def _settle(runtime: Runtime, key: str, status: DeliveryStatus, error: str | None = None) -> None:
    async with runtime.db.transaction() as session:
        await deliveries.mark(session, key, status, runtime.ctx.now(), error)
