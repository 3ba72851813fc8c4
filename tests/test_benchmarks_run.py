"""Each benchmark runs end to end at a tiny size (so a change cannot break one unnoticed). Nothing here is
timed: the figures are printed, not checked; the real runs are by hand (bench/README.md)."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import discord
import pytest

from bench import bot_process, broadcast, directory, discord_commands, slack_commands
from tests.conftest import POSTGRES_AVAILABLE


@pytest.fixture(autouse=True)
def restore_process_state() -> Iterator[None]:
    """The benchmarks do what `hrc-bot run` does to the process: freeze the start-up heap (and space out
    full collections), point discord.py at the fake. Undo it all for the tests that follow."""
    base, threshold = discord.http.Route.BASE, gc.get_threshold()
    yield
    discord.http.Route.BASE = base
    gc.unfreeze()
    gc.set_threshold(*threshold)


@pytest.mark.parametrize("engine", ["sqlite", "postgresql"])
async def test_the_directory_benchmark_runs(engine: str, capsys: pytest.CaptureFixture[str]) -> None:
    if engine == "postgresql" and not POSTGRES_AVAILABLE:
        pytest.skip("PostgreSQL is not reachable on 127.0.0.1:5432")
    await directory.run_engine(engine, cities=30, practices=60, members=60, repeat=2, profile=None)
    out = capsys.readouterr().out
    assert "who THEME region:" in out and "practices TWO WORDS (unaccented)" in out
    assert "mean precision@5 1.00" in out  # the planted answers are found whatever the size


async def test_the_slack_commands_benchmark_runs(capsys: pytest.CaptureFixture[str]) -> None:
    await slack_commands.main(["read", "cold", "mixed"], cities=30, requests=20, concurrency=4, rounds=1)
    out = capsys.readouterr().out
    assert out.count("ratio bot/bare") == 3 and "answers 20 in the ack" in out


async def test_the_discord_commands_benchmark_runs(capsys: pytest.CaptureFixture[str]) -> None:
    await discord_commands.main(["read", "mixed"], cities=30, count=20, concurrency=4, rounds=1)
    out = capsys.readouterr().out
    assert out.count("ratio bot/bare") == 2 and "start-up to ready" in out


async def test_the_broadcast_benchmark_runs(capsys: pytest.CaptureFixture[str]) -> None:
    await broadcast.main(2, 2, broadcast.Published())
    out = capsys.readouterr().out
    assert out.count("lost 0/8") == 3 and out.count("duplicated 0") == 3


@pytest.mark.parametrize(("engine", "with_discord"), [("sqlite", True), ("postgresql", False)])
async def test_the_bot_process_benchmark_runs(engine: str, with_discord: bool, capsys: pytest.CaptureFixture[str]) -> None:
    if engine == "postgresql" and not POSTGRES_AVAILABLE:
        pytest.skip("PostgreSQL is not reachable on 127.0.0.1:5432")
    figures = await bot_process.main(engine, cities=30, members=60, practices=60, requests=20, concurrency=4,
                                     with_discord=with_discord)
    out = capsys.readouterr().out
    assert "reply cache warmed at" in out and "30 city cards" in out and "20/20 answered in the ack" in out
    assert ("Discord: 20 interactions" in out) == with_discord
    assert "stopped by SIGTERM: exit status 0" in out and "error lines" not in out
    assert 0 < figures["ready"] <= figures["first answer"] and figures["warmed"] > 0 and figures["rss warm"] > 0
