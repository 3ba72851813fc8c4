"""The bot as its own OS process at the campaign's 2030 size: start-up to ready, the cache warm-up, memory.

A directory of 10,000 verified cities, 20,000 members and 100,000 practices (``bench.dataset``) is written
to a SQLite file (or a PostgreSQL schema of its own), then ``hrc-bot run`` is started as a separate process
with Slack in HTTP mode against an in-process fake Slack (``SLACK_API_URL``), and with ``--discord`` also
Discord against a fake Discord (``DISCORD_API_URL``). Measured from the moment the process is spawned:

- **ready**: ``GET /healthz`` answers 200 (it is served with ``/slack/events`` by the same server), and with
  ``--discord`` the gateway's READY was sent; then the time to a first signed ``/hrc who`` answered;
- **warmed**: the bot logs ``reply cache warmed: …`` (every city card and `who` list in memory);
- the bot process's RSS (``VmRSS``) and peak (``VmHWM``) from ``/proc/PID/status``: at ready, after the
  warm-up, and after a read load (signed ``/hrc who THEME`` / ``/hrc profile CITY``, half each, from 500
  readers; with ``--discord`` as many interactions too).

Targets (issue 17): ready ≤ 2 s, warming not delaying readiness, RSS ≤ 200 MB with the directory warm.
``--memory-report FILE`` runs the bot through ``bench.bot_memory`` and writes what holds its memory after
the load (object counts; with ``--tracemalloc N`` allocations by line, whose bookkeeping inflates the RSS).

    .venv/bin/python -m bench.bot_process [--engine sqlite|postgresql] [--discord] [--requests 2000] [--quick]
                                          [--memory-report FILE [--tracemalloc FRAMES]]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import re
import secrets
import signal
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

import aiohttp

from bench.bot_memory import REPORTED
from bench.dataset import city_names, fill, focal_user, percentile, reader_user
from bench.discord_commands import measure
from bench.slack_commands import bodies, load
from bench.workload import READERS, Op, ops
from storage.migrate import upgrade
from storage.session import Database
from tests.fakes.discord_api import GUILD_ID, FakeDiscord
from tests.fakes.slack_api import FakeSlack
from tests.slack.conftest import SIGNING_SECRET, sign

TARGET_READY_S, TARGET_RSS_MB = 2.0, 200.0
WARMED = "reply cache warmed:"
LISTENING = re.compile(r"slack: HTTP mode on [^ ]+:(\d+) ")
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/test"
ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Memory:
    rss_mb: float
    peak_mb: float

    def __str__(self) -> str:
        return f"RSS {self.rss_mb:6.1f} MB (peak {self.peak_mb:.1f} MB)"


def memory(pid: int) -> Memory:
    """The process's resident memory now (VmRSS) and its peak (VmHWM), from /proc (Linux)."""
    fields = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line)
    return Memory(int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024)


def load_average() -> str:
    return "load {:.2f} {:.2f} {:.2f}".format(*os.getloadavg())


async def database(engine: str, workdir: Path, cities: int, members: int, practices: int
                   ) -> tuple[str, list[str], Callable[[], Awaitable[None]]]:
    """A migrated, filled database the bot process can open by URL alone: a SQLite file, or on PostgreSQL a
    schema of its own reached through a role of its own whose search_path is that schema (the isolation of
    tests/conftest.py's make_database, which a DATABASE_URL cannot carry). Returns its URL, the city names
    (city ``n`` is ``names[n]``) and a cleanup."""
    admin: Database | None = None
    if engine == "sqlite":
        url = f"sqlite:///{workdir / 'hrc.db'}"
    else:
        name = "bench_" + secrets.token_hex(6)
        admin = Database(PG_ADMIN)
        async with admin.engine.begin() as conn:
            await conn.exec_driver_sql(f'CREATE ROLE "{name}" LOGIN')
            await conn.exec_driver_sql(f'CREATE SCHEMA "{name}" AUTHORIZATION "{name}"')
            await conn.exec_driver_sql(f'ALTER ROLE "{name}" SET search_path TO "{name}"')
        url = f"postgresql://{name}@127.0.0.1:5432/test"
    db = Database(url)
    try:
        await upgrade(db)
        began = time.perf_counter()
        planted = await fill(db, cities, practices, members)
        names = await city_names(db)
    finally:
        await db.dispose()
    print(f"{engine}: {cities:,} cities, {members:,} members, {practices + len(planted):,} practices generated in "
          f"{time.perf_counter() - began:.1f} s")

    async def cleanup() -> None:
        if admin is not None:
            async with admin.engine.begin() as conn:
                await conn.exec_driver_sql(f'DROP SCHEMA "{name}" CASCADE')
                await conn.exec_driver_sql(f'DROP ROLE "{name}"')
            await admin.dispose()

    return url, names, cleanup


class BotProcess:
    """``hrc-bot run`` in a process of its own, its log read as it comes (stderr)."""

    def __init__(self, env: dict[str, str], workdir: Path, traced: bool) -> None:
        self.env, self.workdir, self.traced = env, workdir, traced
        self.started = 0.0
        self.log: list[str] = []
        self.warmed_at: float | None = None
        self.warmed = asyncio.Event()
        self.reported = asyncio.Event()  # bench.bot_memory wrote its report
        self.port: asyncio.Future[int] | None = None
        self.process: asyncio.subprocess.Process | None = None
        self._reader: asyncio.Task[None] | None = None

    async def start(self) -> None:
        script = Path(sys.executable).with_name("hrc-bot")
        command = ([sys.executable, "-m", "bench.bot_memory", "run"] if self.traced
                   else [str(script), "run"] if script.exists() else [sys.executable, "-m", "bot.cli", "run"])
        # Its own directory: no .env is read but what the benchmark sets.
        self.port = asyncio.get_running_loop().create_future()
        self.started = time.perf_counter()
        self.process = await asyncio.create_subprocess_exec(
            *command, cwd=self.workdir, env=self.env, stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE)
        self._reader = asyncio.create_task(self._read())

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    async def _read(self) -> None:
        assert self.process is not None and self.process.stderr is not None
        async for raw in self.process.stderr:
            line = raw.decode(errors="replace").rstrip()
            self.log.append(line)
            if self.port is not None and not self.port.done() and (listening := LISTENING.search(line)):
                self.port.set_result(int(listening[1]))
            if WARMED in line and self.warmed_at is None:
                self.warmed_at = time.perf_counter() - self.started
                self.warmed.set()
            if REPORTED in line:
                self.reported.set()

    def failed(self, what: str) -> RuntimeError:
        tail = "\n".join(self.log[-20:])
        return RuntimeError(f"{what}; the bot's log ends with:\n{tail}")

    async def ready(self, within: float = 60.0) -> float:
        """Seconds from spawn to ``/healthz`` answering 200, on the port the bot says it bound (PORT=0: no
        port picked here can be taken by another program in between)."""
        assert self.port is not None
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=5)) as http:
            while time.perf_counter() - self.started < within:
                assert self.process is not None
                if self.process.returncode is not None:
                    raise self.failed(f"the bot exited with {self.process.returncode} before it was ready")
                if not self.port.done():
                    await asyncio.wait({self.port}, timeout=0.005)
                    continue
                url = f"http://127.0.0.1:{self.port.result()}/healthz"
                with contextlib.suppress(aiohttp.ClientError):
                    async with http.get(url) as response:
                        if response.status == 200:
                            return time.perf_counter() - self.started
                await asyncio.sleep(0.005)
        raise self.failed(f"/healthz did not answer 200 within {within:.0f} s")

    async def stop(self) -> tuple[int | None, float]:
        """SIGTERM, as a service manager stops it: its exit status and how long it took."""
        assert self.process is not None
        began = time.perf_counter()
        if self.process.returncode is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(self.process.wait(), 20)
            except TimeoutError:
                self.process.kill()
                await self.process.wait()
        if self._reader is not None:
            await self._reader
        return self.process.returncode, time.perf_counter() - began


async def first_answer(events: str, fake_url: str) -> tuple[str, float]:
    """One signed `/hrc who housing` right at ready: how it was answered (the reply in the HTTP answer, an
    empty ack, or an HTTP error such as Bolt's 404 when no ack came within 3 s) and in how many ms."""
    body = bodies(fake_url, [Op(False, None, 0, "who housing", ("who",), {})])[0]
    ts = int(time.time())
    headers = {"Content-Type": "application/x-www-form-urlencoded", "X-Slack-Request-Timestamp": str(ts),
               "X-Slack-Signature": sign(body, ts)}
    began = time.perf_counter()
    async with aiohttp.ClientSession() as http, http.post(events, data=body.encode(), headers=headers) as response:
        content = await response.read()
    took = (time.perf_counter() - began) * 1000
    if response.status != 200:
        return f"HTTP {response.status}", took
    return ("the reply in the ack" if b'"blocks"' in content else "an empty ack (reply through response_url)"), took


def fake_users(fake: FakeSlack, cities: int) -> None:
    """users.info answers as the directory names people (a changed name would be a write of its own)."""
    for user, name in [*((focal_user("slack", n), f"focal{n}") for n in range(cities)),
                       *((reader_user("slack", r), f"reader{r}") for r in range(READERS))]:
        fake.users[user] = {"id": user, "name": name, "locale": "en-US", "profile": {"display_name": name}}


async def main(engine: str, cities: int, members: int, practices: int, requests: int, concurrency: int,
               with_discord: bool, report: str | None = None, frames: int = 0, bot_log: str | None = None
               ) -> dict[str, float]:
    """Run it all and print the figures; returns them (seconds, MB) for tests. ``report``, ``bot_log``:
    where to write the memory report and the bot's log (absolute paths)."""
    print(f"started at {time.strftime('%H:%M:%S')}, {load_average()}")
    workdir = Path(tempfile.mkdtemp(prefix="hrc-bot-process-"))
    fake = await FakeSlack().start()
    fake_users(fake, cities)
    discord_fake = await FakeDiscord().start() if with_discord else None
    url, names, cleanup = await database(engine, workdir, cities, members, practices)
    env = {key: os.environ[key] for key in ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "TZ") if key in os.environ}
    env |= {"DATABASE_URL": url, "HOST": "127.0.0.1", "PORT": "0", "LOG_LEVEL": "INFO",
            "SLACK_BOT_TOKEN": "xoxb-bench", "SLACK_SIGNING_SECRET": SIGNING_SECRET, "SLACK_API_URL": f"{fake.url}/api/"}
    if discord_fake is not None:
        env |= {"DISCORD_TOKEN": "bench-token", "DISCORD_GUILD_IDS": GUILD_ID, "DISCORD_API_URL": f"{discord_fake.url}/api/v10"}
    if report is not None:
        env |= {"PYTHONPATH": str(ROOT), "HRC_BENCH_MEMORY_REPORT": report, "HRC_BENCH_TRACEMALLOC": str(frames)}
    bot = BotProcess(env, workdir, traced=report is not None)
    figures: dict[str, float] = {}
    try:
        await bot.start()
        figures["ready"] = await bot.ready()
        assert bot.port is not None
        events = f"http://127.0.0.1:{bot.port.result()}/slack/events"
        at_ready = memory(bot.pid)
        if discord_fake is not None:
            await asyncio.wait_for(discord_fake.ready.wait(), 60)
            figures["discord ready"] = time.perf_counter() - bot.started
            figures["ready"] = max(figures["ready"], figures["discord ready"])
        first_status, first_ms = await first_answer(events, fake.url)
        figures["first answer"] = time.perf_counter() - bot.started
        warmed_first = bot.warmed.is_set()
        try:
            await asyncio.wait_for(bot.warmed.wait(), 300)
        except TimeoutError:
            raise bot.failed("the reply cache warm-up never finished") from None
        await asyncio.sleep(0.5)  # the watch's own bookkeeping after the log line
        warm = memory(bot.pid)
        figures["warmed"] = bot.warmed_at or 0.0
        # Every reader once (names and languages then cached, as for regular users), then the load.
        await load(events, bodies(fake.url, [Op(False, None, r, "themes", ("themes",), {}) for r in range(READERS)]), 5)
        operations = ops("read", requests, names, random.Random(100))
        wall, latencies, in_ack = await load(events, bodies(fake.url, operations), concurrency)
        slack_line = (f"Slack: {requests:,} requests, {concurrency} in flight: {requests / wall:,.0f} req/s, "
                      f"p50 {percentile(latencies, 0.5) * 1000:.1f} ms, p99 {percentile(latencies, 0.99) * 1000:.1f} ms, "
                      f"{in_ack:,}/{requests:,} answered in the ack")
        discord_line, after_slack = "", memory(bot.pid)
        if discord_fake is not None:
            readers = [Op(False, None, r, "themes", ("campaign", "themes"), {}) for r in range(READERS)]
            await measure(discord_fake, -1, readers, 5, 3, bare=False)
            wall, latencies, _kinds = await measure(discord_fake, -1, operations, concurrency, 5, bare=False)
            discord_line = (f"Discord: {requests:,} interactions, {concurrency} in flight: {requests / wall:,.0f}/s, "
                            f"p50 {percentile(latencies, 0.5) * 1000:.1f} ms, p99 {percentile(latencies, 0.99) * 1000:.1f} ms")
        loaded = memory(bot.pid)
        if report is not None:
            os.kill(bot.pid, signal.SIGUSR1)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(bot.reported.wait(), 600)
        status, stopping = await bot.stop()
    finally:
        if bot.process is not None and bot.process.returncode is None:
            bot.process.kill()
            await bot.process.wait()
        await fake.stop()
        if discord_fake is not None:
            await discord_fake.stop()
        await cleanup()
    figures |= {"rss ready": at_ready.rss_mb, "rss warm": warm.rss_mb, "rss loaded": loaded.rss_mb, "peak": loaded.peak_mb}
    platforms = "Slack (HTTP) + Discord" if discord_fake is not None else "Slack (HTTP)"
    verdict = {True: "met", False: "NOT met"}
    print(f"hrc-bot run as its own process (pid {bot.pid}), {platforms}, {engine}; ended at {time.strftime('%H:%M:%S')}, "
          f"{load_average()}")
    print(f"  start-up to ready (/healthz 200{', Discord READY' if discord_fake else ''}): {figures['ready']:.2f} s "
          f"(target ≤ {TARGET_READY_S:.0f} s: {verdict[figures['ready'] <= TARGET_READY_S]})"
          + (f"; Discord READY at {figures['discord ready']:.2f} s" if discord_fake else ""))
    print(f"  first /hrc who answered at {figures['first answer']:.2f} s: {first_status} in {first_ms:.0f} ms, "
          f"{'after' if warmed_first else 'during'} the warm-up")
    print(f"  reply cache warmed at {figures['warmed']:.2f} s: {next(line.split(WARMED)[1] for line in bot.log if WARMED in line).strip()}")
    print(f"  at ready:        {at_ready}")
    print(f"  warm:            {warm}   (target ≤ {TARGET_RSS_MB:.0f} MB: {verdict[warm.rss_mb <= TARGET_RSS_MB]})")
    if discord_fake is not None:
        print(f"  after Slack's:   {after_slack}")
    print(f"  after the load:  {loaded}   (target ≤ {TARGET_RSS_MB:.0f} MB: {verdict[loaded.rss_mb <= TARGET_RSS_MB]})")
    print(f"  {slack_line}")
    if discord_line:
        print(f"  {discord_line}")
    print(f"  stopped by SIGTERM: exit status {status} in {stopping:.2f} s")
    if bot_log is not None:
        with open(bot_log, "w", encoding="utf-8") as out:  # noqa: ASYNC230 - after the run, nothing to wait for
            out.write("\n".join(bot.log) + "\n")
    errors = [line for line in bot.log if " ERROR " in line or "Traceback" in line]
    if errors:
        print(f"  {len(errors)} error lines in the bot's log, first: {errors[0]}")
    if report is not None:
        print(f"  memory report: {report}" + ("" if bot.reported.is_set() else " (not written)"))
    return figures


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--engine", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--cities", type=int, default=10_000)
    parser.add_argument("--members", type=int, default=20_000)
    parser.add_argument("--practices", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=2000, help="signed Slack requests (and Discord interactions)")
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--discord", action="store_true", help="also run Discord against a fake Discord")
    parser.add_argument("--memory-report", type=os.path.abspath, help="write what holds the bot's memory after the load to FILE")
    parser.add_argument("--tracemalloc", type=int, default=0, metavar="FRAMES",
                        help="with --memory-report: trace allocations, FRAMES deep (inflates the RSS)")
    parser.add_argument("--bot-log", type=os.path.abspath, help="write the bot's log (its stderr) to FILE")
    parser.add_argument("--quick", action="store_true", help="200 cities, 1,000 practices, 100 requests (a smoke run)")
    args = parser.parse_args()
    if args.quick:
        args.cities, args.members, args.practices, args.requests = 200, 400, 1000, 100
    asyncio.run(main(args.engine, args.cities, args.members, args.practices, args.requests, args.concurrency,
                     args.discord, args.memory_report, args.tracemalloc, args.bot_log))
