"""Slack's Block Kit limits, checked on what the bot sends (Slack's Block Kit reference): 50 blocks a
message, a section's text 3,000 characters, 10 fields a section of 2,000 each, a header 150, a context
10 elements, a button's text 75 and value 2,000. Also: no entity or ``<…>`` token cut in two."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

BLOCKS, SECTION, FIELDS, FIELD, HEADER, CONTEXT, BUTTON, VALUE = 50, 3000, 10, 2000, 150, 10, 75, 2000
_AMP = re.compile(r"&(?!(?:amp|lt|gt);)")


def check_blocks(blocks: list[dict[str, Any]], sizes: Counter[str] | None = None, *, max_blocks: int = BLOCKS) -> Counter[str]:
    """Raise AssertionError naming every overflow of ``blocks`` (one message, or a view with
    ``max_blocks`` 100); the largest sizes seen."""
    seen: Counter[str] = Counter()
    errors: list[str] = []

    def size(kind: str, value: int, limit: int) -> None:
        seen[kind] = max(seen[kind], value)
        if value > limit:
            errors.append(f"{kind}: {value} > {limit}")

    def mrkdwn(text: str) -> None:
        if _AMP.search(text) or text.count("<") != text.count(">"):
            errors.append(f"an entity or a token cut in two: {text[-60:]!r}")

    size("blocks", len(blocks), max_blocks)
    for block in blocks:
        if block["type"] == "section":
            if "text" in block:
                size("section text", len(block["text"]["text"]), SECTION)
                mrkdwn(block["text"]["text"])
            size("section fields", len(block.get("fields", [])), FIELDS)
            for field in block.get("fields", []):
                size("section field", len(field["text"]), FIELD)
                mrkdwn(field["text"])
        elif block["type"] == "header":
            size("header", len(block["text"]["text"]), HEADER)
        elif block["type"] == "context":
            size("context elements", len(block["elements"]), CONTEXT)
            for element in block["elements"]:
                size("context text", len(element.get("text", "")), SECTION)
        elif block["type"] == "actions":
            for element in block["elements"]:
                size("button text", len(element["text"]["text"]), BUTTON)
                size("button value", len(element.get("value", "")), VALUE)
    assert not errors, "; ".join(errors)
    if sizes is not None:
        for kind, value in seen.items():
            sizes[kind] = max(sizes[kind], value)
    return seen
