"""Render a shared reply once for as long as it lives (the reply cache holds it), whatever the cache's size.

An ``lru_cache`` on the renderer would hash the whole reply on every call (a `who` at 10,000 cities holds
~1,300 lines). This memo is keyed by the reply object itself, forgets an entry when the reply is freed, and
keeps the ``MAX_KEPT`` most recently used (rendered embeds and blocks weigh more than the replies: all
10,000 cards rendered would hold ~100 MB).
"""

from __future__ import annotations

import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from handlers.types import Reply

T = TypeVar("T")
MAX_KEPT = 2048


def per_reply(render: Callable[..., T]) -> Callable[..., T]:
    """Memoise ``render(reply, *args)`` per reply object and ``args`` (hashable); callers must not mutate
    what they get."""
    memo: OrderedDict[tuple[int, Hashable], tuple[weakref.ref[Reply], T]] = OrderedDict()

    def forget(key: tuple[int, Hashable]) -> Callable[[Any], None]:
        return lambda _dead: memo.pop(key, None)

    def memoised(reply: Reply, *args: Hashable) -> T:
        key = (id(reply), args)
        hit = memo.get(key)
        if hit is not None and hit[0]() is reply:
            memo.move_to_end(key)
            return hit[1]
        result = render(reply, *args)
        memo[key] = (weakref.ref(reply, forget(key)), result)
        while len(memo) > MAX_KEPT:
            memo.popitem(last=False)
        return result

    memoised.__doc__ = render.__doc__
    return memoised
