"""Commands quoted back to a reader, in the reader's words: ``/hrc tema añadir vivienda``, not ``… housing``.

The bot's hints quote commands (``Does yours? `/hrc theme add housing```): the catalogues translate their
command words and keys, and this module gives the arguments, a theme or a UN day, as the reader names them.
Each is also what the grammar accepts typed back: a theme by its translated name (``vivienda``), a UN day by
its official name in that language (``Día Mundial del Agua``), else by its slug. English readers see slugs,
as before. ``command_line`` turns a whole command of the English grammar (a button's) into the reader's words.
"""

from __future__ import annotations

from collections import Counter
from functools import lru_cache

from handlers.calendar import Observance, un_days
from handlers.day_names import official_names
from handlers.errors import UserError
from handlers.grammar import find_spec, split_options
from handlers.i18n import SOURCE_LANGUAGE, language_of, translator
from handlers.options import Kind, Source, option_info
from handlers.text import fold, split_list
from handlers.vocab import THEME_BY_SLUG
from handlers.words import ALL_WORDS, YES_WORDS, localized_command, localized_key

_THEME_SOURCES = (Source.THEME, Source.THEMES)
_DAY_SOURCES = (Source.DAY, Source.CAMPAIGN_DATE)


def theme_arg(slug: str, language: str) -> str:
    """A theme as ``language`` writes it in a command: ``housing`` -> ``vivienda`` / ``logement``."""
    term = THEME_BY_SLUG.get(slug)
    if term is None or language == SOURCE_LANGUAGE:
        return slug
    name = translator(language)(term.name)
    return name if name.split()[0].isupper() else name[:1].lower() + name[1:]  # LGBTI stays as it is


def themes_arg(slugs: list[str] | tuple[str, ...], language: str) -> str:
    """Themes as a command's comma-separated list: ``vivienda, agua y saneamiento``."""
    return ", ".join(theme_arg(slug, language) for slug in slugs)


def day_arg(day: Observance, language: str) -> str:
    """A day as ``language`` writes it in a command: its official UN name there (``Día Mundial del Agua``),
    else its slug (``world-water-day``; English readers, campaign dates, days the UN does not name)."""
    name = official_names().get(day.slug, {}).get(language)
    return name if name and fold(name) not in _shared_names() else day.slug


@lru_cache(maxsize=1)
def _shared_names() -> frozenset[str]:
    """Folded names that more than one UN day is known by: typed back, they would not name one day."""
    counts = Counter(fold(name) for day in un_days() for name in {day.name, *official_names().get(day.slug, {}).values()})
    return frozenset(name for name, count in counts.items() if count > 1)


def command_line(line: str, language: str) -> str:
    """A command of the English grammar (``act world-water-day practice: 5``, behind a button) in ``language``'s
    words (``actuar Día Mundial del Agua práctica: 5``); a line that does not parse is returned as it is."""
    language = language_of(language) or SOURCE_LANGUAGE
    if language == SOURCE_LANGUAGE:
        return line
    english = translator(SOURCE_LANGUAGE)
    words = line.split()
    try:
        spec, used = find_spec(words, english)
        main, options = split_options(spec, line.split(None, used)[used] if len(words) > used else "", english)
    except UserError:
        return line
    parts = [localized_command(spec.name, language)]
    if main and spec.main:
        parts.append(_value(spec.name, spec.main, main, language))
    parts += [f"{localized_key(key, language)}: {_value(spec.name, key, value, language)}" for key, value in options.items()]
    return " ".join(parts)


def _value(command: str, key: str, value: str, language: str) -> str:
    info = option_info(command, key)
    if info.source in _THEME_SOURCES:
        if value == ALL_WORDS[SOURCE_LANGUAGE]:
            return ALL_WORDS.get(language, value)
        return ", ".join(theme_arg(part, language) for part in split_list(value))
    if info.source in _DAY_SOURCES:
        day = next((day for day in un_days() if day.slug == value), None)
        return day_arg(day, language) if day else value
    if info.kind is Kind.BOOLEAN and value == YES_WORDS[SOURCE_LANGUAGE]:
        return YES_WORDS.get(language, value)
    return value
