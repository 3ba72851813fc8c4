"""Channel tokens (``ChannelRef.link``): a live link on their own platform, plain words elsewhere, never
forged from user text."""

from __future__ import annotations

from bot.discord.render import with_mentions
from bot.render_text import plain_mentions
from bot.slack.render import mrkdwn
from handlers.types import ChannelRef, clean_input


def test_a_channel_token_is_a_link_on_its_own_platform_and_words_elsewhere() -> None:
    slack = ChannelRef("slack", "T1", "C123", "general").link()
    discord = ChannelRef("discord", "900", "710000000000000001", "days <@&1>").link()
    assert mrkdwn(f"in {slack}", "T1") == "in <#C123>"
    assert mrkdwn(f"in {slack}", "T2") == "in #general (Slack)"
    assert mrkdwn(discord, "T1") == "#days &lt;@&amp;1&gt; (Discord)"
    mentioned: set[int] = set()
    assert with_mentions(discord, mentioned) == "<#710000000000000001>" and mentioned == set()
    assert "<#" not in with_mentions(slack, mentioned)
    assert plain_mentions(f"{slack} and {discord}") == "#general and #days <@&1>"


def test_user_text_cannot_forge_a_channel_token() -> None:
    forged = clean_input(ChannelRef("slack", "T1", "C999", "x").link())
    assert mrkdwn(forged, "T1") == "#slack|T1|C999|x"
