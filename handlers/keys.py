"""Which ``word:`` of a typed command is one of its option keys, and what to say about one that is not.

A value runs to the next key of its command (``handlers.grammar``); any other ``word:`` inside a value is
either part of the value or a mistake, and never silently kept as part of it:

- in a short value (a name, a theme, a country, a time…) every ``word:`` is refused, naming it: ``register
  city: Paris colour: blue`` would otherwise register a city called "Paris colour: blue";
- in free text (``summary:``, ``text:``…: ``handlers.options``) prose keeps its colons ("Note: bring water",
  "Save the date:", "Región: América Latina", "En résumé :"): a key of the command ends the value only
  written as keys are, in lower case. Only a language version the bot has not (``text_de:``) is refused,
  with a hint to quote the text.

A key is letters, with at most one ``_xx`` suffix (``text_es``), or one of the keys of several words
(``time zone``, ``fuseau horaire``), then a colon and a space or the end: URLs (``https://…``), times
(``09:30``) and offsets (``+02:00``) are never keys. A value in quotes is never looked into.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from handlers.errors import UserError
from handlers.i18n import Translate, babel_locale
from handlers.options import is_free_text
from handlers.registry import CommandSpec
from handlers.text import fold, suggest
from handlers.words import (
    key_spellings,
    localized_command,
    localized_key,
    multiword_keys,
    option_key,
    option_keys,
)

VERSION_PARTS = ("text", "title")  # an announcement's versions: text_es, title_fr…


@lru_cache(maxsize=1)
def key_token() -> re.Pattern[str]:
    """A ``word:`` that may be a key: group 1 is the word(s), spaces as typed."""
    several = set(multiword_keys()) | {fold(spelling) for spelling in multiword_keys()}
    spaced = [r"\s+".join(map(re.escape, spelling.split())) for spelling in sorted(several, key=len, reverse=True)]
    word = r"[^\W\d_]+(?:_[^\W\d_]+)?"
    return re.compile(r"(?:^|(?<=\s))(" + "|".join([*spaced, word]) + r")\s*:(?=\s|$)", re.IGNORECASE)


def tokens(text: str, start: int = 0) -> Iterator[re.Match[str]]:
    """Every ``word:`` of ``text`` from ``start`` that may be a key."""
    return key_token().finditer(text, start)


def key_of(spec: CommandSpec, word: str) -> str | None:
    """The English key of ``spec`` that ``word`` spells in any language (``à`` -> ``at`` for announce), else None.
    A language version is written with its underscore (``text_es``): the French word "textes" is not one."""
    key = option_key(" ".join(word.split()), spec.keys)
    if key is not None and "_" in key and "_" not in word:
        return None
    return key


def next_key(spec: CommandSpec, text: str, start: int = 0, *, in_prose: bool = False) -> re.Match[str] | None:
    """The first ``word:`` of ``text`` from ``start`` that is a key of ``spec``.

    ``in_prose``: ``text`` from ``start`` is free text (``handlers.options``), where people write "Note:",
    "Región:" or "Heure :" as prose: there a key counts only written as keys are, in lower case. A key in
    lower case is a key even where it reads as prose ("Invitamos a: alcaldes": ``a:`` is at:): refused as
    not a time, it is shown, where taking it for prose would send an announcement now that was meant for later.
    """
    for match in tokens(text, start):
        key = key_of(spec, match.group(1))
        if key is None:
            continue
        if in_prose and match.group(1) != match.group(1).lower():
            continue
        return match
    return None


def check_value(spec: CommandSpec, key: str | None, value: str, _: Translate) -> None:
    """Refuse a ``word:`` in the value of ``key`` (None: the free words) that is not a key of ``spec``.

    Raises ``UserError`` naming the word, with "did you mean" in the reader's words when it is close to a key.
    """
    free_text = is_free_text(spec.name, key)
    for match in tokens(value):
        word = " ".join(match.group(1).split())
        if free_text and not _surely_a_key(word):
            continue
        raise unknown_key(spec, word, _, quoted_key=key if free_text else None)


def _surely_a_key(word: str) -> bool:
    """In prose, only a language version is surely meant as a key (``text_de``: the bot has none such);
    any other ``word:`` is prose ("Save the date:", "En résumé :", "la región:")."""
    return "_" in word


def unknown_key(spec: CommandSpec, word: str, _: Translate, *, quoted_key: str | None = None) -> UserError:
    """The refusal of ``word:`` in ``spec``; ``quoted_key``: the free-text option it was found in, for the hint
    to put that text in quotes."""
    language = _.language
    hint = None
    if quoted_key is not None:
        example = f'{localized_key(quoted_key, language)}: "…"'
        hint = _("If the colon is part of your text, put the text in quotes: `{example}`.").format(example=example)
    versions = [key for key in spec.keys if "_" in key and key.split("_", 1)[0] in VERSION_PARTS]
    if "_" in word and versions and set(option_keys(word.split("_", 1)[0])) & set(VERSION_PARTS):
        listed = ", ".join(f"{localized_key(key, language)}:" for key in versions)
        codes = dict.fromkeys(key.rsplit("_", 1)[1] for key in versions)
        names = _.list(babel_locale(language).languages.get(code, code) for code in codes)
        return UserError(
            _("“{word}:” is not a version the bot can send: an announcement has versions in {languages} only "
              "({keys}).").format(word=word, languages=names, keys=listed),
            usage_of=spec.name, hint=hint,
        )
    close = _close_key(spec, word, language)
    if close:
        message = _("Unknown option “{word}:”. Did you mean “{choice}:”?").format(word=word, choice=close)
    elif option_keys(word):
        message = _("“{command}” has no option “{word}:”.").format(command=localized_command(spec.name, language),
                                                                    word=word)
    else:
        message = _("Unknown option “{word}:”.").format(word=word)
    return UserError(message, usage_of=spec.name, hint=hint)


def _close_key(spec: CommandSpec, word: str, language: str) -> str | None:
    """The key of ``spec`` that ``word`` looks like a typo of, in any language, as ``language`` writes it
    (``contry`` -> ``country`` in English, ``país`` in Spanish)."""
    by_spelling = {spelling: key for key in spec.keys for spelling in key_spellings(key)}
    close = suggest(word, list(by_spelling), n=1, cutoff=0.75)
    return localized_key(by_spelling[close[0]], language) if close else None
