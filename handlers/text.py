"""Text helpers shared by handlers: matching keys, fuzzy suggestions, safe truncation."""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

from anyascii import anyascii

_SPACES = re.compile(r"\s+")
_NOT_KEY = re.compile(r"[^a-z0-9\s\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003ffff]+")

# Unicode's Default_Ignorable_Code_Point set (DerivedCoreProperties.txt, Unicode 15.1): characters that
# render as nothing (soft hyphen, zero-width space/joiners, word joiner, BOM, variation selectors, Hangul
# fillers, tags) plus the bidirectional marks, embeddings, overrides and isolates (U+200E/F, U+202A–U+202E,
# U+2066–U+2069), and the Braille pattern blank (U+2800), which is not default-ignorable but shows as a blank
# like the Hangul fillers. Two names that differ only by these look the same, so they must get the same key.
INVISIBLE = re.compile(
    "[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e\u2060-\u206f"
    "\u2800\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufff8\U0001bca0-\U0001bca3\U0001d173-\U0001d17a"
    "\U000e0000-\U000e0fff]"
)


def _is_han(ch: str) -> bool:
    """CJK ideographs: kept as themselves in keys. Their romanisation drops tones, which would make
    different places one (山西 Shanxi and 陕西 Shaanxi are both ``shanxi`` without tones)."""
    code = ord(ch)
    return 0x3400 <= code <= 0x4DBF or 0x4E00 <= code <= 0x9FFF or 0xF900 <= code <= 0xFAFF or 0x20000 <= code <= 0x3FFFF


# Optional pointing: vowel and reading marks that Arabic and Hebrew mostly leave out (مدينة is مَدِينَة unpointed,
# שלום is שָׁלוֹם), so two spellings that differ only by them are one word. Arabic: harakat, tanwin, shadda and sukun
# (U+064B–U+0652), superscript alef (U+0670) and tatweel (U+0640, a stretch of the line). Hebrew: niqqud
# (U+05B0–U+05BD, U+05BF, U+05C7) and the shin and sin dots (U+05C1–U+05C2). Vowel signs that are part of a word
# (Devanagari's ि, Thai's ี, Bengali's, Tamil's…) are not optional and stay; so do Arabic's maddah and hamza
# (U+0653–U+0655), which NFKC composes into the letters they sit on (آ أ إ). The full-text indexes strip the same
# marks (migration 0020 writes them out; a test keeps the two the same).
OPTIONAL_POINTING = re.compile("[\u05b0-\u05bd\u05bf\u05c1\u05c2\u05c7\u0640\u064b-\u0652\u0670]")


def strip_pointing(text: str) -> str:
    """``text`` without Arabic's and Hebrew's optional pointing (``OPTIONAL_POINTING``): ``مَدِينَة`` -> ``مدينة``.
    Apply it after NFKC, which decomposes Hebrew's pointed presentation forms (``שׁ`` U+FB2A -> ``ש`` + U+05C1)."""
    return OPTIONAL_POINTING.sub("", text)


def strip_invisible(text: str) -> str:
    """``text`` without the characters of ``INVISIBLE`` (zero-width, soft hyphen, bidi controls…)."""
    return INVISIBLE.sub("", text)


# Zero-width non-joiner and joiner shape letters in Persian, Arabic and Indic scripts (میشود, क्‍ष): a name
# keeps them as typed; every other invisible character goes.
_INVISIBLE_IN_NAMES = re.compile(INVISIBLE.pattern.replace("\u200b-\u200f", "\u200b\u200e\u200f"))


def clean_name(text: str) -> str:
    """A name as stored and shown: NFC, invisible characters removed (except ZWNJ/ZWJ, which shape
    letters), runs of spaces made one, trimmed. ``Zü<U+200B>rich`` -> ``Zürich``. Its key is ``fold(name)``."""
    return " ".join(_INVISIBLE_IN_NAMES.sub("", unicodedata.normalize("NFC", text)).split())


@lru_cache(maxsize=8192)
def _key_char(ch: str) -> str:
    if ch.isascii():
        return ch if ch.isalnum() else (" and " if ch == "&" else " ")
    if _is_han(ch):
        return ch
    category = unicodedata.category(ch)
    if category[0] in "LNM":
        # Letters, digits and marks: transliterated to ASCII letters (ł → l, ø → o, ß → ss, Ж → zh),
        # with whatever punctuation the transliteration adds dropped (Львів → lviv, not l viv).
        return "".join(c for c in anyascii(ch) if c.isalnum())
    return " and " if ch == "&" else " "


def fold(text: str) -> str:
    """The matching key of a name: what two spellings of the same name have in common.

    Invisible characters are removed (``INVISIBLE``), the text is NFKC-normalised, Arabic's and Hebrew's
    optional pointing is removed (``OPTIONAL_POINTING``: ``الرِّباط`` and ``الرباط`` are one name), every letter and digit
    is transliterated to ASCII by ``anyascii`` (ISC licence; CJK ideographs excepted, see ``_is_han``)
    and lower-cased; ``&`` reads as ``and``; punctuation, symbols and runs of spaces become one space.
    ``Łódź`` → ``lodz``, ``Đà Nẵng`` → ``da nang``, ``Zü<U+200B>rich`` → ``zurich``.

    The result holds only ``a-z``, ``0-9``, single spaces and CJK ideographs, so ``fold`` is idempotent.
    It may be longer than ``text`` (``&`` → ``and``, ``ﷺ`` → 30 letters): storage checks key lengths.
    """
    normal = strip_pointing(unicodedata.normalize("NFKC", strip_invisible(text)))
    key = "".join(map(_key_char, normal)).casefold()
    return _SPACES.sub(" ", _NOT_KEY.sub(" ", key)).strip()


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
