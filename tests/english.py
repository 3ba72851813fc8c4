"""A checker that fails when English is left in a Spanish or French answer.

Two checks, both built from the catalogues so that they follow new strings without a hand list:
- **sentences**: any piece (14+ characters between placeholders) of an English message that the language
  translates;
- **words**: any word (3+ letters) of the English messages that never occurs in that language's
  translations, nor in the official names of UN days, nor among the names every language shares
  (``SHARED``). ``→ message to @bob`` fails in Spanish on ``message``;
- **commands**: an English command word or key in a quoted command (```/hrc share```), where the language
  spells it otherwise (``compartir``).

Left out before checking: links, file paths, commands in backticks (checked for command words only), mentions
and channel names (``@ana``, ``#general``), and whatever the test says people typed (``typed=``: city names, an announcement's own text). The official
English name of a UN day that has no Spanish or French name may appear (the day-names file decides).
"""

from __future__ import annotations

import re
from functools import lru_cache

from handlers import catalogues
from handlers.calendar import un_days
from handlers.day_names import official_names
from handlers.i18n import translator
from handlers.text import fold
from handlers.words import COMMAND_WORDS, KEY_WORDS, TREE_WORDS, tree_name

WORD = re.compile(r"[^\W\d_]{3,}")
_SKIP = re.compile(r"https?://\S+|`[^`]*`|/hrc\b[^\n]*|<[@#!][^>]*>|\{[^}]*\}|\S*/\S*|[@#][\w.-]+")
# Names and codes that are the same in every language (products, acronyms, formats).
SHARED = frozenset({"slack", "discord", "uclg", "csv", "json", "xlsx", "excel", "iana", "https", "ics", "url",
                    "png", "hrc", "bot", "ctrl", "utc", "gmt"})


def _words(text: str) -> set[str]:
    return {w.lower() for w in WORD.findall(_SKIP.sub(" ", text))}


def _strings(value: object) -> list[str]:
    return [value] if isinstance(value, str) else [v for v in value if v] if value else []  # type: ignore[union-attr]


@lru_cache(maxsize=4)
def english_only_words(language: str) -> frozenset[str]:
    """Words of the English messages that ``language``'s own messages and day names never use."""
    english: set[str] = set()
    for message in catalogues.read(catalogues.TEMPLATE):
        for text in _strings(message.id):
            english |= _words(text)
    native: set[str] = set()
    for message in catalogues.read(catalogues.po_path(language), language):
        for text in _strings(message.string):
            native |= _words(text)
    for names in official_names().values():
        native |= _words(names.get(language, ""))
    return frozenset(english - native - SHARED)


@lru_cache(maxsize=4)
def _allowed_day_words(language: str) -> frozenset[str]:
    """Words of the English names of the days with no official name in ``language`` (shown as they are)."""
    named = official_names()
    return frozenset(w for day in un_days() if language not in named.get(day.slug, {}) for w in _words(day.name))


@lru_cache(maxsize=4)
def english_sentences(language: str) -> frozenset[str]:
    """Pieces of English sentences (between placeholders, 14+ characters) that ``language`` translates."""
    _ = translator(language)
    fragments: set[str] = set()
    for message in catalogues.read(catalogues.TEMPLATE):
        if not message.id or not isinstance(message.id, str) or message.id.startswith("/hrc"):
            continue
        if _(message.id) == message.id:
            continue
        for piece in re.split(r"\{[^}]*\}|`[^`]*`", message.id):
            if len(piece.strip()) >= 14:
                fragments.add(piece.strip())
    return frozenset(fragments)


_COMMANDS = re.compile(r"`[^`]*`|/hrc\b[^\n\]]*")


@lru_cache(maxsize=4)
def english_command_words(language: str) -> frozenset[str]:
    """Command words and option keys whose spelling in ``language`` differs from the English one (``share``,
    ``day``, ``name``): quoted in a command, they show the English grammar or tree to a reader of ``language``."""
    english = {*COMMAND_WORDS, *KEY_WORDS, *TREE_WORDS}
    return frozenset(w for w in english if "_" not in w and fold(tree_name(w, language)) != fold(w))


def _command_words(span: str) -> set[str]:
    """The plain words of a quoted command: no slugs (``human-rights-day``), placeholders or values with digits."""
    tokens = (t.strip(":.,;…[]()|/") for t in span.strip("`").split())
    return {t.lower() for t in tokens if t.isalpha() and not t.isupper()}


def english_in(text: str, language: str, *, typed: tuple[str, ...] = ()) -> list[str]:
    """What is English in ``text`` (meant to be in ``language``): sentences, then ``line: word`` pairs, then
    English command words in the commands it quotes (```/hrc share```, ``/practices share``)."""
    for name in sorted(typed, key=len, reverse=True):
        text = text.replace(name, " ")
    found = sorted(f for f in english_sentences(language) if f in text)
    suspects = english_only_words(language) - _allowed_day_words(language)
    commands = english_command_words(language)
    for line in text.splitlines():
        words = sorted(w for w in _words(line) if w in suspects)
        words += sorted(w for span in _COMMANDS.findall(line) for w in _command_words(span) if w in commands)
        if words:
            found.append(f"{line.strip()!r}: {', '.join(words)}")
    return found


def assert_no_english(text: str, language: str, *, typed: tuple[str, ...] = ()) -> None:
    """Fail, listing each English sentence and each line with English words, when ``text`` has any."""
    found = english_in(text, language, typed=typed)
    assert not found, f"English left in the {language} conversation:\n" + "\n".join(found) + f"\n---\n{text}"
