"""Slack command throughput and latency: the bot vs a bare Bolt app on the same stack, in one run.

The bot runs in HTTP mode on 127.0.0.1 with a directory of 1,000 cities and receives signed
`/hrc who THEME` and `/hrc profile CITY` requests from concurrent clients; a bare Bolt app that
acks a constant is served the same way. Prints requests/s and p50/p99 time to the HTTP answer.

    .venv/bin/python -m bench.slack_commands [--requests 2000] [--concurrency 20] [--rounds 3]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import time
from typing import Any

import aiohttp
from aiohttp import web
from slack_bolt.async_app import AsyncApp

from bench.dataset import THEME_SLUGS, directory_db, peak_rss_mb, percentile
from bot.cache_watch import CacheWatch
from bot.platforms import freeze_startup_heap
from bot.settings import Settings, SlackSettings
from bot.slack.service import http_app, start_http, web_client
from bot.wiring import build_runtime
from tests.fakes.slack_api import FakeSlack
from tests.slack.conftest import SIGNING_SECRET, sign


def bodies(fake_url: str, count: int) -> list[str]:
    from urllib.parse import urlencode

    rng = random.Random(11)
    out = []
    for n in range(count):
        text = f"who {rng.choice(THEME_SLUGS)}" if n % 2 == 0 else f"profile City {rng.randrange(1000):04d}"
        out.append(urlencode({"team_id": "T1", "channel_id": "C1", "user_id": f"UB{n}", "user_name": "bench", "command": "/hrc",
                              "text": text, "response_url": f"{fake_url}/response/{n}", "trigger_id": f"bench.{n}.{time.time_ns()}"}))
    return out


async def load(url: str, payloads: list[str], concurrency: int) -> tuple[float, list[float], int]:
    """Wall time, per-request latencies, and how many HTTP answers carried the reply itself."""
    latencies: list[float] = []
    answered = 0
    queue = list(payloads)
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=concurrency)) as http:
        async def client() -> None:
            while queue:
                body = queue.pop()
                ts = int(time.time())
                headers = {"Content-Type": "application/x-www-form-urlencoded", "X-Slack-Request-Timestamp": str(ts),
                           "X-Slack-Signature": sign(body, ts)}
                start = time.perf_counter()
                async with http.post(url, data=body.encode(), headers=headers) as response:
                    content = await response.read()
                    assert response.status == 200, response.status
                latencies.append(time.perf_counter() - start)
                if b'"blocks"' in content:
                    nonlocal answered
                    answered += 1

        began = time.perf_counter()
        await asyncio.gather(*(client() for _ in range(concurrency)))
        return time.perf_counter() - began, latencies, answered


async def bare_app(fake_url: str, runtime: Any) -> tuple[web.AppRunner, int]:
    bare = AsyncApp(client=web_client(runtime), signing_secret=SIGNING_SECRET)

    @bare.command("/hrc")
    async def constant(ack: Any) -> None:
        await ack("ok")

    runner = web.AppRunner(http_app(bare, runtime), access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    return runner, runner.addresses[0][1]


async def main(requests: int, concurrency: int, rounds: int) -> None:
    fake = await FakeSlack().start()
    db = await directory_db(1000)
    settings = Settings(slack=SlackSettings(bot_token="xoxb-bench", signing_secret=SIGNING_SECRET, api_url=f"{fake.url}/api/"))
    runtime = build_runtime(settings, database=db)
    watch = CacheWatch(runtime)
    await watch.check()  # what `hrc-bot run` does at start: warm the city cards
    bot_runner, bot_port = await start_http(runtime, "127.0.0.1", 0)
    bare_runner, bare_port = await bare_app(fake.url, runtime)
    freeze_startup_heap()  # as `hrc-bot run` does once started
    await load(f"http://127.0.0.1:{bot_port}/slack/events", bodies(fake.url, 50), 5)  # warm-up
    await load(f"http://127.0.0.1:{bare_port}/slack/events", bodies(fake.url, 50), 5)
    # Alternate the two apps over several rounds (a machine's speed drifts within a run): throughput is
    # the median round's, latencies are pooled over every round.
    rates: dict[str, list[float]] = {"bare Bolt app": [], "hrc bot": []}
    pooled: dict[str, list[float]] = {"bare Bolt app": [], "hrc bot": []}
    before, in_ack = len(fake.responses), 0
    for round_ in range(rounds):
        order = (("bare Bolt app", bare_port), ("hrc bot", bot_port))
        for name, port in order if round_ % 2 == 0 else reversed(order):
            wall, latencies, answered = await load(f"http://127.0.0.1:{port}/slack/events", bodies(fake.url, requests), concurrency)
            rates[name].append(requests / wall)
            pooled[name] += latencies
            in_ack += answered if name == "hrc bot" else 0
    results = {
        name: (statistics.median(rates[name]), percentile(pooled[name], 0.5) * 1000, percentile(pooled[name], 0.99) * 1000)
        for name in rates
    }
    requests *= rounds
    # Answers not ready within the ack budget go through response_url: wait for those too.
    try:
        await fake.wait_for(lambda: in_ack + len(fake.responses) - before >= requests, within=60)
    except AssertionError:
        pass  # reported below as fewer answers
    later = len(fake.responses) - before
    print(f"{requests} signed requests per app in {rounds} alternating rounds, {concurrency} concurrent clients, 1,000 cities (who THEME / profile CITY)")
    for name, (rps, p50, p99) in results.items():
        print(f"{name:14s} {rps:8.0f} req/s   p50 {p50:6.1f} ms   p99 {p99:6.1f} ms")
    ratio = results["hrc bot"][0] / results["bare Bolt app"][0]
    print(f"throughput ratio bot/bare: {ratio:.2f} (target >= 0.8); bot p99 {results['hrc bot'][2]:.1f} ms (target <= 50)")
    print(f"bot answers: {in_ack} in the ack, {later} through response_url, {in_ack + later}/{requests} in all; "
          f"reply cache {len(runtime.ctx.cache or ())} entries; peak RSS {peak_rss_mb():.0f} MB")
    await bot_runner.cleanup()
    await bare_runner.cleanup()
    await fake.stop()
    await db.dispose()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3, help="rounds per app, alternating")
    args = parser.parse_args()
    asyncio.run(main(args.requests, args.concurrency, args.rounds))
