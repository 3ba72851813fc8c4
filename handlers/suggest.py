"""Suggestions for autocomplete (Discord), platform-neutral: themes, cities, commands by prefix."""

from __future__ import annotations

from handlers.context import Context
from handlers.i18n import translator
from handlers.registry import COMMANDS
from handlers.text import fold
from handlers.vocab import THEMES
from storage.queries.cities import city_names_starting

LIMIT = 25  # Discord shows at most 25 choices


async def theme_names(ctx: Context, prefix: str, locale: str = "en") -> list[str]:
    _ = translator(locale)
    key = fold(prefix)
    names = [_(t.name) for t in THEMES]
    if not key:
        return names[:LIMIT]
    starts = [n for n in names if fold(n).startswith(key)]
    inside = [n for n in names if key in fold(n) and n not in starts]
    synonyms = [_(t.name) for t in THEMES if any(fold(s).startswith(key) for s in t.synonyms)]
    return list(dict.fromkeys(starts + inside + synonyms))[:LIMIT]


async def city_names(ctx: Context, prefix: str) -> list[str]:
    async with ctx.db.transaction(write=False) as session:
        return list(await city_names_starting(session, fold(prefix), LIMIT))


async def command_names(ctx: Context, prefix: str) -> list[str]:
    return [name for name in COMMANDS if name.startswith(prefix.lower().strip())][:LIMIT]
