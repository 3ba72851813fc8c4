"""Run every chat platform whose tokens are set, in one process on one database.

Each platform module exposes ``async def serve(runtime) -> None`` that connects, registers its
sender with ``runtime.notices`` and runs until cancelled. A platform that fails (bad token, outage)
is restarted with exponential backoff; it never stops the others.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import random
from collections.abc import Awaitable, Callable

from aiohttp import web

from bot.settings import Settings
from bot.wiring import Runtime, build_runtime

logger = logging.getLogger(__name__)

Serve = Callable[[Runtime], Awaitable[None]]
BACKOFF_START, BACKOFF_MAX = 1.0, 300.0


async def supervise(name: str, serve: Serve, runtime: Runtime, *, sleep: Callable[[float], Awaitable[None]] = asyncio.sleep) -> None:
    delay = BACKOFF_START
    while True:
        try:
            await serve(runtime)
            logger.warning("%s stopped; restarting", name)
            delay = BACKOFF_START
        except asyncio.CancelledError:
            raise
        except Exception as error:  # noqa: BLE001 - any failure of one platform must not stop the others
            # Log the type and message only: library errors can echo request headers.
            logger.error("%s failed (%s: %s); retrying in %.0f s", name, type(error).__name__, str(error)[:200], delay)
        await sleep(delay * (0.8 + 0.4 * random.random()))
        delay = min(delay * 2, BACKOFF_MAX)


def enabled_platforms(settings: Settings) -> list[tuple[str, Serve]]:
    services: list[tuple[str, Serve]] = []
    if settings.slack.enabled:
        from bot.slack.service import serve as serve_slack

        services.append(("slack", serve_slack))
    if settings.discord.enabled:
        from bot.discord.service import serve as serve_discord

        services.append(("discord", serve_discord))
    return services


FULL_GC_AFTER = 1000  # gen-1 collections between two full ones (CPython's default: 10)
# Net new container objects between two young collections (CPython's default: 700; 3.13 made it 2,000).
# Each young pass cost ~0.4 ms here whatever its size, ~2,400 of them per 16,000 Discord interactions: at
# 5,000 there were ~110, and the collector's time in that run fell from ~1.3 s to ~0.5 s. A `who` at 10,000
# cities holds 5,000–8,000 new objects at once (its rows and lines), freed by their reference counts once it is
# answered: at 5,000 each one paid a young pass of ~1 ms over them; at 20,000, 400 of them in a row ran none,
# and the bot process's memory after its load is the same (bench/README.md).
YOUNG_GC_AFTER = 20_000


def freeze_startup_heap() -> None:
    """Take what start-up allocated (modules, vocabularies, the calendar) out of the cyclic GC's reach.
    Otherwise every full collection walks it all again: ~90 ms pauses that stalled every command in flight
    (bench/README.md). Called again once the reply cache is warm: 10,000 city cards are ~200,000 objects
    that full collections walked for 20-90 ms each (bench/bot_process.py). Later objects are collected as usual,
    except that full collections wait for ``FULL_GC_AFTER`` young-generation passes instead of 10: what grows
    after the warm-up (bounded memos of rendered lines and replies, ~1M objects) made each one a 33-41 ms pause,
    the bot's p99 on Discord (bench/README.md). Most garbage is freed by reference counts or the young passes,
    which run every ``YOUNG_GC_AFTER`` new objects instead of 700."""
    gc.collect()
    gc.freeze()
    _young, middle, _full = gc.get_threshold()
    gc.set_threshold(YOUNG_GC_AFTER, middle, FULL_GC_AFTER)


async def start_own_web(runtime: Runtime) -> web.AppRunner | None:
    """Serve ``/healthz`` and ``/calendar.ics`` on HOST:PORT unless Slack's HTTP mode serves them (with
    ``/slack/events``) on that port already. A port in use is logged, not fatal: chat comes first."""
    slack = runtime.settings.slack
    if slack.enabled and not slack.socket_mode:
        return None
    from bot.web import start_web, web_app

    try:
        runner, port = await start_web(web_app(runtime), runtime.settings.host, runtime.settings.port)
    except OSError as error:
        logger.error("HTTP server not started on %s:%s (%s): no /healthz or /calendar.ics",
                     runtime.settings.host, runtime.settings.port, error)
        return None
    logger.info("HTTP server on %s:%s (/healthz, /calendar.ics)", runtime.settings.host, port)
    return runner


async def run_platforms(settings: Settings, *, runtime: Runtime | None = None, stop: asyncio.Event | None = None) -> int:
    """Serve every enabled platform until SIGTERM/SIGINT (or ``stop`` is set), then stop gracefully
    (bot/shutdown.py) and return 0."""
    from bot.broadcast import start_broadcasts
    from bot.cache_watch import CacheWatch
    from bot.scheduler import PromptScheduler
    from bot.shutdown import GRACE_SECONDS, on_stop_signals, settle

    runtime = runtime or build_runtime(settings)
    stop = stop or asyncio.Event()
    undo_signals = on_stop_signals(stop.set)
    services = enabled_platforms(settings)
    names = ", ".join(name for name, _ in services)
    logger.info("starting %s", names)
    # The scheduler sends only through platforms whose sender is registered (connected) at tick time.
    scheduler = PromptScheduler(runtime)
    scheduler.start()
    broadcasts = start_broadcasts(runtime)
    # The warm-up runs after readiness (10,000 cards: a few seconds); its cards are frozen when it is done.
    cache_watch = CacheWatch(runtime, after_warm=freeze_startup_heap).start()
    web_runner = await start_own_web(runtime)
    freeze_startup_heap()
    serving = asyncio.gather(*(supervise(name, serve, runtime) for name, serve in services))
    stopping = asyncio.ensure_future(stop.wait())
    try:
        await asyncio.wait({serving, stopping}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + GRACE_SECONDS
        logger.info("stopping: finishing what is in hand (at most %.0f s)", GRACE_SECONDS)
        stopping.cancel()
        scheduler.stop()
        # Broadcasts first, while the platforms' clients can still finish the calls in flight.
        await broadcasts.stop(grace=GRACE_SECONDS / 2)
        await cache_watch.stop(grace=1.0)
        serving.cancel()  # each platform stops listening and closes its connections
        await asyncio.wait({serving}, timeout=max(deadline - loop.time() - 1.0, 0.1))
        if serving.done():
            with contextlib.suppress(BaseException):  # cancelled, as asked: retrieved so nothing is logged
                serving.result()
        await settle(None, deadline - 0.5)  # commands still being answered, a scheduler tick
        if web_runner is not None:
            await web_runner.cleanup()
        await runtime.close()  # the engine last
        undo_signals()
        logger.info("stopped")
    return 0
