"""Discord interaction throughput and latency: the bot vs a bare discord.py command, in one run.

INTERACTION_CREATE for `/hrc who THEME` is dispatched from the fake gateway through the real
discord.py client (directory of 1,000 cities); beside it, a bare client whose command answers a
constant. Prints interactions/s and p50/p99 time from dispatch to the interaction callback, the
ratio, the start-up time to ready (Slack HTTP + Discord + scheduler, against the fakes) and peak RSS.

    .venv/bin/python -m bench.discord_commands [--interactions 1000] [--concurrency 20] [--rounds 3]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import random
import statistics
import time

import discord
import discord.gateway
import yarl
from discord import app_commands

from bench.dataset import THEME_SLUGS, directory_db, peak_rss_mb, percentile
from bot.cache_watch import CacheWatch
from bot.discord.service import serve, use_api
from bot.platforms import freeze_startup_heap
from bot.scheduler import PromptScheduler
from bot.settings import DiscordSettings, Settings, SlackSettings
from bot.slack.service import start_http
from bot.wiring import build_runtime
from handlers.vocab import THEME_BY_SLUG
from tests.fakes.discord_api import GUILD_ID, FakeDiscord, interaction, slash
from tests.fakes.slack_api import FakeSlack


class BareClient(discord.Client):
    def __init__(self) -> None:
        super().__init__(intents=discord.Intents(guilds=True))
        self.tree = app_commands.CommandTree(self)

        @self.tree.command(name="who", description="constant")
        async def who(interaction: discord.Interaction, theme: str) -> None:
            await interaction.response.send_message("ok", ephemeral=True)

    async def setup_hook(self) -> None:
        _shards, url, _limits = await self.http.get_bot_gateway()
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(url)


async def measure(fake: FakeDiscord, socket: int, count: int, concurrency: int, seed: int) -> tuple[float, list[float]]:
    rng = random.Random(seed)
    latencies: list[float] = []
    pending = list(range(count))
    base = 420000000000000000 + seed * 10_000_000

    async def client() -> None:
        while pending:
            n = pending.pop()
            theme = THEME_BY_SLUG[rng.choice(THEME_SLUGS)].name
            payload = interaction(2, slash(["who"], {"theme": theme}), interaction_id=str(base + n))
            arrived = fake.first_callback(payload["id"])
            start = time.perf_counter()
            await fake.dispatch("INTERACTION_CREATE", payload, socket=socket)
            await asyncio.wait_for(arrived, 60)
            latencies.append(time.perf_counter() - start)

    began = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(concurrency)))
    return time.perf_counter() - began, latencies


async def main(count: int, concurrency: int, rounds: int) -> None:
    # Both clients on one fake Discord (discord.py's REST base is process-wide), each on its own
    # gateway connection: the bare client's is socket 0, the bot's socket 1.
    fake, slack_fake = await FakeDiscord().start(), await FakeSlack().start()
    use_api(f"{fake.url}/api/v10")
    bare = BareClient()
    bare_task = asyncio.create_task(bare.start("bench-token"))
    await asyncio.wait_for(fake.ready.wait(), 15)
    fake.ready.clear()

    # The bot: Slack (HTTP) + Discord + scheduler + cache watch against the fakes, timed to ready.
    db = await directory_db(1000, platform="discord", workspace=GUILD_ID)
    settings = Settings(
        slack=SlackSettings(bot_token="xoxb-bench", signing_secret="s", api_url=f"{slack_fake.url}/api/"),
        discord=DiscordSettings(token="bench-token", guild_ids=(int(GUILD_ID),), api_url=f"{fake.url}/api/v10"),
    )
    started = time.perf_counter()
    runtime = build_runtime(settings, database=db)
    runner, _port = await start_http(runtime, "127.0.0.1", 0)
    scheduler = PromptScheduler(runtime)
    scheduler.start()
    watch = CacheWatch(runtime).start()
    task = asyncio.create_task(serve(runtime))
    await asyncio.wait_for(fake.ready.wait(), 15)
    await fake.wait_for(lambda: "discord" in runtime.notices.senders)
    startup = time.perf_counter() - started
    freeze_startup_heap()  # as `hrc-bot run` does once started

    sockets = {"bare discord.py": 0, "hrc bot": 1}
    for socket in sockets.values():
        await measure(fake, socket, 50, 5, 1 + socket)  # warm-up
    # Alternate the two clients over several rounds (a machine's speed drifts within a run): throughput
    # is the median round's, latencies are pooled over every round.
    rates: dict[str, list[float]] = {name: [] for name in sockets}
    pooled: dict[str, list[float]] = {name: [] for name in sockets}
    for round_ in range(rounds):
        order = list(sockets.items()) if round_ % 2 == 0 else list(reversed(sockets.items()))
        for name, socket in order:
            wall, latencies = await measure(fake, socket, count, concurrency, 10 + 2 * round_ + socket)
            rates[name].append(count / wall)
            pooled[name] += latencies
    results = {
        name: (statistics.median(rates[name]), percentile(pooled[name], 0.5) * 1000, percentile(pooled[name], 0.99) * 1000)
        for name in sockets
    }

    await watch.stop()
    scheduler.stop()
    for running in (task, bare_task):
        running.cancel()
        with contextlib.suppress(BaseException):
            await running
    await bare.close()
    await runner.cleanup()
    await fake.stop()
    await slack_fake.stop()
    await db.dispose()

    print(f"{count * rounds} INTERACTION_CREATE `/hrc who THEME` per client in {rounds} alternating rounds, "
          f"{concurrency} in flight, 1,000 cities")
    for name, (rate, p50, p99) in results.items():
        print(f"{name:16s} {rate:8.0f} interactions/s   p50 {p50:6.1f} ms   p99 {p99:6.1f} ms")
    ratio = results["hrc bot"][0] / results["bare discord.py"][0]
    print(f"throughput ratio bot/bare: {ratio:.2f} (target >= 0.8); bot p99 {results['hrc bot'][2]:.1f} ms (target <= 50)")
    print(f"start-up to ready (Slack HTTP + Discord + scheduler, fakes): {startup:.2f} s (target <= 2); "
          f"peak RSS {peak_rss_mb():.0f} MB (target <= 150)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--interactions", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3, help="rounds per client, alternating")
    args = parser.parse_args()
    asyncio.run(main(args.interactions, args.concurrency, args.rounds))
