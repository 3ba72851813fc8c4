"""Text helpers shared by handlers: folding for search, fuzzy suggestions, safe truncation."""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable

_SPACES = re.compile(r"\s+")
_NON_WORD = re.compile(r"[^\w\s]+")


def fold(text: str) -> str:
    """Lower-case, strip accents and punctuation, collapse spaces: ``Valparaíso `` -> ``valparaiso``."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    no_marks = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    no_marks = no_marks.replace("&", " and ")
    return _SPACES.sub(" ", _NON_WORD.sub(" ", no_marks)).strip()


def words(text: str) -> list[str]:
    return [w for w in fold(text).split(" ") if w]


def suggest(word: str, candidates: Iterable[str], *, n: int = 3, cutoff: float = 0.6) -> list[str]:
    """Closest candidates to ``word`` (compared folded), in their original spelling."""
    by_folded: dict[str, str] = {}
    for c in candidates:
        by_folded.setdefault(fold(c), c)
    hits = difflib.get_close_matches(fold(word), list(by_folded), n=n, cutoff=cutoff)
    return [by_folded[h] for h in hits]


def shorten(text: str, limit: int) -> str:
    """Cut ``text`` to at most ``limit`` characters, on a word boundary when one is near."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit * 0.6:
        cut = cut[:space]
    return cut.rstrip() + "…"


def split_list(value: str) -> list[str]:
    """``housing, water;food`` -> ``["housing", "water", "food"]``."""
    return [part.strip() for part in re.split(r"[,;]", value) if part.strip()]
