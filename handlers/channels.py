"""Channels opting in to day-of prompts or announcements: `channel set`, `channel unset`, `channels`."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from handlers.common import caller, parse_timezone
from handlers.context import Context
from handlers.errors import UserError
from handlers.i18n import N_, Translate, translator
from handlers.registry import command
from handlers.types import ChannelRef, Item, Reply, Request
from storage.models import Channel, ChannelPurpose
from storage.queries import channels as channel_queries

PURPOSES = {p.value: p for p in ChannelPurpose}


def parse_purpose(word: str, _: Translate) -> ChannelPurpose:
    purpose = PURPOSES.get(word.strip().lower())
    if purpose is None:
        raise UserError(
            _("Say what this channel gets: “days” (UN-day prompts) or “announcements” (secretariat broadcasts)."),
            field="main",
        )
    return purpose


def _describe(purpose: ChannelPurpose, _: Translate) -> str:
    return _("UN-day prompts") if purpose is ChannelPurpose.DAYS else _("secretariat announcements")


@command(
    "channel set",
    summary=N_("Have this channel receive UN-day prompts or announcements"),
    usage=N_("channel set days|announcements [timezone: IANA]"),
    examples=("/hrc channel set days timezone: America/Bogota", "/hrc channel set announcements"),
    keys=("timezone",),
    main=N_("what"),
    main_required=True,
    secretariat=True,
    writes=True,
    limits=(("main", 20), ("timezone", 64)),
)
async def channel_set(ctx: Context, request: Request, session: AsyncSession) -> Reply:
    _ = translator(request.locale)
    purpose = parse_purpose(request.command.main, _)
    timezone = parse_timezone(request.command.opt("timezone"), _) if request.command.opt("timezone") else None
    place = request.place
    existing = await channel_queries.find_channel(session, place.platform, place.workspace, place.channel_id, purpose)
    if existing is not None:
        if timezone and timezone != existing.timezone:
            existing.timezone = timezone
            return Reply(text=_("This channel's time zone is now {tz}.").format(tz=timezone))
        return Reply(text=_("This channel already gets {what} ({tz}).").format(what=_describe(purpose, _), tz=existing.timezone))
    member = await caller(ctx, request, session)
    channel = await channel_queries.add_channel(session, Channel(
        platform=place.platform, workspace=place.workspace, channel_id=place.channel_id, name=place.name[:200],
        purpose=purpose, timezone=timezone or ctx.timezone, created_by=member.id, created_at=ctx.now(),
    ))
    if purpose is ChannelPurpose.DAYS:
        when = _("at {hour:02d}:00 {tz}").format(hour=ctx.prompt_hour, tz=channel.timezone)
        return Reply(text=_("This channel will get UN-day prompts {when}.").format(when=when))
    return Reply(text=_("This channel will get the secretariat's announcements."))


@command(
    "channel unset",
    summary=N_("Stop UN-day prompts or announcements in this channel"),
    usage=N_("channel unset days|announcements"),
    examples=("/hrc channel unset days",),
    main=N_("what"),
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
    items = tuple(
        Item(
            title=f"{row.platform} · {ChannelRef(row.platform, row.workspace, row.channel_id, row.name).link()}",
            text=f"{_describe(ChannelPurpose(row.purpose), _)} · {row.timezone}",
        )
        for row in rows
    )
    return Reply(title=_("Channels ({count})").format(count=len(rows)), items=items)
