"""A field's lines laid out together (``bot.pages.Lines``, ``Page.extend``) give the very pages that laying
them out one unit at a time gives, on Discord and Slack, whatever the lines: empty, long enough to be cut,
with mentions, near every limit (issue 17: a `who` is laid out again after each theme change)."""

from __future__ import annotations

import random
from typing import Any

import pytest

from bot.discord import render as discord_render
from bot.pages import Lines, Unit, paginate, units_of
from bot.slack import render as slack_render
from handlers.types import Field, Reply, mention_token


def _line(rng: random.Random, tight: bool) -> str:
    if tight:  # short lines: a piece's length lands exactly on each limit now and then
        return "z" * rng.randint(0, 12)
    roll = rng.random()
    if roll < 0.1:
        return ""
    if roll < 0.13:
        return "x" * rng.randint(900, 3500)  # over a Discord field's 1,024 and a Slack section's 3,000
    text = " ".join(rng.choice(["Ville", "Ciudad *bold*", "a_b", "émile", "<@U1>"]) for _ in range(rng.randint(1, 60)))
    if rng.random() < 0.5:
        text += " " + mention_token("discord", "111111111111111111", str(420000000000000000 + rng.randint(0, 999)), "N")
    return text


def _reply(rng: random.Random) -> Reply:
    tight = rng.random() < 0.5
    fields = tuple(
        Field(f"Region {group}", "\n".join(_line(rng, tight) for _ in range(rng.randint(0, 150 if not tight else 900))),
              inline=rng.random() < 0.2)
        for group in range(rng.randint(1, 8))
    )
    return Reply(title="Who", text="intro " * rng.randint(0, 200), fields=fields, language="en")


def _one_by_one(units: list[Unit | Lines]) -> list[Unit]:
    out: list[Unit] = []
    for unit in units:
        out += [unit.unit(i) for i in range(len(unit.texts))] if isinstance(unit, Lines) else [unit]
    return out


def _discord(reply: Reply) -> tuple[list[Unit | Lines], Any]:
    room = discord_render.TOTAL_MAX - len(reply.title or "") - discord_render.PAGE_NOTE_MAX
    units = list(units_of(reply, discord_render._mentions_of, text_max=discord_render.DESCRIPTION_MAX, item_max=4096,
                          field_max=discord_render.FIELD_VALUE_MAX, field_name=lambda name: name))
    return units, lambda: discord_render.EmbedPage(room)


def _slack(reply: Reply) -> tuple[list[Unit | Lines], Any]:
    units = list(units_of(reply, lambda text: (slack_render.mrkdwn(text), frozenset()), text_max=slack_render.SECTION_MAX,
                          item_max=slack_render.SECTION_MAX, field_max=slack_render.FIELD_MAX - 300, field_name=lambda name: name))
    return units, lambda: slack_render.BlockPage(45, {}, slack_render.PAGE_CHARS)


def _content(page: Any) -> Any:
    if isinstance(page, discord_render.EmbedPage):
        return page.description, page.fields, page.mentioned, page.room
    return page.blocks, page.units, page.chars, page.last


@pytest.mark.parametrize("platform", [_discord, _slack], ids=["discord", "slack"])
def test_lines_laid_out_together_give_the_pages_of_one_unit_at_a_time(platform: Any) -> None:
    rng = random.Random(17)
    runs = 0
    for _ in range(150):
        units, new_page = platform(_reply(rng))
        runs += sum(isinstance(unit, Lines) for unit in units)
        together = [_content(page) for page in paginate(units, new_page)]
        one_by_one = [_content(page) for page in paginate(_one_by_one(units), new_page)]
        assert together == one_by_one
    assert runs > 100  # most fields came as runs of lines, the rest (a line to cut) as units


def test_a_field_with_a_line_to_cut_comes_as_units_and_nothing_is_lost() -> None:
    reply = Reply(text="", fields=(Field("F", "short\n" + "y " * 800 + "\nend"),), language="en")
    units, _new_page = _discord(reply)
    assert all(isinstance(unit, Unit) for unit in units)
    assert "".join(unit.text for unit in units).replace(" ", "") == ("short" + "y" * 800 + "end")
