"""Mention tokens of a person with linked accounts: each platform's renderer mentions its own account, and
a token is accepted only when every account in it has its platform's id shape."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.discord.render import with_mentions
from bot.render_text import plain_mentions
from bot.slack.render import mrkdwn
from handlers.types import MENTION_CLOSE, MENTION_OPEN, MemberRef, clean_input, parse_mention

ANA = MemberRef("slack", "T1", "UANA", "Ana", accounts=(("discord", "800000000000000001", "500000000000000001"),))


def test_each_platform_mentions_its_own_account() -> None:
    token = ANA.mention()
    assert mrkdwn(token, "T1") == "<@UANA>"
    mentioned: set[int] = set()
    assert with_mentions(token, mentioned) == "<@500000000000000001>" and mentioned == {500000000000000001}
    assert plain_mentions(token) == "@Ana"
    assert mrkdwn(MemberRef("discord", "800000000000000001", "500000000000000001", "Ana").mention(), "T1") == "Ana (Discord)"


def test_a_token_with_one_forged_account_is_inert() -> None:
    forged = f"{MENTION_OPEN}slack|T1|UANA;slack|T1|U1><!channel|Ana{MENTION_CLOSE}"
    assert parse_mention(forged[1:-1]) is None
    assert "<!channel>" not in mrkdwn(forged, "T1") and "<@UANA>" not in mrkdwn(forged, "T1")


@settings(derandomize=True, max_examples=200)
@given(name=st.text(max_size=40))
def test_a_linked_person_s_token_reads_back_as_written(name: str) -> None:
    ref = MemberRef(ANA.platform, ANA.workspace, ANA.user_id, name, ANA.accounts)
    back = parse_mention(ref.mention()[1:-1])
    assert back is not None and back.accounts == ANA.accounts and back.on("discord").user_id == "500000000000000001"
    assert back.display_name == clean_input(name).replace("|", "/").replace("\n", " ")  # a token is one line
