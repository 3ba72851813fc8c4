"""gettext through Babel catalogues.

Every user-facing string is wrapped in ``_()`` (translated now, for the request's locale) or
``N_()`` (marked for extraction, translated later, e.g. usage lines defined at import time).
English is the source language; adding Spanish or French is adding a catalogue under
``handlers/locales/<lang>/LC_MESSAGES/messages.po``, with no change to handlers.
"""

from __future__ import annotations

import gettext
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

from babel.support import NullTranslations, Translations

LOCALES_DIR = Path(__file__).parent / "locales"
DOMAIN = "messages"

Translate = Callable[[str], str]


def N_(message: str) -> str:
    """Mark a string for extraction without translating it yet."""
    return message


@lru_cache(maxsize=32)
def translations(locale: str | None) -> gettext.NullTranslations:
    """The catalogue for a locale such as ``es`` or ``fr-FR``; English (identity) when none exists."""
    if not locale:
        return NullTranslations()
    lang = locale.replace("-", "_")
    candidates = [lang, lang.split("_")[0]]
    return Translations.load(str(LOCALES_DIR), locales=candidates, domain=DOMAIN)


def translator(locale: str | None) -> Translate:
    return translations(locale).gettext
