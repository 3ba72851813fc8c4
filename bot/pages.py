"""Fitting a reply into pages within a platform's limits: the one place where long replies are divided.

Every list-like reply (``who``, ``practices``, ``pending``, a month of days, channels, subscriptions,
help …) is cut here and nowhere else. A reply becomes a sequence of ``Unit``s (its text, each item, each
line of each field), rendered by the adapter in its own markup; the adapter's page object takes units
whole until one does not fit, and the next page starts. A unit longer than a platform allows in one
place is first divided by ``split_text`` at a line break, else a space, else a point outside any token,
so a name, a mention (``<@123>``), an entity (``&lt;``) or a markdown escape (``\\*``) is never cut.
Nothing is dropped: a page holds fewer units, and there are more pages.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from typing import NamedTuple, Protocol, TypeVar

from handlers.types import Reply

# What must never be cut in two: a platform token (<@U1>, <#C1>, <@123456789012345678>, <t:1:F>), Slack's
# date token (<!date^1^{date_long_pretty} {time}|fallback>, with spaces), one of Slack's entities (&amp;
# &lt; &gt;), a markdown escape (a backslash and the character it escapes), a mention token of the core
# (two private-use markers and what is between them).
_TOKEN = re.compile(r"<[^<>\s]{1,120}>|<!date\^[^<>]{1,300}>|&(?:amp|lt|gt);|\\.|\ue000[^\ue001]{0,300}\ue001", re.S)


def safe_point(text: str, limit: int) -> int:
    """The largest index ≤ ``limit`` (and ≥ 1) at which ``text`` may be cut without cutting a token.

    ``limit`` ≥ 1. A token longer than ``limit`` that starts at 0 is cut at ``limit`` (nothing else
    would make progress; no token we make is that long)."""
    point = limit
    for match in _TOKEN.finditer(text, max(0, limit - 320), limit + 320):
        if match.start() < point < match.end():
            point = match.start()
            break
    return point if point >= 1 else limit


def split_text(text: str, limit: int) -> list[str]:
    """``text`` in pieces of at most ``limit`` characters, in order, nothing dropped but the line break
    or space each cut was made at: a cut is made at the last line break that fits, else the last space,
    else at ``safe_point``. ``""`` gives ``[""]``. Raises ValueError for a limit below 1."""
    if limit < 1:
        raise ValueError("limit must be at least 1")
    pieces: list[str] = []
    while len(text) > limit:
        at = text.rfind("\n", 1, limit + 1)
        if at < 1:
            at = text.rfind(" ", 1, limit + 1)
        if at >= 1 and safe_point(text, at) == at:
            pieces.append(text[:at])
            text = text[at + 1:]
            continue
        at = safe_point(text, limit)
        pieces.append(text[:at])
        text = text[at:]
    pieces.append(text)
    return pieces


class Unit(NamedTuple):
    """One piece of a reply that a page holds whole (a named tuple: a `who` makes ~1,300 of them per
    rendering, and a frozen dataclass is built several times slower).

    ``where``: ``"text"`` (the reply's own text), ``"item"`` or ``"field"``. ``text`` is already rendered
    in the platform's markup and within its limit for one place. ``first``: the first piece of its text,
    item or field (later pieces continue it: no blank line, no repeated heading). ``group``: which item or
    field it belongs to (the index in ``reply.items`` / ``reply.fields``). ``name``: a field's rendered name.
    ``extra``: whatever the adapter attached (the mentions it renders, for Discord).
    """

    where: str
    text: str
    first: bool = True
    group: int = 0
    name: str = ""
    inline: bool = False
    extra: frozenset[int] = frozenset()


class Lines(NamedTuple):
    """Consecutive lines of one field, each within the field's limit, laid out together: what the units
    ``Unit("field", texts[i], first and i == 0, group, name, inline, extras[i])`` would be, one by one.

    A `who` at 10,000 cities is ~1,300 such lines, laid out again (each platform, each language) after
    every theme change; a page continues its last piece of the field with as many of them as fit at once
    (``Page.extend``) instead of one unit at a time."""

    where: str  # always "field"
    first: bool  # texts[0] is the field's first piece
    group: int
    name: str
    inline: bool
    texts: list[str]
    extras: list[frozenset[int]]

    def unit(self, index: int) -> Unit:
        return Unit("field", self.texts[index], self.first and index == 0, self.group, self.name, self.inline,
                    self.extras[index])


class Page(Protocol):
    def add(self, unit: Unit) -> bool:
        """Take ``unit`` if it fits with what the page holds; False (and nothing changed) if not."""

    def extend(self, lines: Lines, start: int) -> int:
        """Continue the page's last piece, when it is ``lines``' field, with ``lines.texts[start:]``: as
        many as ``add`` would take one by one into that same piece. How many it took (0: none)."""


P = TypeVar("P", bound=Page)


def paginate(units: Iterable[Unit | Lines], new_page: Callable[[], P]) -> list[P]:
    """``units`` packed in order into pages made by ``new_page``: each page takes units until one does not
    fit, and that unit starts the next page (``Lines`` count as their units, one by one). At least one
    page. Raises ValueError when a unit does not fit even an empty page (the adapter's unit limits are
    wrong: a bug, never user input)."""
    pages = [new_page()]
    for unit in units:
        if isinstance(unit, Lines):
            index, count = 0, len(unit.texts)
            while index < count:
                index += pages[-1].extend(unit, index)
                if index < count:
                    _place(pages, new_page, unit.unit(index))
                    index += 1
            continue
        _place(pages, new_page, unit)
    return pages


def _place(pages: list[P], new_page: Callable[[], P], unit: Unit) -> None:
    if pages[-1].add(unit):
        return
    pages.append(new_page())
    if not pages[-1].add(unit):
        raise ValueError(f"a {unit.where} piece of {len(unit.text)} characters fits no page")


def units_of(reply: Reply, render: Callable[[str], tuple[str, frozenset[int]]], *, text_max: int, item_max: int,
             field_max: int, field_name: Callable[[str], str], item_line: Callable[[str, str, str | None], str] | None = None
             ) -> Iterator[Unit | Lines]:
    """The units of ``reply``'s text, items and fields, in that order, each rendered by ``render`` (text →
    (markup, mentions it may ping)) and divided to fit: the text in pieces of ≤ ``text_max``, each item
    (``item_line(title, text, link)`` of rendered parts) in pieces of ≤ ``item_max``, each field line in
    pieces of ≤ ``field_max`` (a field's value is divided at its line breaks, so one line of a list is one
    unit; a field whose lines all fit comes as one ``Lines``). ``field_name`` renders a field's name."""
    if reply.text:
        rendered, mentioned = render(reply.text)
        for index, piece in enumerate(split_text(rendered, text_max)):
            yield Unit("text", piece, first=index == 0, extra=mentioned)
    for group, item in enumerate(reply.items):
        title, m1 = render(item.title)
        body, m2 = render(item.text) if item.text else ("", frozenset())
        line = item_line(title, body, item.link) if item_line else "\n".join(p for p in (title, body, item.link or "") if p)
        for index, piece in enumerate(split_text(line, item_max)):
            yield Unit("item", piece, first=index == 0, group=group, extra=m1 | m2)
    for group, field in enumerate(reply.fields):
        name = field_name(field.name)
        inline = field.inline
        rendered = [render(line) for line in (field.value.split("\n") if field.value else [""])]
        if len(rendered) == 1 and len(rendered[0][0]) <= field_max:  # a card's field: one line
            yield Unit("field", rendered[0][0], True, group, name, inline, rendered[0][1])
            continue
        texts = [text for text, _mentioned in rendered]
        if max(map(len, texts)) <= field_max:  # most lists: no line to cut
            yield Lines("field", True, group, name, inline, texts, [mentioned for _text, mentioned in rendered])
            continue
        first = True
        for text, mentioned in rendered:
            for piece in split_text(text, field_max):
                yield Unit("field", piece, first, group, name, inline, mentioned)
                first = False
