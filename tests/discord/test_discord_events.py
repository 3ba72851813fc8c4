"""Campaign dates added with `event: yes` as Discord Scheduled Events: created, edited, deleted with the
date, once across instances and after a crash, against the fake Discord through discord.py's HTTP client."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.discord.events import marker, sync_events
from handlers.types import Actor, Place
from storage.queries import events as event_queries
from tests.discord.conftest import DiscordBot
from tests.fakes.discord_api import GUILD_ID

SEC = Actor("discord", GUILD_ID, "500000000000000009", "Sec")
HERE = Place("discord", GUILD_ID, "700000000000000001")
FORUM = "/hrc days add name: World Human Rights Cities Forum date: {date} themes: human rights event: yes"


async def test_event_created_edited_and_deleted_with_the_date(discord_bot: DiscordBot) -> None:
    bot = discord_bot
    bot.runtime.ctx.clock = lambda: datetime(2027, 1, 10, 12, 0, tzinfo=UTC)
    http = bot.runtime.notices.senders["discord"].client.http  # type: ignore[attr-defined]
    added = await bot.runtime.answer_text(SEC, HERE, FORUM.format(date="2027-05-18"))
    assert "also appear as an event" in added.text, added.text
    await bot.runtime.answer_text(SEC, HERE, "/hrc days add name: Quiet date date: 2027-06-01")  # no event

    await sync_events(bot.runtime, http)
    await sync_events(bot.runtime, http)  # twice: nothing more
    (event,) = bot.fake.events.values()
    assert event["name"] == "World Human Rights Cities Forum" and event["guild_id"] == GUILD_ID
    assert event["entity_type"] == 3 and event["entity_metadata"] == {"location": "Human Rights Cities campaign"}
    assert event["scheduled_start_time"].startswith("2027-05-18T00:00:00")
    assert marker("campaign-world-human-rights-cities-forum") in event["description"]

    # Moved: removed and added again with another date before the next sync -> the same event, edited.
    await bot.runtime.answer_text(SEC, HERE, "/hrc days remove World Human Rights Cities Forum")
    await bot.runtime.answer_text(SEC, HERE, FORUM.format(date="2027-05-20"))
    done = await sync_events(bot.runtime, http)
    assert (done.created, done.edited, done.deleted) == (0, 1, 0)
    assert list(bot.fake.events) == [event["id"]] and event["scheduled_start_time"].startswith("2027-05-20")

    removed = await bot.runtime.answer_text(SEC, HERE, "/hrc days remove World Human Rights Cities Forum")
    assert not removed.is_error
    await sync_events(bot.runtime, http)
    assert bot.fake.events == {}
    async with bot.runtime.db.transaction(write=False) as session:
        assert await event_queries.mirrored(session, GUILD_ID) == []


async def test_a_crash_between_claim_and_create_does_not_duplicate(discord_bot: DiscordBot) -> None:
    bot = discord_bot
    now = datetime(2027, 1, 10, 12, 0, tzinfo=UTC)
    bot.runtime.ctx.clock = lambda: now
    http = bot.runtime.notices.senders["discord"].client.http  # type: ignore[attr-defined]
    await bot.runtime.answer_text(SEC, HERE, FORUM.format(date="2027-05-18"))
    slug = "campaign-world-human-rights-cities-forum"
    # The previous process claimed the row and created the event, then died before recording its id.
    async with bot.runtime.db.transaction() as session:
        rows = await event_queries.wanted(session)
        assert await event_queries.claim(session, slug, GUILD_ID, rows[0].name, rows[0].date, now)
    await http.create_guild_scheduled_event(int(GUILD_ID), name="World Human Rights Cities Forum",
                                            description=f"… {marker(slug)}", entity_type=3, privacy_level=2,
                                            scheduled_start_time="2027-05-18T00:00:00+00:00",
                                            scheduled_end_time="2027-05-18T23:59:00+00:00",
                                            entity_metadata={"location": "x"})
    done = await sync_events(bot.runtime, http)
    assert done.created == 0 and len(bot.fake.events) == 1
    async with bot.runtime.db.transaction(write=False) as session:
        (row,) = await event_queries.mirrored(session, GUILD_ID)
    assert row.event_id == next(iter(bot.fake.events))


async def test_event_word_is_checked(discord_bot: DiscordBot) -> None:
    reply = await discord_bot.runtime.answer_text(SEC, HERE, FORUM.format(date="2027-05-18").replace("event: yes", "event: maybe"))
    assert reply.is_error and "event: takes yes or no" in reply.text


async def test_a_date_whose_slug_begins_another_dates_gets_its_own_event(discord_bot: DiscordBot) -> None:
    bot = discord_bot
    bot.runtime.ctx.clock = lambda: datetime(2027, 1, 10, 12, 0, tzinfo=UTC)
    http = bot.runtime.notices.senders["discord"].client.http  # type: ignore[attr-defined]
    await bot.runtime.answer_text(SEC, HERE, "/hrc days add name: Water forum date: 2027-03-20 themes: water event: yes")
    await sync_events(bot.runtime, http)
    # "campaign-water" is the start of "campaign-water-forum": the forum's event is not this date's.
    await bot.runtime.answer_text(SEC, HERE, "/hrc days add name: Water date: 2027-03-22 themes: water event: yes")
    done = await sync_events(bot.runtime, http)
    assert done.created == 1
    assert sorted(e["name"] for e in bot.fake.events.values()) == ["Water", "Water forum"]


async def test_an_event_deleted_by_hand_is_made_again_when_its_date_changes(discord_bot: DiscordBot) -> None:
    """An admin deleted the event in Discord, then the date moved: editing it failed with 404 at every sync,
    and the sync stopped there, so no later date of any server was synced again."""
    bot = discord_bot
    bot.runtime.ctx.clock = lambda: datetime(2027, 1, 10, 12, 0, tzinfo=UTC)
    http = bot.runtime.notices.senders["discord"].client.http  # type: ignore[attr-defined]
    await bot.runtime.answer_text(SEC, HERE, FORUM.format(date="2027-05-18"))
    await sync_events(bot.runtime, http)
    bot.fake.events.clear()  # deleted by hand in Discord
    await bot.runtime.answer_text(SEC, HERE, "/hrc days remove World Human Rights Cities Forum")
    await bot.runtime.answer_text(SEC, HERE, FORUM.format(date="2027-05-20"))
    await bot.runtime.answer_text(SEC, HERE, "/hrc days add name: Water date: 2027-03-22 themes: water event: yes")
    await sync_events(bot.runtime, http)
    events = sorted((e["name"], e["scheduled_start_time"][:10]) for e in bot.fake.events.values())
    assert events == [("Water", "2027-03-22"), ("World Human Rights Cities Forum", "2027-05-20")]
    done = await sync_events(bot.runtime, http)
    assert (done.created, done.edited, done.deleted) == (0, 0, 0)


async def test_a_server_without_the_permission_does_not_stop_the_others(discord_bot: DiscordBot) -> None:
    """With two campaign servers, the first refusing (no Create Events) ended every sync there: the second
    never got its events."""
    from dataclasses import replace

    bot = discord_bot
    bot.runtime.ctx.clock = lambda: datetime(2027, 1, 10, 12, 0, tzinfo=UTC)
    http = bot.runtime.notices.senders["discord"].client.http  # type: ignore[attr-defined]
    refusing = "800000000000000077"
    bot.runtime.settings = replace(bot.runtime.settings, discord=replace(bot.runtime.settings.discord,
                                                                          guild_ids=(int(refusing), int(GUILD_ID))))
    bot.fake.forbidden_events.add(refusing)
    await bot.runtime.answer_text(SEC, HERE, FORUM.format(date="2027-05-18"))
    done = await sync_events(bot.runtime, http)
    assert done.created == 1 and [e["guild_id"] for e in bot.fake.events.values()] == [GUILD_ID]
    bot.fake.forbidden_events.clear()  # the permission granted: the first server gets its event too
    await sync_events(bot.runtime, http)
    assert sorted(e["guild_id"] for e in bot.fake.events.values()) == sorted([GUILD_ID, refusing])
