"""Discord's application commands, generated from the core's command tree (``handlers.tree``).

Top-level commands by domain (``/who``, ``/city register``, ``/secretariat announce send``), each a
discord.py ``Command`` or ``Group``; every option is typed through a ``Transformer`` built from
``handlers.options`` (integers, booleans, choices, a channel, suggestions from the database) that
turns the value back into the grammar's text, so the core runs the same ``ParsedCommand`` as on Slack.
Names and descriptions are ``locale_str`` so a ``app_commands.Translator`` can localise them.
``/secretariat`` is guild-only with Manage Server as its default permission: Discord hides it from
members; the core still checks who may run it.
"""

from __future__ import annotations

import contextlib
import inspect
from functools import cache
from typing import Any

import discord
from discord import app_commands
from discord.app_commands import locale_str

from bot.discord.interactions import answer, runtime_of
from bot.discord.modals import needs_form, open_form
from handlers.errors import UserError
from handlers.i18n import LANGUAGES, translator
from handlers.options import PLACE_KEY, Kind, Source
from handlers.suggest import suggestions
from handlers.tree import Branch, Leaf, TreeOption, build
from handlers.types import ParsedCommand, clean_input
from handlers.vocab import THEMES, find_theme

SECRETARIAT = "secretariat"
# Who sees /secretariat until a server admin grants it (Server Settings → Integrations): Manage Server.
SECRETARIAT_PERMISSIONS = discord.Permissions(manage_guild=True)
_TYPES = {
    Kind.TEXT: discord.AppCommandOptionType.string,
    Kind.CHOICE: discord.AppCommandOptionType.string,
    Kind.INTEGER: discord.AppCommandOptionType.integer,
    Kind.BOOLEAN: discord.AppCommandOptionType.boolean,
    Kind.CHANNEL: discord.AppCommandOptionType.channel,
    Kind.MEMBER: discord.AppCommandOptionType.user,
}


class OptionTransformer(app_commands.Transformer):
    """One option of the tree as Discord's typed option; ``transform`` gives back the grammar's text
    (a channel option gives the channel itself, which becomes the request's place)."""

    def __init__(self, option: TreeOption) -> None:
        self.option = option

    @property
    def type(self) -> discord.AppCommandOptionType:
        return _TYPES[self.option.info.kind]

    @property
    def choices(self) -> list[app_commands.Choice[str]] | None:
        if self.option.info.kind is not Kind.CHOICE:
            return None
        return [app_commands.Choice(name=locale_str(label), value=value) for label, value in self.option.info.choices]

    @property
    def channel_types(self) -> list[discord.ChannelType]:
        return [discord.ChannelType.text, discord.ChannelType.news]

    @property
    def min_value(self) -> int | None:
        return self.option.info.min_value

    @property
    def max_value(self) -> int | None:
        # For a string option, discord.py sends these as min_length / max_length.
        return self.option.max_length if self.option.info.kind is Kind.TEXT else None

    async def transform(self, interaction: discord.Interaction, value: Any, /) -> Any:
        if self.option.info.source is Source.THEME:
            return canonical_theme(str(value))
        if self.option.info.kind is Kind.BOOLEAN:
            return "yes" if value else "no"
        if self.option.info.kind is Kind.CHANNEL:
            return value
        if self.option.info.kind is Kind.MEMBER:  # the grammar's mention, with the name Discord shows
            name = clean_input(getattr(value, "display_name", "")).replace("|", "/").replace(">", "")
            return f"<@{value.id}|{name}>" if name else f"<@{value.id}>"
        return str(value)


@cache
def _theme_names() -> dict[str, str]:
    """Each theme's name in every language, as Discord's suggestions give it (``handlers.suggest``), -> its
    slug; only names the core reads as that very theme."""
    names: dict[str, str] = {}
    for language in LANGUAGES:
        _ = translator(language)
        for theme in THEMES:
            name = _(theme.name)
            with contextlib.suppress(UserError):
                if find_theme(name, _).slug == theme.slug:
                    names.setdefault(name, theme.slug)
    return names


def canonical_theme(text: str) -> str:
    """A theme chosen from Discord's suggestions (its name in the reader's language: ``Climate justice``,
    ``Justicia climática``) as the grammar's slug (``climate-justice``), the words Slack users type and the
    cache warms `who` under: one cached answer for all of them. Anything else is passed on as typed."""
    return _theme_names().get(text, text)


class SuggestingTransformer(OptionTransformer):
    """An option with suggestions from the database, answered within Discord's 3-second window."""

    async def autocomplete(self, interaction: discord.Interaction, value: int | float | str, /) -> list[app_commands.Choice[Any]]:
        source = self.option.info.source
        assert source is not None
        text = clean_input(str(value or ""))[:200]
        found = await suggestions(runtime_of(interaction).ctx, source, text, str(interaction.locale))
        if self.option.info.kind is Kind.INTEGER:
            return [app_commands.Choice(name=s.label, value=int(s.value)) for s in found if s.value.isdecimal()]
        return [app_commands.Choice(name=s.label, value=s.value) for s in found]


def transformer(option: TreeOption) -> OptionTransformer:
    return SuggestingTransformer(option) if option.info.source is not None else OptionTransformer(option)


def build_command(leaf: Leaf) -> app_commands.Command[Any, ..., None]:
    """The leaf as a discord.py command whose options are the leaf's typed options."""
    spec = leaf.spec
    # register/share open a form when required options are missing, so none is required on Discord's side.
    relaxed = spec.name in ("register", "share")

    async def callback(interaction: discord.Interaction, **values: Any) -> None:
        main, options, channel = "", {}, None
        for option in leaf.options:
            value = values.get(option.name)
            if value is None or value == "":
                continue
            if option.key == PLACE_KEY:
                channel = value
            elif option.key == "":
                main = value
            else:
                options[option.key] = value
        if needs_form(spec.name, options):
            await open_form(interaction, spec.name, options)
            return
        await answer(interaction, ParsedCommand(spec.name, main=main, options=options), channel=channel)

    parameters = [inspect.Parameter("interaction", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=discord.Interaction)]
    for option in leaf.options:
        required = option.required and not relaxed
        parameters.append(inspect.Parameter(
            option.name, inspect.Parameter.KEYWORD_ONLY, annotation=transformer(option),
            default=inspect.Parameter.empty if required else None,
        ))
    callback.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
    described = app_commands.describe(**{o.name: locale_str(o.info.description) for o in leaf.options})(callback)
    return app_commands.Command(name=locale_str(leaf.name), description=locale_str(spec.summary), callback=described)


def build_group(branch: Branch) -> app_commands.Group:
    extra: dict[str, Any] = {}
    if branch.path == (SECRETARIAT,):
        extra = {"guild_only": True, "allowed_contexts": app_commands.AppCommandContext(guild=True),
                 "default_permissions": SECRETARIAT_PERMISSIONS}
    group = app_commands.Group(name=locale_str(branch.name), description=locale_str(branch.description), **extra)
    for child in branch.children.values():
        group.add_command(build_group(child) if isinstance(child, Branch) else build_command(child))
    return group


def build_commands() -> list[app_commands.Command[Any, ..., None] | app_commands.Group]:
    """Every top-level command of the tree, ready for ``CommandTree.add_command``."""
    return [build_group(node) if isinstance(node, Branch) else build_command(node) for node in build().values()]
