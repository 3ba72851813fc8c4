"""The command table: every `/hrc` command, its options, usage, examples, handler and place in the tree.

Handler modules register their commands with ``@command(...)``; the parser, ``help`` and the
platform adapters (Discord's typed options, Slack's modals) all read this one table.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from handlers.i18n import N_

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from handlers.context import Context
    from handlers.types import Reply, Request

Handler = Callable[["Context", "Request", "AsyncSession"], Awaitable["Reply"]]


@dataclass(frozen=True)
class CommandSpec:
    name: str  # "who", "theme add"
    summary: str  # N_-marked, one line for the help list
    usage: str  # N_-marked, e.g. "who THEME [region: REGION]"
    examples: tuple[str, ...]
    handler: Handler
    keys: tuple[str, ...] = ()  # allowed "key:" options
    required: tuple[str, ...] = ()  # options that must be present
    main: str | None = None  # label of the free-words argument, None when the command takes none
    main_required: bool = False
    # N_-marked: what to say when the required free words are missing, in the user's words ("Say what this
    # channel gets: …"); None: "Tell me the <main>."
    main_prompt: str | None = None
    secretariat: bool = False
    writes: bool = False
    channel_reply: bool = False  # the answer is meant for the whole channel
    limits: tuple[tuple[str, int], ...] = ()  # max characters per option ("main" for the free words)

    def limit_of(self, key: str) -> int | None:
        return dict(self.limits).get(key)

    @property
    def place(self) -> tuple[str, ...]:
        """Where the command sits in a command tree (Discord): ``("secretariat", "announce", "send")``.

        Raises KeyError for a command missing from ``PLACES``.
        """
        return PLACES[self.name]


# Each command's place in a nested command tree: (top-level command, [group,] subcommand), or just the
# top-level command. Discord shows this tree; Slack and the console keep the grammar's `/hrc NAME`.
# Discord's limits (25 subcommands or groups under one command, one level of groups) are checked by
# ``handlers.tree.check``; the tree keeps at most 20 so that there is room to grow.
PLACES: dict[str, tuple[str, ...]] = {
    "help": ("help",),
    "language": ("language",),
    "who": ("who",),
    "register": ("city", "register"),
    "profile": ("city", "profile"),
    "theme add": ("city", "theme", "add"),
    "theme remove": ("city", "theme", "remove"),
    "share": ("practices", "share"),
    "practices": ("practices", "search"),
    "days": ("calendar", "days"),
    "day": ("calendar", "day"),
    "subscribe": ("subscriptions", "add"),
    "unsubscribe": ("subscriptions", "remove"),
    "pause": ("subscriptions", "pause"),
    "resume": ("subscriptions", "resume"),
    "days export": ("calendar", "export"),
    "act": ("calendar", "act"),
    "act remove": ("calendar", "withdraw"),
    "progress": ("campaign", "progress"),
    "themes": ("campaign", "themes"),
    "channels": ("campaign", "channels"),
    "pending": ("secretariat", "pending"),
    "verify": ("secretariat", "verify"),
    "reject": ("secretariat", "reject"),
    "announce": ("secretariat", "announce", "new"),
    "announce confirm": ("secretariat", "announce", "send"),
    "announce cancel": ("secretariat", "announce", "cancel"),
    "announce status": ("secretariat", "announce", "status"),
    "announcements": ("secretariat", "announce", "list"),
    "days add": ("secretariat", "dates", "add"),
    "days remove": ("secretariat", "dates", "remove"),
    "channel set": ("secretariat", "channel", "set"),
    "channel unset": ("secretariat", "channel", "unset"),
    "audit": ("secretariat", "audit"),
    "acting": ("secretariat", "acting"),
    "merge": ("secretariat", "merge"),
    "transfer": ("secretariat", "transfer"),
    "leave": ("city", "leave"),
    "link": ("account", "link"),
    "unlink": ("account", "unlink"),
    "export": ("secretariat", "export"),
}

# Descriptions of the tree's top-level commands and groups (N_-marked, at most 100 characters).
BRANCHES: dict[tuple[str, ...], str] = {
    ("city",): N_("Your city: register it, see a city's card, change its themes, leave it"),
    ("city", "theme"): N_("Add or remove your city's themes"),
    ("account",): N_("Your Slack and Discord accounts as one member"),
    ("practices",): N_("Local practices: search them, share one of your city"),
    ("calendar",): N_("UN international days and campaign dates"),
    ("subscriptions",): N_("Get a direct message on the days of a theme"),
    ("campaign",): N_("The campaign: progress, themes, channels"),
    ("secretariat",): N_("For the campaign secretariat: verifications, announcements, dates, channels"),
    ("secretariat", "announce"): N_("Broadcasts to every announcement channel"),
    ("secretariat", "dates"): N_("Campaign dates in the calendar"),
    ("secretariat", "channel"): N_("Channels that get UN-day prompts or announcements"),
}


COMMANDS: dict[str, CommandSpec] = {}


def command(
    name: str,
    *,
    summary: str,
    usage: str,
    examples: tuple[str, ...] = (),
    **options: object,
) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        if name in COMMANDS:
            raise RuntimeError(f"command {name!r} registered twice")
        COMMANDS[name] = CommandSpec(name=name, summary=summary, usage=usage, examples=examples, handler=handler, **options)  # type: ignore[arg-type]
        return handler

    return register


def groups() -> dict[str, list[CommandSpec]]:
    """Commands with a two-word name, by their first word: ``theme`` -> [theme add, theme remove]."""
    result: dict[str, list[CommandSpec]] = {}
    for spec in COMMANDS.values():
        if " " in spec.name:
            result.setdefault(spec.name.split(" ", 1)[0], []).append(spec)
    return result


def load_all() -> dict[str, CommandSpec]:
    """Import every handler module so that their commands are registered."""
    from handlers import (  # noqa: F401
        actions,
        announcements,
        audit,
        channels,
        cities,
        days,
        directory,
        exports,
        feeds,
        help,
        links,
        merge,
        people,
        practices,
        preferences,
        secretariat,
        subscriptions,
    )

    return COMMANDS
