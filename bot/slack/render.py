"""Reply -> Block Kit, within Slack's limits, with user text escaped so it never pings.

Limits (PLATFORM_FACTS.md): 50 blocks a message, 3,000 characters a section text, 10 fields a
section (2,000 characters each), 150 characters a header, 75 characters a button label. Blocks are built
with slack_sdk's models, whose ``to_dict`` checks those limits: a block out of them fails here, not at Slack.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from slack_sdk.models.blocks import ActionsBlock, ButtonElement, ContextBlock, HeaderBlock, SectionBlock
from slack_sdk.models.blocks.basic_components import MarkdownTextObject, PlainTextObject

from bot.render_text import render_text
from handlers.i18n import translator
from handlers.types import (
    MENTION_RE,
    ChannelRef,
    Item,
    Moment,
    Reply,
    inert_markers,
    parse_token,
    unparsed_label,
)

MAX_BLOCKS = 50
SECTION_MAX = 3000
FIELD_MAX = 2000
HEADER_MAX = 150
FALLBACK_MAX = 3000
PLATFORM_NAMES = {"discord": "Discord", "slack": "Slack", "console": "console"}


def escape(text: str) -> str:
    """Slack's three control characters: with them escaped, <!channel>, <!here>, <@U…> stay inert text."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def slack_date(moment: Moment) -> str:
    """Slack's date token: each reader sees the instant in their own zone and format; the fallback (plain,
    escaped) where the client cannot (PLATFORM_FACTS.md)."""
    return f"<!date^{moment.unix}^{{date_long_pretty}} {{time}}|{escape(moment.fallback)}>"


def mrkdwn(text: str, team_id: str | None = None) -> str:
    """Escape user text; mention tokens become real Slack mentions when they are Slack members, channel
    tokens ``<#C…>`` links when they are channels of this workspace, moments ``<!date^…>``."""
    out, last = [], 0
    for match in MENTION_RE.finditer(text):
        out.append(escape(inert_markers(text[last : match.start()])))
        ref = parse_token(match.group(1))
        if isinstance(ref, Moment):
            out.append(slack_date(ref))
            last = match.end()
            continue
        here = ref is not None and ref.platform == "slack" and (team_id is None or ref.workspace == team_id)
        if ref is None:  # not a token the core made: shown as the inert text it is
            out.append(escape(unparsed_label(match.group(1))))
        elif isinstance(ref, ChannelRef):
            out.append(f"<#{ref.channel_id}>" if here else escape(f"{ref.plain()} ({PLATFORM_NAMES.get(ref.platform, ref.platform)})"))
        elif here:
            out.append(f"<@{ref.user_id}>")
        else:
            out.append(escape(f"{ref.display_name} ({PLATFORM_NAMES.get(ref.platform, ref.platform)})"))
        last = match.end()
    out.append(escape(inert_markers(text[last:])))
    return "".join(out)


def cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def plain(text: str, limit: int) -> PlainTextObject:
    return PlainTextObject(text=cut(render_text(Reply(text=text)) or " ", limit), emoji=True)


def fallback_text(reply: Reply) -> str:
    """The notification / screen-reader text; plain text, so Slack does not parse it for mentions."""
    return escape(cut(render_text(reply), FALLBACK_MAX)) or " "


def section(text: str) -> dict[str, Any]:
    return SectionBlock(text=MarkdownTextObject(text=cut(text, SECTION_MAX))).to_dict()


def context(text: str) -> dict[str, Any]:
    return ContextBlock(elements=[MarkdownTextObject(text=cut(text, SECTION_MAX))]).to_dict()


def action_buttons(reply: Reply | Item, block_id: str = "hrc_actions") -> dict[str, Any]:
    """An actions block with the buttons of a reply or of one of its items (at most 5)."""
    buttons = [
        ButtonElement(
            text=cut(action.label, 75), action_id=f"hrc_action_{action.action_id or index}",
            value=cut(action.command, 2000), style=action.style if action.style in ("primary", "danger") else None,
        )
        for index, action in enumerate(reply.actions[:5])
    ]
    return ActionsBlock(block_id=block_id, elements=buttons).to_dict()


@lru_cache(maxsize=512)
def _rendered_shared(reply: Reply, team_id: str | None) -> tuple[str, list[dict[str, Any]]]:
    return fallback_text(reply), blocks_for(reply, team_id)


def rendered(reply: Reply, team_id: str | None = None) -> tuple[str, list[dict[str, Any]]]:
    """Fallback text and blocks. A shareable reply (served again and again from the reply cache) is
    rendered once per workspace; callers must not mutate what they get."""
    if reply.shareable:
        return _rendered_shared(reply, team_id)
    return fallback_text(reply), blocks_for(reply, team_id)


def blocks_for(reply: Reply, team_id: str | None = None, *, with_actions: bool = True,
               limit: int = MAX_BLOCKS) -> list[dict[str, Any]]:
    """The Block Kit blocks of ``reply``, at most ``limit`` (50 in a message, 100 in a view)."""
    blocks: list[dict[str, Any]] = []
    if reply.title:
        blocks.append(HeaderBlock(text=plain(reply.title, HEADER_MAX)).to_dict())
    if reply.text:
        blocks.append(section(("⚠️ " if reply.is_error else "") + mrkdwn(reply.text, team_id)))
    inline = [f for f in reply.fields if f.inline]
    for start in range(0, len(inline), 10):
        blocks.append(SectionBlock(fields=[
            MarkdownTextObject(text=cut(f"*{mrkdwn(f.name, team_id)}*\n{mrkdwn(f.value, team_id)}", FIELD_MAX))
            for f in inline[start : start + 10]
        ]).to_dict())
    for f in reply.fields:
        if not f.inline:
            blocks.append(section(f"*{mrkdwn(f.name, team_id)}*\n{mrkdwn(f.value, team_id)}"))
    tail: list[dict[str, Any]] = []
    if reply.usage:
        tail.append(context(f"{escape(reply.usage_label)} `{escape(reply.usage)}`"))
    if reply.footer:
        tail.append(context(mrkdwn(reply.footer, team_id)))
    if with_actions and reply.actions:
        tail.append(action_buttons(reply))
    room = limit - len(blocks) - len(tail) - 1
    items, shown = list(reply.items), 0
    for index, item in enumerate(items):
        buttons = [action_buttons(item, f"hrc_item_{index}")] if with_actions and item.actions else []
        if 1 + len(buttons) > room:
            break
        line = f"*{mrkdwn(item.title, team_id)}*"
        if item.text:
            line += f"\n{mrkdwn(item.text, team_id)}"
        if item.link:
            line += f"\n{escape(item.link)}"
        blocks += [section(line), *buttons]
        room -= 1 + len(buttons)
        shown += 1
    if len(items) > shown:
        blocks.append(context(translator(reply.language or "en")("…and {count} more.").format(count=len(items) - shown)))
    return blocks + tail
