"""The command mixes the Slack and Discord benchmarks send, platform-neutral.

- ``read``: `who THEME` and `profile CITY` (a city drawn from the whole directory), half each;
- ``cold``: the same reads, the reply cache emptied at the start of every round and never warmed;
- ``mixed``: the reads with 10 % writes among them, as people use the bot: `theme add` / `theme remove`
  by a city's focal point, `share` a practice, `subscribe` to a theme; each write drops the cached
  answers it affects (``handlers.cache``), so reads after it miss as in real use.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from bench.dataset import THEME_SLUGS
from handlers.vocab import THEME_BY_SLUG

MODES = ("read", "cold", "mixed")
WRITE_SHARE = 0.10
READERS = 500  # distinct people reading (their names and languages are cached after the first ask)


@dataclass(frozen=True)
class Op:
    """One command: who sends it (a focal point's number, or a reader's), the typed text (Slack and the
    console, without `/hrc`), and the same as a Discord slash command (path, options)."""

    writes: bool
    focal: int | None
    reader: int
    text: str
    path: tuple[str, ...]
    options: dict[str, Any]


def _theme(rng: random.Random) -> tuple[str, str]:
    slug = rng.choice(THEME_SLUGS)
    return slug, THEME_BY_SLUG[slug].name


def ops(mode: str, count: int, names: list[str], rng: random.Random) -> list[Op]:
    """``count`` commands of ``mode`` over a directory whose city ``n`` (0-based) is ``names[n]`` with
    focal point number ``n``."""
    out: list[Op] = []
    added: list[tuple[int, str, str]] = []  # (focal, slug, name) added and not yet removed
    for k in range(count):
        reader = rng.randrange(READERS)
        if mode == "mixed" and rng.random() < WRITE_SHARE:
            kind = rng.choice(("theme", "share", "subscribe"))
            if kind == "theme" and added and rng.random() < 0.5:
                focal, slug, name = added.pop(0)
                out.append(Op(True, focal, reader, f"theme remove {slug}", ("city", "theme", "remove"), {"theme": name}))
            elif kind == "theme":
                focal = rng.randrange(len(names))
                slug, name = _theme(rng)
                added.append((focal, slug, name))
                out.append(Op(True, focal, reader, f"theme add {slug}", ("city", "theme", "add"), {"theme": name}))
            elif kind == "share":
                focal = rng.randrange(len(names))
                slug, name = _theme(rng)
                title, summary = f"Benchmark practice {k}", "Shared while the benchmark ran: a practice like any other."
                out.append(Op(True, focal, reader, f"share title: {title} themes: {slug} summary: {summary}",
                              ("practices", "share"), {"title": title, "themes": name, "summary": summary}))
            else:
                slug, name = _theme(rng)
                out.append(Op(True, None, reader, f"subscribe {slug}", ("subscriptions", "add"), {"theme": name}))
        elif k % 2 == 0:
            slug, name = _theme(rng)
            out.append(Op(False, None, reader, f"who {slug}", ("who",), {"theme": name}))
        else:
            city = rng.choice(names)
            out.append(Op(False, None, reader, f"profile {city}", ("city", "profile"), {"city": city}))
    return out
