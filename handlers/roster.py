"""Who works on each theme, kept in memory and patched city by city on a change (`who THEME`).

At the campaign's 2030 size a `who` lists ~1,300 verified cities with their focal points: ~10 ms of
query and rows to read again. The reply cache drops a theme's lists at every change they show, and a
`theme add` / `theme remove` by any city comes every few dozen requests in real use. So each theme's
cities are kept here as rows, in `who`'s order, and a change marks only the cities it names (their
``city:ID`` scopes, which every change to a city's row, themes or focal points carries) as stale in
every roster; the next `who` re-reads those cities alone (one small query) and puts them back in place.
A change that names no city but shows in a roster (a person's name: ``members``; everything: ``*``)
drops the rosters, read again whole on next use.

Lives in the reply cache (``ReplyCache.rosters``), so it is on exactly when replies are cached, and
its rows are as fresh as the cache's: this process's own writes mark them at once, other instances'
through ``bot.cache_watch``. A write that lands while a roster is being read marks its cities again,
so they are re-read on the next use (the reply built meanwhile is refused by ``ReplyCache.put``).
"""

from __future__ import annotations

import asyncio
import bisect
from collections.abc import Iterable

from sqlalchemy.ext.asyncio import AsyncSession

from storage.queries.cities import CityLine, RosterKey, theme_roster
from storage.queries.versions import EVERYTHING, city_ids

# Scopes a roster shows that a change can carry without naming a city (storage.queries.versions).
_DROPS_ALL = frozenset({EVERYTHING, "members"})


class _Roster:
    __slots__ = ("keys", "lines", "by_id", "stale")

    def __init__(self, rows: list[tuple[RosterKey, int, CityLine]]) -> None:
        self.keys = [key for key, _id, _line in rows]  # sorted: (region, name key, city id)
        self.lines = [line for _key, _id, line in rows]
        self.by_id = {city_id: key for key, city_id, _line in rows}
        self.stale: set[int] = set()  # cities changed since they were read

    def patch(self, ids: Iterable[int], rows: list[tuple[RosterKey, int, CityLine]]) -> None:
        """Replace the cities ``ids`` by ``rows`` (those of them still on the theme and verified)."""
        for city_id in ids:
            key = self.by_id.pop(city_id, None)
            if key is not None:
                at = bisect.bisect_left(self.keys, key)  # keys are unique (they end with the city id)
                del self.keys[at], self.lines[at]
        for key, city_id, line in rows:
            at = bisect.bisect_left(self.keys, key)
            self.keys.insert(at, key)
            self.lines.insert(at, line)
            self.by_id[city_id] = key


class Rosters:
    """The verified cities on each theme (``lines``), patched after changes (``invalidate``)."""

    def __init__(self) -> None:
        self._themes: dict[str, _Roster] = {}
        self._drops = 0  # moves when every roster is dropped: a roster read meanwhile is not kept
        self._loading: dict[str, set[int]] = {}  # theme being read whole: the cities changed meanwhile
        self._locks: dict[str, asyncio.Lock] = {}  # one reader or patcher a theme at a time
        # Each city's row, shared by the rosters of its themes (~3 a city: 30,000 rows would hold ~25 MB).
        self._shared: dict[int, tuple[RosterKey, CityLine]] = {}

    def __len__(self) -> int:
        return len(self._themes)

    def invalidate(self, changed: frozenset[str]) -> None:
        """Mark the cities named in ``changed`` (``city:ID``) as stale in every roster; drop them all when
        ``changed`` shows in rosters without naming its cities."""
        if not changed.isdisjoint(_DROPS_ALL):
            self.clear()
            return
        ids = city_ids(changed)
        if not ids:  # a theme's rows always name their city; were one not to, read that theme again whole
            for scope in changed:
                if scope.startswith("theme:"):
                    self._themes.pop(scope[6:], None)
            return
        for roster in self._themes.values():
            roster.stale |= ids
        for changed_meanwhile in self._loading.values():
            changed_meanwhile |= ids

    def clear(self) -> None:
        self._themes.clear()
        self._shared.clear()
        self._drops += 1

    def _share(self, rows: list[tuple[RosterKey, int, CityLine]]) -> list[tuple[RosterKey, int, CityLine]]:
        """``rows`` with each city's key and line replaced by the copy another roster already holds, when equal."""
        shared, out = self._shared, []
        for key, city_id, line in rows:
            known = shared.get(city_id)
            if known is not None and known[0] == key and known[1] == line:
                key, line = known
            else:
                shared[city_id] = (key, line)
            out.append((key, city_id, line))
        return out

    async def lines(self, session: AsyncSession, theme: str, region: str | None, limit: int) -> tuple[list[CityLine], int]:
        """As ``storage.queries.cities.who_works_on``: the first ``limit`` verified cities on ``theme`` (in
        ``region`` when given) in `who`'s order, and how many there are. Reads the theme whole the first
        time, then only the cities changed since."""
        async with self._locks.setdefault(theme, asyncio.Lock()):
            roster = self._themes.get(theme)
            if roster is None:
                drops, self._loading[theme] = self._drops, set()
                try:
                    roster = _Roster(self._share(await theme_roster(session, theme)))
                finally:
                    roster_changed = self._loading.pop(theme)
                if drops == self._drops:  # else: answer with it, keep nothing (read again next time)
                    roster.stale = roster_changed
                    self._themes[theme] = roster
            elif roster.stale:
                # Cities marked while this query runs go into a new set: read again next time.
                ids, roster.stale = roster.stale, set()
                try:
                    roster.patch(ids, self._share(await theme_roster(session, theme, ids)))
                except BaseException:
                    roster.stale |= ids
                    raise
        if region is None:
            return roster.lines[:limit], len(roster.lines)
        start = bisect.bisect_left(roster.keys, (region,))
        end = bisect.bisect_left(roster.keys, (region + "\0",))
        return roster.lines[start:min(end, start + limit)], end - start
