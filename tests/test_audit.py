"""The audit trail: a row for every secretariat action and card change, `/hrc audit` to read it, and
rows that cannot be changed afterwards (triggers on PostgreSQL and SQLite)."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError, IntegrityError

from bot.render_text import render_text
from handlers.types import Reply
from storage.models import AuditEvent
from storage.session import Database
from tests.conftest import Chat, FakeClock


async def ok(chat: Chat, user: str, line: str) -> Reply:
    reply = await chat.say(user, line)
    assert not reply.is_error, render_text(reply)
    return reply


async def trail(db: Database) -> list[AuditEvent]:
    async with db.transaction() as session:
        return list((await session.execute(select(AuditEvent).order_by(AuditEvent.id))).scalars())


async def test_every_listed_action_leaves_one_row_with_who_when_and_what(chat: Chat, db: Database, clock: FakeClock) -> None:
    await ok(chat, "ana", "/hrc register city: Grenoble country: France region: Europe themes: water timezone: Europe/Paris")
    await ok(chat, "bob", "/hrc register city: Grenoble country: France region: Europe")  # asks to join
    await ok(chat, "eve", "/hrc register city: Atlantis country: Spain region: Europe")
    clock.advance(hours=1)
    await ok(chat, "sec", "/hrc verify Grenoble")
    await ok(chat, "sec", "/hrc reject Atlantis reason: not a local government")
    await ok(chat, "ana", "/hrc theme add housing")
    await ok(chat, "ana", "/hrc theme remove water")
    await ok(chat, "sec", "/hrc announce title: Forum text: Registrations are open")
    nobody = await chat.say("sec", "/hrc announce confirm 1")  # no announcement channel yet: stays a draft, no row
    assert nobody.is_error and nobody.text.startswith("Nobody would receive announcement #1"), nobody.text
    await ok(chat, "sec", "/hrc channel set announcements")
    await ok(chat, "sec", "/hrc announce confirm 1")
    await ok(chat, "sec", "/hrc announce title: Second text: later at: 2027-01-05 09:00 UTC")
    await ok(chat, "sec", "/hrc announce confirm 2")
    await ok(chat, "sec", "/hrc announce cancel 2")
    await ok(chat, "sec", "/hrc channel set days timezone: America/Bogota")
    await ok(chat, "sec", "/hrc channel set days timezone: Europe/Madrid")
    await ok(chat, "sec", "/hrc channel unset days")
    await ok(chat, "sec", "/hrc days add name: World Human Rights Cities Forum date: 2027-05-18 themes: housing")
    await ok(chat, "sec", "/hrc days remove World Human Rights Cities Forum")
    await ok(chat, "ana", "/hrc theme add housing")  # changes nothing: no row

    rows = await trail(db)
    assert [r.action for r in rows] == [
        "register", "register (join)", "register", "verify", "reject", "theme add", "theme remove",
        "announce", "channel set", "announce confirm", "announce", "announce confirm", "announce cancel",
        "channel set", "channel set", "channel unset", "days add", "days remove",
    ]
    verify = rows[3]
    assert (verify.actor_platform, verify.actor_id, verify.actor_name) == ("console", "sec", "Sec")
    assert verify.at == clock.now and verify.subject == "Grenoble (France)" and verify.city_id is not None
    assert json.loads(verify.before)["status"] == "pending" and json.loads(verify.after)["status"] == "verified"
    assert json.loads(verify.after)["focal points"] == ["Ana (console:ana): verified", "Bob (console:bob): verified"]
    reject = rows[4]
    assert json.loads(reject.after) == {"status": "rejected", "reason": "not a local government",
                                        "focal points": ["Eve (console:eve): declined"]}
    assert (json.loads(rows[5].before), json.loads(rows[5].after)) == ({"themes": ["water-sanitation"]}, {"themes": ["water-sanitation", "housing"]})
    assert json.loads(rows[0].after)["timezone"] == "Europe/Paris"
    assert rows[12].subject == "announcement #2: Second"
    assert (json.loads(rows[12].before), json.loads(rows[12].after)) == (
        {"status": "queued"}, {"status": "cancelled", "deliveries not sent": 0})
    assert (json.loads(rows[14].before), json.loads(rows[14].after)) == ({"timezone": "America/Bogota"}, {"timezone": "Europe/Madrid"})
    assert json.loads(rows[17].before) == {"date": "2027-05-18", "themes": ["housing"]}


async def test_a_refused_command_leaves_no_row(chat: Chat, db: Database) -> None:
    await ok(chat, "ana", "/hrc register city: Grenoble country: France region: Europe")
    assert (await chat.say("ana", "/hrc verify Grenoble")).is_error  # not the secretariat
    assert (await chat.say("sec", "/hrc verify Nowhere")).is_error
    assert [r.action for r in await trail(db)] == ["register"]


async def test_the_secretariat_reads_the_trail_by_city_date_and_page(chat: Chat, clock: FakeClock) -> None:
    await ok(chat, "ana", "/hrc register city: Grenoble country: France region: Europe")
    await ok(chat, "bob", "/hrc register city: Quilmes country: Argentina region: Latin America")
    clock.advance(days=3)
    await ok(chat, "sec", "/hrc verify Grenoble")
    await ok(chat, "sec", "/hrc verify Quilmes")
    for n in range(20):
        await ok(chat, "ana", f"/hrc theme {'add' if n % 2 == 0 else 'remove'} housing")

    whole = render_text(await ok(chat, "sec", "/hrc audit"))
    assert "Audit trail: the whole campaign" in whole and "Page 1 of 2 (24 events)." in whole
    assert "/hrc audit page: 2" in whole
    assert "theme remove · Grenoble (France)" in whole and "by Ana (console:ana)" in whole
    assert "themes: Housing → —" in whole  # stored as slugs and codes, shown as the reader's words

    second = render_text(await ok(chat, "sec", "/hrc audit page: 2"))
    assert "Page 2 of 2" in second and "register · Grenoble (France)" in second

    quilmes = render_text(await ok(chat, "sec", "/hrc audit Quilmes"))
    assert "Page 1 of 1 (2 events)." in quilmes and "Grenoble" not in quilmes
    assert "status: pending verification → verified" in quilmes and "by Sec (console:sec)" in quilmes
    # A focal point's state, recorded as a code after the person, is said in words too.
    assert "\n  focal points: Bob (console:bob) → Bob (console:bob): confirmed\n" in quilmes
    assert "\n  focal point: Bob (console:bob): awaiting confirmation\n" in quilmes
    assert "country: Argentina" in quilmes and "region: Latin America" in quilmes
    # Keys, codes and slugs as recorded, shown in the reader's words.
    spanish = render_text(await chat.say("sec", "/hrc auditoría Quilmes", "es", secretariat=True))
    assert "verificar · Quilmes" in spanish and "estado: pendiente de verificación → verificada" in spanish, spanish
    assert "país: Argentina" in spanish and "región: América Latina" in spanish, spanish
    assert "punto focal: Bob (console:bob): por confirmar\n" in spanish, spanish
    french = render_text(await chat.say("sec", "/hrc audit Grenoble", "fr", secretariat=True))
    assert "thème retirer · Grenoble" in french and "thèmes : Logement → —" in french, french
    # The city's country in the reader's words too, in the heading and in each event (stored in English).
    assert "Registro de auditoría: Quilmes (Argentina)" in spanish and "(Spain)" not in spanish, spanish
    assert "Grenoble (France)" in french and "· Grenoble (France)" in french, french
    await ok(chat, "carla", "/hrc register city: Villaprueba country: Spain region: Europe")
    await ok(chat, "sec", "/hrc verify Villaprueba")
    villa = render_text(await chat.say("sec", "/hrc auditoría Villaprueba", "es", secretariat=True))
    assert "Registro de auditoría: Villaprueba (España)" in villa and "verificar · Villaprueba (España)" in villa, villa
    assert "(Spain)" not in villa, villa
    villa = render_text(await chat.say("sec", "/hrc audit Villaprueba", "fr", secretariat=True))
    assert "Villaprueba (Espagne)" in villa and "(Spain)" not in villa, villa

    later = await ok(chat, "sec", "/hrc audit Quilmes since: 2030-01-01")
    assert later.text == "The audit trail has nothing for Quilmes (Argentina) since 2030-01-01.", later.text
    recent = render_text(await ok(chat, "sec", "/hrc audit Quilmes since: 2026-11-26"))
    assert "Page 1 of 1 (1 event)." in recent
    assert "status: pending verification → verified" in recent and "· register ·" not in recent

    refused = await chat.say("ana", "/hrc audit")
    assert refused.is_error and "for the campaign secretariat" in refused.text
    bad = await chat.say("sec", "/hrc audit since: yesterday")
    assert bad.is_error and "not a date" in bad.text and bad.usage
    beyond = await chat.say("sec", "/hrc audit page: 9")
    assert beyond.is_error and "There are only 2 pages." in beyond.text
    # Any number beyond the last page says so, with the usage, however large (never "too long", never a
    # database error from an offset beyond 64 bits), in the reader's language.
    for page in ("99999999", "9" * 25, "9" * 40):
        far = await chat.say("sec", f"/hrc audit page: {page}")
        assert far.is_error and far.text == "There are only 2 pages." and far.usage and far.error_field == "page", far.text
    spanish = await chat.say("sec", "/hrc auditoría página: 99999999", "es", secretariat=True)
    assert spanish.is_error and spanish.text == "Solo hay 2 páginas." and spanish.usage, spanish.text
    french = await chat.say("sec", "/hrc audit page : 99999999", "fr", secretariat=True)
    assert french.is_error and french.text == "Il n’y a que 2 pages." and french.usage, french.text
    for nonsense in ("0", "two"):
        assert "takes a page number" in (await chat.say("sec", f"/hrc audit page: {nonsense}")).text


async def test_audit_rows_cannot_be_changed_or_deleted(chat: Chat, db: Database) -> None:
    await ok(chat, "ana", "/hrc register city: Grenoble country: France region: Europe")
    for statement in ("UPDATE audit_log SET actor_id = 'someone else'", "DELETE FROM audit_log"):
        with pytest.raises((DBAPIError, IntegrityError)) as refused:
            async with db.transaction() as session:
                await session.execute(text(statement))
        assert "append-only" in str(refused.value)
    rows = await trail(db)
    assert [(r.action, r.actor_id) for r in rows] == [("register", "ana")]
