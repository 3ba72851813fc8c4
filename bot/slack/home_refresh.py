"""Keeping App Home fresh: publish a person's Home again when something it shows changes, wherever the change
came from (Slack, Discord, the console, the broadcast worker).

Slack sends ``app_home_opened`` each time someone opens the tab, and the Home is published then, so only
people who may be looking at it now need a refresh: those who opened it within ``OPEN_FOR`` (remembered in
memory, per process, at most ``MAX_OPEN``). ``HomeDesk.on_change`` is a ``Runtime`` watcher; it picks:

- the person who acted, for a change to what their Home shows (their city, themes, subscriptions, language,
  days), unless they acted from Home itself (that listener publishes with the outcome on top);
- every secretariat member's Home for registrations, verify/reject and announcements (pending list,
  announcements' state);
- the people the change concerns (the registrant of a verified or rejected city: the reply's notices).

A change refreshes at most ``MAX_PER_CHANGE`` Homes; requests for one person while their Home is being built
are folded into one more publish; a Home identical to the last one published is not sent again; every
``views.publish`` (Web API tier 4, about 100 a minute: PLATFORM_FACTS.md) goes through one token bucket.
Campaign progress changes with every verification and is shown on every Home: it is refreshed for the
people above and at the next opening for everyone else, rather than republishing every open Home.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import time
from collections import OrderedDict
from collections.abc import Callable

from slack_sdk.web.async_client import AsyncWebClient

from bot.ratelimit import TokenBucket
from bot.slack.home import home_view
from bot.slack.users import SlackUsers
from bot.wiring import Change, Runtime
from handlers.types import Actor

logger = logging.getLogger(__name__)

OPEN_FOR = 3600.0  # seconds after an opening during which the Home is kept fresh
MAX_OPEN = 5000  # Homes remembered (the oldest opening is forgotten first)
MAX_PER_CHANGE = 50  # Homes refreshed for one change; the others are fresh at their next opening
PUBLISH_RATE, PUBLISH_BURST = 1.5, 20.0  # views.publish a second (90 a minute, under tier 4's 100)
OWN_CHANGES = frozenset({"register", "theme add", "theme remove", "subscribe", "unsubscribe", "language",
                         "days add", "days remove"})
SECRETARIAT_CHANGES = frozenset({"register", "verify", "reject", "announce", "announce confirm", "announce cancel",
                                 "announcement"})

Key = tuple[str, str]  # (team id, user id)


class HomeDesk:
    """Publishes App Home views and refreshes them on changes (see the module's docstring).

    ``clock`` returns seconds (monotonic); ``bucket`` paces ``views.publish``. Methods never raise for a
    failed publish: it is logged, and the Home is fresh again at the person's next opening."""

    def __init__(self, runtime: Runtime, client: AsyncWebClient, users: SlackUsers, *,
                 clock: Callable[[], float] = time.monotonic, bucket: TokenBucket | None = None) -> None:
        self.runtime, self.client, self.users, self.clock = runtime, client, users, clock
        self.bucket = bucket or TokenBucket(PUBLISH_RATE, PUBLISH_BURST, clock=clock)
        self.max_per_change = MAX_PER_CHANGE
        self._opened: OrderedDict[Key, tuple[float, Actor]] = OrderedDict()
        self._busy: dict[Key, bool] = {}  # being refreshed -> asked again meanwhile
        self._last: dict[Key, str] = {}  # digest of the last view published
        self._tasks: set[asyncio.Task[None]] = set()

    def opened(self, actor: Actor, team_id: str) -> None:
        """Remember that ``actor`` has their Home open (an ``app_home_opened`` or a click in it)."""
        key = (team_id, actor.user_id)
        self._opened.pop(key, None)
        self._opened[key] = (self.clock(), actor)
        while len(self._opened) > MAX_OPEN:
            forgotten, _entry = self._opened.popitem(last=False)
            self._last.pop(forgotten, None)

    def _open_now(self) -> dict[Key, Actor]:
        horizon = self.clock() - OPEN_FOR
        while self._opened and next(iter(self._opened.values()))[0] < horizon:
            forgotten, _entry = self._opened.popitem(last=False)
            self._last.pop(forgotten, None)
        return {key: actor for key, (_at, actor) in self._opened.items()}

    async def publish(self, actor: Actor, team_id: str, notice: str = "", *, unless_same: bool = False) -> None:
        """Build and publish ``actor``'s Home in their language; ``notice`` on top. With ``unless_same``,
        a view identical to the last one published for them is not sent."""
        actor_now, language = await self.users.actor_and_language(self.runtime.ctx, team_id, actor.user_id, actor.display_name)
        view = await home_view(self.runtime, actor_now, team_id, language=language, notice=notice)
        key = (team_id, actor.user_id)
        digest = hashlib.sha256(json.dumps(view, sort_keys=True).encode()).hexdigest()
        if unless_same and self._last.get(key) == digest:
            return
        await self.bucket.acquire()
        try:
            await self.client.views_publish(user_id=actor.user_id, view=view)
        except Exception as error:  # noqa: BLE001 - fresh again at the next opening
            logger.warning("slack: views.publish for %s failed: %s", actor.user_id, type(error).__name__)
            self._last.pop(key, None)
            return
        self._last[key] = digest

    def targets(self, change: Change) -> list[Key]:
        """The open Homes ``change`` is shown in, at most ``max_per_change``, the actor's first."""
        open_now = self._open_now()
        wanted: list[Key] = []
        actor, place = change.actor, change.place
        from_home = place is not None and place.platform == "slack" and place.channel_id == "home"
        own = (actor.workspace, actor.user_id) if actor is not None and actor.platform == "slack" else None
        if own is not None and change.command in OWN_CHANGES:
            wanted.append(own)
        wanted += [(m.workspace, m.user_id) for m in change.members if m.platform == "slack"]
        if change.command in SECRETARIAT_CHANGES:
            wanted += [key for key, who in open_now.items() if self.runtime.ctx.is_secretariat(who)]
        seen: set[Key] = set()
        found = []
        for key in wanted:
            if key in open_now and key not in seen and not (from_home and key == own):
                seen.add(key)
                found.append(key)
        return found[: self.max_per_change]

    async def on_change(self, change: Change) -> None:
        """The ``Runtime`` watcher: schedule the refreshes; returns at once."""
        open_now = self._open_now()
        for key in self.targets(change):
            self.refresh(key, open_now[key])

    def refresh(self, key: Key, actor: Actor) -> None:
        if key in self._busy:  # being built: build once more afterwards, with what changed since
            self._busy[key] = True
            return
        self._busy[key] = False
        task = asyncio.create_task(self._refresh(key, actor))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _refresh(self, key: Key, actor: Actor) -> None:
        try:
            while True:
                self._busy[key] = False
                await self.publish(actor, key[0], unless_same=True)
                if not self._busy[key]:
                    return
        except Exception:  # noqa: BLE001 - a Home not refreshed is fresh again at its next opening
            logger.exception("slack: refreshing the Home of %s failed", key[1])
        finally:
            self._busy.pop(key, None)

    async def idle(self) -> None:
        """Wait until no refresh is running (tests, shutdown)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)
