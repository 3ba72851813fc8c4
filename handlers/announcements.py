"""Secretariat broadcasts: preview, confirm, cancel, status, and the list of recent ones.

The announcement itself is rendered by ``announcement_reply``: the same function builds the
preview and what the broadcast worker sends, so the preview is exactly what members will see.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from handlers.audit import record
from handlers.common import caller, parse_timezone, platform_name, short_date
from handlers.context import Context
from handlers.errors import UserError
from handlers.i18n import LANGUAGES, N_, SOURCE_LANGUAGE, Translate, language_of, translator
from handlers.languages import language_name
from handlers.moments import local_instant, moment, reader_zone
from handlers.practices import parse_link
from handlers.registry import command
from handlers.text import fold
from handlers.types import Action, Field, Item, Reply, Request, Visibility
from handlers.vocab import find_region, find_theme, region_name, theme_name
from handlers.words import NO, YES
from handlers.zones import get_zone
from storage.models import Announcement, AnnouncementStatus, AnnouncementVersion, OutboxStatus
from storage.queries import announcements as queries
from storage.queries.announcements import Target

TITLE_MAX, TEXT_MAX = 150, 3000  # Slack's section limit is the smaller of the two platforms'
# YYYY-MM-DD HH:MM, an optional UTC offset (for a time that happens twice), an optional time zone.
_AT = re.compile(r"^(\d{4})-(\d{2})-(\d{2})\s+(\d{1,2}):(\d{2})\s*(?:([+-])(\d{2}):?(\d{2}))?(?:\s+(\S+))?$")
STATUS_NAMES = {
    AnnouncementStatus.DRAFT: N_("draft"), AnnouncementStatus.QUEUED: N_("queued"), AnnouncementStatus.SENDING: N_("sending"),
    AnnouncementStatus.DONE: N_("done"), AnnouncementStatus.CANCELLED: N_("cancelled"),
}
# The languages an announcement can also be written in: ``text_es:`` / ``title_es:``… (handlers.words has their
# Spanish and French spellings, ``texto_es:``, ``texte_fr:``). ``text:`` is the main text, read by whoever
# reads a language with no version of its own; ``text_en:`` serves when the main text is not in English.
VERSION_LANGUAGES = LANGUAGES
VERSION_KEYS = tuple(f"{part}_{language}" for language in VERSION_LANGUAGES for part in ("text", "title"))
ID_PROMPT = N_("Give the announcement's number, e.g. 12 (see `/hrc announcements`).")


def status_name(status: str, _: Translate) -> str:
    return _(STATUS_NAMES[status]) if status in STATUS_NAMES else status  # type: ignore[index]


def target_language(target: Target, default: str) -> str:
    """The language ``target`` reads: the first of its known languages the bot speaks, else ``default``."""
    return next(filter(None, map(language_of, target.languages)), None) or language_of(default) or SOURCE_LANGUAGE


def version_of(announcement: Announcement, language: str | None) -> tuple[str, str]:
    """(title, text) in ``language``: its own version where one was given, else the main title and text."""
    for version in announcement.versions:
        if version.language == language:
            return version.title or announcement.title, version.text or announcement.text
    return announcement.title, announcement.text


def announcement_reply(announcement: Announcement, language: str | None = None) -> Reply:
    """What members reading ``language`` receive: its version of the title and text (as typed: adapters
    render them inert), framed in that language; the main version when it has none."""
    _ = translator(language)
    title, text = version_of(announcement, _.language)
    fields = (Field(_("Link"), announcement.link, inline=False),) if announcement.link else ()
    return Reply(
        title=title, text=text, fields=fields, language=_.language, visibility=Visibility.CHANNEL,
        footer=_("Campaign secretariat · 10, 100, 1000 Human Rights Cities & Territories"),
    )


def parse_at(value: str, ctx: Context, _: Translate) -> datetime:
    match = _AT.match(value.strip())
    if not match:
        raise UserError(_("“{value}” is not a time: write at: YYYY-MM-DD HH:MM [time zone], e.g. 2026-12-10 09:00 Europe/Madrid.").format(value=value), field="at")
    zone = get_zone(parse_timezone(match.group(9), _) if match.group(9) else ctx.timezone)
    try:
        wall = datetime(*(int(match.group(i)) for i in range(1, 6)))
    except ValueError:
        raise UserError(_("{value} does not exist in the calendar.").format(value=value), field="at") from None
    offset = f"{match.group(6)}{match.group(7)}:{match.group(8)}" if match.group(6) else None
    local = local_instant(wall, zone, offset, _)  # a skipped time is refused, a repeated one asks which
    if local <= ctx.now():
        raise UserError(_("{value} is in the past.").format(value=value), field="at")
    return local


def _id(request: Request, _: Translate) -> int:
    word = request.command.main.strip().lstrip("#")
    if not word.isdecimal() or len(word) > 9:
        raise UserError(_(ID_PROMPT), field="main")
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
    usage=N_("announce title: TEXT text: TEXT [text_es: TEXT] [text_fr: TEXT] [link: URL] [at: YYYY-MM-DD HH:MM TZ] [region: R] [theme: T] [dm: yes]"),
    examples=("/hrc announce title: World Human Rights Cities Forum text: Registrations are open! link: https://example.org/forum",
              "/hrc announce title: Water day text: Share your practices. title_es: Día del agua text_es: Compartan sus "
              "prácticas. title_fr: Journée de l’eau text_fr: Partagez vos pratiques. theme: water dm: yes "
              "at: 2027-03-15 09:00 Europe/Madrid"),
    keys=("title", "text", "link", "at", "region", "theme", "dm", *VERSION_KEYS),
    required=("title", "text"),
    secretariat=True,
    writes=True,
    limits=(("title", TITLE_MAX), ("text", TEXT_MAX), ("link", 500), ("at", 60), ("region", 60), ("theme", 80), ("dm", 5),
            *((key, TITLE_MAX if key.startswith("title") else TEXT_MAX) for key in VERSION_KEYS)),
)
async def announce(ctx: Context, request: Request, session: AsyncSession) -> Reply:
    """Stores a draft and shows it exactly as it will look, each language's version, who reads which,
    with Send / Cancel. ``text_es:`` / ``text_fr:`` (and ``title_es:``…) are read by the channels set to
    that language and the people who read it; everyone else gets ``title:`` and ``text:``."""
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
        versions=[
            AnnouncementVersion(language=language, title=args.opt(f"title_{language}") or None,
                                text=args.opt(f"text_{language}") or None)
            for language in VERSION_LANGUAGES if args.opt(f"title_{language}") or args.opt(f"text_{language}")
        ],
    )
    if (draft.region or draft.theme) and not draft.dm:
        raise UserError(_("region: and theme: choose which focal points get a direct message: add dm: yes."), field="dm")
    draft.author_id = (await caller(ctx, request, session)).id
    await queries.add(session, draft)
    await record(ctx, request, session, subject=_subject(draft), after={
        "title": draft.title, "text": draft.text, "link": draft.link, "region": draft.region, "theme": draft.theme,
        "dm": draft.dm, "send_at": draft.send_at.isoformat() if draft.send_at else None, "status": draft.status,
        **{f"{part}_{v.language}": getattr(v, part) for v in draft.versions for part in ("title", "text") if getattr(v, part)}})
    targets = await queries.targets(session, draft)
    audience = Counter((t.platform, t.kind) for t in targets)
    platforms = sorted({p for p, _k in audience})
    lines = [
        _.ngettext("{platform}: {channels} channel", "{platform}: {channels} channels", audience[(p, "channel")]).format(
            platform=platform_name(p, _), channels=audience[(p, "channel")])
        + (_.ngettext(", {dms} focal point by direct message", ", {dms} focal points by direct message",
                      audience[(p, "dm")]).format(dms=audience[(p, "dm")]) if draft.dm else "")
        for p in platforms
    ] or [_("Nobody yet: no channel is set with `/hrc channel set announcements`.")]
    when = _("now") if draft.send_at is None else moment(draft.send_at, await reader_zone(ctx, request, session), _, relative=True)
    main, written = _shown(draft, targets, _, ctx.default_language)
    return Reply(
        title=_("Preview of announcement #{id}").format(id=draft.id),
        text=_preview_header(main is not None, written, when, _),
        preview=tuple(announcement_reply(draft, language) for language in ([main] if main else []) + written),
        fields=(Field(_("Audience"), "\n".join(lines), inline=False), *_readers_field(draft, targets, ctx.default_language, _)),
        footer=_("Send with `/hrc announce confirm {id}`, or cancel with `/hrc announce cancel {id}`.").format(id=draft.id),
        actions=(Action(_("Send"), f"announce confirm {draft.id}", "primary", "send"),
                 Action(_("Cancel"), f"announce cancel {draft.id}", "danger", "cancel")),
    )


def _shown(draft: Announcement, targets: list[Target], _: Translate, default: str) -> tuple[str | None, list[str]]:
    """The versions the preview shows, each exactly as delivered: the main text, framed in the language
    of its readers (those whose language has no version of its own: the caller's language first), when
    anyone reads it or nobody is reached yet (its language, else None); then each language's own version."""
    written = [v.language for v in draft.versions]
    read = {target_language(t, default) for t in targets}
    candidates = [lang for lang in (_.language, language_of(default), *VERSION_LANGUAGES) if lang and lang not in written]
    main = next((lang for lang in candidates if not targets or lang in read), None)
    return main, written


def _preview_header(main: bool, written: list[str], when: str, _: Translate) -> str:
    """The sentence with the preview, saying which versions it shows, in order, and when it is sent."""
    names = _.list(language_name(language, _) for language in written)
    if not written:
        return _("Above is exactly what will be posted, whole. Sending: {when}.").format(when=when)
    if main:
        return _.ngettext(
            "Above is exactly what will be posted, whole: the main text, then the {languages} version. Sending: {when}.",
            "Above is exactly what will be posted, whole: the main text, then the {languages} versions. Sending: {when}.",
            len(written)).format(languages=names, when=when)
    return _.ngettext(
        "Above is exactly what will be posted, whole: only the {languages} version, since no one it reaches reads the "
        "main text. Sending: {when}.",
        "Above is exactly what will be posted, whole: only the {languages} versions, since no one it reaches reads the "
        "main text. Sending: {when}.",
        len(written)).format(languages=names, when=when)


def _readers_field(draft: Announcement, targets: list[Target], default: str, _: Translate) -> list[Field]:
    """Who gets which version: per language read, how many channels and people, and which text."""
    if not draft.versions or not targets:
        return []
    by_language = Counter((target_language(t, default), t.kind) for t in targets)
    written = {v.language for v in draft.versions}
    lines = []
    for language in sorted({language for language, _kind in by_language}):
        who = [_.ngettext("{count} channel", "{count} channels", n).format(count=n)
               for n in (by_language[(language, "channel")],) if n]
        who += [_.ngettext("{count} person by direct message", "{count} people by direct message", n).format(count=n)
                for n in (by_language[(language, "dm")],) if n]
        if language in written:
            which = _("the {language} version").format(language=language_name(language, _))
        elif language == SOURCE_LANGUAGE:
            which = _("the main text")
        else:
            which = _("the main text (no {language} version)").format(language=language_name(language, _))
        lines.append(_("{who}: {which}").format(who=_.list(who), which=which))
    return [Field(_("Who reads which"), "\n".join(lines), inline=False)]


@command("announce confirm", summary=N_("Send (or schedule) a previewed announcement"), usage=N_("announce confirm ID"),
         examples=("/hrc announce confirm 12",), main=N_("id"), main_required=True, main_prompt=ID_PROMPT, secretariat=True, writes=True,
         limits=(("main", 12),))
async def announce_confirm(ctx: Context, request: Request, session: AsyncSession) -> Reply:
    _ = translator(request.locale)
    found = await _load(session, request, _)
    if found.status != AnnouncementStatus.DRAFT:  # a second click, or a retry: nothing twice
        return Reply(text=_("Announcement #{id} is already {status}.").format(id=found.id, status=status_name(found.status, _)))
    if (found.send_at is None or found.send_at <= ctx.now()) and not await queries.targets(session, found):
        # Sent now to nobody, it would be reported "done" having reached no one: it stays a draft instead
        # (a scheduled one may find channels set before its time).
        nobody = (_("Nobody would receive announcement #{id}: no channel is set with `/hrc channel set announcements`, "
                    "and no focal point matches it. Set a channel, then confirm again.") if found.dm else
                  _("Nobody would receive announcement #{id}: no channel is set with `/hrc channel set announcements`. "
                    "Set one, then confirm again."))
        raise UserError(nobody.format(id=found.id))
    found.status = AnnouncementStatus.QUEUED
    # Confirmed after its time: it goes now, and says so (its time is kept in the audit trail).
    passed = found.send_at if found.send_at is not None and found.send_at <= ctx.now() else None
    before = {"status": AnnouncementStatus.DRAFT, **({"send_at": passed.isoformat()} if passed else {})}
    found.send_at = ctx.now() if found.send_at is None or passed else found.send_at
    await record(ctx, request, session, subject=_subject(found), before=before,
                 after={"status": found.status, "send_at": found.send_at.isoformat()})
    if found.send_at > ctx.now():
        when = moment(found.send_at, await reader_zone(ctx, request, session), _, relative=True)
        return Reply(text=_("Announcement #{id} is scheduled for {when}. `/hrc announce cancel {id}` to stop it.").format(
            id=found.id, when=when))
    if passed is not None:
        when = moment(passed, await reader_zone(ctx, request, session), _)
        return Reply(text=_("Announcement #{id} was scheduled for {when}, which has passed: it is sent now. "
                            "`/hrc announce status {id}` tells how it goes; you get a report when it is done.").format(
            id=found.id, when=when))
    return Reply(text=_("Announcement #{id} is on its way. `/hrc announce status {id}` tells how it goes; you get a report when it is done.").format(id=found.id))


@command("announce cancel", summary=N_("Cancel a scheduled or still-running announcement"), usage=N_("announce cancel ID"),
         examples=("/hrc announce cancel 12",), main=N_("id"), main_required=True, main_prompt=ID_PROMPT, secretariat=True, writes=True,
         limits=(("main", 12),))
async def announce_cancel(ctx: Context, request: Request, session: AsyncSession) -> Reply:
    _ = translator(request.locale)
    found = await _load(session, request, _)
    if found.status in (AnnouncementStatus.DONE, AnnouncementStatus.CANCELLED):
        return Reply(text=_("Announcement #{id} is already {status}.").format(id=found.id, status=status_name(found.status, _)))
    stopped = await queries.cancel_pending(session, found.id, ctx.now())
    before = {"status": found.status}
    found.status, found.finished_at = AnnouncementStatus.CANCELLED, ctx.now()
    await record(ctx, request, session, subject=_subject(found), before=before,
                 after={"status": found.status, "deliveries not sent": stopped})
    if not stopped:  # a draft, or one whose deliveries had all gone out: no count of nothing
        return Reply(text=_("Announcement #{id} cancelled.").format(id=found.id))
    return Reply(text=_.ngettext("Announcement #{id} cancelled ({count} delivery not sent).",
                                 "Announcement #{id} cancelled ({count} deliveries not sent).", stopped).format(
        id=found.id, count=stopped))


async def status_reply(session: AsyncSession, found: Announcement, _: Translate, zone: ZoneInfo) -> Reply:
    """Delivered, pending, failed and cancelled per platform, with when it goes out or went out (a moment,
    written in ``zone`` where the platform cannot show each reader their own time)."""
    counts = await queries.counts(session, found.id)
    platforms = sorted({p for p, _s in counts})
    fields = [
        Field(platform_name(p, _), _("delivered {sent} · pending {pending} · failed {failed} · cancelled {cancelled}").format(
            sent=counts.get((p, OutboxStatus.SENT), 0),
            pending=counts.get((p, OutboxStatus.PENDING), 0) + counts.get((p, OutboxStatus.SENDING), 0),
            failed=counts.get((p, OutboxStatus.FAILED), 0), cancelled=counts.get((p, OutboxStatus.CANCELLED), 0)))
        for p in platforms
    ]
    reasons = [f"{_.label(platform_name(r.platform, _) + ' ' + (r.target_name or r.target_id))} {r.last_error}"
               for r in await queries.failures(session, found.id)]
    if found.status == AnnouncementStatus.QUEUED and found.send_at is not None:
        fields.insert(0, Field(_("Scheduled for"), moment(found.send_at, zone, _, relative=True), inline=False))
    elif found.finished_at is not None:
        fields.insert(0, Field(_("Finished"), moment(found.finished_at, zone, _), inline=False))
    if reasons:
        fields.append(Field(_("Failures"), "\n".join(reasons), inline=False))
    return Reply(title=_("Announcement #{id}: {title}").format(id=found.id, title=found.title),
                 text=_("Status: {status}.").format(status=status_name(found.status, _)), fields=tuple(fields))


@command("announce status", summary=N_("Delivered, pending and failed, per platform"), usage=N_("announce status ID"),
         examples=("/hrc announce status 12",), main=N_("id"), main_required=True, main_prompt=ID_PROMPT, secretariat=True, limits=(("main", 12),))
async def announce_status(ctx: Context, request: Request, session: AsyncSession) -> Reply:
    _ = translator(request.locale)
    return await status_reply(session, await _load(session, request, _), _, await reader_zone(ctx, request, session))


@command("announcements", summary=N_("Recent announcements"), usage=N_("announcements"), examples=("/hrc announcements",),
         secretariat=True)
async def announcements(ctx: Context, request: Request, session: AsyncSession) -> Reply:
    _ = translator(request.locale)
    rows = await queries.recent(session)
    if not rows:
        return Reply(text=_("No announcement yet."), footer=_("`/hrc help announce` shows how."))
    zone = await reader_zone(ctx, request, session)
    items = tuple(
        Item(title=f"#{a.id} {a.title}", text=f"{status_name(a.status, _)} · {short_date(a.created_at, request.locale)}"
             + (f" · {moment(a.send_at, zone, _)}" if a.status == AnnouncementStatus.QUEUED and a.send_at else "")
             + (f" · {region_name(a.region, _)}" if a.region else "") + (f" · {theme_name(a.theme, _)}" if a.theme else ""))
        for a in rows
    )
    return Reply(title=_("Recent announcements"), items=items)
