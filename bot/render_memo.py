"""Render a shared reply once for as long as it lives (the reply cache holds it), whatever the cache's size.

An ``lru_cache`` on the renderer would hash the whole reply on every call (a `who` at 10,000 cities holds
~1,300 lines) and keep only its last N replies (fewer than the 10,000 cards). This memo is keyed by the
reply object itself and forgets an entry when the reply is dropped from the cache and freed.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from handlers.types import Reply

T = TypeVar("T")


def per_reply(render: Callable[..., T]) -> Callable[..., T]:
    """Memoise ``render(reply, *args)`` per reply object and ``args`` (hashable); callers must not mutate
    what they get."""
    memo: dict[tuple[int, Hashable], tuple[weakref.ref[Reply], T]] = {}

    def forget(key: tuple[int, Hashable]) -> Callable[[Any], None]:
        return lambda _dead: memo.pop(key, None)

    def memoised(reply: Reply, *args: Hashable) -> T:
        key = (id(reply), args)
        hit = memo.get(key)
        if hit is not None and hit[0]() is reply:
            return hit[1]
        result = render(reply, *args)
        memo[key] = (weakref.ref(reply, forget(key)), result)
        return result

    memoised.__doc__ = render.__doc__
    return memoised
