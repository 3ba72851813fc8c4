"""Reply -> embeds, within Discord's limits, with AllowedMentions that let through only our own mentions.

Limits (Discord's "Embed Limits", PLATFORM_FACTS.md): title 256, description 4,096, 25 fields (name 256,
value 1,024), footer 2,048, 6,000 characters across a message's embeds. A reply that does not fit one
embed is divided into pages by ``bot.pages`` (never cut): ``render_pages`` gives every page, each a
whole embed with "Page n of m" in its footer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import lru_cache

import discord

from bot.code_spans import code_parts
from bot.pages import Lines, Unit, paginate, units_of
from bot.render_memo import per_reply
from bot.render_text import plain_mentions
from handlers.grammar import as_tree_syntax
from handlers.i18n import translator
from handlers.types import (
    MENTION_OPEN,
    MENTION_RE,
    ChannelRef,
    Moment,
    Reply,
    inert_markers,
    parse_token,
    unparsed_label,
)

TITLE_MAX, DESCRIPTION_MAX, FIELDS_MAX, FIELD_NAME_MAX, FIELD_VALUE_MAX, FOOTER_MAX, TOTAL_MAX = 256, 4096, 25, 256, 1024, 2048, 6000
LINES_KEPT = 32768  # lines with mention tokens kept rendered (``_token_line``)
USERS_KEPT = 32768  # users' objects for AllowedMentions kept (``_user``)
PLATFORM_NAMES = {"slack": "Slack", "console": "console", "discord": "Discord"}
ERROR_COLOUR, INFO_COLOUR = discord.Colour.red(), discord.Colour.from_rgb(29, 79, 145)


def cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


# A timestamp typed as text (``<t:1:F>``) would show as a date: only the core's moments may (``Moment``).
_TYPED_TIMESTAMP = re.compile(r"<(t:-?\d+(?::[a-zA-Z])?>)")


# Every character one of ``inert``'s steps acts on: discord.py's markdown escape (_ \\ ~ | * and the backtick
# anywhere; > # - and [...](...) only at a line's start or as a link), its mention escape (@), a typed
# timestamp (<), the core's mention markers. Text with none of them comes out of ``inert`` unchanged, and
# most of what a directory shows is such text (a `who` renders ~1,300 names): it skips the four passes.
_INERT_TRIGGER = re.compile(r"[_\\~|*`>#\-\[@<\ue000\ue001]")


def inert(text: str) -> str:
    """User text as data: markdown escaped, @mentions and typed timestamps defused (AllowedMentions is the real
    guard for pings)."""
    if _INERT_TRIGGER.search(text) is None:
        return text
    escaped = discord.utils.escape_mentions(discord.utils.escape_markdown(inert_markers(text)))
    return _TYPED_TIMESTAMP.sub(r"\\<\1", escaped)


def marked(text: str) -> str:
    """Text between mention tokens: code spans (``bot.code_spans``: Discord renders nothing inside one) as
    they are, everything else ``inert``. Where the text could hold a masked link (``[label](url)``), only the
    bot's quoted commands are code: a span in a label would hide the link from ``escape_markdown``."""
    if "`" not in text:
        return inert(text)
    parts = code_parts(text, generic="](" not in text)
    return "".join(part if is_code else inert(part) for part, is_code in parts)


def plain_footer(text: str) -> str:
    """A footer shows no markdown: code spans lose their backticks, mention tokens become names."""
    return "".join(part[1:-1] if is_code else part for part, is_code in code_parts(plain_mentions(text)))


def with_mentions(text: str, mentioned: set[int]) -> str:
    if MENTION_OPEN not in text:
        return marked(text)
    out, last = [], 0
    for match in MENTION_RE.finditer(text):
        out.append(marked(text[last : match.start()]))
        member = parse_token(match.group(1))
        if member is None:  # not a token the core made: shown as the inert text it is
            out.append(inert(unparsed_label(match.group(1))))
        elif isinstance(member, Moment):  # each reader sees it in their own zone
            out.append(f"<t:{member.unix}:F>" + (f" (<t:{member.unix}:R>)" if member.relative else ""))
        elif isinstance(member, ChannelRef):  # a channel link never pings
            here = member.platform == "discord"
            out.append(f"<#{member.channel_id}>" if here else inert(f"{member.plain()} ({PLATFORM_NAMES.get(member.platform, member.platform)})"))
        elif (member := member.on("discord")).platform == "discord":  # a linked person: their Discord account
            out.append(f"<@{member.user_id}>")
            mentioned.add(int(member.user_id))
        else:
            out.append(inert(f"{member.display_name} ({PLATFORM_NAMES.get(member.platform, member.platform)})"))
        last = match.end()
    out.append(marked(text[last:]))
    return "".join(out)


def allowed(mentioned: set[int]) -> discord.AllowedMentions:
    """The pings a message may make: the users in ``mentioned`` (the first 100 by id, Discord's limit for
    ``allowed_mentions.users``), never everyone, roles or a replied-to user."""
    return discord.AllowedMentions(
        everyone=False, roles=False, replied_user=False, users=[_user(i) for i in sorted(mentioned)[:100]]
    )


# One shared object per user id (discord.py only reads its ``id``): each page of a `who` lists ~40 focal
# points, and making their objects anew was a twentieth of a Discord command's time in mixed use (a `who`
# laid out again after each theme change: ~35 pages). ~2 MB when full.
_user = lru_cache(maxsize=USERS_KEPT)(discord.Object)


Rendered = tuple[discord.Embed, discord.AllowedMentions]


def render(reply: Reply) -> Rendered:
    """The first page's embed and the mentions it may ping (``render_pages`` gives every page)."""
    return render_pages(reply)[0]


def render_pages(reply: Reply) -> tuple[Rendered, ...]:
    """Every page of ``reply`` (at least one), each an embed within Discord's limits and the mentions it
    may ping. A shareable reply (served again and again from the reply cache) is rendered once; callers
    must not mutate what they get."""
    return _render_shared(reply) if reply.shareable else _render_pages(reply)


@per_reply
def _render_shared(reply: Reply) -> tuple[Rendered, ...]:
    return _render_pages(reply)


def in_tree_syntax(reply: Reply) -> Reply:
    """The reply with the commands it quotes (```/hrc who housing```) written as Discord's tree has them;
    ``reply`` itself when it quotes none (most cards and lists: nothing is copied)."""
    if not any(_QUOTES in part for part in (reply.text, reply.footer or "", *(f.value for f in reply.fields),
                                             *(i.text for i in reply.items))):
        return reply
    return replace(
        reply,
        text=as_tree_syntax(reply.text, reply.language),
        footer=as_tree_syntax(reply.footer, reply.language) if reply.footer else reply.footer,
        fields=tuple(replace(f, value=as_tree_syntax(f.value, reply.language)) for f in reply.fields),
        items=tuple(replace(i, text=as_tree_syntax(i.text, reply.language)) for i in reply.items),
    )


_QUOTES = "`/hrc"  # what every quote ``as_tree_syntax`` rewrites starts with


PAGE_NOTE_MAX = 40  # room kept in the footer for " · Page 12 of 34" in the longest language


@dataclass
class EmbedPage:
    """One embed being filled: the description first, then fields (``bot.pages.Page``)."""

    room: int  # characters left of the 6,000 (title and footer already counted)
    description: str = ""
    fields: list[tuple[str, str, bool, int]] = field(default_factory=list)  # name, value, inline, source field
    mentioned: set[int] = field(default_factory=set)
    items: list[int] = field(default_factory=list)  # the reply's items that start on this page (their index)

    def add(self, unit: Unit) -> bool:
        if unit.where != "field":
            if self.fields:  # the description comes first: once fields started, text waits for the next page
                return False
            sep = "" if not self.description else "\n\n" if unit.first else "\n"
            cost = len(sep) + len(unit.text)
            if len(self.description) + cost > DESCRIPTION_MAX or cost > self.room:
                return False
            self.description += sep + unit.text
            if unit.where == "item" and unit.first:
                self.items.append(unit.group)
        else:
            if not unit.first and self.extend(Lines("field", False, unit.group, unit.name, unit.inline, [unit.text],
                                                    [unit.extra]), 0):
                return True  # continued the field's last piece on this page
            value = unit.text or "—"
            # A field's first piece on a page carries its name; a continuation on the same page, none.
            continued = bool(self.fields) and self.fields[-1][3] == unit.group
            name = "\u200b" if continued else unit.name
            cost = len(name) + len(value)
            if len(self.fields) >= FIELDS_MAX or cost > self.room:
                return False
            self.fields.append((name, value, unit.inline and unit.first, unit.group))
        self.room -= cost
        self.mentioned |= unit.extra
        return True

    def extend(self, lines: Lines, start: int) -> int:
        # The one rule for continuing a field's last piece (``add`` uses it for a single unit too).
        if not self.fields or self.fields[-1][3] != lines.group or (start == 0 and lines.first):
            return 0
        name, value, inline, group = self.fields[-1]
        texts, length, room, end = lines.texts, len(value), self.room, start
        while end < len(texts):  # as ``add`` would, line by line: within the field's 1,024 and the page's room
            cost = 1 + (len(texts[end]) or 1)  # an empty line is shown as "—"
            if length + cost > FIELD_VALUE_MAX or cost > room:
                break
            length, room, end = length + cost, room - cost, end + 1
        if end > start:
            self.fields[-1] = (name, "\n".join([value, *(text or "—" for text in texts[start:end])]), inline, group)
            self.room = room
            self.mentioned.update(*lines.extras[start:end])
        return end - start


_NOBODY: frozenset[int] = frozenset()


def _mentions_of(text: str) -> tuple[str, frozenset[int]]:
    return _token_line(text) if MENTION_OPEN in text else (marked(text), _NOBODY)


@lru_cache(maxsize=LINES_KEPT)
def _token_line(text: str) -> tuple[str, frozenset[int]]:
    # Remembered, as Slack's mrkdwn of token lines: the same lines come back whenever a list is made again
    # (a `who` after a city joins the theme renders its ~1,300 lines, all but one as before; each city's
    # line is in the list of each of its themes). ~10 MB when full.
    mentioned: set[int] = set()
    return with_mentions(text, mentioned), frozenset(mentioned)


def _item_line(title: str, body: str, link: str | None) -> str:
    return "\n".join(part for part in (f"**{title}**", body, link or "") if part)


def items_by_page(reply: Reply) -> tuple[tuple[int, ...], ...]:
    """For each page of ``render_pages(reply)``, the reply's items that start on it (their index in
    ``reply.items``): whose buttons go with that page."""
    return _shared_items(reply) if reply.shareable else _layout(reply)[1]


@per_reply
def _shared_items(reply: Reply) -> tuple[tuple[int, ...], ...]:
    return _layout(reply)[1]


def _render_pages(reply: Reply) -> tuple[Rendered, ...]:
    return _layout(reply)[0]


def _layout(reply: Reply) -> tuple[tuple[Rendered, ...], tuple[tuple[int, ...], ...]]:
    reply = in_tree_syntax(reply)
    title_mentions: set[int] = set()
    title = cut(with_mentions(reply.title, title_mentions), TITLE_MAX) if reply.title else None
    footer = " · ".join(part for part in (f"{reply.usage_label} {reply.usage}" if reply.usage else "", reply.footer or "") if part)
    footer = cut(plain_footer(footer), FOOTER_MAX - PAGE_NOTE_MAX) if footer else ""
    room = TOTAL_MAX - len(title or "") - len(footer) - PAGE_NOTE_MAX
    # One unit must fit an empty page: the description's and a field's own limits, and what is left of 6,000.
    piece = min(DESCRIPTION_MAX, room)
    units = units_of(reply, _mentions_of, text_max=piece, item_max=piece, field_max=min(FIELD_VALUE_MAX, room - FIELD_NAME_MAX),
                     field_name=lambda name: cut(with_mentions(name, set()), FIELD_NAME_MAX) or "\u200b", item_line=_item_line)
    pages = paginate(units, lambda: EmbedPage(room))
    _ = translator(reply.language)
    out = []
    for number, page in enumerate(pages, 1):
        embed = discord.Embed(title=title, description=page.description or None,
                              colour=ERROR_COLOUR if reply.is_error else INFO_COLOUR)
        for name, value, inline, _group in page.fields:
            embed.add_field(name=name, value=value, inline=inline)
        note = _("Page {page} of {pages}").format(page=number, pages=len(pages)) if len(pages) > 1 else ""
        text = " · ".join(part for part in (footer, note) if part)
        if text:
            embed.set_footer(text=text)
        out.append((embed, allowed(title_mentions | page.mentioned)))
    return tuple(out), tuple(tuple(page.items) for page in pages)


CONTENT_MAX = 2000  # a message's content


def outcome_line(reply: Reply, by: str = "") -> str:
    """A button's outcome as one line of message content, above what the message shows ("✅ Grenoble is
    verified; 1 focal point told."); ``by``: who clicked, on a message others see. Mentions never ping
    here (the caller sends it with no allowed mentions)."""
    reply = in_tree_syntax(reply)
    line = ("⚠️ " if reply.is_error else "✅ ") + with_mentions(reply.text or reply.title or "", set())
    return cut(line + (f" ({by})" if by else ""), CONTENT_MAX)


MESSAGE_EMBEDS = 10  # embeds in one message


def in_messages(pages: list[Rendered]) -> list[tuple[list[discord.Embed], discord.AllowedMentions]]:
    """Embeds grouped, in order, into as few messages as Discord allows (10 embeds and 6,000 characters
    across them a message), each with the mentions its embeds may ping."""
    if len(pages) == 1:  # most answers: one message, with the page's own mentions
        return [([pages[0][0]], pages[0][1])]
    groups: list[list[Rendered]] = []
    total = 0
    for page in pages:
        size = len(page[0])
        if not groups or len(groups[-1]) >= MESSAGE_EMBEDS or total + size > TOTAL_MAX:
            groups.append([])
            total = 0
        groups[-1].append(page)
        total += size
    out = []
    for group in groups:
        if len(group) == 1:  # the page's own mentions, already within the 100 allowed
            out.append(([group[0][0]], group[0][1]))
            continue
        users = {u.id for _embed, a in group if isinstance(a.users, list) for u in a.users}
        out.append(([embed for embed, _a in group], allowed(users)))
    return out


def with_decision(embeds: list[discord.Embed], name: str, value: str) -> list[discord.Embed]:
    """``embeds`` (copies) with a field recording a decision on the last one, or, when that embed has no
    room (25 fields, 6,000 characters across the message), in an embed of its own; when the message has
    no room for that either, the decision alone replaces them."""
    embeds = [embed.copy() for embed in embeds]
    name, value = cut(name, FIELD_NAME_MAX), cut(value, FIELD_VALUE_MAX)
    cost = len(name) + len(value)
    total = sum(len(embed) for embed in embeds)
    if embeds and len(embeds[-1].fields) < FIELDS_MAX and total + cost <= TOTAL_MAX:
        embeds[-1].add_field(name=name, value=value, inline=False)
        return embeds
    own = discord.Embed(colour=INFO_COLOUR).add_field(name=name, value=value, inline=False)
    return [*embeds, own] if len(embeds) < MESSAGE_EMBEDS and total + cost <= TOTAL_MAX else [own]
