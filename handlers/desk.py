"""Read-only summaries for personal desks (Slack's App Home): what a person sees without typing a command.

Platform-neutral like every handler: each function opens its own read transaction and returns a ``Reply``
the adapter renders. Changes still go through the commands (``announce confirm``, ``announce cancel``).
"""

from __future__ import annotations

from handlers.announcements import platform_name
from handlers.common import short_date
from handlers.context import Context
from handlers.i18n import N_, translator
from handlers.types import Actor, Item, Reply
from storage.models import AnnouncementStatus, OutboxStatus
from storage.queries import announcements as queries

LATEST_ANNOUNCEMENTS = 3
STATUS_NAMES = {
    AnnouncementStatus.DRAFT: N_("draft, waiting for Send"),
    AnnouncementStatus.QUEUED: N_("scheduled"),
    AnnouncementStatus.SENDING: N_("sending"),
    AnnouncementStatus.DONE: N_("sent"),
    AnnouncementStatus.CANCELLED: N_("cancelled"),
}


async def latest_announcements(ctx: Context, actor: Actor, locale: str, limit: int = LATEST_ANNOUNCEMENTS) -> Reply | None:
    """The ``limit`` most recent announcements with their state and, per platform, how many deliveries
    were sent, are pending (or being sent) and failed: what ``announce status`` says, one line each.

    ``locale`` is the reader's language (en, es, fr). None for someone outside the secretariat, or when
    there is no announcement yet."""
    if not ctx.is_secretariat(actor):
        return None
    _ = translator(locale)
    items: list[Item] = []
    async with ctx.db.transaction(write=False) as session:
        for found in await queries.recent(session, limit=limit):
            counts = await queries.counts(session, found.id)
            state = _(STATUS_NAMES.get(AnnouncementStatus(found.status), found.status))
            when = found.send_at if found.status == AnnouncementStatus.QUEUED and found.send_at else found.created_at
            lines = [f"{state} · {short_date(when, locale)}"]
            for platform in sorted({p for p, _s in counts}):
                lines.append(_("{platform}: {sent} sent · {pending} pending · {failed} failed").format(
                    platform=platform_name(platform, _),
                    sent=counts.get((platform, OutboxStatus.SENT), 0),
                    pending=counts.get((platform, OutboxStatus.PENDING), 0) + counts.get((platform, OutboxStatus.SENDING), 0),
                    failed=counts.get((platform, OutboxStatus.FAILED), 0)))
            items.append(Item(title=f"#{found.id} {found.title}", text="\n".join(lines)))
    if not items:
        return None
    return Reply(title=_("Latest announcements"), items=tuple(items),
                 footer=_("`/hrc announce status ID` gives the details and the reasons of failures."))
