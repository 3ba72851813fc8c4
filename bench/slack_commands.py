"""Slack command throughput and latency: the bot vs a bare Bolt app on the same stack, in one run.

The bot runs in HTTP mode on 127.0.0.1 with a directory of 10,000 cities and receives signed `/hrc`
requests from concurrent clients in each mode of ``bench.workload`` (read, cold cache, mixed with 10 %
writes); a bare Bolt app that acks a constant is served the same way. Prints requests/s and p50/p99
time to the HTTP answer, the process's CPU time per request (the fake, the load generator and both apps share
the process), and the ratio bot/bare per mode (targets: read ≥ 0.9, mixed ≥ 0.8, p99 ≤ 50 ms).
In read mode the bare app also acks each request with the bot's own answer to it (built beforehand by a
second runtime, the bot's caches untouched): "bot / bare sending the bot's answers" is what the bot's own
work costs on top of Bolt sending those answers.

    .venv/bin/python -m bench.slack_commands [--modes read,cold,mixed] [--cities 10000] [--requests 2000]
                                             [--concurrency 20] [--rounds 3] [--quick]
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import os
import random
import statistics
import time
from dataclasses import replace
from typing import Any
from urllib.parse import parse_qs

import aiohttp
from aiohttp import web
from slack_bolt.async_app import AsyncApp

from bench.dataset import city_names, directory_db, focal_user, peak_rss_mb, percentile, reader_user
from bench.workload import MODES, READERS, Op, ops
from bot.cache_watch import CacheWatch
from bot.platforms import freeze_startup_heap
from bot.settings import Settings, SlackSettings
from bot.slack.app import messages_of
from bot.slack.service import http_app, start_http, web_client
from bot.wiring import build_runtime
from handlers.dispatch import parse_or_none
from handlers.types import Actor, Place
from tests.fakes.slack_api import FakeSlack
from tests.slack.conftest import SIGNING_SECRET, sign

# BENCH_PROFILE=FILE: cProfile the bot's rounds only (the load generator runs in the same process).
PROFILE = cProfile.Profile() if os.environ.get("BENCH_PROFILE") else None


def bodies(fake_url: str, operations: list[Op]) -> list[str]:
    from urllib.parse import urlencode

    out = []
    for n, op in enumerate(operations):
        user = focal_user("slack", op.focal) if op.focal is not None else reader_user("slack", op.reader)
        out.append(urlencode({"team_id": "T1", "channel_id": "C1", "user_id": user, "user_name": "bench", "command": "/hrc",
                              "text": op.text, "response_url": f"{fake_url}/response/{n}", "trigger_id": f"bench.{n}.{time.time_ns()}"}))
    return out


async def load(url: str, payloads: list[str], concurrency: int,
               kinds: dict[str, list[float]] | None = None) -> tuple[float, list[float], int]:
    """Wall time, per-request latencies, and how many HTTP answers carried the reply itself; with ``kinds``,
    each latency is also added under its command's words (``theme add``, ``who``…)."""
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
                if kinds is not None:
                    words = parse_qs(body)["text"][0].split()
                    kinds.setdefault(" ".join(words[:2] if words[0] == "theme" else words[:1]), []).append(latencies[-1])
                if b'"blocks"' in content:
                    nonlocal answered
                    answered += 1

        began = time.perf_counter()
        await asyncio.gather(*(client() for _ in range(concurrency)))
        return time.perf_counter() - began, latencies, answered


SAME = "bare, bot's answers"  # the bare app acking with the bot's answers (read mode)


class Answers:
    """What the bare app acks with: "ok", or (``messages``) the bot's answer to request number n."""

    messages: list[dict[str, Any]] | None = None


async def prepared(runtime: Any, operations: list[Op]) -> list[dict[str, Any]]:
    """The ack body the bot sends for each of ``operations`` (reads only), as ``hrc_command`` makes it, laid
    out without the bot's render memo (the reply as not shareable: same blocks, nothing kept)."""
    out = []
    for op in operations:
        assert not op.writes
        user = focal_user("slack", op.focal) if op.focal is not None else reader_user("slack", op.reader)
        reply = await runtime.answer_text(Actor("slack", "T1", user, "bench"), Place("slack", "T1", "C1"), op.text, "en-US")
        out.append(messages_of(replace(reply, shareable=False), "T1", parse_or_none(op.text), op.text, locale="en-US")[0])
    return out


async def bare_app(fake_url: str, runtime: Any, answers: Answers) -> tuple[web.AppRunner, int]:
    bare = AsyncApp(client=web_client(runtime), signing_secret=SIGNING_SECRET)

    @bare.command("/hrc")
    async def constant(ack: Any, body: dict[str, Any]) -> None:
        if answers.messages is None:
            await ack("ok")
            return
        await ack(**answers.messages[int(body["trigger_id"].split(".")[1])])

    runner = web.AppRunner(http_app(bare, runtime), access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    return runner, runner.addresses[0][1]


async def run_mode(mode: str, fake: FakeSlack, runtime: Any, bot_port: int, bare_port: int, names: list[str],
                   requests: int, concurrency: int, rounds: int, answers: Answers, preparer: Any
                   ) -> dict[str, tuple[float, float, float]]:
    """Alternate the apps over ``rounds`` rounds (a machine's speed drifts within a run): throughput
    is the median round's, latencies are pooled over every round."""
    order = (("bare Bolt app", bare_port), ("hrc bot", bot_port)) + (((SAME, bare_port),) if mode == "read" else ())
    rates: dict[str, list[float]] = {name: [] for name, _port in order}
    pooled: dict[str, list[float]] = {name: [] for name, _port in order}
    cpu: dict[str, list[float]] = {name: [] for name, _port in order}  # the process's CPU seconds per request
    before, in_ack = len(fake.responses), 0
    cache = runtime.ctx.cache
    kinds: dict[str, list[float]] = {}
    for round_ in range(rounds):
        operations = ops(mode, requests, names, random.Random(100 + round_))
        payloads = bodies(fake.url, operations)
        messages = await prepared(preparer, operations) if mode == "read" else None
        for name, port in order if round_ % 2 == 0 else reversed(order):
            answers.messages = messages if name == SAME else None
            if mode == "cold" and name == "hrc bot":
                cache.clear()  # every round starts with nothing cached, and nothing is warmed
            if PROFILE and name == "hrc bot":
                PROFILE.enable()
            used = time.process_time()
            wall, latencies, answered = await load(f"http://127.0.0.1:{port}/slack/events", payloads, concurrency,
                                                   kinds if name == "hrc bot" else None)
            if PROFILE and name == "hrc bot":
                PROFILE.disable()
            cpu[name].append((time.process_time() - used) / requests)
            rates[name].append(requests / wall)
            pooled[name] += latencies
            in_ack += answered if name == "hrc bot" else 0
    total = requests * rounds
    # Answers not ready within the ack budget go through response_url: wait for those too.
    try:
        await fake.wait_for(lambda: in_ack + len(fake.responses) - before >= total, within=60)
    except AssertionError:
        pass  # reported below as fewer answers
    later = len(fake.responses) - before
    results = {
        name: (statistics.median(rates[name]), percentile(pooled[name], 0.5) * 1000, percentile(pooled[name], 0.99) * 1000)
        for name in rates
    }
    used = {name: statistics.median(values) for name, values in cpu.items()}
    for name, (rps, p50, p99) in results.items():
        print(f"  {name:14s} {rps:8.0f} req/s   p50 {p50:6.1f} ms   p99 {p99:6.1f} ms   CPU {used[name] * 1e6:5.0f} µs a request")
    print("  bot by command: " + "; ".join(
        f"{kind} ×{len(values)} p50 {percentile(values, 0.5) * 1000:.1f} / p99 {percentile(values, 0.99) * 1000:.1f} ms"
        for kind, values in sorted(kinds.items())))
    ratio = results["hrc bot"][0] / results["bare Bolt app"][0]
    target = 0.9 if mode == "read" else 0.8
    p99 = results["hrc bot"][2]
    print(f"  {mode}: ratio bot/bare {ratio:.2f} (target ≥ {target}: {'met' if ratio >= target else 'NOT met'}); "
          f"bot p99 {p99:.1f} ms (target ≤ 50: {'met' if p99 <= 50 else 'NOT met'}); "
          f"answers {in_ack} in the ack + {later} through response_url = {in_ack + later}/{total}; "
          f"reply cache {len(cache or ())} entries")
    print(f"  {mode}: by the process's CPU time: bot/bare "
          f"{used['bare Bolt app'] / used['hrc bot']:.2f}" + (f", bot / bare sending the bot's answers "
                                                             f"{used[SAME] / used['hrc bot']:.2f}" if SAME in used else ""))
    if SAME in results:
        print(f"  {mode}: bot / bare sending the bot's answers {results['hrc bot'][0] / results[SAME][0]:.2f} (what the "
              f"bot's own work costs; the bare app sending them / sending \"ok\": {results[SAME][0] / results['bare Bolt app'][0]:.2f})")
    return results


async def main(modes: list[str], cities: int, requests: int, concurrency: int, rounds: int) -> None:
    fake = await FakeSlack().start()
    # users.info answers as the directory names people (a changed name would be a write of its own).
    fake.users = {focal_user("slack", n): {"id": focal_user("slack", n), "name": f"focal{n}", "locale": "en-US",
                                            "profile": {"display_name": f"focal{n}"}} for n in range(cities)}
    fake.users |= {reader_user("slack", r): {"id": reader_user("slack", r), "name": f"reader{r}", "locale": "en-US",
                                              "profile": {"display_name": f"reader{r}"}} for r in range(READERS)}
    db = await directory_db(cities, members=2 * cities)
    names = await city_names(db)
    settings = Settings(slack=SlackSettings(bot_token="xoxb-bench", signing_secret=SIGNING_SECRET, api_url=f"{fake.url}/api/"))
    runtime = build_runtime(settings, database=db)
    watch = CacheWatch(runtime)
    await watch.check()  # what `hrc-bot run` does: warm the cache at start, then keep watching
    watch.start()
    bot_runner, bot_port = await start_http(runtime, "127.0.0.1", 0)
    answers = Answers()
    bare_runner, bare_port = await bare_app(fake.url, runtime, answers)
    preparer = build_runtime(settings, database=db)  # its own reply cache: the bot's is left as it is
    freeze_startup_heap()  # as `hrc-bot run` does once started
    # Warm-up: every reader once, and the focal points who will write (names and languages are then
    # cached, as for regular users).
    warm = [Op(False, None, r, "themes", ("themes",), {}) for r in range(READERS)]
    warm += [Op(False, op.focal, 0, "themes", ("themes",), {}) for round_ in range(rounds)
             for op in ops("mixed", requests, names, random.Random(100 + round_)) if op.focal is not None]
    await load(f"http://127.0.0.1:{bare_port}/slack/events", bodies(fake.url, warm[:50]), 5)
    print(f"{requests} signed requests per app and round, {rounds} alternating rounds, {concurrency} concurrent clients, "
          f"{cities:,} cities, {2 * cities:,} members")
    for mode in modes:
        if mode != "cold":  # as a running bot is: warmed at start (an earlier cold mode emptied it), and
            watch.seen = None  # its regular users' languages known
            await watch.check()
            freeze_startup_heap()  # a running bot's warmed cache is frozen (CacheWatch's after_warm in hrc-bot run)
            await load(f"http://127.0.0.1:{bot_port}/slack/events", bodies(fake.url, warm), 5)
        print(f"mode {mode}:")
        await run_mode(mode, fake, runtime, bot_port, bare_port, names, requests, concurrency, rounds, answers, preparer)
    print(f"peak RSS {peak_rss_mb():.0f} MB")
    if PROFILE:
        PROFILE.dump_stats(os.environ["BENCH_PROFILE"])
    await watch.stop()
    await bot_runner.cleanup()
    await bare_runner.cleanup()
    await fake.stop()
    await db.dispose()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--modes", default=",".join(MODES))
    parser.add_argument("--cities", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3, help="rounds per app, alternating")
    parser.add_argument("--quick", action="store_true", help="200 cities, 100 requests, 1 round (a smoke run)")
    args = parser.parse_args()
    if args.quick:
        args.cities, args.requests, args.rounds = 200, 100, 1
    asyncio.run(main(args.modes.split(","), args.cities, args.requests, args.concurrency, args.rounds))
