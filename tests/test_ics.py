"""The calendar as iCalendar: parsed back with the icalendar library, its rules expanded with dateutil and
compared with `hrc-bot days` for every day of 2026 and 2027; the feed over HTTP; `/hrc days export`."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta

import aiohttp
import pytest
from dateutil.rrule import rrulestr
from icalendar import Calendar

from bot.cli import main as cli_main
from bot.platforms import start_own_web
from bot.settings import DiscordSettings, Settings
from bot.web import start_web, web_app
from bot.wiring import build_runtime
from handlers.calendar import Observance, un_days
from handlers.ics import build_calendar, uid_of
from storage.session import Database
from tests.conftest import Chat, FakeClock

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def expand(event, start: date, end: date) -> list[date]:  # type: ignore[no-untyped-def]
    """Every date of a VEVENT between start and end, its RRULE expanded by dateutil (not by our code)."""
    first = event.decoded("dtstart")
    assert type(first) is date  # all-day: DTSTART;VALUE=DATE
    if "rrule" not in event:
        return [first] if start <= first <= end else []
    rule = rrulestr(event["rrule"].to_ical().decode(), dtstart=datetime.combine(first, datetime.min.time()))
    return [d.date() for d in rule.between(datetime.combine(start, datetime.min.time()),
                                           datetime.combine(end, datetime.min.time()), inc=True)]


def slug_of(event) -> str:  # type: ignore[no-untyped-def]
    return str(event["uid"]).split("@")[0]


def cli_dates(year: int, capsys: pytest.CaptureFixture[str]) -> set[tuple[str, date]]:
    assert cli_main(["days", "--year", str(year), "--format", "csv"]) == 0
    rows = csv.DictReader(io.StringIO(capsys.readouterr().out))
    return {(row["slug"], date.fromisoformat(row["date"])) for row in rows if row["date"]}


def test_every_day_of_2026_and_2027_matches_hrc_bot_days(capsys: pytest.CaptureFixture[str]) -> None:
    parsed = Calendar.from_ical(build_calendar(un_days(), now=NOW))
    events = parsed.walk("VEVENT")
    found = {(slug_of(e), when) for e in events for when in expand(e, date(2026, 1, 1), date(2027, 12, 31))}
    expected = cli_dates(2026, capsys) | cli_dates(2027, capsys)
    assert found == expected
    assert len(expected) > 450  # ~240 dated days a year
    assert "vesak" not in {slug_of(e) for e in events}  # irregular: never guessed


def test_events_are_well_formed_and_stable() -> None:
    raw = build_calendar(un_days(), now=NOW)
    lines = raw.split(b"\r\n")
    assert all(len(line) <= 75 for line in lines)  # folded (RFC 5545 §3.1)
    assert any(line.startswith(b" ") for line in lines)
    parsed = Calendar.from_ical(raw)
    assert parsed["version"] == "2.0" and parsed["prodid"]
    events = parsed.walk("VEVENT")
    uids = [str(e["uid"]) for e in events]
    assert len(uids) == len(set(uids))
    for event in events:
        assert event.decoded("dtstamp") == NOW
        assert event.decoded("dtend") - event.decoded("dtstart") == timedelta(days=1)
    habitat = next(e for e in events if slug_of(e) == "world-habitat-day")
    assert habitat["rrule"].to_ical() == b"FREQ=YEARLY;BYDAY=1MO;BYMONTH=10"
    assert b"DTSTART;VALUE=DATE:20261005" in raw
    maritime = next(e for e in events if slug_of(e) == "world-maritime-day")
    assert maritime["rrule"].to_ical() == b"FREQ=YEARLY;BYDAY=-1TH;BYMONTH=9"
    # Another day, another starting year: the same UIDs, so subscribed calendars update instead of duplicating.
    later = Calendar.from_ical(build_calendar(un_days(), now=NOW + timedelta(days=400), since_year=2027))
    assert sorted(str(e["uid"]) for e in later.walk("VEVENT")) == sorted(uids)


def test_leap_day_and_every_n_years() -> None:
    leap = Observance(slug="leap", name="Leap Day", rule="02-29", is_un=False, themes=("housing",))
    stats = next(d for d in un_days() if d.slug == "world-statistics-day")
    parsed = Calendar.from_ical(build_calendar([leap, stats], now=NOW))
    by_slug = {slug_of(e): e for e in parsed.walk("VEVENT")}
    assert expand(by_slug["leap"], date(2026, 1, 1), date(2033, 12, 31)) == [date(2028, 2, 29), date(2032, 2, 29)]
    assert expand(by_slug["world-statistics-day"], date(2026, 1, 1), date(2040, 12, 31)) == [
        date(2030, 10, 20), date(2035, 10, 20), date(2040, 10, 20)
    ]
    assert "not a UN day" in str(by_slug["leap"]["summary"])


def test_cli_prints_ics(capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    assert cli_main(["days", "--year", "2027", "--format", "ics"]) == 0
    parsed = Calendar.from_ical(capsysbinary.readouterr().out)
    habitat = next(e for e in parsed.walk("VEVENT") if slug_of(e) == "world-habitat-day")
    assert habitat.decoded("dtstart") == date(2027, 10, 4)


async def test_feed_over_http_with_themes_language_and_campaign_dates(db: Database, clock: FakeClock, chat: Chat) -> None:
    reply = await chat.say("sec", "/hrc days add name: World Human Rights Cities Forum date: 2027-05-18 themes: housing")
    assert not reply.is_error, reply.text
    await chat.say("sec", "/hrc days add name: Campaign wave launch date: 2027-01-10")
    await chat.say("sec", "/hrc days add name: Culture summit date: 2027-02-10 themes: culture")
    runtime = build_runtime(Settings(), database=db)
    runtime.ctx.clock = clock
    runner, port = await start_web(web_app(runtime), "127.0.0.1", 0)
    try:
        async with aiohttp.ClientSession() as http:
            url = f"http://127.0.0.1:{port}/calendar.ics"
            async with http.get(url, params={"themes": "water,housing", "lang": "es"}) as response:
                assert response.status == 200 and response.content_type == "text/calendar"
                etag = response.headers["ETag"]
                parsed = Calendar.from_ical(await response.read())
            slugs = {slug_of(e) for e in parsed.walk("VEVENT")}
            assert {"world-water-day", "world-habitat-day", "campaign-world-human-rights-cities-forum",
                    "campaign-campaign-wave-launch"} <= slugs
            assert "campaign-culture-summit" not in slugs and "international-day-of-yoga" not in slugs
            forum = next(e for e in parsed.walk("VEVENT") if slug_of(e) == "campaign-world-human-rights-cities-forum")
            assert forum.decoded("dtstart") == date(2027, 5, 18) and "rrule" not in forum
            assert uid_of(un_days()[0]).endswith("@hrc-bot.human-rights-cities")
            # Unchanged calendar: 304 for a client that has it.
            clock.advance(minutes=5)
            async with http.get(url, params={"themes": "water,housing", "lang": "es"},
                                headers={"If-None-Match": etag}) as response:
                assert response.status == 304
            async with http.get(url, params={"themes": "watr"}) as response:
                assert response.status == 400
                assert "Did you mean" in await response.text()
            async with http.get(url, params={"lang": "<script>"}) as response:
                assert response.status == 200  # a malformed language falls back to English
    finally:
        await runner.cleanup()


async def test_feed_served_when_slack_is_not_in_http_mode(sqlite_db: Database) -> None:
    settings = Settings(host="127.0.0.1", port=0, discord=DiscordSettings(token="t"))
    runner = await start_own_web(build_runtime(settings, database=sqlite_db))
    assert runner is not None
    try:
        port = runner.addresses[0][1]
        async with aiohttp.ClientSession() as http, http.get(f"http://127.0.0.1:{port}/calendar.ics") as response:
            assert response.status == 200
            assert Calendar.from_ical(await response.read()).walk("VEVENT")
    finally:
        await runner.cleanup()


async def test_feed_takes_the_commands_words_for_all_themes(sqlite_db: Database) -> None:
    """`channel set days themes: all` takes "all" (todos, toutes…): so does the feed, and `days export`."""
    runtime = build_runtime(Settings(), database=sqlite_db)
    runner, port = await start_web(web_app(runtime), "127.0.0.1", 0)
    try:
        async with aiohttp.ClientSession() as http:
            url = f"http://127.0.0.1:{port}/calendar.ics"
            async with http.get(url) as response:
                everything = await response.read()
            for params in ({"themes": "all"}, {"themes": "todos", "lang": "es"}, {"themes": "Toutes", "lang": "fr"},
                           {"theme": "todas", "lang": "es"}):
                async with http.get(url, params=params) as response:
                    assert response.status == 200, (params, await response.text())
                    slugs = {slug_of(e) for e in Calendar.from_ical(await response.read()).walk("VEVENT")}
                    assert slugs == {slug_of(e) for e in Calendar.from_ical(everything).walk("VEVENT")}
    finally:
        await runner.cleanup()
    reply = await Chat(runtime.ctx).say("ana", "/hrc days export theme: todos", locale="es")
    assert not reply.is_error and reply.attachments, reply.text


async def test_days_export_attaches_the_same_calendar(db: Database, chat: Chat) -> None:
    reply = await chat.say("ana", "/hrc days export theme: water")
    assert not reply.is_error, reply.text
    (attachment,) = reply.attachments
    assert attachment.filename.endswith(".ics") and attachment.mime_type == "text/calendar"
    slugs = {slug_of(e) for e in Calendar.from_ical(attachment.content).walk("VEVENT")}
    assert "world-water-day" in slugs and "human-rights-day" not in slugs
    bad = await chat.say("ana", "/hrc days export theme: watr")
    assert bad.is_error and "Did you mean" in bad.text and not bad.attachments


async def test_day_card_says_when_a_day_is_next_observed(db: Database, chat: Chat, clock: FakeClock) -> None:
    clock.now = datetime(2027, 1, 5, 9, tzinfo=UTC)
    stats = await chat.say("ana", "/hrc day world statistics day")
    fields = {f.name: f.value for f in stats.fields}
    assert fields["2027"] == "not observed this year (next: 2030)" and fields["2028"] == "not observed this year (next: 2030)"
    vesak = await chat.say("ana", "/hrc day vesak")
    assert {f.name: f.value for f in vesak.fields}["2027"] == "no fixed date (set each year)"


@pytest.mark.parametrize(("lang", "name", "page"), [
    ("es", "Día de los Derechos Humanos", "https://www.un.org/es/observances/human-rights-day"),
    ("fr", "Journée des droits de l'homme", "https://www.un.org/fr/observances/human-rights-day"),
    ("en", "Human Rights Day", "https://www.un.org/en/observances/human-rights-day"),
])
def test_the_feed_names_days_as_the_un_does_in_its_language(lang: str, name: str, page: str) -> None:
    from handlers.day_names import day_name, official_names

    events = {slug_of(e): e for e in Calendar.from_ical(build_calendar(un_days(), now=NOW, locale=lang)).walk("VEVENT")}
    day = events["human-rights-day"]
    assert str(day["summary"]) == name and str(day["url"]) == page
    for observance in un_days():  # every shown name is the file's official one, or the English one where it has none
        if observance.slug in events and lang != "en":
            expected = day_name(observance, lang)
            assert str(events[observance.slug]["summary"]).startswith(expected)
            assert expected == observance.name or expected == official_names()[observance.slug][lang]
