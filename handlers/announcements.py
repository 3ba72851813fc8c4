"""Secretariat broadcasts: preview, confirm, cancel, status, and the list of recent ones.

The announcement itself is rendered by ``announcement_reply``: the same function builds the
preview and what the broadcast worker sends, so the preview is exactly what members will see.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from handlers.audit import record
from handlers.common import caller, parse_timezone, short_date
from handlers.context import Context
from handlers.errors import UserError
from handlers.i18n import N_, Translate, translator
from handlers.practices import parse_link
from handlers.registry import command
from handlers.text import fold
from handlers.types import Action, Field, Item, Reply, Request, Visibility
from handlers.vocab import find_region, find_theme, region_name, theme_name
from handlers.words import NO, YES
from handlers.zones import get_zone
from storage.models import Announcement, AnnouncementStatus, OutboxStatus
from storage.queries import announcements as queries

TITLE_MAX, TEXT_MAX = 150, 3000  # Slack's section limit is the smaller of the two platforms'
_AT = re.compile(r"^(\d{4})-(\d{2})-(\d{2})\s+(\d{1,2}):(\d{2})(?:\s+(\S+))?$")
PLATFORM_NAMES = {"slack": "Slack", "discord": "Discord", "console": "console"}


def announcement_reply(announcement: Announcement) -> Reply:
    """What members receive (title, text and link as typed: adapters render them inert)."""
    fields = (Field("Link", announcement.link, inline=False),) if announcement.link else ()
    return Reply(
        title=announcement.title, text=announcement.text, fields=fields,
        footer="Campaign secretariat · 10, 100, 1000 Human Rights Cities & Territories", visibility=Visibility.CHANNEL,
    )


def parse_at(value: str, ctx: Context, _: Translate) -> datetime:
    match = _AT.match(value.strip())
    if not match:
        raise UserError(_("“{value}” is not a time: write at: YYYY-MM-DD HH:MM [time zone], e.g. 2026-12-10 09:00 Europe/Madrid.").format(value=value), field="at")
    zone = get_zone(parse_timezone(match.group(6), _) if match.group(6) else ctx.timezone)
    try:
        local = datetime(*(int(match.group(i)) for i in range(1, 6)), tzinfo=zone)
    except ValueError:
        raise UserError(_("{value} does not exist in the calendar.").format(value=value), field="at") from None
    if local <= ctx.now():
        raise UserError(_("{value} is in the past.").format(value=value), field="at")
    return local


def _id(request: Request, _: Translate) -> int:
    word = request.command.main.strip().lstrip("#")
    if not word.isdigit() or len(word) > 9:
        raise UserError(_("Give the announcement's number, e.g. 12 (see `/hrc announcements`)."), field="main")
    return int(word)


def _subject(announcement: Announcement) -> str:
    return f"announcement #{announcement.id}: {announcement.title}"


async def _load(session: AsyncSession, request: Request, _: Translate) -> Announcement:
    found = await queries.get(session, _id(request, _))
    if found is None:
        raise UserError(_("There is no announcement #{id}.").format(id=_id(request, _)))
    return found


@command(
    "announce",
    summary=N_("Broadcast an announcement to every announcement channel (preview first)"),
    usage=N_("announce title: TEXT text: TEXT [link: URL] [at: YYYY-MM-DD HH:MM TZ] [region: R] [theme: T] [dm: yes]"),
    examples=("/hrc announce title: World Human Rights Cities Forum text: Registrations are open! link: https://example.org/forum",
              "/hrc announce title: Water day text: Share your practices. theme: water dm: yes at: 2027-03-15 09:00 Europe/Madrid"),
    keys=("title", "text", "link", "at", "region", "theme", "dm"),
    required=("title", "text"),
    secretariat=True,
    writes=True,
    limits=(("title", TITLE_MAX), ("text", TEXT_MAX), ("link", 500), ("at", 60), ("region", 60), ("theme", 80), ("dm", 5)),
)
async def announce(ctx: Context, request: Request, session: AsyncSession) -> Reply:
    """Stores a draft and shows it exactly as it will look, with its audience and Send / Cancel."""
    _ = translator(request.locale)
    args = request.command
    dm_word = fold(args.opt("dm"))  # yes / sí / oui
    if dm_word and dm_word not in YES | NO:
        raise UserError(_("dm: takes yes or no."), field="dm")
    draft = Announcement(
        title=args.opt("title"), text=args.opt("text"),
        link=parse_link(args.opt("link"), _) if args.opt("link") else None,
        region=find_region(args.opt("region"), _).slug if args.opt("region") else None,
        theme=find_theme(args.opt("theme"), _).slug if args.opt("theme") else None,
        dm=dm_word in YES, status=AnnouncementStatus.DRAFT, created_at=ctx.now(),
        send_at=parse_at(args.opt("at"), ctx, _) if args.opt("at") else None,
    )
    if (draft.region or draft.theme) and not draft.dm:
        raise UserError(_("region: and theme: choose which focal points get a direct message: add dm: yes."), field="dm")
    draft.author_id = (await caller(ctx, request, session)).id
    await queries.add(session, draft)
    await record(ctx, request, session, subject=_subject(draft), after={
        "title": draft.title, "text": draft.text, "link": draft.link, "region": draft.region, "theme": draft.theme,
        "dm": draft.dm, "send_at": draft.send_at.isoformat() if draft.send_at else None, "status": draft.status})
    audience = Counter((t.platform, t.kind) for t in await queries.targets(session, draft))
    platforms = sorted({p for p, _k in audience})
    lines = [
        _.ngettext("{platform}: {channels} channel", "{platform}: {channels} channels", audience[(p, "channel")]).format(
            platform=PLATFORM_NAMES.get(p, p), channels=audience[(p, "channel")])
        + (_.ngettext(", {dms} focal point by direct message", ", {dms} focal points by direct message",
                      audience[(p, "dm")]).format(dms=audience[(p, "dm")]) if draft.dm else "")
        for p in platforms
    ] or [_("Nobody yet: no channel is set with `/hrc channel set announcements`.")]
    when = _("now") if draft.send_at is None else draft.send_at.strftime("%Y-%m-%d %H:%M %Z")
    preview = announcement_reply(draft)
    return Reply(
        title=_("Preview of announcement #{id}").format(id=draft.id),
        text=_("This is exactly what will be posted. Sending: {when}.").format(when=when),
        fields=(Field(_("Title"), preview.title or "", inline=False), Field(_("Text"), preview.text, inline=False),
                *preview.fields, Field(_("Audience"), "\n".join(lines), inline=False)),
        footer=_("Send with `/hrc announce confirm {id}`, or cancel with `/hrc announce cancel {id}`.").format(id=draft.id),
        actions=(Action(_("Send"), f"announce confirm {draft.id}", "primary", "send"),
                 Action(_("Cancel"), f"announce cancel {draft.id}", "danger", "cancel")),
    )


@command("announce confirm", summary=N_("Send (or schedule) a previewed announcement"), usage=N_("announce confirm ID"),
         examples=("/hrc announce confirm 12",), main=N_("id"), main_required=True, secretariat=True, writes=True,
         limits=(("main", 12),))
async def announce_confirm(ctx: Context, request: Request, session: AsyncSession) -> Reply:
    _ = translator(request.locale)
    found = await _load(session, request, _)
    if found.status != AnnouncementStatus.DRAFT:  # a second click, or a retry: nothing twice
        return Reply(text=_("Announcement #{id} is already {status}.").format(id=found.id, status=found.status))
    found.status = AnnouncementStatus.QUEUED
    found.send_at = found.send_at or ctx.now()
    await record(ctx, request, session, subject=_subject(found), before={"status": AnnouncementStatus.DRAFT},
                 after={"status": found.status, "send_at": found.send_at.isoformat()})
    if found.send_at > ctx.now():
        return Reply(text=_("Announcement #{id} is scheduled for {when} (UTC). `/hrc announce cancel {id}` to stop it.").format(
            id=found.id, when=found.send_at.strftime("%Y-%m-%d %H:%M")))
    return Reply(text=_("Announcement #{id} is on its way. `/hrc announce status {id}` tells how it goes; you get a report when it is done.").format(id=found.id))


@command("announce cancel", summary=N_("Cancel a scheduled or still-running announcement"), usage=N_("announce cancel ID"),
         examples=("/hrc announce cancel 12",), main=N_("id"), main_required=True, secretariat=True, writes=True,
         limits=(("main", 12),))
async def announce_cancel(ctx: Context, request: Request, session: AsyncSession) -> Reply:
    _ = translator(request.locale)
    found = await _load(session, request, _)
    if found.status in (AnnouncementStatus.DONE, AnnouncementStatus.CANCELLED):
        return Reply(text=_("Announcement #{id} is already {status}.").format(id=found.id, status=found.status))
    stopped = await queries.cancel_pending(session, found.id, ctx.now())
    before = {"status": found.status}
    found.status, found.finished_at = AnnouncementStatus.CANCELLED, ctx.now()
    await record(ctx, request, session, subject=_subject(found), before=before,
                 after={"status": found.status, "deliveries not sent": stopped})
    return Reply(text=_.ngettext("Announcement #{id} cancelled ({count} delivery not sent).",
                                 "Announcement #{id} cancelled ({count} deliveries not sent).", stopped).format(
        id=found.id, count=stopped))


async def status_reply(session: AsyncSession, found: Announcement, _: Translate) -> Reply:
    counts = await queries.counts(session, found.id)
    platforms = sorted({p for p, _s in counts})
    fields = [
        Field(PLATFORM_NAMES.get(p, p), _("delivered {sent} · pending {pending} · failed {failed} · cancelled {cancelled}").format(
            sent=counts.get((p, OutboxStatus.SENT), 0),
            pending=counts.get((p, OutboxStatus.PENDING), 0) + counts.get((p, OutboxStatus.SENDING), 0),
            failed=counts.get((p, OutboxStatus.FAILED), 0), cancelled=counts.get((p, OutboxStatus.CANCELLED), 0)))
        for p in platforms
    ]
    reasons = [f"{PLATFORM_NAMES.get(r.platform, r.platform)} {r.target_name or r.target_id}: {r.last_error}"
               for r in await queries.failures(session, found.id)]
    if reasons:
        fields.append(Field(_("Failures"), "\n".join(reasons), inline=False))
    return Reply(title=_("Announcement #{id}: {title}").format(id=found.id, title=found.title),
                 text=_("Status: {status}.").format(status=found.status), fields=tuple(fields))


@command("announce status", summary=N_("Delivered, pending and failed, per platform"), usage=N_("announce status ID"),
         examples=("/hrc announce status 12",), main=N_("id"), main_required=True, secretariat=True, limits=(("main", 12),))
async def announce_status(ctx: Context, request: Request, session: AsyncSession) -> Reply:
    _ = translator(request.locale)
    return await status_reply(session, await _load(session, request, _), _)


@command("announcements", summary=N_("Recent announcements"), usage=N_("announcements"), examples=("/hrc announcements",),
         secretariat=True)
async def announcements(ctx: Context, request: Request, session: AsyncSession) -> Reply:
    _ = translator(request.locale)
    rows = await queries.recent(session)
    if not rows:
        return Reply(text=_("No announcement yet."), footer=_("`/hrc help announce` shows how."))
    items = tuple(
        Item(title=f"#{a.id} {a.title}", text=f"{a.status} · {short_date(a.created_at, request.locale)}"
             + (f" · {region_name(a.region, _)}" if a.region else "") + (f" · {theme_name(a.theme, _)}" if a.theme else ""))
        for a in rows
    )
    return Reply(title=_("Recent announcements"), items=items)
