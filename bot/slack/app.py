"""The Bolt app: `/hrc`, modals, shortcuts, buttons, App Home and direct messages, each listener thin.

Slack wants every command, action and view submission acknowledged within 3 s. A slash command's
answer rides on the ack itself when the core has it within ``runtime.answer_within`` (nearly always: one
HTTP answer, no response_url round trip); otherwise the listener acks empty and answers through
respond() when the work is done. View submissions ack with their inline errors; buttons ack first.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import re
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.deadline import Deadline
from bot.render_text import plain_mentions
from bot.slack.files import upload_attachments, upload_note
from bot.slack.home import register_home_actions
from bot.slack.home_refresh import HomeDesk
from bot.slack.modals import (
    FORMS,
    REGISTER_ID,
    SHARE_ID,
    TIMEZONE_ACTION,
    field_errors,
    register_modal,
    submitted_command,
    zone_option,
)
from bot.slack.render import (
    action_buttons,
    context,
    data,
    fallback_text,
    messages_for,
    mrkdwn,
    pages_for,
    shared_fallback_text,
)
from bot.slack.respond import lasting
from bot.slack.sharing import CANNOT_POST, register_sharing, with_share_button
from bot.slack.shortcuts import open_form, plain_message_text, register_shortcuts
from bot.slack.users import WITHIN_TRIGGER, SlackUsers
from bot.wiring import Runtime
from handlers.dispatch import parse_or_none
from handlers.i18n import translator
from handlers.registry import COMMANDS
from handlers.suggest import timezone_suggestions
from handlers.types import ParsedCommand, Place, Reply, Request, Visibility, clean_input

logger = logging.getLogger(__name__)


def form_values(command: ParsedCommand | None) -> dict[str, str] | None:
    """The typed options to pre-fill a form with, when ``command`` is a form command missing a required
    option (``register city: Quito``); None when it should run as typed. Free words fill the first
    required option (the city, the title)."""
    if command is None or command.name not in FORMS:
        return None
    spec = COMMANDS[command.name]
    values = dict(command.options)
    if command.main and spec.required and not values.get(spec.required[0]):
        values[spec.required[0]] = command.main
    if all(command.opt(key) for key in spec.required) and not command.main:
        return None
    return values


def message_of(reply: Reply, team_id: str, command: ParsedCommand | None = None, text: str = "",
               locale: str = "en", page: int = 1) -> dict[str, Any]:
    """The message for the caller: an ack body or a response_url payload (files follow it: bot.slack.files).
    ``command`` and ``text`` are what was typed: shareable answers get a "Share in channel" button; an
    answer of several pages shows ``page`` with Previous / Next when ``command`` only reads (else
    ``messages_of`` gives every page)."""
    return messages_of(reply, team_id, command, text, locale, page)[0]


def messages_of(reply: Reply, team_id: str, command: ParsedCommand | None = None, text: str = "",
                locale: str = "en", page: int = 1) -> list[dict[str, Any]]:
    """Every message of the answer: one page with Previous / Next when ``command`` only reads; otherwise
    the preview's messages and every page, so nothing is left out."""
    fallback, pages = shared_fallback_text(reply) if reply.shareable else fallback_text(reply), pages_for(reply, team_id)
    listed = page_command(command) if not reply.preview else None
    again = listed if len(pages) > 1 else None
    number = min(max(1, page), len(pages))
    if again:
        messages = [[*pages[number - 1], page_buttons(again, number, len(pages), reply.language)]]
    else:
        messages = messages_for(reply, team_id, pages)
    if listed and len(messages) == 1:  # a list's entries' buttons know the list, to show it again once clicked
        messages[0] = [with_listing(block, number, listed) for block in messages[0]]
    language = reply.language or locale  # the reader's language, as the core chose it
    if note := upload_note(reply, language):
        messages[0] = [*messages[0], context(data(note))]
    messages[-1] = with_share_button(command, text, reply, messages[-1], language)
    kind = "in_channel" if reply.visibility is Visibility.CHANNEL else "ephemeral"
    return [{"text": fallback, "blocks": blocks, "response_type": kind} for blocks in messages]


PAGE_ACTION = "hrc_page_"
ITEM_BLOCK = "hrc_item_"  # the buttons of one entry of a list (bot.slack.render)


def with_listing(block: dict[str, Any], page: int, command: str) -> dict[str, Any]:
    """An entry's buttons with the list's page and command in their block_id (``hrc_item_3:1:pending``): an
    answer only its reader sees comes back with no blocks when clicked, and only this tells what to show
    again. A copy (a shared reply's blocks are cached); as it was when the id would pass 255 characters."""
    block_id = str(block.get("block_id", ""))
    if block.get("type") != "actions" or not block_id.startswith(ITEM_BLOCK) or ":" in block_id:
        return block
    tagged = f"{block_id}:{page}:{command}"
    return {**block, "block_id": tagged} if len(tagged) <= 255 else block


def listing_of(block_id: str) -> tuple[int, ParsedCommand] | None:
    """(page, command) of the list whose entry's button was clicked (``with_listing``), when it is one."""
    if not block_id.startswith(ITEM_BLOCK):
        return None
    _entry, _sep, rest = block_id.partition(":")
    number, _sep, text = rest.partition(":")
    command = parse_or_none(text) if number.isdecimal() else None
    if command is None or page_command(command) is None:  # a list is only read again, never a write
        return None
    return int(number), command


def outcome_blocks(reply: Reply, team_id: str, by: str = "", block_id: str = "hrc_outcome") -> list[dict[str, Any]]:
    """A button's outcome as one line (and its own buttons, an "Undo"), for where the button was."""
    line = ("⚠️ " if reply.is_error else "✅ ") + mrkdwn(reply.text, team_id) + (f" ({by})" if by else "")
    blocks = [context(line)]
    if reply.actions:
        blocks.append(action_buttons(reply, block_id=block_id))
    return blocks


def page_command(command: ParsedCommand | None) -> str | None:
    """The grammar text that runs ``command`` again, when it only reads (a page never repeats a write)."""
    if command is None or command.name not in COMMANDS or COMMANDS[command.name].writes:
        return None
    text = " ".join(part for part in (command.name, command.main, *(f"{k}: {v}" for k, v in command.options.items() if v)) if part)
    return text if len(text) < 1900 and parse_or_none(text) == command else None


def page_buttons(command: str, page: int, pages: int, language: str) -> dict[str, Any]:
    """Previous / Next: each button's value is the page it shows and the command that makes the list."""
    _ = translator(language)
    elements = [{"type": "button", "text": {"type": "plain_text", "text": label}, "action_id": f"{PAGE_ACTION}{name}",
                 "value": f"{number}:{command}"}
                for name, label, number in (("previous", _("Previous"), page - 1), ("next", _("Next"), page + 1))
                if 1 <= number <= pages]
    return {"type": "actions", "block_id": "hrc_pages", "elements": elements}


async def _respond_all(respond: Any, messages: list[dict[str, Any]]) -> None:
    for message in messages:
        await respond(**message, replace_original=False)


async def _respond(respond: Any, reply: Reply, team_id: str) -> None:
    await _respond_all(respond, messages_of(reply, team_id))


# Commands whose answer depends on whether the bot can post in the channel (Place.can_post).
CHECKS_POSTING = frozenset({"channel set"})


async def bot_can_post(client: AsyncWebClient, channel_id: str) -> bool | None:
    """Whether the bot can post in ``channel_id``: it is a member (conversations.info ``is_member``) and the
    channel is not archived. None when Slack cannot tell (a network error, a missing scope): the core
    then lets the command through."""
    try:
        info = (await client.conversations_info(channel=channel_id)).get("channel") or {}
    except SlackApiError as error:
        code = error.response.get("error", "")
        if code in CANNOT_POST:  # a private channel the bot is not in is "not found"
            return False
        logger.warning("conversations.info %s: %s", channel_id, code)
        return None
    except Exception as error:  # noqa: BLE001 - unknown
        logger.warning("conversations.info %s: %s", channel_id, type(error).__name__)
        return None
    if info.get("is_im") or info.get("is_mpim"):
        return None
    return bool(info.get("is_member")) and not info.get("is_archived")


def action_key(team_id: str, user_id: str, message_ts: str, action: dict[str, Any]) -> str:
    """The retry-ledger key of one button click: the same person clicking the same button (its command,
    in ``value``) of the same message twice applies it once. Ephemeral messages come with no
    ``message``: their ``container.message_ts`` names them; the command tells two previews apart even so."""
    what = f"{action.get('action_id', '')}:{action.get('value', '')}"
    key = f"slack-action:{team_id}:{user_id}:{message_ts}:{what}"
    if len(key) > 200:  # the ledger's key column holds 255
        key = f"slack-action:{team_id}:{user_id}:{message_ts}:" + hashlib.sha256(what.encode()).hexdigest()
    return key


def is_served(context: Any, team_ids: tuple[str, ...]) -> bool:
    """Whether a request comes from a workspace the bot serves.

    ``team_ids`` (SLACK_TEAM_IDS) lists served workspaces (T…) and organisations (E…); when it is empty,
    the bot token's own workspace (from ``auth.test``, which Bolt runs to authorise each request) is the
    only one, and a request naming another Enterprise Grid organisation than the token's is refused.
    """
    team, enterprise = context.team_id, context.enterprise_id
    if team_ids:
        return (team is not None and team in team_ids) or (enterprise is not None and enterprise in team_ids)
    own = context.authorize_result
    if own is None or team is None or team != own.team_id:
        return False
    return enterprise is None or enterprise == own.enterprise_id


def build_app(runtime: Runtime, client: AsyncWebClient, users: SlackUsers | None = None) -> AsyncApp:
    """The Bolt app with every listener. ``users`` is the users.info cache (one per process; made here
    when not given)."""
    settings = runtime.settings.slack
    app = AsyncApp(client=client, signing_secret=settings.signing_secret or None, process_before_response=False)

    @app.use
    async def only_served_workspaces(context: Any, body: dict[str, Any], ack: Any, next: Any) -> Any:  # noqa: A002
        if is_served(context, settings.team_ids):
            return await next()
        logger.info("slack: refused a request from team %s / enterprise %s (not served)", context.team_id, context.enterprise_id)
        if body.get("command"):
            _ = translator("en")  # the caller's language is not known for a workspace we do not serve
            return await ack(text=_("This bot serves only the campaign's own workspace. Nothing was changed."),
                             response_type="ephemeral")
        return await ack()  # Bolt answers Slack with what the middleware returns

    users = users or SlackUsers(client)
    desk = HomeDesk(runtime, client, users)
    runtime.watchers.append(desk.on_change)  # Homes refreshed on changes made anywhere
    app.home_desk = desk  # type: ignore[attr-defined]  # for tests: desk.idle()

    # Bolt tries the listeners in the order they were added, building each one's arguments to match it:
    # `/hrc`, by far the most frequent request, comes first (7 % of a command's time at 10,000 cities).
    @app.command("/hrc")
    async def hrc_command(ack: Any, body: dict[str, Any], respond: Any, client: AsyncWebClient) -> None:
        team_id, text = body.get("team_id", ""), body.get("text", "")
        place = Place("slack", team_id, body.get("channel_id", ""), name=body.get("channel_name", ""))
        command = parse_or_none(text)
        values = form_values(command)
        if command is not None and values is not None:  # `/hrc register [some options]` opens the form
            await ack()
            actor, language = await users.actor_and_language(runtime.ctx, team_id, body.get("user_id", ""), wait=WITHIN_TRIGGER)
            view = FORMS[command.name](values, private_metadata=json.dumps({"channel": place.channel_id}), locale=language)
            try:
                await client.views_open(trigger_id=body["trigger_id"], view=view)
                return
            except SlackApiError as error:  # the trigger expired (Slack slow to deliver it): answer as typed
                logger.warning("slack: views.open failed: %s", error.response.get("error"))
            reply = await runtime.answer_text_once(actor, place, text, key=f"slack-command:{body.get('trigger_id', '')}",
                                                   locale=language)
            if reply is not None:  # what is missing, and how to type it
                await _respond_all(respond, messages_of(reply, team_id, command, clean_input(text), locale=language))
            return
        deadline = Deadline(runtime.answer_within, ack)  # past it: ack empty, answer through response_url
        actor, locale = await users.actor_and_locale(team_id, body.get("user_id", ""), body.get("user_name", ""))
        if command is not None and command.name in CHECKS_POSTING:
            place = dataclasses.replace(place, can_post=await bot_can_post(client, place.channel_id))
        reply = await runtime.answer_text_once(
            actor, place, text, key=f"slack-command:{body.get('trigger_id', '')}", locale=locale
        )
        acked = await deadline.settle()
        if reply is None:  # a retry of a command already applied
            if not acked:
                await ack()
            return
        messages = messages_of(reply, team_id, command, clean_input(text), locale=locale)
        if not acked:
            await ack(**messages.pop(0))
        await _respond_all(respond, messages)
        await upload_attachments(client, reply, channel_id=place.channel_id, user_id=actor.user_id)
        await runtime.deliver_notices(reply)

    register_shortcuts(app, runtime, users)
    register_sharing(app, runtime, users)
    register_home_actions(app, runtime, users, desk)

    @app.options(TIMEZONE_ACTION)
    async def timezone_options(ack: Any, body: dict[str, Any]) -> None:
        now = runtime.ctx.now()
        found = timezone_suggestions(clean_input(body.get("value", "")))
        await ack(options=[zone_option(s.value, now).to_dict() for s in found])

    @app.view(REGISTER_ID)
    @app.view(SHARE_ID)
    async def form_submitted(ack: Any, body: dict[str, Any], view: dict[str, Any], client: AsyncWebClient) -> None:
        # Slack waits 3 s for the ack, which carries the form's errors; past ``answer_within`` the form is
        # closed (an empty ack) and the outcome, an error included, comes by direct message.
        deadline = Deadline(runtime.answer_within, ack)
        team_id = body.get("team", {}).get("id", "") or body.get("user", {}).get("team_id", "")
        user = body.get("user", {})
        actor, locale = await users.actor_and_locale(team_id, user.get("id", ""), user.get("username") or user.get("name", ""),
                                                     wait=WITHIN_TRIGGER)
        metadata = json.loads(view.get("private_metadata") or "{}")
        channel = metadata.get("channel", "")
        command = submitted_command(view["callback_id"], view)
        request = Request(actor=actor, place=Place("slack", team_id, channel), command=command, locale=locale)
        reply = await runtime.answer_once(request, key=f"slack-view:{view.get('id', '')}")
        acked = await deadline.settle()
        if reply is None:
            if not acked:
                await ack()
            return
        if reply.is_error:
            if not acked:
                await ack(response_action="errors", errors=field_errors(view["callback_id"], reply.error_field, reply.text))
                return
            for blocks in messages_for(reply, team_id):  # the form is closed: the error must still reach them
                await client.chat_postMessage(channel=actor.user_id, text=fallback_text(reply), blocks=blocks)
            return
        if not acked:
            await ack()
        text, messages = fallback_text(reply), messages_for(reply, team_id)
        posted = False
        if reply.visibility is Visibility.CHANNEL and channel:
            try:
                for blocks in messages:
                    await client.chat_postMessage(channel=channel, text=text, blocks=blocks)
                posted = True
            except SlackApiError as error:  # a form opened from a channel the bot is not in
                if error.response.get("error") not in CANNOT_POST:
                    raise
                # Saved, but not shown where it was shared: never silently. The author gets it in a
                # direct message, told why and how to fix it.
                _ = translator(reply.language or request.locale)
                if metadata.get("private"):  # a DM or group DM between people: no one can invite the bot there
                    note = _("Your practice is saved, but it was not posted in that conversation: I can't post in "
                             "direct messages between people. Here it is.")
                else:
                    note = _("I could not post this in <#{channel}> ({reason}): invite me there with `/invite @hrc`. "
                             "It is saved; here it is.").format(channel=channel, reason=error.response.get("error", ""))
                await client.chat_postMessage(channel=actor.user_id, text=note)
        if not posted:
            for blocks in messages:
                await client.chat_postMessage(channel=actor.user_id, text=text, blocks=blocks)
        await runtime.deliver_notices(reply)

    @app.action({"action_id": "hrc_open_register"})
    async def open_register(ack: Any, body: dict[str, Any], client: AsyncWebClient) -> None:
        await ack()
        team_id = body.get("team", {}).get("id", "") or body.get("user", {}).get("team_id", "")
        user_id = body.get("user", {}).get("id", "")
        _actor, language = await users.actor_and_language(runtime.ctx, team_id, user_id, wait=WITHIN_TRIGGER)
        await open_form(client, body["trigger_id"], register_modal(locale=language), user_id, language)

    @app.action(re.compile(r"^hrc_action_"))
    async def button_clicked(ack: Any, body: dict[str, Any], action: dict[str, Any], respond: Any, client: AsyncWebClient) -> None:
        await ack()
        team_id = body.get("team", {}).get("id", "") or body.get("user", {}).get("team_id", "")
        user = body.get("user", {})
        actor, locale = await users.actor_and_locale(team_id, user.get("id", ""), user.get("username") or user.get("name", ""))
        container = body.get("container") or {}
        channel = body.get("channel", {}).get("id") or container.get("channel_id", "")
        respond = lasting(respond, client, channel, actor.user_id)  # an answer an hour old still answers
        message = body.get("message") or {}
        command = parse_or_none(action.get("value", ""))
        if command is None:
            return
        where = message.get("ts") or container.get("message_ts", "") or body.get("view", {}).get("id", "")
        key = action_key(team_id, actor.user_id, where, action)
        request = Request(actor=actor, place=Place("slack", team_id, channel or "home"), command=command, locale=locale)
        reply = await runtime.answer_once(request, key)
        if reply is None:
            return
        if container.get("type") == "view":  # a button of App Home: show the outcome there
            desk.opened(actor, team_id)
            notice = ("⚠️ " if reply.is_error else "✅ ") + plain_mentions(reply.text).split("\n", 1)[0]
            await desk.publish(actor, team_id, notice)
            await runtime.deliver_notices(reply)
            return
        listing = listing_of(str(action.get("block_id", "")))
        if not message.get("ts") and listing is not None:
            # An entry of a list only the clicker sees (`pending`): the list is shown again as it is now,
            # under the outcome, so the other entries' buttons stay at hand; the one decided is gone.
            number, list_command = listing
            list_reply = await runtime.answer(dataclasses.replace(request, command=list_command))
            shown = message_of(list_reply, team_id, list_command, page_command(list_command) or "", locale, page=number)
            shown["blocks"] = [*outcome_blocks(reply, team_id), *shown["blocks"]]
            await respond(**{**shown, "text": fallback_text(reply), "response_type": "ephemeral"}, replace_original=True)
            await runtime.deliver_notices(reply)
            return
        if not message.get("ts"):
            # An ephemeral message (the announcement preview) comes with no `message`, and only its
            # response_url can change it: the answer replaces it, so its buttons cannot be clicked again.
            first, *rest = messages_of(reply, team_id)
            await respond(**first, replace_original=not reply.is_error)
            await _respond_all(respond, rest)
            await runtime.deliver_notices(reply)
            return
        if reply.is_error:
            await _respond(respond, reply, team_id)
            return
        clicked = str(action.get("block_id", ""))
        if clicked.startswith(ITEM_BLOCK):  # one entry of a list: only its buttons give way to the outcome
            decided = [part for b in message.get("blocks", []) for part in (
                outcome_blocks(reply, team_id, f"<@{actor.user_id}>", f"hrc_outcome_{clicked.partition(':')[0]}")
                if b.get("block_id") == clicked else [b])]
        else:
            decided = [b for b in message.get("blocks", []) if b.get("type") != "actions"]
            decided.append(context(f"✅ {mrkdwn(reply.text, team_id)} (<@{actor.user_id}>)"))
            if reply.actions:  # the outcome's own buttons (an "Undo") replace the old ones
                decided.append(action_buttons(reply, block_id=f"hrc_actions_{len(decided)}"))
        await client.chat_update(channel=channel, ts=message["ts"], text=fallback_text(reply), blocks=decided)
        await runtime.deliver_notices(reply)

    @app.event("app_home_opened")
    async def home_opened(event: dict[str, Any], body: dict[str, Any], client: AsyncWebClient) -> None:
        if event.get("tab", "home") != "home":
            return
        team_id = body.get("team_id", "")
        actor = await users.actor(team_id, event.get("user", ""))
        desk.opened(actor, team_id)
        await desk.publish(actor, team_id)

    @app.event("message")
    async def direct_message(event: dict[str, Any], body: dict[str, Any], client: AsyncWebClient) -> None:
        """A command typed in the bot's Messages tab (``who housing``, ``/hrc help``), answered there."""
        if event.get("channel_type") != "im" or event.get("bot_id") or event.get("subtype") or not event.get("text"):
            return  # the bot's own messages, edits, joins: nothing to answer
        team_id = body.get("team_id", "")
        actor, locale = await users.actor_and_locale(team_id, event.get("user", ""))
        place = Place("slack", team_id, event.get("channel", ""), is_direct=True)
        key = f"slack-dm:{team_id}:{event.get('channel', '')}:{event.get('ts', '')}"
        reply = await runtime.answer_text_once(actor, place, plain_message_text(event["text"]), key=key, locale=locale)
        if reply is None:
            return
        for blocks in messages_for(reply, team_id):
            await client.chat_postMessage(channel=place.channel_id, text=fallback_text(reply), blocks=blocks)
        await runtime.deliver_notices(reply)

    @app.action(re.compile(f"^{PAGE_ACTION}"))
    async def page_clicked(ack: Any, body: dict[str, Any], action: dict[str, Any], respond: Any, client: AsyncWebClient) -> None:
        """Previous / Next: the command runs again (it only reads) and the page asked for is shown; in
        place on an answer only the clicker sees, else as a fresh answer only they see."""
        await ack()
        number, _sep, text = str(action.get("value", "")).partition(":")
        command = parse_or_none(text)
        if command is None or page_command(command) is None or not number.isdecimal():
            return
        team_id = body.get("team", {}).get("id", "") or body.get("user", {}).get("team_id", "")
        user = body.get("user", {})
        actor, locale = await users.actor_and_locale(team_id, user.get("id", ""), user.get("username") or user.get("name", ""))
        channel = body.get("channel", {}).get("id") or (body.get("container") or {}).get("channel_id", "")
        respond = lasting(respond, client, channel, actor.user_id)  # an answer an hour old still turns
        request = Request(actor=actor, place=Place("slack", team_id, channel), command=command, locale=locale)
        reply = await runtime.answer(request)
        in_place = not (body.get("message") or {}).get("ts")  # an ephemeral answer comes with no message
        message = message_of(reply, team_id, command, text, locale, page=int(number))
        await respond(**{**message, "response_type": "ephemeral"}, replace_original=in_place and not reply.is_error)

    return app
