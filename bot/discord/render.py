"""Reply -> embed, within Discord's limits, with AllowedMentions that let through only our own mentions.

Limits (PLATFORM_FACTS.md): title 256, description 4,096, 25 fields (name 256, value 1,024),
footer 2,048, 6,000 characters across a message's embeds.
"""

from __future__ import annotations

from dataclasses import replace
from functools import lru_cache

import discord

from bot.render_text import plain_mentions
from handlers.grammar import as_tree_syntax
from handlers.types import MENTION_RE, ChannelRef, Reply, inert_markers, parse_token, unparsed_label

TITLE_MAX, DESCRIPTION_MAX, FIELDS_MAX, FIELD_NAME_MAX, FIELD_VALUE_MAX, FOOTER_MAX, TOTAL_MAX = 256, 4096, 25, 256, 1024, 2048, 6000
PLATFORM_NAMES = {"slack": "Slack", "console": "console", "discord": "Discord"}
ERROR_COLOUR, INFO_COLOUR = discord.Colour.red(), discord.Colour.from_rgb(29, 79, 145)


def cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def inert(text: str) -> str:
    """User text as data: markdown escaped and @mentions defused (AllowedMentions is the real guard)."""
    return discord.utils.escape_mentions(discord.utils.escape_markdown(inert_markers(text)))


def with_mentions(text: str, mentioned: set[int]) -> str:
    out, last = [], 0
    for match in MENTION_RE.finditer(text):
        out.append(inert(text[last : match.start()]))
        member = parse_token(match.group(1))
        if member is None:  # not a token the core made: shown as the inert text it is
            out.append(inert(unparsed_label(match.group(1))))
        elif isinstance(member, ChannelRef):  # a channel link never pings
            here = member.platform == "discord"
            out.append(f"<#{member.channel_id}>" if here else inert(f"{member.plain()} ({PLATFORM_NAMES.get(member.platform, member.platform)})"))
        elif member.platform == "discord":
            out.append(f"<@{member.user_id}>")
            mentioned.add(int(member.user_id))
        else:
            out.append(inert(f"{member.display_name} ({PLATFORM_NAMES.get(member.platform, member.platform)})"))
        last = match.end()
    out.append(inert(text[last:]))
    return "".join(out)


def allowed(mentioned: set[int]) -> discord.AllowedMentions:
    return discord.AllowedMentions(
        everyone=False, roles=False, replied_user=False, users=[discord.Object(i) for i in sorted(mentioned)[:100]]
    )


def render(reply: Reply) -> tuple[discord.Embed, discord.AllowedMentions]:
    """The embed and the mentions it may ping. A shareable reply (served again and again from the
    reply cache) is rendered once; callers must not mutate what they get."""
    return _render_shared(reply) if reply.shareable else _render(reply)


@lru_cache(maxsize=512)
def _render_shared(reply: Reply) -> tuple[discord.Embed, discord.AllowedMentions]:
    return _render(reply)


def in_tree_syntax(reply: Reply) -> Reply:
    """The reply with the commands it quotes (```/hrc who housing```) written as Discord's tree has them."""
    return replace(
        reply,
        text=as_tree_syntax(reply.text, reply.language),
        footer=as_tree_syntax(reply.footer, reply.language) if reply.footer else reply.footer,
        fields=tuple(replace(f, value=as_tree_syntax(f.value, reply.language)) for f in reply.fields),
        items=tuple(replace(i, text=as_tree_syntax(i.text, reply.language)) for i in reply.items),
    )


def _render(reply: Reply) -> tuple[discord.Embed, discord.AllowedMentions]:
    reply = in_tree_syntax(reply)
    mentioned: set[int] = set()
    description = with_mentions(reply.text, mentioned) if reply.text else ""
    item_lines: list[str] = []
    for item in reply.items:
        line = f"**{with_mentions(item.title, mentioned)}**"
        if item.text:
            line += "\n" + with_mentions(item.text, mentioned)
        if item.link:
            line += "\n" + item.link
        item_lines.append(line)
    if item_lines:
        description = (description + "\n\n" if description else "") + "\n\n".join(item_lines)
    if len(description) > DESCRIPTION_MAX:
        kept = description[: DESCRIPTION_MAX - 40].rsplit("\n\n", 1)[0]
        hidden = description[len(kept):].count("\n\n")
        description = kept + f"\n\n…and {max(1, hidden)} more."
    embed = discord.Embed(
        title=cut(with_mentions(reply.title, mentioned), TITLE_MAX) if reply.title else None,
        description=description or None,
        colour=ERROR_COLOUR if reply.is_error else INFO_COLOUR,
    )
    budget = TOTAL_MAX - len(embed.title or "") - len(embed.description or "") - 200
    for field in reply.fields[:FIELDS_MAX]:
        name = cut(with_mentions(field.name, mentioned), FIELD_NAME_MAX)
        value = cut(with_mentions(field.value, mentioned) or "—", FIELD_VALUE_MAX)
        if len(name) + len(value) > budget:
            break
        budget -= len(name) + len(value)
        embed.add_field(name=name, value=value, inline=field.inline)
    footer = " · ".join(part for part in (f"{reply.usage_label} {reply.usage}" if reply.usage else "", reply.footer or "") if part)
    if footer:
        embed.set_footer(text=cut(plain_mentions(footer), max(1, min(FOOTER_MAX, budget))))  # footers show no markup
    return embed, allowed(mentioned)
