"""Async token buckets: pace sends under a platform's documented limits, and pause on a 429."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field


@dataclass
class TokenBucket:
    """``rate`` tokens a second, up to ``burst``; ``pause(seconds)`` empties it for that long (Retry-After)."""

    rate: float
    burst: float
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep
    _tokens: float = field(init=False)
    _updated: float = field(init=False)
    _paused_until: float = field(init=False, default=0.0)
    _lock: asyncio.Lock = field(init=False, default_factory=asyncio.Lock)

    def __post_init__(self) -> None:
        self._tokens, self._updated = self.burst, self.clock()

    def pause(self, seconds: float) -> None:
        self._paused_until = max(self._paused_until, self.clock() + seconds)
        self._tokens = 0.0

    async def unpaused(self) -> None:
        """Return once no pause (Retry-After) is in force; takes no token."""
        while (left := self._paused_until - self.clock()) > 0:
            await self.sleep(left)

    async def acquire(self, cost: float = 1.0) -> None:
        async with self._lock:  # first come, first served
            while True:
                now = self.clock()
                if now < self._paused_until:
                    await self.sleep(self._paused_until - now)
                    continue
                self._tokens = min(self.burst, self._tokens + (now - self._updated) * self.rate)
                self._updated = now
                if self._tokens >= cost:
                    self._tokens -= cost
                    return
                await self.sleep((cost - self._tokens) / self.rate)


@dataclass(frozen=True)
class Limits:
    """Per platform: a global rate, and a rate per target channel (defaults: PLATFORM_FACTS.md).

    ``dm_cost`` is how many requests a direct message takes (Discord: open the DM, then post)."""

    rate: float
    burst: float
    per_target_rate: float
    per_target_burst: float
    dm_cost: float = 1.0


# chat.postMessage's workspace-wide cap is unpublished; one operator observed about 525 messages/min
# (PLATFORM_FACTS.md). SLACK_POSTS_PER_MINUTE sets it (default 500, itself under what was observed); the
# worker paces 1 % under it, with a burst of 2.
SLACK_POSTS_PER_MINUTE = 500
SLACK_MARGIN = 0.99
# Discord counts its 50 requests in any second: a pace of 48/s with a burst of 2 never makes 51.
DISCORD_RATE, DISCORD_BURST = 48.0, 2.0


def limits_for(slack_posts_per_minute: float = SLACK_POSTS_PER_MINUTE) -> dict[str, Limits]:
    """The pacing of each platform (PLATFORM_FACTS.md):

    - Slack: chat.postMessage about 1 message/s per channel, and ``slack_posts_per_minute`` across the
      workspace; a DM is one post (to the user id, no conversations.open).
    - Discord: 50 requests/s global; 5 messages per 5 s per channel (the route's bucket); a DM to a person
      whose DM channel is not known yet takes two requests (``DiscordSender.requests_for_dm``).
    """
    return {
        "slack": Limits(rate=slack_posts_per_minute / 60.0 * SLACK_MARGIN, burst=2.0, per_target_rate=1.0, per_target_burst=1.0),
        "discord": Limits(rate=DISCORD_RATE, burst=DISCORD_BURST, per_target_rate=1.0, per_target_burst=5.0, dm_cost=2.0),
        "console": Limits(rate=1000.0, burst=1000.0, per_target_rate=1000.0, per_target_burst=1000.0),
    }


DEFAULT_LIMITS = limits_for()
