"""Campaign dates added with ``event: yes`` as Discord Scheduled Events in the campaign's servers.

The database says what should exist (``campaign_dates.event``) and what was created (``discord_events``);
``sync_events`` makes Discord agree: it creates the missing events, edits those whose name or date
changed and deletes those whose campaign date was removed. A row is claimed before the API call, so
two instances never both create an event; a row left without an event id by a crash is matched again
by the ``/hrc day SLUG`` line every event's description carries. Each event is an external event
(Discord's only kind without a voice or stage channel: entity type 3, which needs a location and an end
time) covering the date in ``HRC_TIMEZONE``; creating one needs the *Create Events* permission
(https://discord.com/developers/docs/resources/guild-scheduled-event).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import discord

from bot.wiring import Runtime
from handlers.i18n import N_, translator
from storage.models import CampaignDate
from storage.queries import events as event_queries

logger = logging.getLogger(__name__)
EXTERNAL, GUILD_ONLY = 3, 2  # entity type and privacy level (Discord's numbers)
SYNC_SECONDS = 60
LOCATION = N_("Human Rights Cities campaign")


@dataclass
class SyncResult:
    created: int = 0
    edited: int = 0
    deleted: int = 0


def marker(slug: str) -> str:
    return f"/hrc day {slug}"


def carries_marker(description: str, slug: str) -> bool:
    """Whether an event's description carries ``slug``'s marker, whole: ``/hrc day campaign-water`` is not
    the marker of ``campaign-water-forum``'s event."""
    return re.search(re.escape(marker(slug)) + r"(?![-\w])", description) is not None


def payload(date: CampaignDate, zone: ZoneInfo, now: datetime, language: str = "en") -> dict[str, Any]:
    """The event's fields: the whole local day (starting a few minutes from now if the day has begun), its
    words in ``language`` (the server's: ``HRC_DEFAULT_LANGUAGE``); the marker stays as it is (it finds the event)."""
    _ = translator(language)
    start = datetime.combine(date.date, time(0, 0), zone)
    end = datetime.combine(date.date, time(23, 59), zone)
    start = max(start, now + timedelta(minutes=5))
    return {
        "name": date.name[:100],
        "description": (_("{name}: a date of the Human Rights Cities campaign.").format(name=date.name)
                        + f" {marker(date.slug)}")[-1000:],
        "scheduled_start_time": start.isoformat(),
        "scheduled_end_time": max(end, start + timedelta(minutes=30)).isoformat(),
        "entity_type": EXTERNAL,
        "privacy_level": GUILD_ONLY,
        "entity_metadata": {"location": _(LOCATION)},
    }


async def sync_events(runtime: Runtime, http: discord.http.HTTPClient) -> SyncResult:
    """Make each server in ``DISCORD_GUILD_IDS`` show exactly the campaign dates added with ``event: yes``.

    A server where the bot lacks the permission is logged and skipped: the others are still synced.
    Raises discord.HTTPException when Discord refuses otherwise."""
    result = SyncResult()
    guilds = [str(g) for g in runtime.settings.discord.guild_ids]
    if not guilds:
        return result
    zone = ZoneInfo(runtime.ctx.timezone)
    now = runtime.ctx.now()
    async with runtime.db.transaction(write=False) as session:
        wanted = {d.slug: d for d in await event_queries.wanted(session)}
    for guild in guilds:
        try:
            await _sync_guild(runtime, http, guild, wanted, zone, now, result)
        except discord.Forbidden:
            logger.warning("discord events: the bot lacks the Create Events permission in server %s", guild)
    return result


async def _sync_guild(runtime: Runtime, http: discord.http.HTTPClient, guild: str, wanted: dict[str, CampaignDate],
                      zone: ZoneInfo, now: datetime, result: SyncResult) -> None:
    """``sync_events`` for one server, counted in ``result``."""
    async with runtime.db.transaction(write=False) as session:
        rows = {r.slug: r for r in await event_queries.mirrored(session, guild)}
    existing: list[dict[str, Any]] | None = None
    for slug, date in wanted.items():
        row = rows.get(slug)
        if row is None:
            if date.date < now.astimezone(zone).date():
                continue  # a date already past: no event to announce
            async with runtime.db.transaction() as session:
                if not await event_queries.claim(session, slug, guild, date.name, date.date, now):
                    continue
                rows_now = {r.slug: r for r in await event_queries.mirrored(session, guild)}
            row = rows_now[slug]
        if row.event_id is None:  # just claimed, or left half-done by a crash: adopt the event if it exists
            if existing is None:
                existing = await http.get_scheduled_events(int(guild), False)
            found = next((e for e in existing if carries_marker(e.get("description") or "", slug)), None)
            if found is None:
                found = await http.create_guild_scheduled_event(int(guild), **payload(date, zone, now, runtime.ctx.default_language))
                result.created += 1
            async with runtime.db.transaction() as session:
                await event_queries.record(session, row.id, now, event_id=str(found["id"]))
        elif (row.name, row.date) != (date.name, date.date):
            fields = payload(date, zone, now, runtime.ctx.default_language)
            try:
                await http.edit_scheduled_event(int(guild), int(row.event_id), **fields)
                result.edited += 1
            except discord.NotFound:  # deleted by hand in Discord: made again, with the new name and date
                made = await http.create_guild_scheduled_event(int(guild), **fields)
                async with runtime.db.transaction() as session:
                    await event_queries.record(session, row.id, now, event_id=str(made["id"]))
                result.created += 1
            async with runtime.db.transaction() as session:
                await event_queries.record(session, row.id, now, name=date.name, date=date.date)
    for slug, row in rows.items():
        if slug in wanted:
            continue
        if row.event_id is not None:
            with contextlib.suppress(discord.NotFound):  # already deleted by hand
                await http.delete_scheduled_event(int(guild), int(row.event_id))
        async with runtime.db.transaction() as session:
            await event_queries.forget(session, row.id)
        result.deleted += 1


async def keep_in_sync(runtime: Runtime, http: discord.http.HTTPClient) -> None:
    """``sync_events`` every ``SYNC_SECONDS`` until cancelled; a failure is logged and retried next time."""
    while True:
        try:
            done = await sync_events(runtime, http)
            if done.created or done.edited or done.deleted:
                logger.info("discord events: %s created, %s edited, %s deleted", done.created, done.edited, done.deleted)
        except asyncio.CancelledError:
            raise
        except discord.Forbidden:
            logger.warning("discord events: the bot lacks the Create Events permission in the campaign server")
        except Exception as error:  # noqa: BLE001 - retried at the next round
            logger.warning("discord events: sync failed (%s: %s)", type(error).__name__, str(error)[:200])
        await asyncio.sleep(SYNC_SECONDS)
