"""Broadcast delivery against fake Slack and Discord APIs that enforce the published limits: wall time vs
the rate-limit floor, 429s, calls per method, lost and duplicated deliveries, peak RSS.

Three runs, each one announcement with `dm: yes` to C channels and M focal points on each platform
(defaults 500 + 500 a platform):

1. **first broadcast** on a fresh database (no DM channel known yet);
2. **repeat broadcast** by a restarted worker (DM channels known, read back from the database);
3. **SIGKILL at 40 %** of a first broadcast, the worker restarted at once: every target must be
   delivered within the floor + 10 s, none lost, none duplicated.

The fakes answer 429 (with Retry-After) beyond each limit, every one a parameter:

- Slack: chat.postMessage ~1/s per channel (``--slack-channel-per-second``) and a workspace-wide cap
  (``--slack-posts-per-minute``, default 500: unpublished, ~525/min observed); conversations.open and
  conversations.history Tier 3 (``--tier3-per-minute``, 50).
- Discord: 50 requests/s global (``--discord-per-second``), and per-route buckets: 5 messages per 5 s per
  channel (``--discord-channel-per-5s``).

The floor is the busiest platform's minimum time for the calls that cannot be avoided: Slack C + M posts
(a DM is one post to the user id) at the workspace cap; Discord C + M posts plus, on a first broadcast, M
DM opens, at the global rate. The worker runs in a subprocess with the real SlackSender and DiscordSender,
so it can be killed; its claim lease is the production one (10 s, renewed while a call runs).

    .venv/bin/python -m bench.broadcast [--channels 500] [--members 500] [--quick] [limits…]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func, select

from bot.settings import DiscordSettings, Settings, SlackSettings
from bot.wiring import build_runtime
from handlers.text import fold
from handlers.types import Actor, Place
from storage.migrate import upgrade
from storage.models import (
    Channel,
    City,
    CityStatus,
    FocalPoint,
    FocalStatus,
    Member,
    OutboxMessage,
    OutboxStatus,
)
from storage.session import Database
from tests.fakes.discord_api import FakeDiscord
from tests.fakes.slack_api import FakeSlack, dm_of


@dataclass(frozen=True)
class Published:
    """The platforms' limits the fakes enforce (PLATFORM_FACTS.md)."""

    slack_posts_per_minute: float = 500.0
    slack_channel_per_second: int = 1
    tier3_per_minute: float = 50.0
    discord_per_second: int = 50
    discord_channel_per_5s: int = 5

    def floor(self, channels: int, members: int, *, dm_channels_known: bool) -> tuple[float, str]:
        slack_posts = channels + members
        discord_requests = channels + members + (0 if dm_channels_known else members)
        slack = slack_posts / (self.slack_posts_per_minute / 60.0)
        discord = discord_requests / self.discord_per_second
        why = (f"Slack {slack_posts} posts at {self.slack_posts_per_minute:g}/min = {slack:.1f} s; "
               f"Discord {discord_requests} requests at {self.discord_per_second}/s = {discord:.1f} s")
        return max(slack, discord), why


def settings_for(db_url: str, slack_url: str, discord_url: str, posts_per_minute: float) -> Settings:
    return Settings(
        database_url=db_url, secretariat=frozenset({"console:sec"}),
        slack=SlackSettings(bot_token="xoxb-bench", signing_secret="s", api_url=f"{slack_url}/api/",
                            posts_per_minute=int(posts_per_minute)),
        discord=DiscordSettings(token="bench-token", api_url=f"{discord_url}/api/v10"),
    )


async def seed(db: Database, channels: int, members: int) -> None:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    async with db.transaction() as session:
        for n in range(channels):
            session.add(Channel(platform="slack", workspace="T1", channel_id=f"C{n:05d}", purpose="announcements", timezone="UTC", created_at=now))
            session.add(Channel(platform="discord", workspace="1", channel_id=str(700000000000100000 + n), purpose="announcements", timezone="UTC", created_at=now))
        for n in range(2 * members):
            platform = "slack" if n % 2 == 0 else "discord"
            user_id = f"U{n:05d}" if platform == "slack" else str(600000000000100000 + n)
            member = Member(platform=platform, workspace="T1" if platform == "slack" else "1", user_id=user_id, display_name=f"fp{n}", created_at=now)
            city = City(name=f"City {n}", name_key=fold(f"City {n}"), country="C", country_key="c", region="europe",
                        status=CityStatus.VERIFIED, registered_at=now, joined_at=now, languages="")
            session.add_all([member, city])
            await session.flush()
            session.add(FocalPoint(member_id=member.id, city_id=city.id, status=FocalStatus.VERIFIED, created_at=now))


async def progress(db: Database, announcement: int) -> tuple[int, int]:
    mine = OutboxMessage.announcement_id == announcement
    async with db.transaction(write=False) as session:
        total = (await session.execute(select(func.count()).select_from(OutboxMessage).where(mine))).scalar_one()
        done = (await session.execute(select(func.count()).select_from(OutboxMessage).where(
            mine, OutboxMessage.status.in_([OutboxStatus.SENT, OutboxStatus.FAILED])))).scalar_one()
    return int(total), int(done)


def start_worker(db_url: str, slack_url: str, discord_url: str, limits: Published) -> subprocess.Popen[bytes]:
    log = open(os.environ["BENCH_LOG"], "ab") if os.environ.get("BENCH_LOG") else subprocess.DEVNULL  # noqa: SIM115
    return subprocess.Popen([sys.executable, "-m", "bench.broadcast", "--worker", db_url, slack_url, discord_url,
                             str(limits.slack_posts_per_minute)], stdout=log, stderr=log)


class Life:
    """One database, fake Slack and fake Discord, across several broadcasts and worker restarts."""

    def __init__(self, channels: int, members: int, limits: Published) -> None:
        self.channels, self.members, self.limits = channels, members, limits
        self.announcements = 0

    async def __aenter__(self) -> Life:
        limits = self.limits
        self.slack = await FakeSlack(posts_per_minute=limits.slack_posts_per_minute, channel_per_second=limits.slack_channel_per_second,
                                     tier3_per_minute=limits.tier3_per_minute).start()
        self.discord = await FakeDiscord(global_per_second=limits.discord_per_second, channel_per_5s=limits.discord_channel_per_5s).start()
        self.db_url = f"sqlite:///{tempfile.mkdtemp(prefix='hrc-bcast-')}/bench.db"
        self.db = Database(self.db_url)
        await upgrade(self.db)
        await seed(self.db, self.channels, self.members)
        self.runtime = build_runtime(settings_for(self.db_url, self.slack.url, self.discord.url, limits.slack_posts_per_minute), database=self.db)
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.db.dispose()
        await self.slack.stop()
        await self.discord.stop()

    def expected(self) -> list[str]:
        channels, members = self.channels, self.members
        expected = [f"C{n:05d}" for n in range(channels)] + [str(700000000000100000 + n) for n in range(channels)]
        expected += ["D" + f"U{n:05d}" for n in range(0, 2 * members, 2)]
        expected += ["5" + str(600000000000100000 + n)[1:] for n in range(1, 2 * members, 2)]
        return expected

    async def broadcast(self, name: str, kill_at: float | None = None) -> dict[str, object]:
        self.announcements += 1
        number = self.announcements
        sec, place = Actor("console", "local", "sec", "sec", secretariat_role=True), Place("console", "local", "console")
        preview = await self.runtime.answer_text(sec, place, f"/hrc announce title: Forum {number} text: Registrations are open. dm: yes")
        assert not preview.is_error, preview.text
        await self.runtime.answer_text(sec, place, f"/hrc announce confirm {number}")
        slack_before, discord_before = self.slack.counts(), Counter(self.discord.created)
        opens_before = len(self.discord.posted("/users/@me/channels"))
        too_many_before = (self.slack.too_many, self.discord.too_many)

        began = time.perf_counter()
        worker = start_worker(self.db_url, self.slack.url, self.discord.url, self.limits)
        killed = False
        while True:
            await asyncio.sleep(0.2)
            total, done = await progress(self.db, number)
            if kill_at is not None and not killed and total and done >= kill_at * total:
                worker.send_signal(signal.SIGKILL)
                worker.wait()
                killed = True
                worker = start_worker(self.db_url, self.slack.url, self.discord.url, self.limits)
            if (total and done >= total) or time.perf_counter() - began > 900:
                break
        wall = time.perf_counter() - began
        worker.send_signal(signal.SIGTERM)
        worker.wait()

        prefix = f"announce:{number}:"
        copies: Counter[str] = Counter(
            dm_of(str(p["channel"])) for p in self.slack.called("chat.postMessage")
            if str(((p.get("metadata") or {}).get("event_payload") or {}).get("key", "")).startswith(prefix))
        copies.update(Counter(self.discord.created) - discord_before)  # a re-send with a known nonce is not a copy
        expected = self.expected()
        slack_calls = self.slack.counts() - slack_before
        return {"name": name, "wall": wall, "targets": len(expected), "killed": killed,
                "lost": sum(1 for target in expected if copies[target] == 0),
                "duplicated": sum(max(0, copies[target] - 1) for target in expected),
                "too_many": f"Slack {self.slack.too_many - too_many_before[0]}, Discord {self.discord.too_many - too_many_before[1]}",
                "slack_opens": slack_calls["conversations.open"], "slack_history": slack_calls["conversations.history"],
                "discord_opens": len(self.discord.posted("/users/@me/channels")) - opens_before}


async def run_worker(db_url: str, slack_url: str, discord_url: str, posts_per_minute: float) -> None:
    import discord as discord_py

    from bot.discord.sender import DiscordSender
    from bot.discord.service import use_api
    from bot.slack.sender import SlackSender
    from bot.slack.service import web_client

    runtime = build_runtime(settings_for(db_url, slack_url, discord_url, posts_per_minute))
    runtime.notices.register(SlackSender(web_client(runtime), "", dm_channels=runtime.dm_channels))
    use_api(f"{discord_url}/api/v10")
    client = discord_py.Client(intents=discord_py.Intents.none())
    await client.login("bench-token")  # REST only: broadcasts need no gateway
    runtime.notices.register(DiscordSender(client, "", dm_channels=runtime.dm_channels))
    assert runtime.outbox is not None  # paced by SLACK_POSTS_PER_MINUTE (bot.ratelimit.limits_for)
    await runtime.outbox.run()


def report(result: dict[str, object], floor: float, allowance: str) -> None:
    wall = float(result["wall"])  # type: ignore[arg-type]
    print(f"{result['name']:30s} wall {wall:6.1f} s  floor {floor:6.1f} s  ratio {wall / floor:.3f} ({allowance})  "
          f"429s {result['too_many']}  lost {result['lost']}/{result['targets']}  duplicated {result['duplicated']}  "
          f"calls: Slack conversations.open {result['slack_opens']}, conversations.history {result['slack_history']}; "
          f"Discord DM opens {result['discord_opens']}")


async def main(channels: int, members: int, limits: Published) -> None:
    first, why_first = limits.floor(channels, members, dm_channels_known=False)
    repeat, why_repeat = limits.floor(channels, members, dm_channels_known=True)
    print(f"1 announcement: {2 * channels} channels ({channels} Slack, {channels} Discord) + {2 * members} focal points by DM")
    print(f"limits: {limits}")
    print(f"floor, first broadcast: {first:.1f} s ({why_first})")
    print(f"floor, repeat broadcast: {repeat:.1f} s ({why_repeat})")
    async with Life(channels, members, limits) as life:
        report(await life.broadcast("first broadcast"), first, "target ≤ 1.05")
        report(await life.broadcast("repeat (restarted worker)"), repeat, "target ≤ 1.05")
    async with Life(channels, members, limits) as life:
        result = await life.broadcast("SIGKILL at 40 % + restart", kill_at=0.4)
        report(result, first, f"target wall ≤ floor + 10 s = {first + 10:.1f} s")
    print(f"peak RSS of a worker process: {resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--worker":
        import logging

        logging.basicConfig(level=logging.DEBUG if os.environ.get("BENCH_LOG") else logging.WARNING,
                            format=f"{os.getpid()} %(asctime)s %(name)s %(message)s")
        for noisy in ("aiosqlite", "sqlalchemy", "discord", "slack_sdk", "asyncio"):
            logging.getLogger(noisy).setLevel(logging.WARNING)
        asyncio.run(run_worker(sys.argv[2], sys.argv[3], sys.argv[4], float(sys.argv[5])))
        sys.exit(0)
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--channels", type=int, default=500, help="channels per platform")
    parser.add_argument("--members", type=int, default=500, help="focal points per platform")
    parser.add_argument("--quick", action="store_true", help="20 channels and 20 focal points a platform (a smoke run)")
    parser.add_argument("--slack-posts-per-minute", type=float, default=Published.slack_posts_per_minute)
    parser.add_argument("--slack-channel-per-second", type=int, default=Published.slack_channel_per_second)
    parser.add_argument("--tier3-per-minute", type=float, default=Published.tier3_per_minute)
    parser.add_argument("--discord-per-second", type=int, default=Published.discord_per_second)
    parser.add_argument("--discord-channel-per-5s", type=int, default=Published.discord_channel_per_5s)
    args = parser.parse_args()
    published = Published(args.slack_posts_per_minute, args.slack_channel_per_second, args.tier3_per_minute,
                          args.discord_per_second, args.discord_channel_per_5s)
    size = (20, 20) if args.quick else (args.channels, args.members)
    asyncio.run(main(*size, published))
