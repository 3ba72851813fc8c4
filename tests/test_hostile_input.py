"""Random and hostile text through the parser and every handler: no exception escapes, replies are never empty."""

from __future__ import annotations

import asyncio
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from handlers.context import Context
from handlers.dispatch import handle_text
from handlers.registry import COMMANDS, load_all
from handlers.types import Actor, Place
from storage.migrate import upgrade
from storage.session import Database
from tests.conftest import Chat, FakeClock

load_all()

HOSTILE = ["@everyone", "@here", "<!channel>", "<!here>", "<@U123>", "<@&42>", "'; DROP TABLE cities; --",
           "\u202e", "\ue000slack|T|U1|x\ue001", "𝕳𝖗", "city:", "region:", "#1", "#999999999999999999999",
           "\x00", "https://", "2026-02-30", "Europe/Nowhere", " " * 50, "é" * 200]
keys = sorted({key for spec in COMMANDS.values() for key in spec.keys})
fragment = st.one_of(
    st.sampled_from(HOSTILE),
    st.sampled_from([f"{k}:" for k in keys]),
    st.sampled_from(sorted(COMMANDS)),
    st.text(max_size=40),
)
line = st.lists(fragment, max_size=8).map(" ".join)


def test_no_exception_escapes_and_every_reply_says_something(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'fuzz.db'}")
    loop = asyncio.new_event_loop()
    loop.run_until_complete(upgrade(db))
    ctx = Context(db=db, clock=FakeClock(), secretariat=frozenset({"console:sec"}))
    place = Place("console", "local", "C1")
    users = [Actor("console", "local", "ana", "Ana"), Actor("console", "local", "sec", "Sec")]

    @settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True)
    @given(st.sampled_from(sorted(COMMANDS)), line, st.sampled_from(users))
    def check(name: str, rest: str, actor: Actor) -> None:
        reply = loop.run_until_complete(handle_text(ctx, actor, place, f"/hrc {name} {rest}"))
        assert not reply.is_empty()
        assert "Traceback" not in reply.text and "incident code" not in reply.text, reply.text

    try:
        check()
    finally:
        loop.run_until_complete(db.dispose())
        loop.close()


NUMBERS = ["²", "#²", "①", "٣", "#٣", "-1", "0", "99999999999999999999"]  # a digit int() cannot read; other scripts' digits


async def test_every_option_of_every_command_takes_odd_digits_without_an_incident(chat: Chat) -> None:
    """`page: ²`, `announce cancel ²` and `profile #²` crashed with an incident: str.isdigit() is true of "²",
    which int() cannot read. Every command, as its main argument and in each of its options, now refuses such
    a number kindly (or reads it, for other scripts' digits: `#٣` is city 3)."""
    await chat.say("sec", "/hrc register city: Quilmes country: Argentina region: Latin America")
    for name, spec in sorted(COMMANDS.items()):
        for number in NUMBERS:
            for line in [f"/hrc {name} {number}", *(f"/hrc {name} {key}: {number}" for key in spec.keys)]:
                for user in ("ana", "sec"):
                    reply = await chat.say(user, line)
                    assert not reply.is_empty() and "incident code" not in reply.text, (line, reply.text)


def test_no_code_reads_a_number_with_isdigit() -> None:
    """The kind of the fault above: ``isdigit()`` admits "²" and "①", which ``int()`` refuses. A typed number is
    checked with ``isdecimal()`` (exactly what ``int()`` reads); a platform's id with ``isascii() and isdigit()``."""
    root = Path(__file__).resolve().parent.parent
    found = [f"{path.relative_to(root)}:{number}" for folder in ("handlers", "bot", "storage")
             for path in sorted((root / folder).rglob("*.py"))
             for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             if ".isdigit()" in text and ".isascii()" not in text]
    assert found == []
