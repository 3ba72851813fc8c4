"""gettext through Babel catalogues, and locale-aware formatting of dates, numbers and lists.

Every user-facing string is wrapped in ``_()`` (translated now, for the request's locale),
``_.ngettext(singular, plural, n)`` (plurals, per the language's own plural rule) or ``N_()``
(marked for extraction, translated later, e.g. usage lines defined at import time).
English is the source language; the catalogues live in
``handlers/locales/<lang>/LC_MESSAGES/messages.po`` (``make messages`` re-extracts and updates them).

The compiled ``.mo`` files are built at install (``make install``); when one is missing or older than
its ``.po`` (a fresh clone, a wheel built without compiling, a catalogue edited since), the ``.po`` is
compiled in memory at first use, so a translation never silently falls back to English.
"""

from __future__ import annotations

import gettext
import io
import re
from collections.abc import Iterable
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_datetime
from babel.lists import format_list
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.support import NullTranslations, Translations

LOCALES_DIR = Path(__file__).parent / "locales"
DOMAIN = "messages"
SOURCE_LANGUAGE = "en"
LANGUAGES: tuple[str, ...] = ("en", "es", "fr")  # every language with a catalogue (English is the source)


def N_(message: str) -> str:
    """Mark a string for extraction without translating it yet."""
    return message


def language_of(locale: str | None) -> str | None:
    """The supported language of a locale tag: ``es-419`` -> ``es``, ``fr_FR`` -> ``fr``; None when unsupported.

    Accepts Discord (``es-ES``), Slack (``fr-FR``) and POSIX (``fr_CA.UTF-8``) spellings.
    """
    if not locale:
        return None
    lang = locale.strip().replace("-", "_").split(".")[0].split("_")[0].lower()
    return lang if lang in LANGUAGES else None


def _compiled_from_po(po_path: Path) -> Translations:
    with po_path.open("rb") as handle:
        catalog = read_po(handle, locale=po_path.parent.parent.name, domain=DOMAIN)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(fp=buffer, domain=DOMAIN)


@lru_cache(maxsize=8)
def translations(language: str | None) -> gettext.NullTranslations:
    """The catalogue of a supported language (``es``, ``fr``); English (identity) for anything else."""
    lang = language_of(language)
    if lang is None or lang == SOURCE_LANGUAGE:
        return NullTranslations()
    folder = LOCALES_DIR / lang / "LC_MESSAGES"
    po, mo = folder / f"{DOMAIN}.po", folder / f"{DOMAIN}.mo"
    if mo.exists() and (not po.exists() or mo.stat().st_mtime >= po.stat().st_mtime):
        with mo.open("rb") as handle:
            return Translations(fp=handle, domain=DOMAIN)
    if po.exists():
        return _compiled_from_po(po)
    return NullTranslations()


_QUOTED = N_("“{text}”")
_LABEL = N_("{label}:")
_FRENCH_FIRST = re.compile(r"(?<![\d/.:-])1(?=[ \u00a0\u202f][^\W\d_])")


class Translator:
    """Everything language-dependent for one reader: ``_("text")``, plurals, dates, numbers, lists.

    ``language`` is one of ``LANGUAGES``. Formatting follows CLDR through Babel: ``_.date(d)`` gives
    ``10 de diciembre de 2026`` in Spanish, ``10 décembre 2026`` in French.
    """

    def __init__(self, language: str) -> None:
        self.language = language
        self._catalogue = translations(language)

    def __call__(self, message: str) -> str:
        return self._catalogue.gettext(message)

    def gettext(self, message: str) -> str:
        return self._catalogue.gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        """The singular or plural form for ``n`` (the catalogue's plural rule); format ``{count}`` yourself."""
        return self._catalogue.ngettext(singular, plural, n)

    def date(self, when: date | datetime, format: str = "long") -> str:
        """``format`` is a CLDR width (short, medium, long, full) or pattern; a datetime is shown as its date."""
        if isinstance(when, datetime):
            when = when.date()
        return self._ordinal_first(when, format_date(when, format=format, locale=self.language))

    def datetime(self, when: datetime, format: str = "medium") -> str:
        return self._ordinal_first(when, format_datetime(when, format=format, locale=self.language, tzinfo=when.tzinfo))

    def _ordinal_first(self, when: date, text: str) -> str:
        """French writes the first of a month as an ordinal, ``1er janvier`` (Imprimerie nationale's rules), which
        CLDR's patterns cannot say: the day's "1" before a word becomes "1er"."""
        if self.language != "fr" or when.day != 1:
            return text
        return _FRENCH_FIRST.sub("1er", text, count=1)

    def quote(self, text: str) -> str:
        """``text`` in the language's quotation marks: “text” / «text» / « text »."""
        return self._catalogue.gettext(_QUOTED).format(text=text)

    def label(self, name: str) -> str:
        """A label before its value, ``Country:`` / ``País:`` / ``Pays :`` (French spaces its colon)."""
        return self._catalogue.gettext(_LABEL).format(label=name)

    def number(self, n: int | float) -> str:
        """``1234`` -> ``1,234`` / ``1234`` (es: grouping from 5 digits) / ``1 234``."""
        return format_decimal(n, locale=self.language)

    def list(self, items: Iterable[str], style: str = "standard") -> str:
        """``a, b and c`` / ``a, b y c`` / ``a, b et c`` (style ``or``: ``a, b o c``)."""
        return format_list(list(items), style=style, locale=self.language)

    def __repr__(self) -> str:
        return f"Translator({self.language!r})"


Translate = Translator


@lru_cache(maxsize=8)
def _translator(language: str) -> Translator:
    return Translator(language)


def translator(locale: str | None) -> Translator:
    """The translator for a locale tag (``es-ES``, ``fr``, ``en-US``); English when unsupported."""
    return _translator(language_of(locale) or SOURCE_LANGUAGE)


def babel_locale(language: str) -> Locale:
    try:
        return Locale.parse(language)
    except (UnknownLocaleError, ValueError):
        return Locale.parse(SOURCE_LANGUAGE)
