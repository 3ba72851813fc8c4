"""Reply -> Block Kit, within Slack's limits, with user text as data: it never pings nor formats (``data``).

Limits (Slack's Block Kit reference): 50 blocks a message, 3,000 characters a section text, 10 fields a
section (2,000 characters each), 150 characters a header, 75 characters a button label, 2,000 a button
value. A reply that does not fit is divided into pages by ``bot.pages`` (never cut): text is escaped
first and then divided, at line breaks or spaces, never inside an entity such as ``&lt;``. Headers,
contexts and buttons are built with slack_sdk's models, whose ``to_dict`` checks those limits: a block
out of them fails here, not at Slack. The sections of a page are filled by ``BlockPage``, whose own
arithmetic keeps them within the section and field limits (checked again by every test through
``tests/slack/limits.py``): building each again through the models cost a third of a card's rendering.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from typing import Any

from slack_sdk.models.blocks import ActionsBlock, ButtonElement, ContextBlock, HeaderBlock, SectionBlock
from slack_sdk.models.blocks.basic_components import MarkdownTextObject, PlainTextObject

from bot.pages import Lines, Unit, paginate, safe_point, units_of
from bot.render_memo import per_reply
from bot.render_text import render_text
from bot.slack.inert_text import inert
from handlers.i18n import translator
from handlers.types import (
    MENTION_CLOSE,
    MENTION_OPEN,
    MENTION_RE,
    ChannelRef,
    Item,
    MemberRef,
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
FIELDS_PER_SECTION = 10
# Text a message's page holds (Slack allows 50 sections of 3,000): about a screen and a half, as a
# Discord page (6,000 characters a message). A list of 1,300 cities in one message (55 kB) is more
# than anyone scrolls, and every answer's JSON is encoded, sent and drawn whole.
PAGE_CHARS = 6000
BUTTON_MAX, VALUE_MAX = 75, 2000
# Blocks every page leaves free for what the app adds to a message: the "Share in channel" button, a
# note about files, the Previous / Next buttons.
RESERVED = 3
PLATFORM_NAMES = {"discord": "Discord", "slack": "Slack", "console": "console"}


def escape(text: str) -> str:
    """Slack's three control characters: with them escaped, <!channel>, <!here>, <@U…> stay inert text."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def slack_date(moment: Moment) -> str:
    """Slack's date token: each reader sees the instant in their own zone and format; the fallback (plain,
    escaped) where the client cannot (PLATFORM_FACTS.md)."""
    return f"<!date^{moment.unix}^{{date_long_pretty}} {{time}}|{escape(moment.fallback)}>"


# Any sign ``data`` acts on: most names and lines have none and come back as they are.
_SIGNS = re.compile(r"[&<>*_~`]")


def data(text: str) -> str:
    """Text shown as written: its formatting signs inert (``bot.slack.inert_text``), then ``& < >`` escaped."""
    return escape(inert(text)) if _SIGNS.search(text) else text


def mrkdwn(text: str, team_id: str | None = None) -> str:
    """User text as data (``data``); mention tokens become real Slack mentions when they are Slack members,
    channel tokens ``<#C…>`` links when they are channels of this workspace, moments ``<!date^…>``."""
    if MENTION_OPEN not in text and MENTION_CLOSE not in text:  # most text: no token to look for
        return data(text)
    return _mrkdwn_tokens(text, team_id)


@functools.lru_cache(maxsize=32768)
def _mrkdwn_tokens(text: str, team_id: str | None) -> str:
    # Remembered: the same lines come back whenever a list is made again (a `who` after a city joins
    # the theme renders its 1,300 lines, all but one as before). ~10 MB when full.
    out, last = [], 0
    for match in MENTION_RE.finditer(text):
        out.append(data(inert_markers(text[last : match.start()])))
        ref = parse_token(match.group(1))
        if isinstance(ref, Moment):
            out.append(slack_date(ref))
            last = match.end()
            continue
        if isinstance(ref, MemberRef):  # a person linked across platforms: their Slack account here
            ref = ref.on("slack", team_id)
        here = ref is not None and ref.platform == "slack" and (team_id is None or ref.workspace == team_id)
        if ref is None:  # not a token the core made: shown as the inert text it is
            out.append(data(unparsed_label(match.group(1))))
        elif isinstance(ref, ChannelRef):
            out.append(f"<#{ref.channel_id}>" if here else data(f"{ref.plain()} ({PLATFORM_NAMES.get(ref.platform, ref.platform)})"))
        elif here:
            out.append(f"<@{ref.user_id}>")
        else:
            out.append(data(f"{ref.display_name} ({PLATFORM_NAMES.get(ref.platform, ref.platform)})"))
        last = match.end()
    out.append(data(inert_markers(text[last:])))
    return "".join(out)


def cut(text: str, limit: int) -> str:
    """``text`` whole when it fits, else shortened to ``limit`` characters ending with "…", never inside an
    entity (``&lt;``) or a ``<…>`` token. For labels and headers only: lists are divided (``pages_for``)."""
    return text if len(text) <= limit else text[: safe_point(text, limit - 1)] + "…"


def plain(text: str, limit: int) -> PlainTextObject:
    return PlainTextObject(text=cut(render_text(Reply(text=text)) or " ", limit), emoji=True)


def fallback_text(reply: Reply) -> str:
    """The notification / screen-reader text; plain text, so Slack does not parse it for mentions."""
    return escape(cut(render_text(reply, FALLBACK_MAX), FALLBACK_MAX)) or " "


def section(text: str) -> dict[str, Any]:
    return SectionBlock(text=MarkdownTextObject(text=cut(text, SECTION_MAX))).to_dict()


def context(text: str) -> dict[str, Any]:
    return ContextBlock(elements=[MarkdownTextObject(text=cut(text, SECTION_MAX))]).to_dict()


def action_buttons(reply: Reply | Item, block_id: str = "hrc_actions") -> dict[str, Any]:
    """An actions block with the buttons of a reply or of one of its items (at most 5)."""
    buttons = [
        ButtonElement(
            text=cut(action.label, BUTTON_MAX), action_id=f"hrc_action_{action.action_id or index}",
            value=action.command[:VALUE_MAX], style=action.style if action.style in ("primary", "danger") else None,
        )
        for index, action in enumerate(reply.actions[:5])
    ]
    return ActionsBlock(block_id=block_id, elements=buttons).to_dict()


@per_reply
def shared_fallback_text(reply: Reply) -> str:
    """``fallback_text`` of a shareable reply, built once (a `who` at 10,000 cities: ~3 ms)."""
    return fallback_text(reply)


@per_reply
def _rendered_shared(reply: Reply, team_id: str | None) -> tuple[str, list[dict[str, Any]]]:
    return fallback_text(reply), blocks_for(reply, team_id)


def rendered(reply: Reply, team_id: str | None = None) -> tuple[str, list[dict[str, Any]]]:
    """Fallback text and the first page's blocks. A shareable reply (served again and again from the reply
    cache) is rendered once per workspace; callers must not mutate what they get."""
    if reply.shareable:
        return _rendered_shared(reply, team_id)
    return fallback_text(reply), blocks_for(reply, team_id)


@dataclass
class BlockPage:
    """One message's blocks being filled (``bot.pages.Page``): sections of text, of items (each with its
    buttons), of fields; ``room`` blocks at most."""

    room: int
    item_buttons: dict[int, dict[str, Any]]
    chars: int | None = None  # characters of text it may take (None: as many as its blocks hold)
    blocks: list[dict[str, Any]] = field(default_factory=list)
    last: tuple[str, int] = ("", -1)  # what the last block holds: ("text" | "item" | "field" | "inline", group)
    units: int = 0  # how many units it took

    def _grow(self, block: dict[str, Any], extra: list[dict[str, Any]] | None = None) -> bool:
        extra = extra or []
        if len(self.blocks) + 1 + len(extra) > self.room:
            return False
        self.blocks += [block, *extra]
        return True

    def add(self, unit: Unit) -> bool:
        size = len(unit.text) + len(unit.name)
        if self.chars is not None and self.units and size > self.chars:
            return False
        if self._add(unit):
            self.units += 1
            if self.chars is not None:
                self.chars -= size
            return True
        return False

    def extend(self, lines: Lines, start: int) -> int:
        if (lines.inline or (start == 0 and lines.first) or self.last != ("field", lines.group) or not self.blocks
                or self.blocks[-1]["type"] != "section" or "text" not in self.blocks[-1]):
            return 0
        block = self.blocks[-1]["text"]
        texts, length, chars, end = lines.texts, len(block["text"]), self.chars, start
        named = len(lines.name)
        while end < len(texts):  # as ``add`` would, line by line: within the page's characters and the section's
            size = len(texts[end])
            if (chars is not None and size + named > chars) or length + 1 + size > SECTION_MAX:
                break
            length, end = length + 1 + size, end + 1
            if chars is not None:
                chars -= size + named
        if end > start:
            block["text"] = "\n".join([block["text"], *texts[start:end]])
            self.units += end - start
            self.chars = chars
        return end - start

    def _add(self, unit: Unit) -> bool:
        kind = "inline" if unit.where == "field" and unit.inline else unit.where
        same = self.last == (kind, unit.group) and self.blocks and self.blocks[-1]["type"] == "section"
        if kind == "inline":  # fields side by side: 10 a section, 2,000 characters each
            head = f"*{unit.name}*\n" if unit.first else ""
            if same and not unit.first and len(self.blocks[-1]["fields"][-1]["text"]) + 1 + len(unit.text) <= FIELD_MAX:
                self.blocks[-1]["fields"][-1]["text"] += "\n" + unit.text
                return True
            element = {"type": "mrkdwn", "text": head + (unit.text or "—")}
            if self.last[0] == "inline" and self.blocks and len(self.blocks[-1].get("fields", [])) < FIELDS_PER_SECTION:
                self.blocks[-1]["fields"].append(element)
                self.last = (kind, unit.group)
                return True
            if not self._grow({"type": "section", "fields": [element]}):
                return False
        else:
            text = (f"*{unit.name}*\n" + (unit.text or "—")) if kind == "field" and unit.first else unit.text
            if same and not unit.first and "text" in self.blocks[-1]:
                current = self.blocks[-1]["text"]["text"]
                if len(current) + 1 + len(text) <= SECTION_MAX:
                    self.blocks[-1]["text"]["text"] = current + "\n" + text
                    return True
            buttons = [self.item_buttons[unit.group]] if kind == "item" and unit.first and unit.group in self.item_buttons else []
            if not self._grow({"type": "section", "text": {"type": "mrkdwn", "text": text or " "}}, buttons):
                return False
            if buttons:  # an item's buttons stay under its first section
                self.last = ("buttons", unit.group)
                return True
        self.last = (kind, unit.group)
        return True


def _item_line(title: str, body: str, link: str | None) -> str:
    return "\n".join(part for part in (f"*{title}*", body, escape(link) if link else "") if part)


def _paginated(reply: Reply, team_id: str | None, with_actions: bool, limit: int
               ) -> tuple[list[dict[str, Any]], list[BlockPage], list[dict[str, Any]]]:
    """The blocks above every page (the header), the pages, and the blocks below every page."""
    head: list[dict[str, Any]] = [HeaderBlock(text=plain(reply.title, HEADER_MAX)).to_dict()] if reply.title else []
    tail: list[dict[str, Any]] = []
    if reply.usage:
        tail.append(context(f"{escape(reply.usage_label)} `{escape(reply.usage)}`"))
    if reply.footer:
        tail.append(context(mrkdwn(reply.footer, team_id)))
    if with_actions and reply.actions:
        tail.append(action_buttons(reply))
    reserved = RESERVED if limit == MAX_BLOCKS else 0  # a view (App Home) gets no buttons added after
    room = limit - reserved - len(head) - len(tail) - 1  # and a line for "Page n of m"
    item_buttons = {i: action_buttons(item, f"hrc_item_{i}") for i, item in enumerate(reply.items) if with_actions and item.actions}

    def render(text: str) -> tuple[str, frozenset[int]]:
        return mrkdwn(text, team_id), frozenset()

    error = "⚠️ " if reply.is_error else ""
    units = list(units_of(reply, render, text_max=SECTION_MAX - len(error), item_max=SECTION_MAX, field_max=FIELD_MAX - 300,
                          field_name=lambda name: mrkdwn(name, team_id), item_line=_item_line))
    if units and units[0].where == "text" and error:
        units[0] = Unit("text", error + units[0].text)
    chars = PAGE_CHARS if limit == MAX_BLOCKS else None  # a view (App Home) scrolls: only its blocks limit it
    return head, paginate(units, lambda: BlockPage(room, item_buttons, chars)), tail


def pages_for(reply: Reply, team_id: str | None = None, *, with_actions: bool = True,
              limit: int = MAX_BLOCKS) -> list[list[dict[str, Any]]]:
    """Every page of ``reply``'s blocks (at least one), each at most ``limit`` blocks, less ``RESERVED`` in a message (50
    in a message, 100 in a view), "Page n of m" at the foot of each when there are several. A shareable
    reply (served again and again from the reply cache) is rendered once per workspace; callers must not
    mutate what they get."""
    if reply.shareable and with_actions and limit == MAX_BLOCKS:
        return _pages_shared(reply, team_id)
    return _pages_for(reply, team_id, with_actions, limit)


@per_reply
def _pages_shared(reply: Reply, team_id: str | None) -> list[list[dict[str, Any]]]:
    return _pages_for(reply, team_id, True, MAX_BLOCKS)


def _pages_for(reply: Reply, team_id: str | None, with_actions: bool, limit: int) -> list[list[dict[str, Any]]]:
    head, pages, tail = _paginated(reply, team_id, with_actions, limit)
    _ = translator(reply.language)
    out = []
    for number, page in enumerate(pages, 1):
        note = [context(escape(_("Page {page} of {pages}").format(page=number, pages=len(pages))))] if len(pages) > 1 else []
        out.append([*head, *page.blocks, *note, *tail])
    return out


def blocks_for(reply: Reply, team_id: str | None = None, *, with_actions: bool = True,
               limit: int = MAX_BLOCKS) -> list[dict[str, Any]]:
    """The blocks of ``reply``'s first page, at most ``limit`` (less ``RESERVED`` in a message: 50 in a message, 100 in a
    view), for a place that shows one page (App Home); when there are more, it says how many entries it
    leaves out. ``pages_for`` gives every page."""
    head, pages, tail = _paginated(reply, team_id, with_actions, limit)
    note: list[dict[str, Any]] = []
    if len(pages) > 1:
        _ = translator(reply.language)
        hidden = sum(page.units for page in pages[1:])
        note = [context(escape(_.ngettext("…and {count} more not shown here.", "…and {count} more not shown here.",
                                          hidden).format(count=hidden)))]
    return [*head, *pages[0].blocks, *note, *tail]


def messages_for(reply: Reply, team_id: str | None = None, pages: list[list[dict[str, Any]]] | None = None
                 ) -> list[list[dict[str, Any]]]:
    """Every block of ``reply`` in as few messages as Slack allows: its preview's messages first (each as it
    will be delivered, a divider after each), then each of its pages (``pages``: ``pages_for(reply,
    team_id)`` when the caller has it already; a reply that is not shared is not laid out twice)."""
    room = MAX_BLOCKS - RESERVED
    messages: list[list[dict[str, Any]]] = []
    for shown in reply.preview:
        for page in pages_for(shown, team_id):
            page = [*page, {"type": "divider"}]
            if not messages or len(messages[-1]) + len(page) > room:
                messages.append([])
            messages[-1] += page
    for number, page in enumerate(pages if pages is not None else pages_for(reply, team_id)):
        if number or not messages or len(messages[-1]) + len(page) > room:
            messages.append([])
        messages[-1] += page
    return messages
