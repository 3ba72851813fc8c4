"""Keep this instance's reply cache true to the database, and warm it.

Every ``every`` seconds, read the data version (one indexed single-row read). When it moved (a write
here, on another instance, or by a CLI command), read what the versions in between changed
(``data_changes``) and drop only the replies that show it (``ReplyCache.invalidate``). At start, or
when those versions are no longer recorded (or one was a bulk change), drop everything and fill the
city cards again (100 a query) and the `who` lists, so they are answered from memory from the first ask. Writes
made by this process's own commands already invalidated its cache; the poll is what reaches the
other instances. The versions this process's commands wrote are left out (``ReplyCache.applied``): dropping
them again would make the next reader rebuild a `who` list already rebuilt after the write.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable

from bot.wiring import Runtime
from handlers.cache import ReplyCache
from handlers.cities import shared_city_cards
from handlers.dispatch import handle
from handlers.types import Actor, ParsedCommand, Place, Request
from handlers.vocab import THEMES
from storage.queries import versions

logger = logging.getLogger(__name__)
CHECK_EVERY_SECONDS = 2.0


class CacheWatch:
    """``after_warm``: called once, when the first warm-up is done (``hrc-bot run`` freezes the heap then)."""

    def __init__(self, runtime: Runtime, *, every: float = CHECK_EVERY_SECONDS,
                 after_warm: Callable[[], None] | None = None) -> None:
        self.runtime = runtime
        self.every = every
        self.after_warm = after_warm
        self.seen: int | None = None
        self._task: asyncio.Task[None] | None = None
        self._stopping = asyncio.Event()
        self._checking = asyncio.Lock()

    async def check(self) -> bool:
        """Invalidate (or clear and warm) the cache if the data changed since the last check; True when it did.
        Checks never overlap (a warm-up takes a while at 10,000 cities)."""
        async with self._checking:
            return await self._check()

    async def _check(self) -> bool:
        cache = self.runtime.ctx.cache
        if cache is None:
            return False
        async with self.runtime.db.transaction(write=False) as session:
            version = await versions.current(session)
            if version == self.seen:
                return False
            changed = (await versions.changes_since(session, self.seen, version, skip=cache.applied)
                       if self.seen is not None else None)
            if changed is not None and versions.EVERYTHING not in changed:
                dropped = cache.invalidate(changed)
                generation = cache.generation
                # The cards of the cities that changed are read again at once (a few rows).
                ids = sorted(versions.city_ids(changed))
                cards = await shared_city_cards(session, ids=ids) if ids else []
                cache.put_many(((ReplyCache.key(command, "en"), reply) for command, reply in cards), generation=generation)
                self.seen = version
                logger.debug("reply cache: data version %s, %d replies dropped (%s)", version, dropped, ", ".join(sorted(changed)))
                return True
            first, began = self.seen is None, time.perf_counter()
            cache.clear()
            generation = cache.generation
            cards = await shared_city_cards(session)
        kept = cache.put_many(((ReplyCache.key(command, "en"), reply) for command, reply in cards), generation=generation)
        # A write during the warm-up dropped some cards: they are read on first ask. Cards kept are current.
        self.seen = version
        lists = await self.warm_lists()
        # At start (or after a failed check) operators see when replies come from memory; later, debug.
        logger.log(logging.INFO if first else logging.DEBUG, "reply cache warmed: %d city cards and %d lists in %.2f s "
                   "(data version %s)", kept, lists, time.perf_counter() - began, version)
        if self.after_warm is not None:
            self.after_warm, after_warm = None, self.after_warm
            after_warm()
        return True

    async def warm_lists(self) -> int:
        """`who THEME` for every theme, and `themes`, answered once through the dispatcher (so cached as
        any reply is): at 10,000 cities a `who` lists ~1,300 of them, ~15 ms of work that the first
        askers would otherwise wait for. One at a time, so commands are served in between. Returns how
        many were answered."""
        ctx = self.runtime.ctx
        actor, place = Actor("console", "local", "cache-warmer", "cache"), Place("console", "local", "cache")
        commands = (ParsedCommand("themes"), *(ParsedCommand("who", main=theme.slug) for theme in THEMES))
        for command in commands:
            await handle(ctx, Request(actor=actor, place=place, command=command, locale="en"))
        return len(commands)

    async def _loop(self) -> None:
        while not self._stopping.is_set():
            try:
                await self.check()
            except asyncio.CancelledError:
                raise
            except Exception as error:  # noqa: BLE001 - a database hiccup must not stop the watch
                logger.warning("reply cache check failed (%s); clearing it", type(error).__name__)
                if self.runtime.ctx.cache is not None:
                    self.runtime.ctx.cache.clear()
                self.seen = None
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), self.every)

    def start(self) -> CacheWatch:
        self._task = asyncio.get_running_loop().create_task(self._loop(), name="hrc-cache-watch")
        return self

    async def stop(self, grace: float = 5.0) -> None:
        """Stop after the check in progress (never cancelled mid-query: see bot/shutdown.py)."""
        self._stopping.set()
        if self._task is not None:
            done, _ = await asyncio.wait({self._task}, timeout=grace)
            if not done:
                self._task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await self._task
            self._task = None
