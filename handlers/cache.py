"""A cache of replies that are the same for every caller (`who`, `themes`, `day`, a verified city's card).

Directory reads dominate and writes are rare. Entries stay until the data they show changes:
a command that writes clears this process's cache at once, and ``bot.cache_watch`` clears it when
the data version in the database moves (a write by another instance or a CLI command). Replies that
also depend on the date (`days`, `day`) are kept at most ``timely_ttl`` seconds.

Only replies a handler marks ``shareable`` are kept, so nothing that depends on who asks (a pending
city's card, the secretariat's lists) is ever served to someone else.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable

from handlers.types import ParsedCommand, Reply


class ReplyCache:
    def __init__(self, timely_ttl: float = 60.0, max_entries: int = 8192, clock: Callable[[], float] = time.monotonic) -> None:
        self.timely_ttl = timely_ttl
        self.max_entries = max_entries
        self.clock = clock
        self.generation = 0  # moves on every clear(): a reply computed before a clear is never stored after it
        self._entries: OrderedDict[Hashable, tuple[float | None, Reply]] = OrderedDict()
        # Per person: (language chosen with `/hrc language`, their city's languages); cleared with the rest.
        self.languages: dict[str, tuple[str | None, str]] = {}

    @staticmethod
    def key(command: ParsedCommand, locale: str) -> Hashable:
        return (command.name, command.main.strip().casefold(), tuple(sorted(command.options.items())), locale)

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: Hashable) -> Reply | None:
        entry = self._entries.get(key)
        if entry is None:
            return None
        expires, reply = entry
        if expires is not None and self.clock() >= expires:
            del self._entries[key]
            return None
        return reply

    def put(self, key: Hashable, reply: Reply, *, generation: int) -> bool:
        """Keep ``reply`` unless the cache was cleared since ``generation`` was read; True when kept."""
        if generation != self.generation or not reply.shareable or reply.is_error:
            return False
        expires = self.clock() + self.timely_ttl if reply.timely else None
        self._entries[key] = (expires, reply)
        self._entries.move_to_end(key)
        while len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)
        return True

    def put_many(self, entries: Iterable[tuple[Hashable, Reply]], *, generation: int) -> int:
        return sum(self.put(key, reply, generation=generation) for key, reply in entries)

    def clear(self) -> None:
        self.generation += 1
        self._entries.clear()
        self.languages.clear()
