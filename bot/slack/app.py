"""The Bolt app: `/hrc`, modals, secretariat buttons and App Home, each listener thin.

Slack wants every command, action and view submission acknowledged within 3 s. A slash command's
answer rides on the ack itself when the core has it within ``runtime.answer_within`` (nearly always: one
HTTP answer, no response_url round trip); otherwise the listener acks empty and answers through
respond() when the work is done. View submissions ack with their inline errors; buttons ack first.
"""

from __future__ import annotations

import json
import logging
import re
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.deadline import Deadline
from bot.slack.files import upload_attachments, upload_note
from bot.slack.home import home_view
from bot.slack.modals import (
    REGISTER_ID,
    SHARE_ID,
    field_errors,
    register_modal,
    share_modal,
    submitted_command,
)
from bot.slack.render import blocks_for, context, escape, fallback_text, rendered
from bot.wiring import Runtime
from handlers.dispatch import parse_or_none
from handlers.types import Actor, Place, Reply, Request, Visibility

logger = logging.getLogger(__name__)
FORM_COMMANDS = {"register": register_modal, "share": share_modal}


def actor_of(team_id: str, user_id: str, name: str) -> Actor:
    return Actor(platform="slack", workspace=team_id, user_id=user_id, display_name=name or user_id)


def message_of(reply: Reply, team_id: str, locale: str = "en") -> dict[str, Any]:
    """The message for the caller: an ack body or a response_url payload (files follow it: bot.slack.files)."""
    text, blocks = rendered(reply, team_id)
    if note := upload_note(reply, locale):
        blocks = [*blocks, context(escape(note))]
    return {
        "text": text,
        "blocks": blocks,
        "response_type": "in_channel" if reply.visibility is Visibility.CHANNEL else "ephemeral",
    }


async def _respond(respond: Any, reply: Reply, team_id: str) -> None:
    await respond(**message_of(reply, team_id), replace_original=False)


def build_app(runtime: Runtime, client: AsyncWebClient) -> AsyncApp:
    settings = runtime.settings.slack
    app = AsyncApp(client=client, signing_secret=settings.signing_secret or None, process_before_response=False)

    @app.command("/hrc")
    async def hrc_command(ack: Any, body: dict[str, Any], respond: Any, client: AsyncWebClient) -> None:
        team_id, text = body.get("team_id", ""), body.get("text", "")
        actor = actor_of(team_id, body.get("user_id", ""), body.get("user_name", ""))
        place = Place("slack", team_id, body.get("channel_id", ""), name=body.get("channel_name", ""))
        form = FORM_COMMANDS.get(text.strip().lower())
        if form is not None:  # `/hrc register` alone opens the form
            await ack()
            view = form() | {"private_metadata": json.dumps({"channel": place.channel_id})}
            await client.views_open(trigger_id=body["trigger_id"], view=view)
            return
        deadline = Deadline(runtime.answer_within, ack)  # past it: ack empty, answer through response_url
        reply = await runtime.answer_text_once(actor, place, text, key=f"slack-command:{body.get('trigger_id', '')}")
        acked = await deadline.settle()
        if reply is None:  # a retry of a command already applied
            if not acked:
                await ack()
            return
        if acked:
            await _respond(respond, reply, team_id)
        else:
            await ack(**message_of(reply, team_id))
        await upload_attachments(client, reply, channel_id=place.channel_id, user_id=actor.user_id)
        await runtime.deliver_notices(reply)

    @app.view(REGISTER_ID)
    @app.view(SHARE_ID)
    async def form_submitted(ack: Any, body: dict[str, Any], view: dict[str, Any], client: AsyncWebClient) -> None:
        team_id = body.get("team", {}).get("id", "") or body.get("user", {}).get("team_id", "")
        user = body.get("user", {})
        actor = actor_of(team_id, user.get("id", ""), user.get("username") or user.get("name", ""))
        channel = json.loads(view.get("private_metadata") or "{}").get("channel", "")
        command = submitted_command(view["callback_id"], view)
        request = Request(actor=actor, place=Place("slack", team_id, channel), command=command)
        reply = await runtime.answer_once(request, key=f"slack-view:{view.get('id', '')}")
        if reply is None:
            await ack()
            return
        if reply.is_error:
            await ack(response_action="errors", errors=field_errors(view["callback_id"], reply.error_field, reply.text))
            return
        await ack()
        if reply.visibility is Visibility.CHANNEL and channel:
            await client.chat_postMessage(channel=channel, text=fallback_text(reply), blocks=blocks_for(reply, team_id))
        else:
            await client.chat_postMessage(channel=actor.user_id, text=fallback_text(reply), blocks=blocks_for(reply, team_id))
        await runtime.deliver_notices(reply)

    @app.action({"action_id": "hrc_open_register"})
    async def open_register(ack: Any, body: dict[str, Any], client: AsyncWebClient) -> None:
        await ack()
        await client.views_open(trigger_id=body["trigger_id"], view=register_modal())

    @app.action(re.compile(r"^hrc_action_"))
    async def button_clicked(ack: Any, body: dict[str, Any], action: dict[str, Any], respond: Any, client: AsyncWebClient) -> None:
        await ack()
        team_id = body.get("team", {}).get("id", "") or body.get("user", {}).get("team_id", "")
        user = body.get("user", {})
        actor = actor_of(team_id, user.get("id", ""), user.get("username") or user.get("name", ""))
        channel = body.get("channel", {}).get("id") or body.get("container", {}).get("channel_id", "")
        message = body.get("message") or {}
        command = parse_or_none(action.get("value", ""))
        if command is None:
            return
        # The same person clicking the same button of the same message twice applies it once.
        key = f"slack-action:{team_id}:{actor.user_id}:{message.get('ts', '')}:{action.get('action_id', '')}"
        reply = await runtime.answer_once(Request(actor=actor, place=Place("slack", team_id, channel), command=command), key)
        if reply is None:
            return
        if reply.is_error or not message.get("ts"):
            await _respond(respond, reply, team_id)
            return
        decided = [b for b in message.get("blocks", []) if b.get("type") != "actions"]
        decided.append(context(f"✅ {escape(reply.text)} (<@{actor.user_id}>)"))
        await client.chat_update(channel=channel, ts=message["ts"], text=fallback_text(reply), blocks=decided)
        await runtime.deliver_notices(reply)

    @app.event("app_home_opened")
    async def home_opened(event: dict[str, Any], body: dict[str, Any], client: AsyncWebClient) -> None:
        if event.get("tab", "home") != "home":
            return
        team_id = body.get("team_id", "")
        actor = actor_of(team_id, event.get("user", ""), "")
        await client.views_publish(user_id=actor.user_id, view=await home_view(runtime, actor, team_id))

    @app.event("message")
    async def ignore_messages() -> None:  # direct messages to the bot: nothing to do, but acknowledged
        return None

    return app
