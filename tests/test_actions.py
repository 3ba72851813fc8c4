""""My city acts": act / act remove / acting, the day's card and prompts listing the cities acting, the
secretariat's list a week before (once, across restarts), and a practice shared after the day as its outcome."""

from __future__ import annotations

from datetime import date

from bot.render_text import render_text
from bot.scheduler import PromptScheduler
from bot.settings import Settings
from bot.wiring import build_runtime
from handlers.actions import next_occurrence
from handlers.calendar import Observance
from handlers.days import date_text
from handlers.i18n import translator
from storage.session import Database
from tests.conftest import Chat, FakeClock
from tests.fakes.recording_sender import RecordingSender
from tests.test_digests import channel_set
from tests.test_scheduler import at, runtime_on

GRENOBLE = "/hrc register city: Grenoble country: France region: Europe themes: human rights timezone: Europe/Paris"
QUILMES = "/hrc register city: Quilmes country: Argentina region: Latin America themes: water"


async def verified(chat: Chat, user: str, register: str, city: str) -> None:
    assert not (await chat.say(user, register)).is_error
    assert not (await chat.say("sec", f"/hrc verify {city}")).is_error


async def test_act_records_once_per_year_updates_lists_and_withdraws(chat: Chat) -> None:
    await verified(chat, "ana", GRENOBLE, "Grenoble")
    await verified(chat, "bob", QUILMES, "Quilmes")
    first = await chat.say("ana", "/hrc act human rights day note: Open day at city hall link: https://example.org/open")
    assert not first.is_error, render_text(first)
    assert "Recorded: Grenoble acts on Human Rights Day (Thu 10 Dec 2026)" in first.text
    again = await chat.say("ana", "/hrc act human-rights-day note: Open day and a street festival")
    assert "Updated: Grenoble acts on Human Rights Day" in again.text
    await chat.say("bob", "/hrc act Día de los Derechos Humanos")

    card = render_text(await chat.say("carla", "/hrc day human rights day"))
    assert "Cities acting on December 10, 2026:" in card
    assert "Grenoble (France): Open day and a street festival · https://example.org/open" in card
    assert "Quilmes (Argentina)" in card
    assert card.count("Grenoble (France):") == 1  # updated, not duplicated

    listing = render_text(await chat.say("sec", "/hrc acting human rights day"))
    assert "Cities acting on Human Rights Day (December 10, 2026)" in listing and "2 cities act." in listing
    assert "• Quilmes (Argentina)\n•" in listing or listing.rstrip().endswith("• Quilmes (Argentina)")  # no note: no "—"
    assert "—" not in listing
    upcoming = render_text(await chat.say("sec", "/hrc acting"))
    assert "Thu 10 Dec 2026: Human Rights Day" in upcoming and "Quilmes (Argentina)" in upcoming
    refused = await chat.say("carla", "/hrc acting human rights day")
    assert refused.is_error

    withdrawn = await chat.say("bob", "/hrc act remove human rights day")
    assert "Withdrawn: Quilmes no longer acts on Human Rights Day." in withdrawn.text
    assert "Quilmes" not in render_text(await chat.say("carla", "/hrc day human rights day"))
    assert "had not said it acts" in (await chat.say("bob", "/hrc act remove human rights day")).text


async def test_act_is_for_verified_focal_points_with_friendly_errors(chat: Chat) -> None:
    nobody = await chat.say("carla", "/hrc act human rights day")
    assert nobody.is_error and "You don't represent a city yet." in nobody.text
    await chat.say("ana", GRENOBLE)
    pending = await chat.say("ana", "/hrc act human rights day")
    assert pending.is_error and "once the secretariat has verified you" in pending.text
    await chat.say("sec", "/hrc verify Grenoble")
    await verified(chat, "bob", QUILMES, "Quilmes")
    shared = await chat.say("bob", "/hrc share title: Water kiosks themes: water summary: Clean water at cost.")
    assert not shared.is_error, shared.text
    for command, expected in [
        ("/hrc act", "act DAY"),  # the usage line
        ("/hrc act no such day at all", "I don't know a day called"),
        ("/hrc act human rights day link: javascript:alert(1)", "is not a web link"),
        ("/hrc act vesak", "has no date I can count on"),
        ("/hrc act human rights day practice: 99", "There is no practice #99."),
        ("/hrc act human rights day practice: 1", "Practice #1 is not one your city shared"),  # Quilmes's
        ("/hrc act human rights day practice: x", "practice: takes the number"),
        ("/hrc act human rights day practice: ²", "practice: takes the number"),  # a digit int() cannot read
    ]:
        reply = await chat.say("ana", command)
        assert reply.is_error and expected in render_text(reply), (command, render_text(reply))


async def test_spanish_and_french_words(chat: Chat) -> None:
    await verified(chat, "ana", GRENOBLE, "Grenoble")
    assert "Grenoble actúa" in (await chat.say("ana", "/hrc actuar día de los derechos humanos nota: Jornada", "es")).text
    assert "Grenoble" in render_text(await chat.say("sec", "/hrc actions human rights day", "fr"))
    assert "Grenoble" in (await chat.say("ana", "/hrc agir retirer human rights day", "fr")).text


async def test_a_practice_shared_within_a_week_after_is_offered_as_the_outcome(chat: Chat, clock: FakeClock) -> None:
    await verified(chat, "ana", GRENOBLE, "Grenoble")
    await verified(chat, "bob", QUILMES, "Quilmes")
    await chat.say("ana", "/hrc act human rights day note: Open day")
    clock.now = at("2026-12-14T10:00")
    shared = await chat.say("ana", "/hrc share title: Open day report themes: human rights summary: 400 visitors.")
    assert "Record this as your city's action for Human Rights Day?" in render_text(shared)
    (offer,) = shared.actions
    assert offer.command == "act human-rights-day practice: 1" and offer.label == "Our action for Human Rights Day"

    assert (await chat.say("bob", offer.command)).is_error  # another city's practice
    outcome = await chat.say("ana", offer.command)
    assert "Recorded “Open day report” as the outcome of Grenoble's action on Human Rights Day" in outcome.text
    card = render_text(await chat.say("carla", "/hrc day human rights day"))
    assert "Grenoble (France): Open day · outcome: Open day report" in card  # the past week's occurrence

    clock.now = at("2026-12-18T10:00")  # eight days after: no offer
    late = await chat.say("ana", "/hrc share title: Late report themes: human rights summary: More.")
    assert not [a for a in late.actions if "human-rights-day" in a.command]
    assert "Human Rights Day?" not in render_text(late)
    assert (await chat.say("ana", "/hrc act human rights day practice: 2")).is_error
    clock.now = at("2027-01-20T10:00")  # no water day in the week before
    water = await chat.say("bob", "/hrc share title: Kiosks themes: water summary: Water for all.")
    assert not water.actions and "Record this" not in render_text(water)


async def test_secretariat_list_a_week_before_once_and_the_day_of_prompt(db: Database, clock: FakeClock) -> None:
    runtime = runtime_on(db, clock, timezone="Europe/Madrid", lead_days=0)
    slack = RecordingSender("slack")
    runtime.notices.register(slack)
    chat = Chat(runtime.ctx)
    await verified(chat, "ana", GRENOBLE, "Grenoble")
    await chat.say("ana", "/hrc act human rights day note: Open <!channel> day")
    await channel_set(runtime, "PARIS", "timezone: Europe/Paris")
    await channel_set(runtime, "WEEKLY", "timezone: Europe/Paris digest: weekly")
    scheduler = PromptScheduler(runtime)

    clock.now = at("2026-12-03T07:59")  # 08:59 in Madrid, a week before Human Rights Day
    await scheduler.tick()
    assert not [r for k, _t, r, _ in slack.posts if k == "secretariat"]
    clock.now = at("2026-12-03T08:00")
    await scheduler.tick()
    await scheduler.tick()
    (listing,) = [r for k, _t, r, _ in slack.posts if k == "secretariat"]
    assert listing.title == "Cities acting on Human Rights Day (December 10, 2026)"
    assert [(i.title, i.text) for i in listing.items] == [("Grenoble (France)", "Open <!channel> day")]
    restarted = build_runtime(Settings(timezone="Europe/Madrid", lead_days=0), database=db.reopen())
    restarted.ctx.clock = clock
    restarted.notices.register(slack)
    clock.now = at("2026-12-03T20:00")
    assert await PromptScheduler(restarted).tick() == []
    await restarted.db.dispose()

    clock.now = at("2026-12-07T08:00")  # Monday: the weekly digest names the city acting
    await scheduler.tick()
    (digest,) = [r for k, t, r, _ in slack.posts if t == "WEEKLY"]
    assert any("Human Rights Day" in i.title and "Cities acting: Grenoble" in i.text for i in digest.items)
    clock.now = at("2026-12-10T08:00")  # 09:00 in Paris
    await scheduler.tick()
    prompt = next(r for k, t, r, _ in slack.posts if t == "PARIS" and "Human Rights Day" in (r.title or ""))
    assert "Cities acting today:\n  Grenoble (France): Open <!channel> day" in render_text(prompt)


def test_feb_29_days_show_in_leap_years_and_say_next_otherwise() -> None:
    leap = Observance("leap-day", "Leap Day", "02-29", is_un=False, themes=())
    _ = translator("en")
    assert date_text(leap, 2026, "en", _) == "not observed this year (next: 2028)"
    assert date_text(leap, 2028, "en", _) == "Tue 29 Feb 2028"
    assert next_occurrence(leap, date(2026, 11, 24)) == date(2028, 2, 29)
    assert next_occurrence(leap, date(2028, 3, 1)) == date(2032, 2, 29)


async def test_a_campaign_date_on_29_february(chat: Chat, clock: FakeClock) -> None:
    refused = await chat.say("sec", "/hrc days add name: Leap Forum date: 2027-02-29")
    assert refused.is_error and "2027-02-29 does not exist in the calendar." in refused.text
    assert not (await chat.say("sec", "/hrc days add name: Leap Forum date: 2028-02-29")).is_error
    card = render_text(await chat.say("carla", "/hrc day leap forum"))
    assert "Date: Tue 29 Feb 2028" in card and "2026:" not in card  # once: its date, no year lines
    await verified(chat, "ana", GRENOBLE, "Grenoble")
    assert "Leap Forum (Tue 29 Feb 2028)" in (await chat.say("ana", "/hrc act leap forum")).text
    assert "Leap Forum" not in render_text(await chat.say("carla", "/hrc days february"))  # February 2027
    clock.now = at("2028-01-15T10:00")
    assert "Tue 29 Feb 2028: Leap Forum" in render_text(await chat.say("carla", "/hrc days february"))


async def test_with_a_week_of_lead_the_list_rides_in_the_secretariat_reminder(db: Database, clock: FakeClock) -> None:
    runtime = runtime_on(db, clock, timezone="Europe/Madrid", lead_days=7)
    slack = RecordingSender("slack")
    runtime.notices.register(slack)
    chat = Chat(runtime.ctx)
    await verified(chat, "ana", GRENOBLE, "Grenoble")
    await chat.say("ana", "/hrc act human rights day note: Open day")
    clock.now = at("2026-12-03T08:00")
    await PromptScheduler(runtime).tick()
    to_secretariat = [r for k, _t, r, _ in slack.posts if k == "secretariat"]
    (reminder,) = [r for r in to_secretariat if "Human Rights Day" in (r.title or "")]
    assert reminder.title == "In 7 days: Human Rights Day"
    assert "Cities acting:\n  Grenoble (France): Open day" in render_text(reminder)
    assert not [r for r in to_secretariat if (r.title or "").startswith("Cities acting")]
