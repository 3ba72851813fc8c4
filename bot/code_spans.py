"""Which backtick spans of a reply are code, on every platform.

The bot quotes commands (`/hrc who housing`, `hrc-bot export`) and examples (`Lyon country: France`) as
inline code, and a person may type a code span in a practice's summary. Slack and Discord render nothing
inside one (no formatting, no mention), so a code span is shown as code on both; every other backtick is a
sign to show as written. Commands are found first, so a stray backtick in a user's text next to one cannot
pair with it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

# The bot's own quoted commands: code wherever they stand at a word's edge, as the bot writes them (a user's
# ``1`/**`…`` is no span to Slack, found by the property test in tests/slack/test_inert_text.py).
COMMAND_SPAN = re.compile(r"(?<![`A-Za-z0-9])`(?:/|hrc-bot )[^`\n\ue000\ue001]{0,200}`(?![`A-Za-z0-9])")
# Any other single-backtick span on one line, at a word's edge on both sides, not part of a longer run of
# backticks (a fence is not code here), its text not starting or ending with a space: only what every
# reading of Slack's and Discord's rules shows as code (``it`s *fine*` ok`` is no span).
CODE_SPAN = re.compile(
    r"(?<![`A-Za-z0-9])`[^`\s\ue000\ue001](?:[^`\n\ue000\ue001]{0,198}[^`\s\ue000\ue001])?`(?![`A-Za-z0-9])"
)


def _spans(text: str, start: int, end: int, generic: bool) -> Iterator[tuple[str, bool]]:
    if not generic:
        yield text[start:end], False
        return
    last = start
    for span in CODE_SPAN.finditer(text, start, end):
        yield text[last : span.start()], False
        yield span.group(0), True
        last = span.end()
    yield text[last:end], False


def code_parts(text: str, *, generic: bool = True) -> Iterator[tuple[str, bool]]:
    """``text`` in order as ``(part, is_code)``: code spans whole, backticks included, and the text between
    them (possibly empty). Joined, the parts are ``text``. With ``generic=False`` only the bot's quoted
    commands are code."""
    if "`" not in text:
        yield text, False
        return
    last = 0
    for span in COMMAND_SPAN.finditer(text):
        yield from _spans(text, last, span.start(), generic)
        yield span.group(0), True
        last = span.end()
    yield from _spans(text, last, len(text), generic)
