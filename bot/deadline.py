"""Answer inside a platform's window: first-response-with-the-answer when quick, a fallback when slow.

Slack and Discord both drop an interaction not acknowledged within 3 s. The adapters start a
``Deadline`` with what to do when time runs out (Slack: ack empty; Discord: defer), run the command,
then ``settle()``: if the fallback never fired, the answer itself is the first response. A timer, not
a task per command: the common case (answer ready in milliseconds) costs next to nothing.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any


class Deadline:
    def __init__(self, seconds: float, on_expiry: Callable[[], Awaitable[Any]]) -> None:
        self._on_expiry = on_expiry
        self._fallback: asyncio.Future[Any] | None = None
        self._timer = asyncio.get_running_loop().call_later(seconds, self._expire)

    def _expire(self) -> None:
        self._fallback = asyncio.ensure_future(self._on_expiry())

    async def settle(self) -> bool:
        """Stop the timer; True when the fallback went out (and has completed), False when still in time."""
        self._timer.cancel()
        if self._fallback is None:
            return False
        await self._fallback
        return True
