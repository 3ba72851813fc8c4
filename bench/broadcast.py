"""Broadcast delivery against rate-limited fake Slack and Discord APIs: wall time vs the rate-limit floor,
429s, lost and duplicated deliveries, peak RSS; then the same with the worker SIGKILLed at 40 % and restarted.

One announcement with `dm: yes` to 1,000 channels (500 Slack, 500 Discord) and 1,000 focal points (500 on
each). The fakes enforce (defaults) Slack 1 message/s per channel and 50/s per workspace, Discord 50
requests/s global and 5 messages per 5 s per channel, answering 429 beyond. The worker runs in a
subprocess with the real SlackSender and DiscordSender, so it can be killed.

    .venv/bin/python -m bench.broadcast [--channels 500] [--members 500]
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
from datetime import UTC, datetime, timedelta
from pathlib import Path

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
from tests.fakes.slack_api import FakeSlack

SLACK_RATE, DISCORD_RATE, DISCORD_PER_CHANNEL_5S = 50, 50, 5


def settings_for(db_url: str, slack_url: str, discord_url: str) -> Settings:
    return Settings(
        database_url=db_url, secretariat=frozenset({"console:sec"}),
        slack=SlackSettings(bot_token="xoxb-bench", signing_secret="s", api_url=f"{slack_url}/api/"),
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


async def progress(db: Database) -> tuple[int, int]:
    async with db.transaction(write=False) as session:
        total = (await session.execute(select(func.count()).select_from(OutboxMessage))).scalar_one()
        done = (await session.execute(select(func.count()).select_from(OutboxMessage).where(
            OutboxMessage.status.in_([OutboxStatus.SENT, OutboxStatus.FAILED])))).scalar_one()
    return int(total), int(done)


def start_worker(db_url: str, slack_url: str, discord_url: str) -> subprocess.Popen[bytes]:
    log = open(os.environ["BENCH_LOG"], "ab") if os.environ.get("BENCH_LOG") else subprocess.DEVNULL  # noqa: SIM115
    return subprocess.Popen([sys.executable, "-m", "bench.broadcast", "--worker", db_url, slack_url, discord_url],
                            stdout=log, stderr=log)


async def scenario(name: str, channels: int, members: int, kill_at: float | None) -> dict[str, object]:
    slack = await FakeSlack(workspace_per_second=SLACK_RATE, channel_per_second=1).start()
    discord = await FakeDiscord(global_per_second=DISCORD_RATE, channel_per_5s=DISCORD_PER_CHANNEL_5S).start()
    db_url = f"sqlite:///{Path(tempfile.mkdtemp(prefix='hrc-bcast-')) / 'bench.db'}"
    db = Database(db_url)
    await upgrade(db)
    await seed(db, channels, members)
    runtime = build_runtime(settings_for(db_url, slack.url, discord.url), database=db)
    sec = Actor("console", "local", "sec", "sec", secretariat_role=True)
    place = Place("console", "local", "console")
    preview = await runtime.answer_text(sec, place, "/hrc announce title: World Human Rights Cities Forum text: Registrations are open. dm: yes")
    assert not preview.is_error, preview.text
    await runtime.answer_text(sec, place, "/hrc announce confirm 1")

    began = time.perf_counter()
    worker = start_worker(db_url, slack.url, discord.url)
    killed = False
    while True:
        await asyncio.sleep(0.2)
        total, done = await progress(db)
        if kill_at is not None and not killed and total and done >= kill_at * total:
            worker.send_signal(signal.SIGKILL)
            worker.wait()
            killed = True
            worker = start_worker(db_url, slack.url, discord.url)
        if total and done >= total:
            break
        if time.perf_counter() - began > 600:
            break
    wall = time.perf_counter() - began
    worker.send_signal(signal.SIGTERM)
    worker.wait()

    copies: Counter[str] = Counter(p["channel"] for p in slack.called("chat.postMessage"))
    copies.update(discord.created)  # a re-send with a known nonce returns the first message: not a copy
    expected = [f"C{n:05d}" for n in range(channels)] + [str(700000000000100000 + n) for n in range(channels)]
    expected += ["D" + f"U{n:05d}" for n in range(0, 2 * members, 2)]
    expected += ["5" + str(600000000000100000 + n)[1:] for n in range(1, 2 * members, 2)]
    lost = sum(1 for target in expected if copies[target] == 0)
    if os.environ.get("BENCH_DEBUG"):
        dups = [t for t in expected if copies[t] > 1]
        print("duplicates:", dups, [(c.method, c.params.get("metadata")) for c in slack.calls if c.params.get("channel") in dups])
    duplicated = sum(max(0, copies[target] - 1) for target in expected)
    result = {"name": name, "wall": wall, "targets": len(expected), "lost": lost, "duplicated": duplicated,
              "too_many": slack.too_many + discord.too_many, "killed": killed}
    await db.dispose()
    await slack.stop()
    await discord.stop()
    return result


async def run_worker(db_url: str, slack_url: str, discord_url: str) -> None:
    import discord as discord_py

    from bot.broadcast import BroadcastWorker
    from bot.discord.sender import DiscordSender
    from bot.discord.service import use_api
    from bot.slack.sender import SlackSender
    from bot.slack.service import web_client

    runtime = build_runtime(settings_for(db_url, slack_url, discord_url))
    runtime.notices.register(SlackSender(web_client(runtime), ""))
    use_api(f"{discord_url}/api/v10")
    client = discord_py.Client(intents=discord_py.Intents.none())
    await client.login("bench-token")  # REST only: broadcasts need no gateway
    runtime.notices.register(DiscordSender(client, ""))
    await BroadcastWorker(runtime, lease=timedelta(seconds=3)).run()


def main(channels: int, members: int) -> None:
    slack_posts = channels + members
    discord_requests = channels + 2 * members  # a DM is two requests: open the DM, post
    floor = max(slack_posts / SLACK_RATE, discord_requests / DISCORD_RATE)
    print(f"1 announcement: {2 * channels} channels ({channels} Slack, {channels} Discord) + {2 * members} focal points by DM")
    print(f"rate-limit floor: {floor:.1f} s (Slack {slack_posts} posts at {SLACK_RATE}/s; Discord {discord_requests} requests at {DISCORD_RATE}/s)")
    for name, kill_at in (("clean run", None), ("SIGKILL at 40 % + restart", 0.4)):
        r = asyncio.run(scenario(name, channels, members, kill_at))
        print(f"{name:27s} wall {r['wall']:.1f} s  ratio {r['wall'] / floor:.2f}  429s {r['too_many']}  "
              f"lost {r['lost']}/{r['targets']}  duplicated {r['duplicated']}" + ("  (killed and restarted)" if r["killed"] else ""))
    print(f"peak RSS of the worker process: {resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--worker":
        import logging

        logging.basicConfig(level=logging.DEBUG if os.environ.get("BENCH_LOG") else logging.WARNING,
                            format=f"{os.getpid()} %(asctime)s %(name)s %(message)s")
        for noisy in ("aiosqlite", "sqlalchemy", "discord", "slack_sdk", "asyncio"):
            logging.getLogger(noisy).setLevel(logging.WARNING)
        asyncio.run(run_worker(*sys.argv[2:5]))
        sys.exit(0)
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--channels", type=int, default=500, help="channels per platform")
    parser.add_argument("--members", type=int, default=500, help="focal points per platform")
    args = parser.parse_args()
    main(args.channels, args.members)
