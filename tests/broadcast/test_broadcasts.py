"""Secretariat broadcasts end to end through the core and the delivery worker (fake platforms, real database)."""

from __future__ import annotations

from datetime import timedelta

from bot.broadcast import MAX_ATTEMPTS, BroadcastWorker
from bot.render_text import render_text
from bot.settings import Settings
from bot.wiring import Runtime, build_runtime
from handlers.types import Place
from storage.models import OutboxStatus
from storage.queries import announcements as queries
from storage.session import Database
from tests.conftest import FakeClock, person
from tests.fakes.recording_sender import RecordingSender

SECRETARIAT = frozenset({"slack:sec", "discord:sec", "console:sec"})
FAST = {p: __import__("bot.ratelimit", fromlist=["Limits"]).Limits(10_000, 10_000, 10_000, 10_000) for p in ("slack", "discord")}


def make_runtime(db: Database, clock: FakeClock) -> tuple[Runtime, RecordingSender, RecordingSender]:
    runtime = build_runtime(Settings(secretariat=SECRETARIAT), database=db)
    runtime.ctx.clock = clock
    slack, discord = RecordingSender("slack"), RecordingSender("discord")
    runtime.notices.register(slack)
    runtime.notices.register(discord)
    return runtime, slack, discord


async def say(runtime: Runtime, user: str, text: str, platform: str = "slack", channel: str = "C1"):  # type: ignore[no-untyped-def]
    actor, _ = person(user, platform=platform)
    return await runtime.answer_text(actor, Place(platform, "W1", channel), text)


async def channels(runtime: Runtime, slack_count: int, discord_count: int) -> None:
    for n in range(slack_count):
        assert not (await say(runtime, "sec", "/hrc channel set announcements", "slack", f"S{n}")).is_error
    for n in range(discord_count):
        assert not (await say(runtime, "sec", "/hrc channel set announcements", "discord", f"D{n}")).is_error


def worker(runtime: Runtime, **kwargs: object) -> BroadcastWorker:
    return BroadcastWorker(runtime, limits=FAST, **kwargs)  # type: ignore[arg-type]


async def test_preview_confirm_deliver_and_report(db: Database, clock: FakeClock) -> None:
    runtime, slack, discord = make_runtime(db, clock)
    await channels(runtime, 3, 2)
    preview = await say(runtime, "sec", "/hrc announce title: Forum @everyone text: Registrations <!channel> are open link: https://example.org/f")
    text = render_text(preview)
    assert "Preview of announcement #1" in text and "Slack: 3 channels" in text and "Discord: 2 channels" in text
    assert [a.command for a in preview.actions] == ["announce confirm 1", "announce cancel 1"]
    await worker(runtime).run_once()
    assert slack.posts == [] and discord.posts == []  # nothing goes out before Send

    assert "on its way" in (await say(runtime, "sec", "/hrc announce confirm 1")).text
    assert "already queued" in (await say(runtime, "sec", "/hrc announce confirm 1")).text  # double click
    await worker(runtime).run_once()
    assert sorted(t for k, t, _r, _key in slack.posts if k == "channel") == ["S0", "S1", "S2"]
    assert sorted(t for k, t, _r, _key in discord.posts if k == "channel") == ["D0", "D1"]
    sent = next(r for k, _t, r, _key in slack.posts if k == "channel")
    assert sent.title == "Forum @everyone" and sent.text == "Registrations <!channel> are open"  # stored as typed
    report = [r for k, t, r, _key in slack.posts if k == "dm" and t == "sec"]
    assert len(report) == 1 and "delivered 3" in render_text(report[0])
    await worker(runtime).run_once()
    assert max(slack.copies.values()) == 1 and max(discord.copies.values()) == 1
    assert "Status: done." in render_text(await say(runtime, "sec", "/hrc announce status 1"))


async def test_members_cannot_announce(db: Database, clock: FakeClock) -> None:
    runtime, _slack, _discord = make_runtime(db, clock)
    refused = await say(runtime, "ana", "/hrc announce title: Hi text: everyone")
    assert refused.is_error and "secretariat" in refused.text
    assert (await say(runtime, "sec", "/hrc announcements")).text == "No announcement yet."


async def test_cancel_a_scheduled_one_and_scheduled_ones_survive_a_restart(db: Database, clock: FakeClock) -> None:
    runtime, slack, _discord = make_runtime(db, clock)
    await channels(runtime, 1, 0)
    await say(runtime, "sec", "/hrc announce title: A text: first at: 2026-11-25 09:00 Europe/Madrid")
    await say(runtime, "sec", "/hrc announce title: B text: second at: 2026-11-25 09:00 Europe/Madrid")
    assert "scheduled" in (await say(runtime, "sec", "/hrc announce confirm 1")).text
    await say(runtime, "sec", "/hrc announce confirm 2")
    assert (await say(runtime, "sec", "/hrc announce cancel 2")).text == "Announcement #2 cancelled."  # not yet queued
    await say(runtime, "sec", "/hrc announce title: C text: a draft")
    assert (await say(runtime, "sec", "/hrc announce cancel 3")).text == "Announcement #3 cancelled."  # no "0 not sent"

    restarted, slack2, _ = make_runtime(db.reopen(), clock)  # a new process
    clock.now = clock.now.replace(day=25, hour=7, minute=59)  # 08:59 in Madrid
    await worker(restarted).run_once()
    assert slack2.posts == []
    clock.advance(minutes=1)
    await worker(restarted).run_once()
    assert [r.title for k, _t, r, _key in slack2.posts if k == "channel"] == ["A"]
    await restarted.db.dispose()


async def test_a_429_storm_is_waited_out_and_each_channel_gets_one_copy(db: Database, clock: FakeClock) -> None:
    runtime, slack, _discord = make_runtime(db, clock)
    await channels(runtime, 4, 0)
    slack.fail_next = ["ratelimit"] * 6
    await say(runtime, "sec", "/hrc announce title: Storm text: hold on")
    await say(runtime, "sec", "/hrc announce confirm 1")
    run = worker(runtime)
    for _ in range(6):
        await run.run_once()
        clock.advance(seconds=1)
    assert run.rate_limited == 6
    assert sorted(t for k, t, _r, _key in slack.posts if k == "channel") == ["S0", "S1", "S2", "S3"]
    assert max(slack.copies.values()) == 1


async def test_a_platform_failing_every_call_does_not_hold_the_other_back(db: Database, clock: FakeClock) -> None:
    runtime, slack, discord = make_runtime(db, clock)
    await channels(runtime, 2, 2)
    discord.fail_always = "transient"
    await say(runtime, "sec", "/hrc announce title: Outage text: one platform is down")
    await say(runtime, "sec", "/hrc announce confirm 1")
    run = worker(runtime)
    await run.run_once()
    assert sorted(t for k, t, _r, _key in slack.posts if k == "channel") == ["S0", "S1"]  # at once
    for _ in range(MAX_ATTEMPTS + 1):
        clock.advance(seconds=400)
        await run.run_once()
    status = render_text(await say(runtime, "sec", "/hrc announce status 1"))
    assert "Slack: delivered 2 · pending 0 · failed 0" in status
    assert "Discord: delivered 0 · pending 0 · failed 2" in status and "transient failure (test)" in status
    report = [r for k, t, r, _key in slack.posts if k == "dm" and t == "sec"]
    assert len(report) == 1 and "gave up after" in render_text(report[0])


async def test_restart_mid_broadcast_sends_no_duplicate_and_skips_nobody(db: Database, clock: FakeClock) -> None:
    runtime, slack, discord = make_runtime(db, clock)
    await channels(runtime, 6, 0)
    await say(runtime, "sec", "/hrc announce title: Crash text: mid-way")
    await say(runtime, "sec", "/hrc announce confirm 1")
    first = worker(runtime)
    await first.start_due()
    # The process dies after claiming four rows: two were posted before the crash, two were not.
    async with runtime.db.transaction() as session:
        claimed = await queries.claim_due(session, "slack", clock(), 4, timedelta(seconds=60))
    reply = (await say(runtime, "sec", "/hrc announce status 1"))
    for row, _unknown in claimed[:2]:
        await slack.send_to_channel(row.workspace, row.target_id, reply, delivery_key=row.key)

    restarted, _s, _d = make_runtime(db.reopen(), clock)
    restarted.notices.register(slack)
    clock.advance(seconds=61)  # the dead worker's claims have expired
    await worker(restarted).run_once()
    assert sorted(t for k, t, _r, _key in slack.posts if k == "channel") == [f"S{n}" for n in range(6)]
    assert max(slack.copies.values()) == 1
    async with restarted.db.transaction(write=False) as session:
        assert (await queries.counts(session, 1)) == {("slack", OutboxStatus.SENT): 6}
    await restarted.db.dispose()


async def test_direct_messages_to_focal_points_filtered_by_region(db: Database, clock: FakeClock) -> None:
    runtime, slack, discord = make_runtime(db, clock)
    await say(runtime, "ana", "/hrc register city: Quilmes country: Argentina region: Latin America")
    await say(runtime, "bob", "/hrc register city: Grenoble country: France region: Europe", platform="discord")
    await say(runtime, "sec", "/hrc verify Quilmes")
    await say(runtime, "sec", "/hrc verify Grenoble")
    preview = render_text(await say(runtime, "sec", "/hrc announce title: LatAm text: hola region: latin america dm: yes"))
    assert "Slack: 0 channels, 1 focal point by direct message" in preview and "Discord" not in preview
    await say(runtime, "sec", "/hrc announce confirm 1")
    await worker(runtime).run_once()
    assert [t for k, t, r, _key in slack.posts if k == "dm" and r.title == "LatAm"] == ["ana"]
    assert not [p for p in discord.posts if p[2].title == "LatAm"]


async def test_bad_announcements_explain_themselves(db: Database, clock: FakeClock) -> None:
    runtime, _slack, _discord = make_runtime(db, clock)
    for line, expected in [
        ("/hrc announce title: x text: y at: tomorrow", "is not a time"),
        ("/hrc announce title: x text: y at: 2027-02-30 09:00", "does not exist"),
        ("/hrc announce title: x text: y at: 2027-02-01 09:00 Mars/Base", "not a time zone"),
        ("/hrc announce title: x text: y dm: maybe", "yes or no"),
        ("/hrc announce title: x text: y link: ftp://x", "not a web link"),
        (f"/hrc announce title: x text: {'y' * 3001}", "at most 3000"),
        ("/hrc announce confirm 99", "no announcement #99"),
    ]:
        reply = await say(runtime, "sec", line)
        assert reply.is_error and expected in reply.text, (line, reply.text)


async def test_each_channel_and_person_gets_the_version_in_their_language_else_the_main_text(
    db: Database, clock: FakeClock
) -> None:
    runtime, slack, discord = make_runtime(db, clock)
    for platform, channel, extra in (("slack", "SES", " language: es"), ("slack", "SEN", ""),
                                     ("discord", "DES", " idioma: es"), ("discord", "DFR", " langue: fr")):
        assert not (await say(runtime, "sec", f"/hrc channel set announcements{extra}", platform, channel)).is_error
    await say(runtime, "bob", "/hrc register city: Grenoble country: France region: Europe", platform="discord")
    await say(runtime, "sec", "/hrc verify Grenoble")
    await say(runtime, "bob", "/hrc language fr", platform="discord")
    preview = render_text(await say(
        runtime, "sec", "/hrc announce title: Forum text: Registrations are open. título_es: Foro "
                        "texto_es: Las inscripciones están abiertas. dm: yes link: https://example.org/forum"))
    # Each version exactly as delivered: the main text framed in English, the Spanish one in Spanish.
    assert "Forum\n=====\nRegistrations are open.\nLink:\n  https://example.org/forum" in preview
    assert "Foro\n====\nLas inscripciones están abiertas.\nEnlace:\n  https://example.org/forum" in preview
    assert "2 channels: the Spanish version" in preview
    assert "1 channel: the main text" in preview
    assert "1 channel and 1 person by direct message: the main text (no French version)" in preview

    await say(runtime, "sec", "/hrc announce confirm 1")
    await worker(runtime).run_once()
    sent = {(k, t): r for p in (slack, discord) for k, t, r, _key in p.posts if k != "dm" or r.title in ("Forum", "Foro")}
    assert (sent[("channel", "SES")].title, sent[("channel", "SES")].text) == ("Foro", "Las inscripciones están abiertas.")
    assert sent[("channel", "SES")].footer.startswith("Secretaría de la campaña")
    assert sent[("channel", "SES")].fields[0].name == "Enlace"
    assert (sent[("channel", "DES")].title, sent[("channel", "DES")].language) == ("Foro", "es")
    assert (sent[("channel", "SEN")].title, sent[("channel", "SEN")].text) == ("Forum", "Registrations are open.")
    # No French version: the main text, framed in French.
    assert (sent[("channel", "DFR")].title, sent[("channel", "DFR")].fields[0].name) == ("Forum", "Lien")
    assert (sent[("dm", "bob")].title, sent[("dm", "bob")].footer) == (
        "Forum", "Secrétariat de la campagne · 10, 100, 1000 Villes et Territoires des Droits Humains")
    assert max(slack.copies.values()) == 1 and max(discord.copies.values()) == 1


async def test_a_french_version_reaches_a_french_person_by_direct_message_and_the_report_is_in_the_authors_language(
    db: Database, clock: FakeClock
) -> None:
    runtime, slack, discord = make_runtime(db, clock)
    await say(runtime, "bob", "/hrc inscrire ville: Grenoble pays: France région: Europe", platform="discord")
    await say(runtime, "sec", "/hrc verify Grenoble")
    await say(runtime, "bob", "/hrc langue français", platform="discord")
    await say(runtime, "sec", "/hrc idioma es")
    await say(runtime, "sec", "/hrc anunciar título: Foro texto: Inscripciones abiertas. texto_fr: Les inscriptions "
                              "sont ouvertes. titre_fr: Forum privado: sí")
    await say(runtime, "sec", "/hrc anunciar confirmar 1")
    await worker(runtime).run_once()
    dm = [r for k, t, r, _key in discord.posts if k == "dm" and t == "bob" and r.title == "Forum"]
    assert len(dm) == 1 and dm[0].text == "Les inscriptions sont ouvertes." and dm[0].language == "fr"
    report = render_text(next(r for k, t, r, _key in slack.posts if k == "dm" and t == "sec"))
    assert "Estado: terminado." in report and "Discord: entregados 1" in report, report


async def test_confirming_after_the_scheduled_time_says_it_has_passed_and_sends_now(db: Database, clock: FakeClock) -> None:
    runtime, slack, _discord = make_runtime(db, clock)
    await channels(runtime, 1, 0)
    preview = await say(runtime, "sec", "/hrc announce title: Forum text: Registrations are open. at: 2026-11-24 10:00 UTC")
    assert not preview.is_error
    clock.advance(hours=2)  # the officer confirms at 11:00, after the 10:00 it was set for
    confirmed = render_text(await say(runtime, "sec", "/hrc announce confirm 1"))
    assert "Announcement #1 was scheduled for" in confirmed and "10:00" in confirmed, confirmed
    assert "which has passed: it is sent now." in confirmed, confirmed
    await worker(runtime).run_once()
    assert [t for k, t, _r, _key in slack.posts if k == "channel"] == ["S0"]
    spanish = render_text(await say(runtime, "sec", "/hrc announce title: Foro text: Abierto. at: 2026-11-24 12:00 UTC",
                                    "slack", "C1"))
    assert "#2" in spanish
    clock.advance(hours=2)
    es = await runtime.answer_text(person("sec", platform="slack")[0], Place("slack", "W1", "C1"), "/hrc announce confirm 2", "es")
    assert "ya pasó: se envía ahora." in render_text(es), render_text(es)


async def test_the_preview_header_names_the_versions_it_shows(db: Database, clock: FakeClock) -> None:
    runtime, _slack, _discord = make_runtime(db, clock)
    # Only a Spanish channel: the preview shows the Spanish version alone, and says so.
    assert not (await say(runtime, "sec", "/hrc channel set announcements language: es", "slack", "S0")).is_error
    only_es = await say(runtime, "sec", "/hrc announce title: Forum text: Open. title_es: Foro text_es: Abierto.")
    assert [p.title for p in only_es.preview] == ["Foro"]
    assert "whole: the main text" not in only_es.text and "each language" not in only_es.text
    assert "only the Spanish version, since no one it reaches reads the main text." in only_es.text, only_es.text
    # One version only (no other language written): no "each language's version".
    single = await say(runtime, "sec", "/hrc announce title: Forum text: Open.")
    assert len(single.preview) == 1
    assert single.text.startswith("Above is exactly what will be posted, whole. Sending:"), single.text
    # An English channel too: the main text, then the Spanish and French versions, named.
    assert not (await say(runtime, "sec", "/hrc channel set announcements language: en", "slack", "S1")).is_error
    both = await say(runtime, "sec", "/hrc announce title: Forum text: Open. text_es: Abierto. text_fr: Ouvert.")
    assert [p.text for p in both.preview] == ["Open.", "Abierto.", "Ouvert."]
    assert "whole: the main text, then the Spanish and French versions." in both.text, both.text
    es = await runtime.answer_text(person("sec", platform="slack")[0], Place("slack", "W1", "C1"),
                                   "/hrc announce title: Forum text: Open. text_es: Abierto.", "es")
    assert "el texto principal y luego la versión en español." in es.text, es.text


async def test_the_report_to_the_author_gives_the_finishing_time_in_their_citys_zone_else_the_default(
    db: Database, clock: FakeClock
) -> None:
    """The report's fallback time (what the console and notifications show) is in the author's city's zone,
    else HRC_TIMEZONE, as `announce status` writes it: never UTC for everyone."""
    runtime, slack, _discord = make_runtime(db, clock)
    runtime.ctx.timezone = "America/Bogota"
    await channels(runtime, 1, 0)
    await say(runtime, "sec", "/hrc announce title: Forum text: Open.")
    await say(runtime, "sec", "/hrc announce confirm 1")
    await worker(runtime).run_once()
    report = render_text(next(r for k, t, r, _key in slack.posts if k == "dm" and t == "sec"))
    assert "(America/Bogota)" in report and "(UTC)" not in report, report

    await say(runtime, "sec", "/hrc register city: Grenoble country: France region: Europe timezone: Europe/Paris")
    await say(runtime, "sec", "/hrc verify Grenoble")
    await say(runtime, "sec", "/hrc announce title: Forum two text: Open.")
    await say(runtime, "sec", "/hrc announce confirm 2")
    await worker(runtime).run_once()
    report = render_text(next(r for k, t, r, _key in slack.posts if k == "dm" and t == "sec" and "#2" in (r.title or "")))
    assert "(Europe/Paris)" in report, report
