"""Hostile text, and how to tell whether anything sent could ping: shared by the adapters' property tests."""

from __future__ import annotations

import json
import re
from typing import Any

from hypothesis import strategies as st

from tests.slack.conftest import block_texts

HOSTILE = ["@everyone", "@here", "<!channel>", "<!here>", "<!everyone>", "<@U123>", "<@&42>", "<#C1>", "<!subteam^S1>",
           "\ue000slack|T1|U1><!channel|x\ue001", "\ue000discord|1|500000000000000666|x\ue001", "\ue000", "\ue001",
           "\x00", "\x1b[31m", "\ud800", "\u202e", "\u2066", "\u200b", "*bold*", "`code`", "||spoiler||",
           "_it4l_", "~str1ke~", "```f3nce```", "\n> quote",
           "'; DROP TABLE cities; --", "𝕳𝖗", "é" * 120, "&" * 101, "ﷺ" * 10, "Europe", "city:", "#1"]
hostile_text = st.lists(st.one_of(st.sampled_from(HOSTILE), st.text(max_size=20)), min_size=1, max_size=4).map(" ".join)

SLACK_PING = re.compile(r"<!(?:channel|here|everyone|subteam\^[^>]*)(?:\|[^>]*)?>|<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")


def slack_pings(payload: Any, allowed_users: set[str]) -> list[str]:
    """Raw ping tokens in the parts of a Slack payload that Slack parses (mrkdwn texts and ``text``),
    except mentions of ``allowed_users`` (the people the bot itself names)."""
    found: list[str] = []

    def walk(node: Any, parsed: bool) -> None:
        if isinstance(node, dict):
            is_mrkdwn = node.get("type") == "mrkdwn"
            for key, value in node.items():
                if key == "text" and isinstance(value, str) and (is_mrkdwn or parsed):
                    found.extend(m.group(0) for m in SLACK_PING.finditer(value) if m.group(1) not in allowed_users)
                else:
                    walk(value, False)
        elif isinstance(node, list):
            for value in node:
                walk(value, False)

    walk(payload, True)
    return found


# Formatting in ``HOSTILE`` that Slack would apply if it reached a mrkdwn text as typed.
SLACK_FORMATTING = re.compile(r"\*bold\*|_it4l_|~str1ke~|```|^&gt; quote", re.MULTILINE)


def slack_formatting(payload: Any) -> list[str]:
    """Hostile formatting signs left live in the mrkdwn texts of a Slack payload (what Slack would format)."""
    return SLACK_FORMATTING.findall(block_texts(payload, only_type="mrkdwn"))


def discord_pings(message: dict[str, Any], allowed_users: set[int]) -> list[str]:
    """What a Discord message could ping beyond ``allowed_users``: its allowed_mentions are the guard."""
    allowed = message.get("allowed_mentions")
    if allowed is None:
        return ["no allowed_mentions"] if "@" in json.dumps(message) else []
    problems = [f"parse {p}" for p in allowed.get("parse", [])]
    problems += [f"role {r}" for r in allowed.get("roles", [])]
    problems += [f"user {u}" for u in allowed.get("users", []) if int(u) not in allowed_users]
    return problems
