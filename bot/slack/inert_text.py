"""User text as data in Slack's mrkdwn: its formatting signs shown, never applied.

Slack's mrkdwn has an escape for ``& < >`` only (Slack docs, "Formatting text for app surfaces":
"Escaping text"); ``*bold*``, ``_italic_``, ``~strike~``, code and a ``>`` quote have none. A city named
``*Lyon*`` would be bold, a practice summary with three backticks would turn the rest of a card into a code
block. ``inert`` replaces each sign that Slack could read as formatting by a look-alike character that it
does not read (the asterisk operator ∗, the fullwidth low line ＿, the reversed prime ‵, the tilde operator
∼, ›): all punctuation or symbols, so a name copied from Slack and typed back finds the same city (``fold``
reads each as a space, as it reads the sign it replaces). A sign inside a word (``Buenos_Aires``,
``HRC_FILES_DIR``, ``a*b``) cannot open or close a span, since Slack formats only at a word's edge, and stays
as written (between ASCII letters and digits only: whether Slack's parser counts ``é`` as part of a word is
undocumented); so do links and e-mail addresses, which Slack links whole (but not a backtick in a link, nor
a sign a link ends with), and code spans (``bot.code_spans``: nothing is formatted inside one).

Plain ``@here`` or ``#channel`` in a text is not a ping: Slack stopped turning plain ``@here`` in apps'
messages into a mention (only ``<!here>`` is one, and ``<`` is escaped; reported in 18F/charlie#353, 2021),
so text objects keep the default ``verbatim: false``, which links bare URLs.

The look-alikes change what a reader copies, which zero-width spaces would not; but whether Slack reads a
zero-width space as a word's edge is undocumented, and a look-alike works whatever its parser does.
Discord needs none of this: discord.py's ``escape_markdown`` has a backslash for every sign.
"""

from __future__ import annotations

import re

from bot.code_spans import code_parts

LOOKALIKE = {"*": "\u2217", "_": "\uff3f", "~": "\u223c", "`": "\u2035", ">": "\u203a"}

# Any sign this module acts on: text without one (most names and lines) comes back untouched, unscanned.
_TRIGGER = re.compile(r"[*_~`>]")

# Kept as written, as Slack links them: a link (no backtick; a sign it ends with is left to the word-edge rule),
# an e-mail address (from a letter or digit to a domain without ``_`` whose last label is letters, the end of
# a word: ``0.__@0.0`` is no address, and its signs are replaced like any others).
ADDRESS = r"(?<![\w.+-])[A-Za-z0-9][\w.+-]*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}(?![\w-])"
_KEPT = re.compile(r"(?i:https?://|(?<![\w.])www\.)[^\s<>`]*[^\s<>`*_~]" f"|{ADDRESS}")


def _ascii_word(char: str) -> bool:
    return char.isascii() and char.isalnum()


def _signs(text: str, start: int, end: int, out: list[str]) -> None:
    """``text[start:end]`` onto ``out``, each sign Slack could apply there replaced by its look-alike: a
    backtick outside a code span (a fence, or one that could pair with the bot's own), ``*`` ``_`` ``~`` at a
    word's edge (where Slack could open or close a span), ``>`` at a line's start (a quote)."""
    last = start
    for match in _TRIGGER.finditer(text, start, end):
        at, sign = match.start(), match.group(0)
        if sign == ">":
            live = at == 0 or text[at - 1] == "\n"
        elif sign == "`":
            live = True
        else:  # inside a word it cannot open or close; ASCII letters and digits only, as a parser may see é
            live = not (at > start and at + 1 < end and _ascii_word(text[at - 1]) and _ascii_word(text[at + 1]))
        if live:
            out += [text[last:at], LOOKALIKE[sign]]
            last = at + 1
    out.append(text[last:end])


def _kept(text: str, start: int, end: int, out: list[str]) -> None:
    last = start
    for span in _KEPT.finditer(text, start, end):
        _signs(text, last, span.start(), out)
        out.append(span.group(0))
        last = span.end()
    _signs(text, last, end, out)


def inert(text: str) -> str:
    """``text`` (raw, before ``& < >`` are escaped) with every formatting sign Slack could apply replaced by
    its look-alike (``LOOKALIKE``); same length, same lines. Code spans (``bot.code_spans``) stay code. Raises
    nothing."""
    if _TRIGGER.search(text) is None:
        return text
    out: list[str] = []
    for part, is_code in code_parts(text):
        if is_code:
            out.append(part)
        elif "@" in part or "://" in part or "www." in part.lower():
            _kept(part, 0, len(part), out)
        else:  # most text with a sign
            _signs(part, 0, len(part), out)
    return "".join(out)
