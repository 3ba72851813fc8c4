"""Render a Reply as readable plain text (console, logs, and the plain fallback of rich messages)."""

from __future__ import annotations

import unicodedata

from handlers.i18n import translator
from handlers.quoting import command_line
from handlers.types import (
    MENTION_CLOSE,
    MENTION_OPEN,
    MENTION_RE,
    ChannelRef,
    Moment,
    Reply,
    inert_markers,
    parse_token,
    unparsed_label,
)


def _plain(token: str) -> str:
    ref = parse_token(token)
    if ref is None:
        return unparsed_label(token)
    if isinstance(ref, Moment):  # the time in the reader's zone, as the core wrote it
        return ref.fallback
    return ref.plain() if isinstance(ref, ChannelRef) else "@" + ref.display_name


def plain_mentions(text: str) -> str:
    """Mention tokens become ``@Name``, channel tokens ``#name``, moments their fallback; anything that is not a well-formed token stays inert text."""
    if MENTION_OPEN not in text and MENTION_CLOSE not in text:
        return text
    return inert_markers(MENTION_RE.sub(lambda m: _plain(m.group(1)), text))


PREVIEW_RULE = "─" * 40  # between the messages of a preview and the reply under them


def display_width(text: str) -> int:
    """Columns ``text`` takes in a terminal: East Asian wide and fullwidth characters two (UAX #11),
    combining marks and zero-width characters none, others one. Underlines a title to its end."""
    width = 0
    for ch in text:
        if unicodedata.combining(ch) or unicodedata.category(ch) in ("Mn", "Me", "Cf"):
            continue
        width += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return width


def render_text(reply: Reply, limit: int | None = None) -> str:
    """``reply`` as plain text, whole: its preview's messages first (each as delivered), then the reply.

    With ``limit`` (characters), only the lines that begin within it are converted and returned (a
    fallback text is cut at 3,000 characters; a `who` at 10,000 cities runs to 60,000): the caller
    still cuts the result to ``limit``."""
    lines: list[str] = []
    for shown in reply.preview:
        lines += [render_text(shown), PREVIEW_RULE]
    if reply.title:
        lines += [reply.title, "=" * display_width(reply.title)]
    if reply.text:
        lines.append(reply.text)
    _ = translator(reply.language or "en")
    for field in reply.fields:
        if field.inline and "\n" not in field.value:
            lines.append(f"{_.label(field.name)} {field.value}")
        else:
            lines.append(_.label(field.name))
            lines += [f"  {line}" for line in field.value.splitlines()]
    for item in reply.items:
        lines.append(f"• {item.title}")
        lines += [f"  {line}" for line in item.text.splitlines() if line]
        if item.link:
            lines.append(f"  {item.link}")
    if reply.usage:
        lines.append(f"{reply.usage_label} {reply.usage}")
    if reply.actions:
        lines.append("   ".join(f"[{a.label}: /hrc {command_line(a.command, reply.language)}]" for a in reply.actions))
    if reply.footer:
        lines.append(reply.footer)
    if limit is None:
        return plain_mentions("\n".join(lines))
    shown, size = [], 0
    for line in "\n".join(lines).split("\n"):  # tokens hold no line break (MemberRef.mention)
        if size > limit:
            break
        shown.append(plain_mentions(line))
        size += len(shown[-1]) + 1
    return "\n".join(shown)
