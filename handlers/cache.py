"""A cache of replies that are the same for every caller (`who`, `themes`, `day`, a verified city's card),
and of each person's language preferences.

Directory reads dominate and writes are rare. Entries stay until the data they show changes, and only
those: each reply says which **scopes** it shows (``Reply.cache_scopes``, e.g. ``theme:housing`` for
`who housing`, ``city:12`` for a card; None: everything), each commit says which scopes it changed
(``storage.queries.versions``), and ``invalidate`` drops the entries whose scopes meet those. A command
that writes invalidates this process's cache at once (``handlers.dispatch``); ``bot.cache_watch``
invalidates it for writes by other instances or CLI commands, read from the database. Replies that also
depend on the date (`days`, `day`) are kept at most ``timely_ttl`` seconds.

Only replies a handler marks ``shareable`` are kept, so nothing that depends on who asks (a pending
city's card, the secretariat's lists) is ever served to someone else.

A reply (or language) computed while a write it depends on was committing must not be kept: callers read
``generation`` before their query and pass it to ``put``; ``put`` refuses when an invalidation since then
met the reply's scopes.
"""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict, deque
from collections.abc import Callable, Hashable, Iterable

from handlers.roster import Rosters
from handlers.types import ParsedCommand, Reply

EVERYTHING = "*"
LANGUAGES = "languages"  # the scope of every person's language (a city's languages, who is whose focal point)
_RECENT = 512  # invalidations remembered for ``put``'s check; an older generation is refused
_APPLIED = 4096  # data versions this process's own commits already invalidated (``applied``)


class ReplyCache:
    def __init__(self, timely_ttl: float = 60.0, max_entries: int = 16384, clock: Callable[[], float] = time.monotonic) -> None:
        self.timely_ttl = timely_ttl
        self.max_entries = max_entries
        self.clock = clock
        self.generation = 0  # moves on every invalidation
        self._recent: deque[tuple[int, frozenset[str]]] = deque(maxlen=_RECENT)  # (generation after, scopes)
        self._entries: OrderedDict[Hashable, tuple[float | None, Reply, frozenset[str] | None]] = OrderedDict()
        self._by_scope: dict[str, set[Hashable]] = {}
        self._unscoped: set[Hashable] = set()  # replies that show everything
        # Per person ("platform:user|workspace"): (language chosen with `/hrc language`, their city's languages).
        self.languages: dict[str, tuple[str | None, str]] = {}
        # Replies being computed: a miss asked by many at once (20 people after `who housing` was dropped)
        # is computed once, and the others wait for it.
        self._flights: dict[Hashable, asyncio.Future[Reply | None]] = {}
        # Data versions whose scopes were dropped right after this process's own commit: the database
        # watch (bot.cache_watch) leaves them out instead of dropping the rebuilt replies again.
        self.applied: set[int] = set()
        self._applied_order: deque[int] = deque()
        # Each theme's verified cities, patched city by city on a change (`who` is rebuilt from them); none
        # when no reply is kept (``max_entries=0``: bench/directory.py measures the queries themselves).
        self.rosters = Rosters() if max_entries > 0 else None

    @staticmethod
    def key(command: ParsedCommand, locale: str) -> Hashable:
        return (command.name, command.main.strip().casefold(), tuple(sorted(command.options.items())), locale)

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: Hashable) -> Reply | None:
        entry = self._entries.get(key)
        if entry is None:
            return None
        expires, reply, _scopes = entry
        if expires is not None and self.clock() >= expires:
            self._drop(key)
            return None
        return reply

    def _stale_since(self, generation: int, scopes: frozenset[str] | None) -> bool:
        """True when an invalidation after ``generation`` met ``scopes`` (or cannot be told)."""
        if generation == self.generation:
            return False
        if generation > self.generation or not self._recent or self._recent[0][0] > generation + 1:
            return True  # older than what is remembered
        for after, changed in self._recent:
            if after > generation and (scopes is None or EVERYTHING in changed or not scopes.isdisjoint(changed)):
                return True
        return False

    def put(self, key: Hashable, reply: Reply, *, generation: int) -> bool:
        """Keep ``reply`` unless data it shows changed since ``generation`` was read; True when kept."""
        scopes = reply.cache_scopes
        if not reply.shareable or reply.is_error or self._stale_since(generation, scopes):
            return False
        if key in self._entries:
            self._drop(key)
        expires = self.clock() + self.timely_ttl if reply.timely else None
        self._entries[key] = (expires, reply, scopes)
        if scopes is None:
            self._unscoped.add(key)
        else:
            for scope in scopes:
                self._by_scope.setdefault(scope, set()).add(key)
        while len(self._entries) > self.max_entries:
            self._drop(next(iter(self._entries)))
        return True

    def in_flight(self, key: Hashable) -> asyncio.Future[Reply | None] | None:
        """The computation of ``key`` under way, if any: its result is the reply kept, or None (not kept:
        compute your own)."""
        return self._flights.get(key)

    def start_flight(self, key: Hashable) -> asyncio.Future[Reply | None] | None:
        """Say ``key`` is being computed; None when someone else already is (then just compute)."""
        if key in self._flights:
            return None
        flight = self._flights[key] = asyncio.get_running_loop().create_future()
        return flight

    def end_flight(self, key: Hashable, flight: asyncio.Future[Reply | None] | None, kept: Reply | None) -> None:
        """Hand ``kept`` (the reply ``put`` kept, or None) to those waiting for ``flight``."""
        if flight is None:
            return
        if self._flights.get(key) is flight:
            del self._flights[key]
        if not flight.done():
            flight.set_result(kept)

    def put_many(self, entries: Iterable[tuple[Hashable, Reply]], *, generation: int) -> int:
        return sum(self.put(key, reply, generation=generation) for key, reply in entries)

    def _drop(self, key: Hashable) -> None:
        _expires, _reply, scopes = self._entries.pop(key)
        if scopes is None:
            self._unscoped.discard(key)
            return
        for scope in scopes:
            keys = self._by_scope.get(scope)
            if keys is not None:
                keys.discard(key)
                if not keys:
                    del self._by_scope[scope]

    def language(self, person: str) -> tuple[str | None, str] | None:
        return self.languages.get(person)

    def put_language(self, person: str, found: tuple[str | None, str], *, generation: int, limit: int) -> bool:
        """Remember ``person``'s preferences read at ``generation`` (at most ``limit`` people)."""
        if self._stale_since(generation, frozenset({LANGUAGES, "member:" + person})):
            return False
        if len(self.languages) >= limit:
            self.languages.clear()
        self.languages[person] = found
        return True

    def invalidate(self, scopes: Iterable[str], *, version: int | None = None) -> int:
        """Drop the replies and languages that show any of ``scopes`` (``*``: everything); the number of
        replies dropped. ``version``: the data version whose commit changed ``scopes`` (noted in
        ``applied``, the last 4,096 kept)."""
        if version is not None:
            self.applied.add(version)
            self._applied_order.append(version)
            if len(self._applied_order) > _APPLIED:
                self.applied.discard(self._applied_order.popleft())
        changed = frozenset(scopes)
        if not changed:
            return 0
        if EVERYTHING in changed:
            dropped = len(self._entries)
            self.clear()
            return dropped
        if self.rosters is not None:
            self.rosters.invalidate(changed)
        self.generation += 1
        self._recent.append((self.generation, changed))
        keys = set(self._unscoped)
        for scope in changed:
            keys |= self._by_scope.get(scope, set())
        for key in keys:
            self._drop(key)
        if LANGUAGES in changed:
            self.languages.clear()
        else:
            for scope in changed:
                if scope.startswith("member:"):
                    self.languages.pop(scope.removeprefix("member:"), None)
        return len(keys)

    def clear(self) -> None:
        self.generation += 1
        self._recent.append((self.generation, frozenset({EVERYTHING})))
        self._entries.clear()
        self._by_scope.clear()
        self._unscoped.clear()
        self.languages.clear()
        if self.rosters is not None:
            self.rosters.clear()
