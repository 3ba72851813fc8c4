"""Build the shared runtime pieces once: database, handler context, notice router."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from bot.dm_channels import DmChannels
from bot.notify import NoticeRouter
from bot.settings import Settings
from handlers.cache import ReplyCache
from handlers.context import Context
from handlers.dispatch import ALREADY_APPLIED, handle, handle_text, parse_or_none
from handlers.registry import COMMANDS
from handlers.types import Actor, MemberRef, Place, Reply, Request
from storage.models import DeliveryStatus
from storage.queries import deliveries
from storage.session import Database

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Change:
    """Something changed that views may show (Slack's App Home): a command that wrote, or the broadcast
    worker moving an announcement on (``command`` "announcement", no actor).

    ``command`` is the grammar's name (``verify``, ``theme add``); ``actor`` and ``place`` say who did it
    and where; ``members`` are the people it concerns besides them (the recipients of the reply's notices:
    the registrant of a verified city)."""

    command: str
    actor: Actor | None = None
    place: Place | None = None
    members: tuple[MemberRef, ...] = ()


Watcher = Callable[[Change], Awaitable[None]]


@dataclass
class Runtime:
    settings: Settings
    db: Database
    ctx: Context
    notices: NoticeRouter
    dm_channels: DmChannels | None = None  # the DM channels learnt, kept across restarts (bot.dm_channels)
    outbox: Any = None  # the broadcast worker (bot.broadcast.BroadcastWorker): sends broadcasts and notices
    # Slack and Discord drop a command not acknowledged within 3 s: an answer not ready by then goes
    # out as "acknowledged" (Slack) or "thinking…" (Discord) first, and follows when done.
    answer_within: float = 2.0
    # Told of every change (``changed``), whatever the platform it came from; each must return quickly
    # (schedule its work) and may raise nothing that matters: errors are logged.
    watchers: list[Watcher] = field(default_factory=list)

    async def answer(self, request: Request) -> Reply:
        """The reply for the caller; send it, then call ``deliver_notices`` so others hear after the caller."""
        reply = await handle(self.ctx, request)
        await self._written(request.command.name, request.actor, request.place, reply)
        return reply

    async def answer_text(self, actor: Actor, place: Place, text: str, locale: str = "") -> Reply:
        reply = await handle_text(self.ctx, actor, place, text, locale)
        if self.watchers and not reply.is_error and (command := parse_or_none(text, reply.language or locale)):
            await self._written(command.name, actor, place, reply)
        return reply

    async def _written(self, name: str, actor: Actor, place: Place, reply: Reply) -> None:
        spec = COMMANDS.get(name)
        if self.watchers and spec is not None and spec.writes and not reply.is_error:
            members = tuple(n.member for n in reply.notices if n.member is not None)
            await self.changed(Change(name, actor, place, members))

    async def changed(self, change: Change) -> None:
        """Tell every watcher; a failing watcher is logged and never fails the command."""
        for watcher in self.watchers:
            try:
                await watcher(change)
            except Exception:  # noqa: BLE001 - a view not refreshed is no reason to fail what changed
                logger.exception("watcher failed on %s", change.command)

    async def first_time(self, key: str, kind: str = "request") -> bool:
        """True the first time ``key`` is seen, across restarts and instances (platform retries, double clicks)."""
        async with self.db.transaction() as session:
            return await deliveries.claim(session, key, kind, self.ctx.now(), status=DeliveryStatus.SENT)

    async def answer_once(self, request: Request, key: str) -> Reply | None:
        """Answer, unless this is a repeat of a request that changes something: then None (do nothing).

        Never raises: the retry-ledger claim failing (database down or read-only) is answered like any
        failure of the command itself (``handlers.dispatch.failure_reply``), since it is part of it.
        """
        # The key is claimed in the command's own transaction (one write instead of two, and a command
        # that failed can be retried); reads are answered again, whatever the key.
        reply = await handle(self.ctx, request, once_key=key)
        if reply is ALREADY_APPLIED:
            return None
        await self._written(request.command.name, request.actor, request.place, reply)
        return reply

    async def answer_text_once(self, actor: Actor, place: Place, text: str, key: str, locale: str = "") -> Reply | None:
        command = parse_or_none(text, locale)
        if command is None:  # a parse error: answering it again changes nothing
            return await self.answer_text(actor, place, text, locale)
        return await self.answer_once(Request(actor=actor, place=place, command=command, locale=locale), key)

    async def deliver_notices(self, reply: Reply) -> None:
        if reply.notices:
            await self.notices.deliver(reply.notices)

    async def close(self) -> None:
        await self.db.dispose()


def build_runtime(settings: Settings, *, database: Database | None = None) -> Runtime:
    db = database or Database(settings.database_url)
    ctx = Context(
        db=db,
        secretariat=settings.secretariat,
        timezone=settings.timezone,
        prompt_hour=settings.prompt_hour,
        lead_days=settings.lead_days,
        public_url=settings.public_url,
        default_language=settings.default_language,
        discord_events=settings.discord.enabled and bool(settings.discord.guild_ids),
        cache=ReplyCache(),
    )
    runtime = Runtime(settings=settings, db=db, ctx=ctx, notices=NoticeRouter(db, lambda: ctx.now()),
                      dm_channels=DmChannels(db, lambda: ctx.now()))
    from bot.broadcast import BroadcastWorker  # it imports this module
    from bot.ratelimit import limits_for

    runtime.outbox = BroadcastWorker(runtime, limits=limits_for(settings.slack.posts_per_minute))
    runtime.notices.send_now = runtime.outbox.send_rows
    return runtime
