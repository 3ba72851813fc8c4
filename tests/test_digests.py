"""Digests, theme filters, lead reminders and opt-out, with an injected clock: local hours, DST, midnight,
exactly once across restarts (also a crash after sending, before recording it)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from bot.render_text import render_text
from bot.scheduler import PromptScheduler
from bot.settings import Settings
from bot.wiring import Runtime, build_runtime
from handlers.calendar import Observance
from handlers.days import all_observances
from handlers.i18n import translator
from handlers.prompts import lead_reminder
from handlers.types import Place, Reply
from storage.models import DeliveryStatus, OutboxMessage, OutboxStatus
from storage.queries import deliveries
from storage.session import Database
from tests.conftest import Chat, FakeClock, person
from tests.fakes.recording_sender import RecordingSender
from tests.test_scheduler import HRD, at, runtime_on


async def channel_set(runtime: Runtime, channel: str, options: str, platform: str = "slack") -> Reply:
    actor, _ = person("sec", platform=platform)
    reply = await runtime.answer_text(actor, Place(platform, "W1", channel), f"/hrc channel set days {options}")
    assert not reply.is_error, reply.text
    return reply


def posts(sender: RecordingSender, kind: str, target: str) -> list[Reply]:
    return [r for k, t, r, _ in sender.posts if k == kind and t == target]


async def subscriber(runtime: Runtime, user: str, command: str, tz: str = "Europe/Madrid") -> None:
    chat = Chat(runtime.ctx)
    reply = await chat.say(user, f"/hrc register city: City {user} country: Spain region: Europe timezone: {tz}", platform="slack")
    assert not reply.is_error, reply.text
    await chat.say("sec", f"/hrc verify City {user}")
    reply = await chat.say(user, command, platform="slack")
    assert not reply.is_error, reply.text


async def test_weekly_channel_digest_on_monday_once_across_restarts(db: Database, clock: FakeClock) -> None:
    runtime = runtime_on(db, clock, lead_days=0)
    slack = RecordingSender("slack")
    runtime.notices.register(slack)
    reply = await channel_set(runtime, "MADRID", "timezone: Europe/Madrid digest: weekly")
    assert "weekly digest on Mondays at 09:00 Europe/Madrid" in reply.text
    scheduler = PromptScheduler(runtime)
    clock.now = at("2026-12-07T07:59")  # Monday 08:59 in Madrid
    assert await scheduler.tick() == []
    clock.now = at("2026-12-07T08:00")
    await scheduler.tick()
    await scheduler.tick()
    (digest,) = posts(slack, "channel", "MADRID")
    assert digest.title and digest.title.startswith("This week:")
    assert any("Human Rights Day" in item.title and "10 Dec 2026" in item.title for item in digest.items)
    assert all("2026-12-07" <= key.split(":")[2] for *_, key in slack.posts if key)

    restarted = build_runtime(Settings(lead_days=0), database=db.reopen())  # a new process on the same database
    restarted.ctx.clock = clock
    restarted.notices.register(slack)
    clock.now = at("2026-12-07T20:00")
    assert await PromptScheduler(restarted).tick() == []
    clock.now = at("2026-12-10T08:00")  # Human Rights Day itself: no separate post
    assert await PromptScheduler(restarted).tick() == []
    assert len(posts(slack, "channel", "MADRID")) == 1 and HRD not in slack.titles("channel", "MADRID")
    await restarted.db.dispose()


async def test_weekly_digest_follows_dst_and_the_local_monday(db: Database, clock: FakeClock) -> None:
    runtime = runtime_on(db, clock)
    slack = RecordingSender("slack")
    runtime.notices.register(slack)
    await channel_set(runtime, "MADRID", "timezone: Europe/Madrid digest: weekly")
    await channel_set(runtime, "AUCKLAND", "timezone: Pacific/Auckland digest: weekly")
    scheduler = PromptScheduler(runtime)
    clock.now = at("2026-10-26T07:30")  # the Monday after summer time ends: 08:30 CET, not yet
    await scheduler.tick()
    assert posts(slack, "channel", "MADRID") == []
    clock.now = at("2026-10-26T08:00")  # 09:00 CET
    await scheduler.tick()
    assert len(posts(slack, "channel", "MADRID")) == 1
    clock.now = at("2026-12-06T20:00")  # Sunday in UTC, Monday 09:00 in Auckland (UTC+13)
    await scheduler.tick()
    (auckland,) = [r for r in posts(slack, "channel", "AUCKLAND") if any("Human Rights Day" in i.title for i in r.items)]
    assert auckland.title.startswith("This week:")  # type: ignore[union-attr]


async def test_daily_digest_and_theme_filter(db: Database, clock: FakeClock) -> None:
    runtime = runtime_on(db, clock)
    slack = RecordingSender("slack")
    runtime.notices.register(slack)
    reply = await channel_set(runtime, "WATER", "timezone: UTC digest: daily themes: water, housing")
    assert "Water & sanitation, Housing" in reply.text
    await channel_set(runtime, "PERDAY", "timezone: UTC themes: water")
    scheduler = PromptScheduler(runtime)
    clock.now = at("2026-12-10T09:00")  # Human Rights Day: not a water or housing day
    await scheduler.tick()
    assert posts(slack, "channel", "WATER") == [] and posts(slack, "channel", "PERDAY") == []
    clock.now = at("2027-03-22T09:00")  # World Water Day
    await scheduler.tick()
    await scheduler.tick()
    (digest,) = posts(slack, "channel", "WATER")
    assert digest.title == "Today: World Water Day" and "World Water Day" in digest.items[0].title  # not "1 day"
    assert slack.titles("channel", "PERDAY") == ["Today: World Water Day"]
    # Back to every theme and one post per day.
    reply = await channel_set(runtime, "WATER", "digest: off themes: all")
    assert "One post per day" in reply.text and "all campaign themes" in reply.text


async def test_restart_after_sending_before_recording_sends_nothing_twice(db: Database, clock: FakeClock) -> None:
    """The process dies right after Slack accepted the digest, before recording it: the restarted bot finds the
    row in doubt, asks the platform whether the key arrived, and sends nothing again (before the outbox, the
    scheduler could lose it: "may lose one, never sends two")."""
    class Crash(BaseException):
        """The process dies right after the platform accepted the message."""

    class CrashingSender(RecordingSender):
        async def send_to_channel(self, *args: object, **kwargs: object) -> str:  # type: ignore[override]
            await super().send_to_channel(*args, **kwargs)  # type: ignore[arg-type]
            raise Crash

    runtime = runtime_on(db, clock, lead_days=0)
    crashing = CrashingSender("slack")
    runtime.notices.register(crashing)
    await channel_set(runtime, "MADRID", "timezone: Europe/Madrid digest: weekly")
    clock.now = at("2026-12-07T08:00")
    try:
        await PromptScheduler(runtime).tick()
    except BaseException as error:  # noqa: BLE001 - the crash, from inside the outbox's lanes (a group)
        assert isinstance(error, Crash) or (isinstance(error, BaseExceptionGroup) and error.subgroup(Crash) is not None)
    restarted = build_runtime(Settings(lead_days=0), database=db.reopen())
    restarted.ctx.clock = clock
    slack = RecordingSender("slack", delivered_keys=crashing.delivered_keys)  # the same Slack, after the restart
    restarted.notices.register(slack)
    clock.now = at("2026-12-07T08:01")  # past the claim's 10-s lease
    assert await PromptScheduler(restarted).tick() == []
    assert len(crashing.posts) == 1 and slack.posts == []
    async with db.transaction(write=False) as session:
        row = await deliveries.get(session, "digest:weekly:2026-12-07:slack:W1:MADRID")
        (outbox_row,) = (await session.execute(select(OutboxMessage))).scalars()
    assert row is not None and row.status == DeliveryStatus.QUEUED
    assert outbox_row.key == row.key and outbox_row.status == OutboxStatus.SENT
    await restarted.db.dispose()


async def test_restart_before_the_platform_had_it_sends_it_once(db: Database, clock: FakeClock) -> None:
    """The process dies while the digest's call is in flight and Slack never got it: the restarted bot sends it,
    once (the direct send lost it: its key stayed ``sending`` for ever)."""
    class Crash(BaseException):
        """The process dies before the request reached the platform."""

    class DyingSender(RecordingSender):
        async def send_to_channel(self, *args: object, **kwargs: object) -> str:  # type: ignore[override]
            raise Crash

    runtime = runtime_on(db, clock, lead_days=0)
    runtime.notices.register(DyingSender("slack"))
    await channel_set(runtime, "MADRID", "timezone: Europe/Madrid digest: weekly")
    clock.now = at("2026-12-07T08:00")
    try:
        await PromptScheduler(runtime).tick()
    except BaseException as error:  # noqa: BLE001 - the crash, from inside the outbox's lanes (a group)
        assert isinstance(error, Crash) or (isinstance(error, BaseExceptionGroup) and error.subgroup(Crash) is not None)
    restarted = build_runtime(Settings(lead_days=0), database=db.reopen())
    restarted.ctx.clock = clock
    slack = RecordingSender("slack")
    restarted.notices.register(slack)
    clock.now = at("2026-12-07T08:01")
    await PromptScheduler(restarted).tick()
    await PromptScheduler(restarted).tick()
    assert [key for _kind, _target, _reply, key in slack.posts] == ["digest:weekly:2026-12-07:slack:W1:MADRID"]
    await restarted.db.dispose()


async def test_personal_weekly_digest_and_lead_reminder(db: Database, clock: FakeClock) -> None:
    runtime = runtime_on(db, clock)
    slack = RecordingSender("slack")
    runtime.notices.register(slack)
    await subscriber(runtime, "ana", "/hrc subscribe water, housing digest: weekly lead: 3")
    scheduler = PromptScheduler(runtime)
    clock.now = at("2027-03-19T07:59")  # Friday 08:59 in Madrid, three days before World Water Day
    await scheduler.tick()
    assert posts(slack, "dm", "ana") == []
    clock.now = at("2027-03-19T08:00")
    await scheduler.tick()
    await scheduler.tick()
    (lead,) = posts(slack, "dm", "ana")
    assert lead.title == "In 3 days: World Water Day"
    assert [a.command for a in lead.actions] == ["unsubscribe water-sanitation"]
    clock.now = at("2027-03-22T08:00")  # Monday: the week's digest, no separate World Water Day message
    await scheduler.tick()
    await scheduler.tick()
    digest = posts(slack, "dm", "ana")[-1]
    assert digest.title.startswith("This week:") and any("World Water Day" in i.title for i in digest.items)  # type: ignore[union-attr]
    assert digest.actions[-1].command == "unsubscribe water-sanitation"  # no housing day that week: not housing
    assert "Today: World Water Day" not in slack.titles("dm", "ana") and len(posts(slack, "dm", "ana")) == 2


async def test_stop_these_then_undo_pause_resume_and_unsubscribe_all(db: Database, clock: FakeClock) -> None:
    runtime = runtime_on(db, clock)
    slack = RecordingSender("slack")
    runtime.notices.register(slack)
    await subscriber(runtime, "ana", "/hrc subscribe water", tz="UTC")
    scheduler = PromptScheduler(runtime)
    clock.now = at("2027-03-22T09:00")
    await scheduler.tick()
    (prompt,) = posts(slack, "dm", "ana")
    (stop,) = prompt.actions
    assert stop.label == "Stop these"
    actor, place = person("ana", platform="slack")
    stopped = await runtime.answer_text(actor, place, stop.command)  # what the button runs for the person who clicks
    assert "Unsubscribed from Water & sanitation" in stopped.text
    (undo,) = stopped.actions
    undone = await runtime.answer_text(actor, place, undo.command)
    assert "Subscribed to Water & sanitation" in undone.text

    clock.now = at("2028-03-15T10:00")
    paused = await runtime.answer_text(actor, place, "/hrc pause 2 weeks")
    assert "Paused: no personal prompts until March 29, 2028" in paused.text
    clock.now = at("2028-03-22T09:00")  # World Water Day while paused: nothing
    await scheduler.tick()
    assert len(posts(slack, "dm", "ana")) == 1
    resumed = await runtime.answer_text(actor, place, "/hrc resume")
    assert "Resumed" in resumed.text
    assert "were not paused" in (await runtime.answer_text(actor, place, "/hrc resume")).text
    await scheduler.tick()  # resumed the same day: today's prompt still goes out, once
    await scheduler.tick()
    assert slack.titles("dm", "ana") == ["Today: World Water Day"] * 2

    everything = await runtime.answer_text(actor, place, "/hrc unsubscribe all")
    assert "Unsubscribed from everything" in everything.text
    assert everything.actions[0].command == "subscribe water-sanitation"
    clock.now = at("2029-03-22T09:00")
    await scheduler.tick()
    assert len(posts(slack, "dm", "ana")) == 2


async def test_bad_input_is_refused_kindly_and_stores_nothing(db: Database, clock: FakeClock) -> None:
    runtime = runtime_on(db, clock)
    actor, place = person("ana", platform="slack")
    cases = {
        "/hrc subscribe water digest: monthly": "is not a digest",
        "/hrc subscribe water lead: 99": "is not a lead time",
        "/hrc subscribe water lead: ²": "is not a lead time",  # a digit int() cannot read
        "/hrc subscribe water lead: -1": "is not a lead time",
        "/hrc subscribe water lead: 5 weeks": "is not a lead time",
        "/hrc pause forever": "is not a length of time",
        "/hrc pause 5 fortnights": "is not a length of time",
        "/hrc pause 5 years": "At most a year",
        "/hrc pause 99999 years": "At most a year",
        "/hrc pause 400 days": "At most a year",
        "/hrc subscribe": "Tell me the theme",
    }
    for command, message in cases.items():
        reply = await runtime.answer_text(actor, place, command)
        assert reply.is_error and message in reply.text, (command, reply.text)
    listing = await runtime.answer_text(actor, place, "/hrc unsubscribe all")
    assert listing.text == "You have no subscriptions."  # the refused subscribe stored nothing
    sec, _ = person("sec", platform="slack")
    for command, message in {
        "/hrc channel set days digest: hourly": "is not a digest",
        "/hrc channel set announcements digest: weekly": "apply to UN-day prompts",
        "/hrc channel set days themes: watr": "Did you mean",
        "/hrc channel set days timezone: Bogata": "Did you mean “America/Bogota”?",
        "/hrc channel set days timezone: Europe": "not a time zone I know",
    }.items():
        reply = await runtime.answer_text(sec, place, command)
        assert reply.is_error and message in reply.text, (command, reply.text)
    assert "No channel" in (await runtime.answer_text(sec, place, "/hrc channels")).text
    # A city part that names one zone is that zone, as the autocomplete offers it.
    reply = await runtime.answer_text(sec, place, "/hrc channel set days timezone: bogota")
    assert not reply.is_error and "09:00 America/Bogota" in reply.text


async def test_an_offset_is_answered_with_the_zone_to_give_and_factory_is_no_zone(db: Database, clock: FakeClock) -> None:
    """`timezone: UTC+5` points to a city's zone and to Etc/GMT-5 (IANA's inverted sign), in the caller's language;
    the tz database's "Factory" (no place, no offset) is refused; the channel is set by none of them."""
    runtime = runtime_on(db, clock)
    sec, place = person("sec", platform="slack")
    for command, locale, wanted in (
        ("timezone: UTC+5", "en", ("is an offset from UTC", "America/Bogota", "Etc/GMT-5", "the other way round")),
        ("timezone: GMT-3", "en", ("For a fixed UTC-3 all year, write Etc/GMT+3",)),
        ("timezone: UTC+05:30", "en", ("is an offset from UTC", "Asia/Kolkata")),
        ("timezone: UTC+5", "es", ("«UTC+5» es una diferencia con UTC", "Etc/GMT-5", "invierte el signo")),
        ("timezone: utc-3", "fr", ("« utc-3 » est un décalage", "Etc/GMT+3", "inverse le signe")),
        ("timezone: Factory", "en", ("not a time zone I know",)),
        ("timezone: factory", "fr", ("n’est pas un fuseau horaire",)),
    ):
        reply = await runtime.answer_text(sec, place, f"/hrc channel set days {command}", locale)
        assert reply.is_error and all(w in reply.text for w in wanted), (command, reply.text)
    assert "Etc/GMT" not in (await runtime.answer_text(sec, place, "/hrc channel set days timezone: UTC+05:30")).text
    assert "No channel" in (await runtime.answer_text(sec, place, "/hrc channels")).text
    reply = await runtime.answer_text(sec, place, "/hrc channel set days timezone: Etc/GMT-5")  # a fixed offset is a zone
    assert not reply.is_error and "Etc/GMT-5" in reply.text, reply.text


async def test_a_campaign_date_with_no_theme_is_announced_without_an_empty_theme_list(db: Database, clock: FakeClock) -> None:
    runtime = runtime_on(db, clock, lead_days=7)
    slack = RecordingSender("slack")
    runtime.notices.register(slack)
    clock.now = at("2027-04-01T07:00")
    sec, _ = person("sec", platform="slack")
    added = await runtime.answer_text(sec, Place("slack", "W1", "C0"), "/hrc days add name: Campaign Forum date: 2027-04-10")
    assert not added.is_error, added.text
    await channel_set(runtime, "PERDAY", "timezone: UTC")
    await channel_set(runtime, "DAILY", "timezone: UTC digest: daily language: es")
    scheduler = PromptScheduler(runtime)
    for when in ("2027-04-03T09:00", "2027-04-10T09:00"):  # the secretariat's lead reminder, then the day
        clock.now = at(when)
        await scheduler.tick()
    (lead,) = [r for k, _t, r, _key in slack.posts if k == "secretariat" and "Campaign Forum" in (r.title or "")]
    # Members' own prompts and reminders follow their themes, so a day with none reaches them only in a
    # channel; their reminder's wording is ready all the same.
    forum = next(d for d in await all_days(runtime) if d.name == "Campaign Forum")
    personal = lead_reminder(forum, date(2027, 4, 10), 3, translator("en"), personal=True)
    (prompt,) = posts(slack, "channel", "PERDAY")
    (digest,) = posts(slack, "channel", "DAILY")
    assert lead.text == "Campaign Forum is on April 10, 2027. Time to prepare communications and invite cities to share."
    assert personal.text == "Campaign Forum is on April 10, 2027. Is your city preparing something? Share it with `/hrc share`."
    assert prompt.text.endswith("it is a good day to show what your city does.")
    assert [f.name for f in prompt.fields if f.name == "Themes"] == []
    assert digest.items[0].text.startswith("fecha de la campaña")
    for reply in (lead, personal, prompt, digest):
        assert "—" not in render_text(reply)


async def all_days(runtime: Runtime) -> list[Observance]:
    async with runtime.db.transaction(write=False) as session:
        return await all_observances(session)


async def test_pause_end_is_the_date_in_the_members_own_zone(db: Database, clock: FakeClock) -> None:
    """11:00 UTC on 4 December is already 01:00 on 5 December in Kiritimati (UTC+14): the pause ends on the
    local 19th, not the UTC 18th."""
    runtime = runtime_on(db, clock)
    clock.now = at("2026-12-04T11:00")
    await subscriber(runtime, "kiri", "/hrc subscribe water", tz="Pacific/Kiritimati")
    actor, place = person("kiri", platform="slack")
    paused = await runtime.answer_text(actor, place, "/hrc pause 2 weeks")
    assert "Paused: no personal prompts until December 19, 2026." in paused.text
    settings = await runtime.answer_text(actor, place, "/hrc subscribe digest: off")
    assert "paused until December 19, 2026" in settings.text


async def test_days_and_days_add_count_today_in_the_campaigns_zone(db: Database, clock: FakeClock) -> None:
    """At 20:00 on Human Rights Day in Bogota (HRC_TIMEZONE) it is already 11 December in UTC: the day is still
    today, listed first, and a campaign date on it is not "in the past"."""
    runtime = runtime_on(db, clock, timezone="America/Bogota")
    clock.now = at("2026-12-11T01:00")
    sec, place = person("sec", platform="slack")
    listing = await runtime.answer_text(sec, place, "/hrc days")
    assert listing.items[0].title.startswith("Thu 10 Dec 2026"), listing.items[0].title
    added = await runtime.answer_text(sec, place, "/hrc days add name: Bogota Open Day date: 2026-12-10")
    assert not added.is_error and "Added Bogota Open Day on Thu 10 Dec 2026" in added.text, added.text
    assert (await runtime.answer_text(sec, place, "/hrc days add name: Yesterday Day date: 2026-12-09")).is_error


async def test_switching_digest_mode_during_the_day_does_not_tell_the_same_day_twice(db: Database, clock: FakeClock) -> None:
    runtime = runtime_on(db, clock, lead_days=0)
    slack = RecordingSender("slack")
    runtime.notices.register(slack)
    scheduler = PromptScheduler(runtime)
    await channel_set(runtime, "ONE", "timezone: UTC")
    await channel_set(runtime, "TWO", "timezone: UTC digest: daily")
    await subscriber(runtime, "ana", "/hrc subscribe human rights", tz="UTC")
    clock.now = at("2026-12-10T09:00")  # Human Rights Day
    await scheduler.tick()
    assert [r.title for r in posts(slack, "channel", "ONE")] == ["Today: Human Rights Day"]
    assert [r.title for r in posts(slack, "channel", "TWO")] == ["Today: Human Rights Day"]
    assert slack.titles("dm", "ana") == ["Today: Human Rights Day"]
    clock.now = at("2026-12-10T15:00")
    await channel_set(runtime, "ONE", "digest: daily")
    await channel_set(runtime, "TWO", "digest: off")
    actor, place = person("ana", platform="slack")
    assert not (await runtime.answer_text(actor, place, "/hrc subscribe digest: daily")).is_error
    await scheduler.tick()
    await scheduler.tick()
    assert len(posts(slack, "channel", "ONE")) == len(posts(slack, "channel", "TWO")) == 1
    assert len(posts(slack, "dm", "ana")) == 1
    clock.now = at("2026-12-11T09:00")  # the next day each gets its new mode
    await scheduler.tick()
    assert len(posts(slack, "channel", "ONE")) == 2 and posts(slack, "channel", "ONE")[-1].title.startswith("Today:")


async def test_next_post_is_now_when_todays_prompt_is_still_to_go_out(db: Database, clock: FakeClock) -> None:
    """Set at 15:00 on Human Rights Day, a channel (and a new subscriber) still get today's prompt within a
    minute: "Next post" says so, and once it went out names the next day's."""
    runtime = runtime_on(db, clock, lead_days=0)
    slack = RecordingSender("slack")
    runtime.notices.register(slack)
    clock.now = at("2026-12-10T15:00")
    reply = await channel_set(runtime, "C1", "timezone: UTC")
    assert "Thu 10 Dec 2026 15:00 (UTC)" in reply.text, reply.text
    await subscriber(runtime, "ana", "/hrc subscribe human rights", tz="UTC")
    actor, place = person("ana", platform="slack")
    assert "Thu 10 Dec 2026 15:00 (UTC)" in (await runtime.answer_text(actor, place, "/hrc subscribe digest: off")).text
    await PromptScheduler(runtime).tick()
    assert [r.title for r in posts(slack, "channel", "C1")] == ["Today: Human Rights Day"]
    sec, place = person("sec", platform="slack")
    assert "Fri 11 Dec 2026 09:00 (UTC)" in render_text(await runtime.answer_text(sec, Place("slack", "W1", "C1"), "/hrc channels"))
    assert "Thu 10 Dec 2026" not in (await runtime.answer_text(actor, place, "/hrc subscribe digest: off")).text


async def test_lead_in_days_or_weeks_in_each_language(db: Database, clock: FakeClock) -> None:
    """The usage says ``lead: DAYS``: "3 días", "1 semaine" and "2 days" are what people type."""
    runtime = runtime_on(db, clock)
    await subscriber(runtime, "ana", "/hrc subscribe water lead: 2 days")
    actor, place = person("ana", platform="slack")
    for command, expected in {"/hrc subscribe lead: 2 days": "a reminder 2 days before",
                              "/hrc suscribir antelación: 3 días": "a reminder 3 days before",  # the reply in the person's language
                              "/hrc abonner avance: 1 semaine": "a reminder 7 days before"}.items():
        reply = await runtime.answer_text(actor, place, command)
        assert not reply.is_error and expected in reply.text, (command, reply.text)


async def test_day_card_years_are_the_campaigns_on_new_years_eve(db: Database, clock: FakeClock) -> None:
    runtime = runtime_on(db, clock, timezone="America/Bogota")
    clock.now = at("2027-01-01T01:00")  # 31 December 2026, 20:00 in Bogota
    sec, place = person("sec", platform="slack")
    card = await runtime.answer_text(sec, place, "/hrc day human rights day")
    assert [f.name for f in card.fields][:2] == ["2026", "2027"], card.fields


async def test_a_campaign_date_too_far_ahead_is_refused_and_the_feed_stays_up(db: Database, clock: FakeClock) -> None:
    """9999-12-31 has no next day: accepted, it broke `days export` and /calendar.ics for everyone."""
    runtime = runtime_on(db, clock)
    clock.now = at("2026-12-04T11:00")
    sec, place = person("sec", platform="slack")
    refused = await runtime.answer_text(sec, place, "/hrc days add name: Far Future date: 9999-12-31")
    assert refused.is_error and refused.error_field == "date"
    assert "9999-12-31 is too far ahead: campaign dates go up to 20 years from now." in refused.text
    assert not (await runtime.answer_text(sec, place, "/hrc days add name: Forum 2046 date: 2046-12-31")).is_error
    exported = await runtime.answer_text(sec, place, "/hrc days export")
    assert not exported.is_error and exported.attachments, exported.text


def test_the_zone_an_offset_refusal_advises_can_be_picked_from_the_suggestions() -> None:
    """The refusal of `timezone: UTC+5` advises Etc/GMT-5, which the time-zone search (Slack's form, Discord's
    autocomplete) never offered: it left out every fixed-offset zone, and "UTC" too."""
    from handlers.suggest import timezone_suggestions

    assert [(s.label, s.value) for s in timezone_suggestions("UTC+5")][:1] == [("Etc/GMT-5 (UTC+5)", "Etc/GMT-5")]
    assert [s.value for s in timezone_suggestions("GMT-3")][:1] == ["Etc/GMT+3"]
    assert [s.value for s in timezone_suggestions("Etc/GMT-5")][:1] == ["Etc/GMT-5"]
    assert [s.value for s in timezone_suggestions("utc")][:1] == ["UTC"]
    assert [s.value for s in timezone_suggestions("Bogota")][:1] == ["America/Bogota"]
