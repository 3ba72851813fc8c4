"""Which backtick spans are code: one rule for Slack and Discord."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.code_spans import code_parts
from bot.discord.render import marked, plain_footer
from bot.slack.inert_text import inert


def test_the_bots_examples_and_commands_are_code_on_both_platforms() -> None:
    hint = "For example: `Lyon country: France`. Or `/hrc profile #3`."
    assert marked(hint) == hint  # Discord: not "\\`Lyon country: France\\`"
    assert inert(hint) == hint  # Slack
    assert plain_footer(hint) == "For example: Lyon country: France. Or /hrc profile #3."


def test_a_span_in_a_masked_links_label_does_not_unescape_the_link_on_discord() -> None:
    assert marked("[`google.com`](https://evil.example)").startswith("\\[")
    assert marked("[click here `x`](https://evil.example/login)").startswith("\\[")


def test_a_backtick_inside_a_word_opens_no_span() -> None:
    assert not any(is_code for _part, is_code in code_parts("it`s *really* fine` ok"))
    assert not any(is_code for _part, is_code in code_parts("` spaced `"))


def test_a_stray_backtick_never_pairs_with_a_command_and_a_fence_is_not_code() -> None:
    assert list(code_parts("O`Brien: `/hrc who`")) == [("O`Brien: ", False), ("`/hrc who`", True), ("", False)]
    assert marked("O`Brien: `/hrc who`") == "O\\`Brien: `/hrc who`"
    assert not any(is_code for _part, is_code in code_parts("```x```"))
    assert not any(is_code for _part, is_code in code_parts("`a\nb`"))  # a span is on one line


@given(st.text(alphabet=st.sampled_from("`/hrc- ab\n\ue000"), max_size=30) | st.text(max_size=30))
def test_parts_join_back_into_the_text(text: str) -> None:
    parts = list(code_parts(text))
    assert "".join(part for part, _ in parts) == text
    assert all(part.startswith("`") and part.endswith("`") and "\n" not in part for part, is_code in parts if is_code)
