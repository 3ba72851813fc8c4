"""A short-lived cache of replies that are the same for every caller (`who`, `themes`, `day`, …).

Directory reads dominate and writes are rare. Any command that writes clears the cache in its
process at once; other instances (PostgreSQL deployments) see a change within ``ttl`` seconds.
Only replies a handler marks ``shareable`` are kept, so nothing that depends on who asks (a pending
city's card, the secretariat's lists) is ever served to someone else.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable, Hashable

from handlers.types import ParsedCommand, Reply


class ReplyCache:
    def __init__(self, ttl: float = 5.0, max_entries: int = 4096, clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl = ttl
        self.max_entries = max_entries
        self.clock = clock
        self._entries: OrderedDict[Hashable, tuple[float, Reply]] = OrderedDict()

    @staticmethod
    def key(command: ParsedCommand, locale: str) -> Hashable:
        return (command.name, command.main.strip().casefold(), tuple(sorted(command.options.items())), locale)

    def get(self, key: Hashable) -> Reply | None:
        entry = self._entries.get(key)
        if entry is None:
            return None
        stored, reply = entry
        if self.clock() - stored > self.ttl:
            del self._entries[key]
            return None
        return reply

    def put(self, key: Hashable, reply: Reply) -> None:
        self._entries[key] = (self.clock(), reply)
        self._entries.move_to_end(key)
        while len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)

    def clear(self) -> None:
        self._entries.clear()
