"""Personal prompts: members subscribe to themes to be told on the UN days linked to them, choose a digest
and a lead time, and stop them easily (`unsubscribe all`, `pause 2 weeks`, `resume`)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from babel.dates import format_date
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.common import accounts_of, caller, parse_themes
from handlers.context import Context
from handlers.digests import parse_digest, parse_lead, parse_pause, stop_themes, undo_action
from handlers.errors import UserError
from handlers.i18n import N_, Translate, translations, translator
from handlers.moments import zone_or_default
from handlers.next_posts import next_post_text
from handlers.quoting import themes_arg
from handlers.registry import command
from handlers.text import fold
from handlers.types import Actor, Reply, Request
from handlers.vocab import theme_name
from handlers.words import ALL_INPUT
from storage.models import Digest, MemberPrefs
from storage.queries import announcements as outbox_queries
from storage.queries import prefs as prefs_queries
from storage.queries import subscriptions as subs
from storage.queries.members import find_member


def _listing(themes: list[str] | tuple[str, ...], _: Translate) -> str:
    if not themes:
        return _("You have no subscriptions.")
    return _("Your subscriptions: {themes}.").format(themes=", ".join(theme_name(t, _) for t in themes))


def _no_longer_wanted(payload: str | None, remaining: set[str]) -> bool:
    """Whether a queued personal message was caused only by themes the member no longer follows (its "Stop
    these" button names them; `unsubscribe all` there: any of their themes, so only when none is left)."""
    caused = stop_themes(payload)
    if caused is None:
        return False
    return not remaining if not caused else caused.isdisjoint(remaining)


def _when_paused(until: datetime, locale: str, zone: ZoneInfo) -> str:
    """The pause's last date in the member's own zone (their city's): 11:00 UTC is already the next day on
    the date line, and that local date is the one whose prompts the pause ends on."""
    local = until.astimezone(zone).date()
    try:
        return format_date(local, format="long", locale=locale.replace("-", "_"))
    except Exception:
        return local.isoformat()


def _settings_line(prefs: MemberPrefs | prefs_queries.PrefsValues | None, now: datetime, locale: str,
                   zone: ZoneInfo) -> str:
    catalogue = translations(locale)
    _ = catalogue.gettext
    parts = []
    digest = Digest(prefs.digest) if prefs else Digest.OFF
    parts.append({Digest.OFF: _("one message per day"), Digest.DAILY: _("a daily digest"),
                  Digest.WEEKLY: _("a weekly digest on Mondays")}[digest])
    if prefs and prefs.lead_days:
        parts.append(catalogue.ngettext("a reminder {n} day before", "a reminder {n} days before",
                                        prefs.lead_days).format(n=prefs.lead_days))
    if prefs and prefs.paused_until and prefs.paused_until > now:
        parts.append(_("paused until {date}").format(date=_when_paused(prefs.paused_until, locale, zone)))
    return _("Delivery: {how}.").format(how=", ".join(parts))


@command(
    "subscribe",
    summary=N_("Get a personal prompt on UN days linked to a theme"),
    usage=N_("subscribe THEME[, THEME…] [digest: daily|weekly|off] [lead: DAYS]"),
    examples=("/hrc subscribe water", "/hrc subscribe gender digest: weekly", "/hrc subscribe housing lead: 3"),
    keys=("digest", "lead"),
    main=N_("theme"),
    writes=True,
    limits=(("main", 600), ("digest", 20), ("lead", 10)),
)
async def subscribe(ctx: Context, request: Request, session: AsyncSession) -> Reply:
    _ = translator(request.locale)
    opts = request.command
    digest = parse_digest(opts.opt("digest"), _) if opts.opt("digest") else None
    lead = parse_lead(opts.opt("lead"), _) if opts.opt("lead") else None
    if not opts.main and digest is None and lead is None:
        raise UserError(_("Tell me the theme."), field="main")
    themes = parse_themes(opts.main, _, field="main") if opts.main else []
    member = await caller(ctx, request, session)
    now = ctx.now()
    lines = []
    added = [t for t in themes if await subs.subscribe(session, member.id, t.slug, now)]
    if added:
        lines.append(_.ngettext("Subscribed to {theme}: I will write to you on the UN days linked to it.",
                                "Subscribed to {theme}: I will write to you on the UN days linked to them.",
                                len(added)).format(
            theme=", ".join(_(t.name) for t in added)))
    already = [t for t in themes if t not in added]
    if already:
        lines.append(_("You were already subscribed to {theme}.").format(theme=", ".join(_(t.name) for t in already)))
    changes: dict[str, object] = {}
    if digest is not None:
        changes["digest"] = digest
    if lead is not None:
        changes["lead_days"] = lead
    prefs = await prefs_queries.update_prefs(session, member.id, now, **changes) if changes else (
        await prefs_queries.prefs_values(session, member.id))
    subscribed = await subs.member_themes(session, member.id)
    lines.append(_listing(subscribed, _))
    city = member.focal_point.city if member.focal_point is not None else None
    zone = city.timezone if city else None
    lines.append(_settings_line(prefs, now, request.locale, zone_or_default(zone, ctx)))
    if subscribed:
        # The caller is the reader: their zone is their city's, as reader_zone would read it again.
        upcoming = await next_post_text(ctx, request, session, zone=zone,
                                        digest=Digest(prefs.digest) if prefs else Digest.OFF, themes=set(subscribed),
                                        personal=True, lead_days=prefs.lead_days if prefs else 0,
                                        after=prefs.paused_until if prefs else None, reader=zone_or_default(zone, ctx),
                                        target=f"{member.platform}:{member.workspace}:{member.user_id}")
        lines += [upcoming] if upcoming else []
    return Reply(text="\n".join(lines), footer=_("Stop any time: `/hrc unsubscribe all` or `/hrc pause 2 weeks`."))


@command(
    "unsubscribe",
    summary=N_("Stop the prompts for a theme, or all of them"),
    usage=N_("unsubscribe THEME[, THEME…]|all"),
    examples=("/hrc unsubscribe water", "/hrc unsubscribe all"),
    main=N_("theme"),
    main_required=True,
    writes=True,
    limits=(("main", 600),),
)
async def unsubscribe(ctx: Context, request: Request, session: AsyncSession) -> Reply:
    _ = translator(request.locale)
    member = await caller(ctx, request, session)
    if fold(request.command.main) in ALL_INPUT:
        removed = await subs.unsubscribe_all(session, member.id)
        if not removed:
            return Reply(text=_("You have no subscriptions."))
        await outbox_queries.cancel_scheduled(session, accounts_of(member), ctx.now())
        undo = undo_action(removed, _)
        # The command spelled out only when it is too long for the Undo button: never both.
        footer = None if undo else _("Changed your mind? `/hrc subscribe {themes}`").format(
            themes=themes_arg(removed, _.language))
        return Reply(
            text=_("Unsubscribed from everything ({themes}). No more personal prompts.").format(
                themes=", ".join(theme_name(t, _) for t in removed)),
            footer=footer,
            actions=undo,
        )
    themes = parse_themes(request.command.main, _, field="main")
    removed = [t.slug for t in themes if await subs.unsubscribe(session, member.id, t.slug)]
    missing = [t for t in themes if t.slug not in removed]
    remaining = await subs.member_themes(session, member.id)
    if removed:  # a personal message still queued for only these themes (a "Stop these" click) is not sent
        await outbox_queries.cancel_scheduled(session, accounts_of(member), ctx.now(),
                                              only=lambda payload: _no_longer_wanted(payload, set(remaining)))
    lines = []
    if removed:
        lines.append(_("Unsubscribed from {theme}.").format(theme=", ".join(theme_name(t, _) for t in removed)))
    if missing:
        lines.append(_("You were not subscribed to {theme}.").format(theme=", ".join(_(t.name) for t in missing)))
    lines.append(_listing(remaining, _))
    return Reply(text="\n".join(lines), actions=undo_action(removed, _))


@command(
    "pause",
    summary=N_("Pause your personal prompts for a while"),
    usage=N_("pause DURATION"),
    examples=("/hrc pause 2 weeks", "/hrc pause 10 days"),
    main=N_("duration"),
    main_required=True,
    writes=True,
    limits=(("main", 30),),
)
async def pause(ctx: Context, request: Request, session: AsyncSession) -> Reply:
    _ = translator(request.locale)
    length = parse_pause(request.command.main, _)
    member = await caller(ctx, request, session)
    until = ctx.now() + length
    await prefs_queries.update_prefs(session, member.id, ctx.now(), paused_until=until)
    await outbox_queries.cancel_scheduled(session, accounts_of(member), ctx.now())  # nothing more from the queue either
    city = member.focal_point.city if member.focal_point is not None else None
    zone = zone_or_default(city.timezone if city else None, ctx)
    return Reply(
        text=_("Paused: no personal prompts until {date}.").format(date=_when_paused(until, request.locale, zone)),
        footer=_("`/hrc resume` starts them again now."),
    )


@command(
    "resume",
    summary=N_("Start your paused personal prompts again"),
    usage=N_("resume"),
    examples=("/hrc resume",),
    writes=True,
)
async def resume(ctx: Context, request: Request, session: AsyncSession) -> Reply:
    _ = translator(request.locale)
    member = await caller(ctx, request, session)
    prefs = await prefs_queries.get_prefs(session, member.id)
    if prefs is None or prefs.paused_until is None or prefs.paused_until <= ctx.now():
        return Reply(text=_("Your personal prompts were not paused."))
    await prefs_queries.update_prefs(session, member.id, ctx.now(), paused_until=None)
    return Reply(text=_("Resumed: your personal prompts start again."))


async def followed_themes(ctx: Context, actor: Actor) -> list[str]:
    """The theme slugs ``actor`` is subscribed to, sorted; empty for someone the bot does not know yet.
    (For views that show the state, such as Slack's App Home; changes go through ``subscribe``.)"""
    async with ctx.db.transaction(write=False) as session:
        member = await find_member(session, actor.platform, actor.workspace, actor.user_id)
        return list(await subs.member_themes(session, member.id)) if member is not None else []
