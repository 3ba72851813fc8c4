"""Channels opting in to day-of prompts or announcements: `channel set`, `channel unset`, `channels`."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy.ext.asyncio import AsyncSession

from handlers.audit import record
from handlers.common import caller, parse_themes, parse_timezone, platform_name
from handlers.context import Context
from handlers.digests import parse_digest
from handlers.errors import UserError
from handlers.i18n import N_, Translate, translator
from handlers.languages import language_name, parse_language
from handlers.next_posts import next_post_text
from handlers.prompts import _channel_themes
from handlers.registry import command
from handlers.text import fold
from handlers.types import ChannelRef, Item, Notice, NoticeTarget, Reply, Request
from handlers.vocab import theme_name
from handlers.words import ALL_INPUT, command_word
from storage.models import Channel, ChannelPurpose, Digest
from storage.queries import announcements as outbox_queries
from storage.queries import channels as channel_queries

PURPOSES = {p.value: p for p in ChannelPurpose}


PURPOSE_PROMPT = N_("Say what this channel gets: “days” (UN-day prompts) or “announcements” (secretariat broadcasts).")


def parse_purpose(word: str, _: Translate) -> ChannelPurpose:
    purpose = PURPOSES.get(command_word(word.strip()))  # days, días, jours…
    if purpose is None:
        raise UserError(
            _(PURPOSE_PROMPT),
            field="main",
        )
    return purpose


def _subject(request: Request, purpose: ChannelPurpose) -> str:
    place = request.place
    return f"{purpose} channel {place.platform}:{place.workspace}:{place.channel_id}" + (f" (#{place.name})" if place.name else "")


def _how_to_let_me_post(platform: str, _: Translate) -> str:
    if platform == "slack":
        return _("Invite me first (`/invite @hrc` in this channel), then run the command again.")
    if platform == "discord":
        return _("Give me View Channel, Send Messages and Embed Links in this channel "
                 "(channel settings → Permissions), then run the command again.")
    return _("Let me post in this channel, then run the command again.")


def _describe(purpose: ChannelPurpose, _: Translate) -> str:
    return _("UN-day prompts") if purpose is ChannelPurpose.DAYS else _("secretariat announcements")


@command(
    "channel set",
    summary=N_("Have this channel receive UN-day prompts or announcements"),
    usage=N_("channel set days|announcements [timezone: IANA] [digest: daily|weekly|off] [themes: T1, T2|all] "
             "[language: en|es|fr]"),
    examples=("/hrc channel set days timezone: America/Bogota language: es", "/hrc channel set announcements",
              "/hrc channel set days digest: weekly themes: water, housing"),
    keys=("timezone", "digest", "themes", "language"),
    main=N_("what"),
    main_prompt=PURPOSE_PROMPT,
    main_required=True,
    secretariat=True,
    writes=True,
    limits=(("main", 20), ("timezone", 64), ("digest", 20), ("themes", 600), ("language", 30)),
)
async def channel_set(ctx: Context, request: Request, session: AsyncSession) -> Reply:
    """Opts the channel in; ``language:`` is the language its prompts and announcements are posted in. For UN-day
    prompts the answer ends with when the next post comes, in each reader's own time zone."""
    reply = await _channel_set(ctx, request, session)
    channel = await channel_queries.find_channel(session, request.place.platform, request.place.workspace,
                                                 request.place.channel_id, ChannelPurpose.DAYS)
    if channel is None or parse_purpose(request.command.main, translator(request.locale)) is not ChannelPurpose.DAYS:
        return reply
    upcoming = await _next_post(ctx, request, session, channel)
    return replace(reply, text=f"{reply.text}\n{upcoming}") if upcoming else reply


async def _next_post(ctx: Context, request: Request, session: AsyncSession, channel: Channel) -> str:
    """"Next post: <moment>." for a days channel (its zone, digest and themes), "" when none is coming."""
    return await next_post_text(ctx, request, session, zone=channel.timezone, digest=Digest(channel.digest or Digest.OFF),
                                themes=_channel_themes(channel),
                                target=f"{channel.platform}:{channel.workspace}:{channel.channel_id}")


async def _channel_set(ctx: Context, request: Request, session: AsyncSession) -> Reply:
    _ = translator(request.locale)
    opts = request.command
    purpose = parse_purpose(opts.main, _)
    timezone = parse_timezone(opts.opt("timezone"), _) if opts.opt("timezone") else None
    if purpose is not ChannelPurpose.DAYS and (opts.opt("digest") or opts.opt("themes")):
        raise UserError(_("digest: and themes: apply to UN-day prompts: `/hrc channel set days digest: weekly`."),
                        field="digest" if opts.opt("digest") else "themes")
    digest = parse_digest(opts.opt("digest"), _) if opts.opt("digest") else None
    language = parse_language(opts.opt("language"), _, field="language") if opts.opt("language") else None
    themes = None
    if opts.opt("themes"):
        themes = "" if fold(opts.opt("themes")) in ALL_INPUT else ";".join(t.slug for t in parse_themes(opts.opt("themes"), _))
    place = request.place
    if place.can_post is False:
        raise UserError(_("I cannot post in this channel, so it would get nothing. Nothing was changed."),
                        hint=_how_to_let_me_post(place.platform, _))
    existing = await channel_queries.find_channel(session, place.platform, place.workspace, place.channel_id, purpose)
    if existing is not None and existing.paused_at is not None:
        await channel_queries.resume(session, place.platform, place.channel_id)
        _apply(existing, timezone, digest, themes, language)
        return Reply(text=_("Resumed: this channel gets {what} again ({tz}).").format(
            what=_describe(purpose, _), tz=existing.timezone))
    if existing is not None:
        before = {"timezone": existing.timezone, "digest": existing.digest, "themes": existing.themes}
        changed = _apply(existing, timezone, digest, themes, language)
        if not changed:
            return Reply(text=_("This channel already gets {what} ({tz}).").format(what=_describe(purpose, _), tz=existing.timezone)
                         + ("\n" + days_settings(existing, ctx, _) + "." if purpose is ChannelPurpose.DAYS else ""))
        after = {"timezone": existing.timezone, "digest": existing.digest, "themes": existing.themes}
        await record(ctx, request, session, subject=_subject(request, purpose),
                     before={k: v for k, v in before.items() if v != after[k]},
                     after={k: v for k, v in after.items() if v != before[k]})
        if purpose is ChannelPurpose.DAYS:
            return Reply(text=_("Updated. {settings}").format(settings=days_settings(existing, ctx, _) + "."))
        if language:
            return Reply(text=_("This channel's posts will be in {language}.").format(language=language_name(language, _)))
        return Reply(text=_("This channel's time zone is now {tz}.").format(tz=existing.timezone))
    member = await caller(ctx, request, session)
    channel = await channel_queries.add_channel(session, Channel(
        platform=place.platform, workspace=place.workspace, channel_id=place.channel_id, name=place.name[:200],
        purpose=purpose, timezone=timezone or ctx.timezone, created_by=member.id, created_at=ctx.now(),
        digest=digest or Digest.OFF, themes=themes or "", language=language,
    ))
    await record(ctx, request, session, subject=_subject(request, purpose),
                 after={"timezone": channel.timezone, "digest": channel.digest, "themes": channel.themes})
    if purpose is ChannelPurpose.DAYS:
        return Reply(text=_("This channel will get UN-day prompts. {settings}").format(settings=days_settings(channel, ctx, _) + "."))
    return Reply(text=_("This channel will get the secretariat's announcements."))


def _apply(channel: Channel, timezone: str | None, digest: Digest | None, themes: str | None, language: str | None) -> bool:
    """Set what was given on ``channel``; True when something changed."""
    changed = False
    for name, value in (("timezone", timezone), ("digest", digest), ("themes", themes), ("language", language)):
        if value is not None and getattr(channel, name) != value:
            setattr(channel, name, value)
            changed = True
    return changed


def days_settings(channel: Channel, ctx: Context, _: Translate) -> str:
    """"One post per day at 09:00 America/Bogota · themes: Water & sanitation, Housing" in words (no final full
    stop: the listing goes on with " · active"; a sentence adds its own)."""
    when = _("at {hour:02d}:00 {tz}").format(hour=ctx.prompt_hour, tz=channel.timezone)
    how = {
        Digest.OFF: _("One post per day {when}"),
        Digest.DAILY: _("One daily digest {when}"),
        Digest.WEEKLY: _("One weekly digest on Mondays {when}"),
    }[Digest(channel.digest or Digest.OFF)].format(when=when)
    slugs = [t for t in (channel.themes or "").split(";") if t]
    what = ", ".join(theme_name(t, _) for t in slugs) if slugs else _("all campaign themes")
    language = f" · {language_name(channel.language, _)}" if channel.language else ""
    return f"{how} · " + _("themes: {themes}").format(themes=what) + language


def paused_notice(rows: list[Channel], reason: str, language: str = "en") -> Notice:
    """Tell the secretariat, once, that a channel was paused and how to resume it (in ``language``, the
    secretariat channel's: ``HRC_DEFAULT_LANGUAGE``)."""
    _ = translator(language)
    first = rows[0]
    where = f"#{first.name}" if first.name else first.channel_id
    what = ", ".join(_describe(ChannelPurpose(r.purpose), _) for r in rows)
    return Notice(
        target=NoticeTarget.SECRETARIAT,
        key=f"channel-paused:{first.platform}:{first.channel_id}:{int(first.paused_at.timestamp()) if first.paused_at else 0}",
        reply=Reply(
            title=_("Paused: {platform} {where}").format(platform=platform_name(first.platform, _), where=where),
            text=_("I can no longer post in {where} ({reason}), so its {what} are paused.").format(
                where=where, reason=reason, what=what),
            footer=_("Let me post there again (invite me, or give me back the permission), then run "
                     "`/hrc channel set` in it to resume. `/hrc channels` shows every channel's state."),
            language=_.language,
        ),
    )


@command(
    "channel unset",
    summary=N_("Stop UN-day prompts or announcements in this channel"),
    usage=N_("channel unset days|announcements"),
    examples=("/hrc channel unset days",),
    main=N_("what"),
    main_prompt=PURPOSE_PROMPT,
    main_required=True,
    secretariat=True,
    writes=True,
    limits=(("main", 20),),
)
async def channel_unset(ctx: Context, request: Request, session: AsyncSession) -> Reply:
    _ = translator(request.locale)
    purpose = parse_purpose(request.command.main, _)
    place = request.place
    existing = await channel_queries.find_channel(session, place.platform, place.workspace, place.channel_id, purpose)
    if existing is None:
        return Reply(text=_("This channel was not getting {what}.").format(what=_describe(purpose, _)))
    await channel_queries.remove_channel(session, existing.id)
    if purpose is ChannelPurpose.DAYS:  # today's prompt still queued (a big day's pace) is not sent after all
        await outbox_queries.cancel_scheduled(session, [(place.platform, place.workspace, place.channel_id)], ctx.now())
    await record(ctx, request, session, subject=_subject(request, purpose), before={"timezone": existing.timezone})
    return Reply(text=_("This channel will no longer get {what}.").format(what=_describe(purpose, _)))


@command(
    "channels",
    summary=N_("Channels that get UN-day prompts or announcements"),
    usage=N_("channels"),
    examples=("/hrc channels",),
)
async def channels(ctx: Context, request: Request, session: AsyncSession) -> Reply:
    _ = translator(request.locale)
    rows = await channel_queries.channels(session)
    if not rows:
        return Reply(text=_("No channel gets prompts or announcements yet."), footer=_("Run `/hrc channel set days` in one."))
    upcoming = {row.id: await _next_post(ctx, request, session, row) for row in rows
                if row.purpose == ChannelPurpose.DAYS and row.paused_at is None}
    items = tuple(
        Item(
            title=f"{platform_name(row.platform, _)} · {ChannelRef(row.platform, row.workspace, row.channel_id, row.name).link()}",
            text=(days_settings(row, ctx, _) if row.purpose == ChannelPurpose.DAYS
                  else f"{_describe(ChannelPurpose(row.purpose), _)} · {row.timezone}") + " · " + (
                _("paused since {date}: I cannot post there ({reason})").format(
                    date=row.paused_at.strftime("%Y-%m-%d"), reason=row.pause_reason or "")
                if row.paused_at is not None else _("active")) + (f"\n{upcoming[row.id]}" if upcoming.get(row.id) else ""),
        )
        for row in rows
    )
    return Reply(title=_("Channels ({count})").format(count=len(rows)), items=items)
