"""What keeps Discord answers cheap at 10,000 cities shows nothing different (issue 17): user text with nothing
to escape skips the escaping, lines with mention tokens are rendered once, a theme picked from the
suggestions shares the cached answer of its slug, and answers with buttons leave no view behind."""

from __future__ import annotations

import asyncio
import re

import discord
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.discord.commands import canonical_theme
from bot.discord.render import _TYPED_TIMESTAMP, inert, render_pages
from handlers.i18n import LANGUAGES, translator
from handlers.types import (
    MENTION_CLOSE,
    MENTION_OPEN,
    ChannelRef,
    Field,
    MemberRef,
    Moment,
    Reply,
    inert_markers,
)
from handlers.vocab import THEMES, find_theme
from storage.session import Database
from tests.directory_seed import seed_directory
from tests.discord.conftest import DiscordBot, embed_text
from tests.fakes.discord_api import slash

ANA = "500000000000000001"


def escaped_in_full(text: str) -> str:
    """``inert`` without its shortcut: every step, whatever the text."""
    escaped = discord.utils.escape_mentions(discord.utils.escape_markdown(inert_markers(text)))
    return _TYPED_TIMESTAMP.sub(r"\\<\1", escaped)


# Every character some step acts on, the ones around them that change a match (spaces, line breaks, ":",
# "/", "(", ")", "]" of links and URLs, digits of timestamps and ids), and ordinary letters.
SIGNIFICANT = "_\\~|*`>#-[]()@<>:/t" + MENTION_OPEN + MENTION_CLOSE + " \n\t0123456789"


@settings(derandomize=True, max_examples=1500)
@given(text=st.text(alphabet=st.sampled_from(SIGNIFICANT) | st.characters(codec="utf-8"), max_size=60))
def test_inert_escapes_as_every_step_would(text: str) -> None:
    assert inert(text) == escaped_in_full(text)


def test_inert_leaves_plain_names_as_they_are_and_escapes_the_rest() -> None:
    for name in ("São Paulo (Brazil)", "Łódź", "Guinea Bissau, 2", ""):
        assert inert(name) == name == escaped_in_full(name)
    for text in ("Saint-Denis", "- a list", "> quote", "## title", "[a](http://x.y)", "@everyone", "<t:1:F>",
                 "a_b", "https://example.org/a_b_c", "x\n- y", f"a{MENTION_OPEN}b"):
        assert inert(text) == escaped_in_full(text), text


def test_a_list_rendered_again_shows_and_pings_the_same() -> None:
    """Lines with tokens are remembered rendered: the second rendering of a list comes from memory."""
    ana = MemberRef("discord", "800000000000000001", ANA, "Ana").mention()
    slack = MemberRef("slack", "T1", "UBOB", "Bob *bold*").mention()
    channel = ChannelRef("discord", "800000000000000001", "700000000000000001", "general").link()
    moment = Moment(1_900_000_000, "FR", "tomorrow").token()
    forged = f"{MENTION_OPEN}discord|x|1|<@&123456789012345678>{MENTION_CLOSE}"  # not ours: inert text
    lines = [f"{ana} and {slack} in {channel} at {moment}, {forged}; {ana} again", f"Lima (Peru): {ana}", "Quito: —"]
    reply = Reply(title="Who", fields=(Field("Latin America", "\n".join(lines)),))  # not shareable: rendered each time
    first, again = render_pages(reply), render_pages(reply)
    assert [(e.to_dict(), a.to_dict()) for e, a in first] == [(e.to_dict(), a.to_dict()) for e, a in again]
    embed, allowed = first[0]
    assert allowed.to_dict()["users"] == [int(ANA)]
    assert embed.fields[0].value.split("\n") == [
        f"<@{ANA}> and Bob \\*bold\\* (Slack) in <#700000000000000001> at <t:1900000000:F> (<t:1900000000:R>), "
        f"<@\u200b&123456789012345678>; <@{ANA}> again", f"Lima (Peru): <@{ANA}>", "Quito: —"]


def test_a_theme_named_in_any_language_becomes_its_slug() -> None:
    for language in LANGUAGES:
        _ = translator(language)
        for theme in THEMES:
            assert find_theme(canonical_theme(_(theme.name)), _).slug == theme.slug
    assert canonical_theme("Climate justice") == canonical_theme("Justicia climática") == "climate-justice"
    for typed in ("climat", "housing", "Housing, water", "nothing like a theme"):  # not a suggestion: as typed
        assert canonical_theme(typed) == typed


async def test_a_theme_picked_from_suggestions_is_answered_from_its_slug_s_cached_answer(
        discord_bot: DiscordBot, sqlite_db: Database) -> None:
    bot = discord_bot
    await seed_directory(sqlite_db, 150, theme="climate-justice")
    cache = bot.runtime.ctx.cache
    assert cache is not None
    iid, _ = await bot.send(2, slash(["who"], {"theme": "climate-justice"}), user_id=ANA)
    by_slug = await bot.answer(iid)
    kept = len(cache)
    iid, _ = await bot.send(2, slash(["who"], {"theme": "Climate justice"}), user_id=ANA)
    by_name = await bot.answer(iid)
    assert len(cache) == kept  # the same cached answer, not a second one
    assert embed_text(by_name) == embed_text(by_slug) and "Verified cities: 150." in embed_text(by_name)
    buttons = [c["custom_id"] for row in by_name["components"] for c in row["components"]]
    assert "hrcp:2:who climate-justice" in buttons  # the page buttons run the slug again
    iid, _ = await bot.send(2, slash(["who"], {"theme": "Climat justise"}), user_id=ANA)
    assert "Climat justise" in embed_text(await bot.answer(iid))  # a typed word is refused in its own words


def view_timeouts() -> list[asyncio.Task[object]]:
    return [t for t in asyncio.all_tasks() if re.search(r"timeout_task_impl", getattr(t.get_coro(), "__qualname__", ""))]


async def test_answers_with_buttons_leave_no_view_waiting(discord_bot: DiscordBot, sqlite_db: Database) -> None:
    """Our buttons are found by their custom ids, so a view is never kept after sending: an ephemeral answer's
    view would otherwise wait 15 minutes in a task of its own, one per answer."""
    bot = discord_bot
    await seed_directory(sqlite_db, 150)
    for _ in range(3):
        iid, _callback = await bot.send(2, slash(["who"], {"theme": "housing"}), user_id=ANA)
        answer = await bot.answer(iid)
        assert [c["label"] for row in answer["components"] for c in row["components"]] == ["Previous", "Next"]
    assert view_timeouts() == []
