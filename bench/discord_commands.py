"""Discord interaction throughput and latency: the bot vs a bare discord.py command, in one run.

INTERACTION_CREATE is dispatched from the fake gateway through the real discord.py client (a directory of
10,000 cities), in each mode of ``bench.workload`` (read, cold cache, mixed with 10 % writes: `/city theme
add|remove`, `/practices share`, `/subscriptions add` among `/who` and `/city profile`); beside it, a bare
client whose one command answers a constant (sent `/who` for every interaction). Prints interactions/s and
p50/p99 time from dispatch to the interaction callback, the process's CPU time per interaction (the fake,
the load generator and the clients share the process; on this kind of machine it moved as much from run
to run as wall time did), the ratio per mode (targets: read ≥ 0.9, mixed ≥ 0.8,
p99 ≤ 50 ms), the start-up time to ready (Slack HTTP + Discord + scheduler, against the fakes) and peak RSS.

In read mode the bare client also answers each interaction with the bot's own answer to it (embeds, allowed
mentions, buttons; built before the round by a second runtime, so the bot's caches are not warmed by it):
what discord.py and the fake cost to send those answers; the bot against that client is what the bot's
own work (parsing, the core, the cache, the layout) costs on top ("bot / bare sending the bot's answers").

    .venv/bin/python -m bench.discord_commands [--modes read,cold,mixed] [--cities 10000] [--interactions 1000]
                                               [--concurrency 20] [--rounds 3] [--quick]

With ``BENCH_PROFILE=FILE`` the bot's rounds are cProfiled into FILE, the bare client's into FILE.bare, and
(read mode) the bare client sending the bot's answers into FILE.same.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import cProfile
import os
import random
import statistics
import time

import discord
import discord.gateway
import yarl
from discord import app_commands

from bench.dataset import city_names, directory_db, focal_user, peak_rss_mb, percentile, reader_user, rss_mb
from bench.workload import MODES, READERS, Op, ops
from bot.cache_watch import CacheWatch
from bot.discord.interactions import buttons
from bot.discord.render import _render_pages
from bot.discord.service import serve, use_api
from bot.discord.views import page_command, page_view
from bot.platforms import freeze_startup_heap
from bot.scheduler import PromptScheduler
from bot.settings import DiscordSettings, Settings, SlackSettings
from bot.slack.service import start_http
from bot.wiring import Runtime, build_runtime
from handlers.dispatch import parse_or_none
from handlers.types import Actor, Place, Request, Visibility
from tests.fakes.discord_api import CHANNEL_ID, GUILD_ID, FakeDiscord, interaction, slash
from tests.fakes.slack_api import FakeSlack

# BENCH_PROFILE=FILE: cProfile the bot's rounds into FILE and the bare client's into FILE.bare (the load
# generator and the fake Discord run in the same process, so both profiles include them: compare the two).
PROFILES = {1: cProfile.Profile(), 0: cProfile.Profile(), 2: cProfile.Profile()} if os.environ.get("BENCH_PROFILE") else {}


class BareClient(discord.Client):
    def __init__(self) -> None:
        super().__init__(intents=discord.Intents(guilds=True))
        self.tree = app_commands.CommandTree(self)

        # With ``answers``, the option is the interaction's number and the answer is the bot's (``prepared``).
        self.answers: list[Prepared] | None = None

        @self.tree.command(name="who", description="constant")
        async def who(interaction: discord.Interaction, theme: str) -> None:
            if self.answers is None:
                await interaction.response.send_message("ok", ephemeral=True)
                return
            embeds, allowed, view, ephemeral = self.answers[int(theme)]
            extra = {"view": view} if view is not None else {}
            await interaction.response.send_message(embeds=embeds, allowed_mentions=allowed, ephemeral=ephemeral, **extra)

    async def setup_hook(self) -> None:
        _shards, url, _limits = await self.http.get_bot_gateway()
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(url)


SAME = "bare, bot's answers"  # the bare client sending the bot's answers (read mode)
Prepared = tuple[list[discord.Embed], discord.AllowedMentions, "discord.ui.View | None", bool]


async def prepared(runtime: Runtime, operations: list[Op]) -> list[Prepared]:
    """The first message the bot sends for each of ``operations`` (reads only), as ``send_reply`` makes it,
    with the layout functions that keep nothing (``_render_pages``, ``page_view``): what the bot's own
    render memo holds is left as it was."""
    out: list[Prepared] = []
    place = Place("discord", GUILD_ID, CHANNEL_ID, name="general", can_post=True)
    for op in operations:
        user = focal_user("discord", op.focal) if op.focal is not None else reader_user("discord", op.reader)
        command = parse_or_none(op.text)
        assert command is not None and not op.writes
        reply = await runtime.answer(Request(actor=Actor("discord", GUILD_ID, user, "ana"), place=place, command=command,
                                             locale="en-US"))
        pages = _render_pages(reply)
        again = page_command(command) if len(pages) > 1 and not reply.preview else None
        view = page_view(reply, again, 1, len(pages)) if again else buttons(reply)
        out.append(([pages[0][0]], pages[0][1], view, reply.visibility is not Visibility.CHANNEL or reply.is_error))
    return out


async def measure(fake: FakeDiscord, socket: int, operations: list[Op], concurrency: int, seed: int,
                  bare: bool, same: bool = False) -> tuple[float, list[float], dict[str, list[float]]]:
    """Wall time, latencies, and latencies by command (``theme add``, ``who``…)."""
    latencies: list[float] = []
    kinds: dict[str, list[float]] = {}
    pending = list(enumerate(operations))
    base = 420000000000000000 + seed * 10_000_000

    async def client() -> None:
        while pending:
            n, op = pending.pop()
            user = focal_user("discord", op.focal) if op.focal is not None else reader_user("discord", op.reader)
            data = (slash(["who"], {"theme": str(n) if same else "Housing"}) if bare
                    else slash(list(op.path), op.options))
            payload = interaction(2, data, interaction_id=str(base + n), user_id=user)
            arrived = fake.first_callback(payload["id"])
            start = time.perf_counter()
            await fake.dispatch("INTERACTION_CREATE", payload, socket=socket)
            await asyncio.wait_for(arrived, 60)
            latencies.append(time.perf_counter() - start)
            # Nothing reads what the fake recorded: dropped at once, or its bodies (the bot's embeds) would
            # pile up in this process and every full GC pass would walk them (a real Discord keeps them).
            fake.calls.clear()
            words = op.text.split()
            kinds.setdefault(" ".join(words[:2] if words[0] == "theme" else words[:1]), []).append(latencies[-1])

    began = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(concurrency)))
    return time.perf_counter() - began, latencies, kinds


async def main(modes: list[str], cities: int, count: int, concurrency: int, rounds: int) -> None:
    # Both clients on one fake Discord (discord.py's REST base is process-wide), each on its own
    # gateway connection: the bare client's is socket 0, the bot's socket 1.
    fake, slack_fake = await FakeDiscord().start(), await FakeSlack().start()
    use_api(f"{fake.url}/api/v10")
    bare = BareClient()
    bare_task = asyncio.create_task(bare.start("bench-token"))
    await asyncio.wait_for(fake.ready.wait(), 15)
    fake.ready.clear()

    # The bot: Slack (HTTP) + Discord + scheduler + cache watch against the fakes, timed to ready.
    db = await directory_db(cities, platform="discord", workspace=GUILD_ID, members=2 * cities)
    settings = Settings(
        slack=SlackSettings(bot_token="xoxb-bench", signing_secret="s", api_url=f"{slack_fake.url}/api/"),
        discord=DiscordSettings(token="bench-token", guild_ids=(int(GUILD_ID),), api_url=f"{fake.url}/api/v10"),
    )
    started = time.perf_counter()
    runtime = build_runtime(settings, database=db)
    runner, _port = await start_http(runtime, "127.0.0.1", 0)
    scheduler = PromptScheduler(runtime)
    scheduler.start()
    watch = CacheWatch(runtime, after_warm=freeze_startup_heap).start()  # as `hrc-bot run` (bot/platforms.py)
    task = asyncio.create_task(serve(runtime))
    await asyncio.wait_for(fake.ready.wait(), 15)
    await fake.wait_for(lambda: "discord" in runtime.notices.senders)
    startup = time.perf_counter() - started
    freeze_startup_heap()  # as `hrc-bot run` does once started

    sockets = {"bare discord.py": 0, "hrc bot": 1}
    preparer = build_runtime(settings, database=db)  # its own reply cache: the bot's is left as it is
    names = await city_names(db)
    # Warm-up: every reader once, and the focal points who will write (their languages are then cached,
    # as for regular users).
    warm = [Op(False, None, r, "themes", ("campaign", "themes"), {}) for r in range(READERS)]
    warm += [Op(False, op.focal, 0, "themes", ("campaign", "themes"), {}) for round_ in range(rounds)
             for op in ops("mixed", count, names, random.Random(100 + round_)) if op.focal is not None]
    for socket in sockets.values():
        await measure(fake, socket, warm, 5, 1 + socket, bare=socket == 0)
    # Let start-up's background work settle (the first scheduler tick, Discord events sync, the cache
    # warm-up), as it has on a bot that has been running for a few seconds.
    await asyncio.sleep(5)
    await watch.check()
    warm_rss = rss_mb()
    cache = runtime.ctx.cache
    assert cache is not None
    results: dict[str, dict[str, tuple[float, float, float]]] = {}
    for mode in modes:
        if mode != "cold":  # as a running bot is: warmed (an earlier cold mode emptied it), and its
            watch.seen = None  # regular users' languages known
            await watch.check()
            freeze_startup_heap()  # a running bot's warmed cache is frozen (after_warm above)
            await measure(fake, 1, warm, 5, 3, bare=False)
        # Alternate the two clients over several rounds (a machine's speed drifts within a run): throughput
        # is the median round's, latencies are pooled over every round.
        clients = dict(sockets) | ({SAME: 0} if mode == "read" else {})
        rates: dict[str, list[float]] = {name: [] for name in clients}
        pooled: dict[str, list[float]] = {name: [] for name in clients}
        cpu: dict[str, list[float]] = {name: [] for name in clients}  # the process's CPU seconds per interaction
        kinds: dict[str, list[float]] = {}
        for round_ in range(rounds):
            operations = ops(mode, count, names, random.Random(100 + round_))
            answers = await prepared(preparer, operations) if SAME in clients else None
            order = list(clients.items()) if round_ % 2 == 0 else list(reversed(clients.items()))
            for name, socket in order:
                if mode == "cold" and socket == 1:
                    cache.clear()  # every round starts with nothing cached, and nothing is warmed
                bare.answers = answers if name == SAME else None
                if PROFILES:
                    PROFILES[2 if name == SAME else socket].enable()
                used = time.process_time()
                wall, latencies, by_kind = await measure(fake, socket, operations, concurrency, 10 + 2 * round_ + socket,
                                                         bare=socket == 0, same=name == SAME)
                cpu[name].append((time.process_time() - used) / count)
                if PROFILES:
                    PROFILES[2 if name == SAME else socket].disable()
                rates[name].append(count / wall)
                pooled[name] += latencies
                if socket == 1:
                    for kind, values in by_kind.items():
                        kinds.setdefault(kind, []).extend(values)
        results[mode] = {
            name: (statistics.median(rates[name]), percentile(pooled[name], 0.5) * 1000, percentile(pooled[name], 0.99) * 1000)
            for name in clients
        }
        results[mode]["by command"] = kinds  # type: ignore[assignment]
        results[mode]["cpu"] = {name: statistics.median(values) for name, values in cpu.items()}  # type: ignore[assignment]

    if PROFILES:
        PROFILES[1].dump_stats(os.environ["BENCH_PROFILE"])
        PROFILES[0].dump_stats(os.environ["BENCH_PROFILE"] + ".bare")
        PROFILES[2].dump_stats(os.environ["BENCH_PROFILE"] + ".same")
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

    print(f"{count} interactions per client and round, {rounds} alternating rounds, {concurrency} in flight, "
          f"{cities:,} cities, {2 * cities:,} members")
    for mode, by_name in results.items():
        kinds = by_name.pop("by command")  # type: ignore[arg-type]
        used: dict[str, float] = by_name.pop("cpu")  # type: ignore[arg-type,assignment]
        print(f"mode {mode}:")
        for name, (rate, p50, p99) in by_name.items():
            print(f"  {name:16s} {rate:8.0f} interactions/s   p50 {p50:6.1f} ms   p99 {p99:6.1f} ms   "
                  f"CPU {used[name] * 1e6:5.0f} µs an interaction")
        print("  bot by command: " + "; ".join(
            f"{kind} ×{len(values)} p50 {percentile(values, 0.5) * 1000:.1f} / p99 {percentile(values, 0.99) * 1000:.1f} ms"
            for kind, values in sorted(kinds.items())))  # type: ignore[union-attr]
        ratio = by_name["hrc bot"][0] / by_name["bare discord.py"][0]
        target, p99 = (0.9 if mode == "read" else 0.8), by_name["hrc bot"][2]
        print(f"  {mode}: ratio bot/bare {ratio:.2f} (target ≥ {target}: {'met' if ratio >= target else 'NOT met'}); "
              f"bot p99 {p99:.1f} ms (target ≤ 50: {'met' if p99 <= 50 else 'NOT met'})")
        print(f"  {mode}: by the process's CPU time: bot/bare "
              f"{used['bare discord.py'] / used['hrc bot']:.2f}" + (f", bot / bare sending the bot's answers "
                                                                   f"{used[SAME] / used['hrc bot']:.2f}" if SAME in used else ""))
        if SAME in by_name:
            print(f"  {mode}: bot / bare sending the bot's answers {by_name['hrc bot'][0] / by_name[SAME][0]:.2f} "
                  f"(what the bot's own work costs; the bare client sending them / sending \"ok\": "
                  f"{by_name[SAME][0] / by_name['bare discord.py'][0]:.2f})")
    print(f"start-up to ready (Slack HTTP + Discord + scheduler, fakes, {cities:,} cities): {startup:.2f} s (target <= 2); "
          f"RSS with the directory warm {warm_rss:.0f} MB (target <= 200; the process also holds the fakes, the bare "
          f"client and the generated data); peak RSS {peak_rss_mb():.0f} MB")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--modes", default=",".join(MODES))
    parser.add_argument("--cities", type=int, default=10_000)
    parser.add_argument("--interactions", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3, help="rounds per client, alternating")
    parser.add_argument("--quick", action="store_true", help="200 cities, 100 interactions, 1 round (a smoke run)")
    args = parser.parse_args()
    if args.quick:
        args.cities, args.interactions, args.rounds = 200, 100, 1
    asyncio.run(main(args.modes.split(","), args.cities, args.interactions, args.concurrency, args.rounds))
