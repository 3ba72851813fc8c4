"""The write commands' short paths (`subscribe`, `theme add`/`remove`, `share`) answer and store exactly what
the longer ones did: checked against the straightforward computation, and through real databases."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from itertools import product
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.render_text import render_text
from handlers.calendar import Observance, occurrences, un_days
from handlers.next_posts import _send_days, next_post
from handlers.prompts import _is_prompt_day, _wanted
from handlers.types import clean_input
from storage.models import AuditEvent, City, CityTheme, DeliveryStatus, Member, Subscription
from storage.queries import deliveries, subscriptions
from storage.session import Database
from tests.conftest import Chat, FakeClock
from tests.test_scheduler import at


def _next_post_every_day(observances: list[Observance], now: datetime, zone: ZoneInfo, prompt_hour: int, digest: str,
                         themes: set[str] | None, personal: bool, lead_days: int) -> datetime | None:
    """``next_post`` as first written: every day's dates over the horizon, then the filter."""
    local = now.astimezone(zone)
    start = local.date() if local.hour < prompt_hour else local.date() + timedelta(days=1)
    dated = sorted({when for when, day in occurrences(observances, start, start + timedelta(days=400))
                    if _is_prompt_day(day) and _wanted(day, themes)
                    and not (personal and not (themes or set()).intersection(day.themes))})
    reminders = [d - timedelta(days=lead_days) for d in dated if lead_days and d - timedelta(days=lead_days) >= start]
    for when in sorted({*_send_days(dated, start, digest)[:1], *reminders[:1]}):  # type: ignore[arg-type]
        return datetime.combine(when, time(prompt_hour), tzinfo=zone)
    return None


def test_next_post_picks_the_days_first_and_finds_the_same_instant() -> None:
    from storage.models import Digest

    campaign = [
        Observance(slug="forum", name="Forum", rule="2027-05-18", is_un=False, themes=("housing",), is_campaign=True,
                   fixed_date=date(2027, 5, 18)),
        Observance(slug="launch", name="Launch", rule="2026-12-01", is_un=False, themes=(), is_campaign=True,
                   fixed_date=date(2026, 12, 1)),
    ]
    observances = [*un_days(), *campaign]
    themes_cases: list[set[str] | None] = [None, set(), {"housing"}, {"water-sanitation"}, {"housing", "gender-equality"},
                                           {"not-a-theme"}]
    checked = 0
    for now, zone, digest, themes, personal, lead in product(
        [at("2026-11-24T09:00"), at("2026-11-30T23:30"), at("2027-03-19T10:00"), at("2027-12-31T08:59")],
        [ZoneInfo("UTC"), ZoneInfo("Pacific/Auckland"), ZoneInfo("America/Bogota")],
        list(Digest), themes_cases, [False, True], [0, 3],
    ):
        expected = _next_post_every_day(observances, now, zone, 9, digest, themes, personal, lead)
        assert next_post(observances, now, zone, 9, digest, themes, personal=personal, lead_days=lead) == expected
        checked += expected is not None
    assert checked > 100  # most cases have a next post: the comparison is not of Nones


async def test_a_first_subscribe_stores_the_person_and_tells_the_next_campaign_date(chat: Chat, clock: FakeClock) -> None:
    await chat.say("sec", "/hrc days add name: Housing Forum date: 2026-11-26 themes: housing")
    first = await chat.say("newcomer", "/hrc subscribe housing", locale="fr-FR")
    assert "Abonnement" in first.text or "abonné" in first.text.lower(), first.text
    assert "jeu. 26 nov. 2026 09:00 (UTC)" in render_text(first)  # the campaign date, in the default zone
    again = render_text(await chat.say("newcomer", "/hrc subscribe housing, water", locale="fr-FR"))
    assert "jeu. 26 nov. 2026 09:00 (UTC)" in again
    async with chat.ctx.db.transaction(write=False) as session:
        member = (await session.execute(select(Member).where(Member.user_id == "newcomer"))).scalar_one()
        assert (member.display_name, member.last_language, member.created_at) == ("Newcomer", "fr", clock.now)
        rows = (await session.execute(select(Subscription.theme).where(Subscription.member_id == member.id)
                                      .order_by(Subscription.theme))).scalars().all()
    assert rows == ["housing", "water-sanitation"]
    listing = render_text(await chat.say("newcomer", "/hrc subscribe water digest: weekly"))
    assert "already subscribed to Water & sanitation" in listing
    # Weekly: the forum's week began on Monday 23rd, before now; the next week with a housing or water day.
    assert "Next post: Mon 1 Feb 2027 09:00 (UTC)." in listing
    await chat.say("newcomer", "/hrc subscribe water lead: 2")
    await chat.say("newcomer", "/hrc pause 2 weeks")
    settings = render_text(await chat.say("newcomer", "/hrc subscribe housing"))  # no change: the stored preferences
    assert "Delivery: a weekly digest on Mondays, a reminder 2 days before, paused until December 8, 2026." in settings


async def test_a_subscriber_with_a_city_is_told_in_the_city_zone(chat: Chat, clock: FakeClock) -> None:
    await chat.say("ana", "/hrc register city: Quito country: Ecuador region: Latin America timezone: America/Guayaquil")
    await chat.say("sec", "/hrc days add name: Housing Forum date: 2026-11-26 themes: housing")
    reply = render_text(await chat.say("ana", "/hrc subscribe housing"))
    assert "Next post: Thu 26 Nov 2026 09:00 (America/Guayaquil)." in reply


GRENOBLE = "/hrc register city: Grenoble country: France region: Europe themes: human rights, water timezone: Europe/Paris"
QUILMES = "/hrc register city: Quilmes country: Argentina region: Latin America themes: water"


async def test_theme_add_and_remove_edit_only_the_themes_and_record_them(chat: Chat) -> None:
    assert not (await chat.say("ana", GRENOBLE)).is_error
    assert not (await chat.say("sec", "/hrc verify Grenoble")).is_error
    added = await chat.say("ana", "/hrc theme add housing, water")
    assert added.text == ("Grenoble now works on: Housing, Human rights (general), Water & sanitation. "
                          "(already listed: Water & sanitation)")
    removed = await chat.say("ana", "/hrc theme remove water, gender")
    assert removed.text == "Grenoble now works on: Housing, Human rights (general). (was not listed: Gender / women's rights)"
    async with chat.ctx.db.transaction(write=False) as session:
        city = (await session.execute(select(City).where(City.name == "Grenoble"))).scalar_one()
        themes = (await session.execute(select(CityTheme.theme).where(CityTheme.city_id == city.id)
                                        .order_by(CityTheme.theme))).scalars().all()
        trail = (await session.execute(select(AuditEvent.action, AuditEvent.before, AuditEvent.after)
                                       .where(AuditEvent.action.in_(["theme add", "theme remove"]))
                                       .order_by(AuditEvent.id))).all()
    assert themes == ["housing", "human-rights"]
    assert [tuple(row) for row in trail] == [
        ("theme add", '{"themes": ["human-rights", "water-sanitation"]}',
         '{"themes": ["human-rights", "water-sanitation", "housing"]}'),
        ("theme remove", '{"themes": ["housing", "human-rights", "water-sanitation"]}',  # read back in order
         '{"themes": ["housing", "human-rights"]}'),
    ]
    card = render_text(await chat.say("carla", "/hrc profile Grenoble"))
    assert "Housing, Human rights (general)" in card and "ana" in card.lower()  # the card still lists its focal point


async def test_a_shared_practice_is_offered_for_its_own_city_s_days_only(chat: Chat, clock: FakeClock) -> None:
    for user, register, city in (("ana", GRENOBLE, "Grenoble"), ("bob", QUILMES, "Quilmes")):
        assert not (await chat.say(user, register)).is_error
        assert not (await chat.say("sec", f"/hrc verify {city}")).is_error
    await chat.say("sec", "/hrc days add name: Rights Forum date: 2026-12-13 themes: human rights")
    clock.now = at("2026-12-08T10:00")
    assert not (await chat.say("ana", "/hrc act genocide-victims-commemoration-day")).is_error
    assert not (await chat.say("bob", "/hrc act human rights day")).is_error
    clock.now = at("2026-12-14T10:00")  # the week before: human-rights days on the 9th, 10th, 12th, 13th and 14th
    ours = await chat.say("ana", "/hrc share title: Memorial walk themes: human rights summary: A walk.")
    assert [a.command for a in ours.actions] == ["act genocide-victims-commemoration-day practice: 1"]
    theirs = await chat.say("bob", "/hrc share title: Open day themes: human rights summary: A day.")
    assert [a.command for a in theirs.actions] == ["act human-rights-day practice: 2"]
    other = await chat.say("bob", "/hrc share title: Rights walk themes: human rights, water summary: Another.")
    assert [a.command for a in other.actions] == ["act human-rights-day practice: 3"]
    fresh = await chat.say("ana", "/hrc share title: Kiosks themes: health summary: Health for all.")
    assert [a.command for a in fresh.actions] == ["act universal-health-coverage-day practice: 4"]
    forum = await chat.say("ana", "/hrc share title: Forum notes themes: participatory democracy, peace summary: N.")
    assert [a.command for a in forum.actions] == ["act genocide-victims-commemoration-day practice: 5"]
    again = await chat.say("ana", "/hrc share title: Memorial walk themes: human rights summary: A walk.")
    assert again.is_error and "already shared" in again.text


async def test_the_ledger_insert_binds_as_the_columns_do_and_inserts_once(db: Database, clock: FakeClock) -> None:
    key = "request:\u202eabc\x00\r\n1"  # a bidi override, a NUL and a CRLF: sanitised as any text column is
    async with db.transaction() as session:
        assert await deliveries.claim(session, key, "request", clock.now, status=DeliveryStatus.SENT)
        assert not await deliveries.claim(session, key, "other", clock.now + timedelta(days=1))
    async with db.transaction() as session:
        assert not await deliveries.claim(session, key, "request", clock.now)
        row = await deliveries.get(session, clean_input(key))
        member = Member(platform="console", workspace="local", user_id="ana", display_name="Ana", created_at=clock.now)
        session.add(member)
        await session.flush()
        assert await subscriptions.subscribe(session, member.id, "housing", clock.now)
        assert not await subscriptions.subscribe(session, member.id, "housing", clock.now + timedelta(hours=1))
        stored = (await session.execute(select(Subscription))).scalars().all()
    assert row is not None and (row.key, row.kind, row.status, row.attempts) == (clean_input(key), "request", "sent", 0)
    assert row.created_at == row.updated_at == clock.now and row.created_at.tzinfo is not None
    assert [(s.member_id, s.theme, s.created_at) for s in stored] == [(member.id, "housing", clock.now)]


async def test_unsubscribe_all_offers_its_undo_once(chat: Chat) -> None:
    """The Undo button, or the command written out when it is too long for a button: never both."""
    await chat.say("ana", "/hrc subscribe housing")
    few = await chat.say("ana", "/hrc unsubscribe all")
    assert [a.command for a in few.actions] == ["subscribe housing"]
    assert few.footer is None, few.footer
    assert render_text(few).count("subscribe housing") == 1, render_text(few)
    await chat.say("ana", "/hrc subscribe housing, water, right-to-the-city, migration, gender-equality, culture, education")
    many = await chat.say("ana", "/hrc unsubscribe all")
    assert many.actions == ()
    assert many.footer is not None and "/hrc subscribe culture, education, " in many.footer, many.footer
