"""The command tree generated from the command table: every command placed, Discord's limits with room, README."""

from __future__ import annotations

from pathlib import Path

import pytest

from handlers.grammar import usage_line
from handlers.i18n import translator
from handlers.options import BY_KEY, option_info
from handlers.registry import COMMANDS, PLACES, load_all
from handlers.tree import README_END, README_START, ROOM, Branch, build, find, readme_section

load_all()
README = Path(__file__).resolve().parents[1] / "README.md"


def test_readme_table_is_the_generated_one() -> None:
    text = README.read_text(encoding="utf-8")
    start, end = text.index(README_START), text.index(README_END) + len(README_END)
    assert text[start:end] == readme_section(), (
        "README's “Slack / console → Discord” table differs from the command tree: "
        "paste the output of `.venv/bin/python -m handlers.tree` between its markers"
    )


def test_every_command_has_a_place_and_every_option_a_description() -> None:
    commands = {name for name in COMMANDS if not name.startswith("test-")}
    assert commands == set(PLACES), "add new commands to handlers/registry.py PLACES (and remove old ones)"
    for spec in COMMANDS.values():
        for key in [*(spec.keys), *([spec.main] if spec.main else [])]:
            assert option_info(spec.name, key).description, (spec.name, key)


def test_tree_leaves_room_under_every_command_and_group() -> None:
    def sizes(nodes: dict) -> list[int]:
        found = [len(nodes)]
        for node in nodes.values():
            if isinstance(node, Branch):
                found += sizes(node.children)
        return found

    top = build()
    assert max(sizes(top)) <= ROOM < 25
    assert {"who", "city", "practices", "calendar", "subscriptions", "campaign", "secretariat", "help", "language",
            "account"} == set(top)


def test_a_crowded_tree_is_refused_with_the_reason(monkeypatch: pytest.MonkeyPatch) -> None:
    crowded = {**PLACES, **{f"extra{i}": ("campaign", f"extra{i}") for i in range(20)}}
    monkeypatch.setattr("handlers.registry.PLACES", crowded)
    for i in range(20):
        monkeypatch.setitem(COMMANDS, f"extra{i}", COMMANDS["progress"].__class__(
            name=f"extra{i}", summary="x", usage="x", examples=(), handler=COMMANDS["progress"].handler))
    with pytest.raises(ValueError, match="entries at one level"):
        build()


def test_discord_usage_and_places() -> None:
    _ = translator("en")
    assert usage_line(COMMANDS["announce confirm"], _, "discord") == "/secretariat announce send id:"
    assert usage_line(COMMANDS["who"], _, "discord") == "/who theme: [region:]"
    assert usage_line(COMMANDS["who"], _) == "/hrc who THEME [region: REGION]"
    assert [leaf.spec.name for leaf in find("/calendar")] == ["days", "day", "act", "act remove", "days export"]
    assert len(BY_KEY["month"].choices) == 12
