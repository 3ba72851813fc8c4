"""The `/hrc` application command group, generated from the core's command table.

Every grammar command becomes a subcommand with typed options named like the grammar's keys;
two-word commands become a nested group (`/hrc theme add`), or a hyphenated name when the first
word is itself a command (`/hrc days-add`, since Discord forbids a subcommand and a group with
the same name). Discord limits: ≤ 25 subcommands per group, one nesting level, ≤ 25 choices.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from typing import Any

import discord
from discord import app_commands

from bot.discord.interactions import answer, runtime_of
from bot.discord.modals import CommandModal, needs_form
from handlers.registry import COMMANDS, CommandSpec
from handlers.suggest import city_names, command_names, theme_names
from handlers.types import ParsedCommand
from handlers.vocab import REGIONS, SIZES

CHOICES: dict[str, list[app_commands.Choice[str]]] = {
    "region": [app_commands.Choice(name=r.name, value=r.slug) for r in REGIONS],
    "size": [app_commands.Choice(name=s.name, value=s.slug) for s in SIZES],
    "what": [app_commands.Choice(name="UN-day prompts", value="days"), app_commands.Choice(name="announcements", value="announcements")],
}
DESCRIPTIONS = {
    "city": "City or territory", "country": "Country", "region": "UCLG world region", "themes": "Themes, comma-separated",
    "theme": "A campaign theme", "size": "Kind of local government", "timezone": "IANA time zone, e.g. Europe/Madrid",
    "languages": "Language codes, e.g. en, es", "title": "Title (150 characters at most)",
    "summary": "Summary (2,000 characters at most)", "link": "A full https:// link", "reason": "Why (shown to the registrant)",
    "words": "Words to search in titles and summaries", "command": "A command", "month": "A month (name or number)",
    "name": "Name", "date": "YYYY-MM-DD", "what": "What this channel gets",
}


def param_name(label: str) -> str:
    return {"day name": "name"}.get(label, label.replace(" ", "_"))


async def _autocomplete(interaction: discord.Interaction, current: str, source: Callable[..., Awaitable[list[str]]]) -> list[app_commands.Choice[str]]:
    names = await source(runtime_of(interaction).ctx, current)
    return [app_commands.Choice(name=n[:100], value=n[:100]) for n in names[:25]]


async def complete_theme(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
    # For comma-separated lists, complete the last entry and keep the ones before it.
    head, _, last = current.rpartition(",")
    prefix = f"{head}, " if head else ""
    return [app_commands.Choice(name=(prefix + c.value)[:100], value=(prefix + c.value)[:100]) for c in await _autocomplete(interaction, last.strip(), theme_names)]


async def complete_city(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
    return await _autocomplete(interaction, current, city_names)


async def complete_command(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
    return await _autocomplete(interaction, current, command_names)


AUTOCOMPLETE = {"theme": complete_theme, "themes": complete_theme, "city": complete_city, "command": complete_command}


def _parameters(spec: CommandSpec) -> list[tuple[str, str, bool]]:
    """(option name, grammar key or "" for the main argument, required)."""
    params = []
    if spec.main is not None:
        params.append((param_name(spec.main), "", spec.main_required))
    params += [(key, key, key in spec.required) for key in spec.keys]
    return params


def build_command(spec: CommandSpec, name: str) -> app_commands.Command[Any, ..., None]:
    params = _parameters(spec)

    async def callback(interaction: discord.Interaction, **values: str | None) -> None:
        main = next((values.get(p) or "" for p, key, _r in params if key == ""), "")
        options = {key: str(values[p]) for p, key, _r in params if key and values.get(p)}
        if needs_form(spec.name, options):
            await interaction.response.send_modal(CommandModal(spec.name, options))
            return
        await answer(interaction, ParsedCommand(spec.name, main=str(main), options=options))

    signature = [inspect.Parameter("interaction", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=discord.Interaction)]
    for option, _key, required in params:
        # register/share open a form when options are missing, so none is required on Discord's side.
        hard = required and spec.name not in ("register", "share")
        signature.append(inspect.Parameter(
            option, inspect.Parameter.KEYWORD_ONLY, annotation=str if hard else str | None,
            default=inspect.Parameter.empty if hard else None,
        ))
    callback.__signature__ = inspect.Signature(signature)  # type: ignore[attr-defined]
    command = app_commands.Command(name=name, description=spec.summary[:100], callback=callback)
    for option, _key, _required in params:
        parameter = command._params[option]
        parameter.description = DESCRIPTIONS.get(option, option)[:100]
        if option in CHOICES:
            parameter.choices = CHOICES[option]
        elif option in AUTOCOMPLETE:
            command.autocomplete(option)(AUTOCOMPLETE[option])
    return command


def build_group() -> app_commands.Group:
    group = app_commands.Group(name="hrc", description="Human Rights Cities campaign")
    nested: dict[str, app_commands.Group] = {}
    for spec in COMMANDS.values():
        if spec.name.startswith("test-"):
            continue
        first, _, second = spec.name.partition(" ")
        if not second:
            group.add_command(build_command(spec, first))
        elif first in COMMANDS:
            group.add_command(build_command(spec, f"{first}-{second}"))
        else:
            if first not in nested:
                nested[first] = app_commands.Group(name=first, description=f"/hrc {first} …", parent=group)
            nested[first].add_command(build_command(spec, second))
    return group
