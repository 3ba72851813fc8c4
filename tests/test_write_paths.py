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
from storage.models import Member, Subscription
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


async def test_a_subscriber_with_a_city_is_told_in_the_city_zone(chat: Chat, clock: FakeClock) -> None:
    await chat.say("ana", "/hrc register city: Quito country: Ecuador region: Latin America timezone: America/Guayaquil")
    await chat.say("sec", "/hrc days add name: Housing Forum date: 2026-11-26 themes: housing")
    reply = render_text(await chat.say("ana", "/hrc subscribe housing"))
    assert "Next post: Thu 26 Nov 2026 09:00 (America/Guayaquil)." in reply
