"""Build the shared runtime pieces once: database, handler context, notice router."""

from __future__ import annotations

from dataclasses import dataclass

from bot.notify import NoticeRouter
from bot.settings import Settings
from handlers.context import Context
from handlers.dispatch import handle, handle_text
from handlers.types import Actor, Place, Reply, Request
from storage.session import Database


@dataclass
class Runtime:
    settings: Settings
    db: Database
    ctx: Context
    notices: NoticeRouter

    async def answer(self, request: Request) -> Reply:
        """The reply for the caller; send it, then call ``deliver_notices`` so others hear after the caller."""
        return await handle(self.ctx, request)

    async def answer_text(self, actor: Actor, place: Place, text: str, locale: str = "en") -> Reply:
        return await handle_text(self.ctx, actor, place, text, locale)

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
    )
    return Runtime(settings=settings, db=db, ctx=ctx, notices=NoticeRouter())
