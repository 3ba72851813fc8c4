"""The command table: every `/hrc` command, its options, usage, examples and handler.

Handler modules register their commands with ``@command(...)``; the parser, ``help`` and the
platform adapters (Discord's typed options, Slack's modals) all read this one table.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

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
    secretariat: bool = False
    writes: bool = False
    channel_reply: bool = False  # the answer is meant for the whole channel
    limits: tuple[tuple[str, int], ...] = ()  # max characters per option ("main" for the free words)

    def limit_of(self, key: str) -> int | None:
        return dict(self.limits).get(key)


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
        announcements,
        channels,
        cities,
        days,
        directory,
        help,
        practices,
        secretariat,
        subscriptions,
    )

    return COMMANDS
