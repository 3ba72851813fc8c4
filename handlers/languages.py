"""Which language each person reads (`/hrc language` itself is in ``handlers/preferences.py``).

Order (first that names a language the bot speaks wins): the person's own choice (`/hrc language es`),
their platform's language (Discord's ``interaction.locale``, Slack's user locale, the console's
setting: the adapters put it in ``Request.locale``), their city's first language, then
``HRC_DEFAULT_LANGUAGE``. A person's choice and city languages are kept in the reply cache
(``ReplyCache.language``): one person's entry is dropped when their row changes, everyone's when a city
or a focal point changes (``storage.queries.versions``), on every instance.
"""

from __future__ import annotations

import re

from handlers.context import Context
from handlers.errors import UserError
from handlers.i18n import LANGUAGES, Translate, babel_locale, language_of
from handlers.text import fold
from handlers.types import Actor
from storage.models import Member
from storage.queries.members import language_preferences

MAX_REMEMBERED = 50_000  # people whose preferences are kept between cache clears

# Names people type for each language, in the three languages (folded); codes work too.
LANGUAGE_WORDS = {
    "en": ("english", "ingles", "anglais"),
    "es": ("spanish", "espanol", "castellano", "espagnol"),
    "fr": ("french", "frances", "francais"),
}
AUTONYMS = {"en": "English", "es": "español", "fr": "français"}


def first_spoken(languages: str) -> str | None:
    """The first of a city's languages (``"pt,es"``) that the bot speaks."""
    for code in languages.split(","):
        if (found := language_of(code)) is not None:
            return found
    return None


async def preferences(ctx: Context, actor: Actor) -> tuple[str | None, str]:
    """(chosen language or None, city languages) of ``actor``; read once, then from the cache."""
    cache = ctx.cache
    person = actor.key + "|" + actor.workspace  # as storage.queries.versions.member_scope names it
    if cache is not None and (known := cache.language(person)) is not None:
        return known
    generation = cache.generation if cache is not None else 0  # before the query: see ReplyCache.put
    async with ctx.db.transaction(write=False) as session:
        found = await language_preferences(session, actor.platform, actor.workspace, actor.user_id)
    if cache is not None:
        cache.put_language(person, found, generation=generation, limit=MAX_REMEMBERED)
    return found


def recipient_language(ctx: Context, member: Member, city_languages: str = "") -> str:
    """The language of a message to ``member`` that they did not ask for (a decision, a prompt): their
    choice, else the language of their last command, else their city's first language, else the default."""
    return (
        language_of(member.language)
        or language_of(member.last_language)
        or first_spoken(city_languages)
        or language_of(ctx.default_language)
        or "en"
    )


async def reader_language(ctx: Context, actor: Actor, platform_locale: str | None) -> str:
    """The language (``en``, ``es``, ``fr``) to answer ``actor`` in; ``platform_locale`` as the platform gave it."""
    try:
        chosen, city_languages = await preferences(ctx, actor)
    except Exception:  # noqa: BLE001 - the database down: answer anyway (the command will say it is down)
        chosen, city_languages = None, ""
    return (
        language_of(chosen)
        or language_of(platform_locale)
        or first_spoken(city_languages)
        or language_of(ctx.default_language)
        or "en"
    )


_TAG = re.compile(r"[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8})*")  # BCP 47's shape, and POSIX's underscore


def parse_language(word: str, _: Translate, *, field: str = "main") -> str:
    """``es``, ``es-419``, ``español``, ``Spanish``, ``espagnol`` -> ``es``; ``UserError`` otherwise."""
    folded = fold(word)
    # A locale tag is one word (``es-419``, ``fr_CA``): ``fr extra`` is not French with a region.
    code = language_of(word.strip()) if _TAG.fullmatch(word.strip()) else None
    if code is not None:
        return code
    for language, names in LANGUAGE_WORDS.items():
        if folded in names or folded == fold(AUTONYMS[language]):
            return language
    raise UserError(
        _("I don't speak “{word}” yet. Choose one of: {choices}.").format(word=word, choices=choices()), field=field
    )


def language_name(code: str, _: Translate) -> str:
    """A language's name in the reader's language (CLDR): ``es`` -> ``Spanish`` / ``espagnol``."""
    return babel_locale(_.language).languages.get(code, code)


def choices() -> str:
    return ", ".join(f"{code} ({AUTONYMS[code]})" for code in LANGUAGES)
