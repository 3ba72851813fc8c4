"""Discord's command names, descriptions and choices in Spanish and French, through discord.py's Translator.

discord.py asks the tree's translator for every ``locale_str`` of every command when it syncs, once per
Discord locale, and sends the answers as ``name_localizations`` / ``description_localizations``. Names
come from ``handlers.words`` (the grammar's own Spanish and French words, so ``/quién`` on Discord is
``/hrc quién`` on Slack); descriptions, choices and context-menu names from the gettext catalogues.
Discord's rules (https://discord.com/developers/docs/interactions/application-commands#localization):
names of 1 to 32 lower-case letters, digits, ``-`` or ``_``; descriptions of 1 to 100 characters.
"""

from __future__ import annotations

import re

import discord
from discord import app_commands
from discord.app_commands import TranslationContextLocation as Where

from handlers.i18n import SOURCE_LANGUAGE, language_of, translator
from handlers.words import tree_name

NAME_RE = re.compile(r"^[-_\w]{1,32}$")
_NAMES = (Where.command_name, Where.group_name, Where.parameter_name)
_TEXTS = (Where.command_description, Where.group_description, Where.parameter_description, Where.choice_name)


def localized(text: str, where: Where, locale: str, *, menu: bool = False) -> str | None:
    """What Discord shows for ``text`` at ``where`` in ``locale`` (``es-ES``, ``es-419``, ``fr``), or None to
    keep the English (a language without a catalogue, or a word with no translation)."""
    language = language_of(locale)
    if language is None or language == SOURCE_LANGUAGE:
        return None
    if where in _NAMES and not menu:
        name = tree_name(text, language)
        return name if name != text and NAME_RE.match(name) and name == name.lower() else None
    _ = translator(language)
    found = _(text) if text else text
    if found == text:
        return None
    return found[: 32 if menu else 100]  # a context menu's name is at most 32 characters, and may hold spaces


class CatalogueTranslator(app_commands.Translator):
    async def translate(
        self, string: app_commands.locale_str, locale: discord.Locale, context: app_commands.TranslationContextTypes
    ) -> str | None:
        menu = isinstance(context.data, app_commands.ContextMenu)
        return localized(string.message, context.location, locale.value, menu=menu)
