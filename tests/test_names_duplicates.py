"""Near-duplicate registrations flagged to the secretariat, and countries written in their own languages,
through parser + dispatcher + a real database (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest
from babel import localedata

from bot.render_text import render_text
from handlers import countries
from handlers.duplicates import max_distance
from handlers.options import Source
from handlers.suggest import suggestions
from handlers.types import NoticeTarget
from tests.conftest import Chat


def secretariat_notice(reply: object) -> str:
    return next(n.reply.text for n in reply.notices if n.target is NoticeTarget.SECRETARIAT)  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("first", "second", "country"),
    [
        ("Łódź", "Lodzh", "Poland"),  # the Yiddish spelling: one letter more than the key of Łódź
        ("Córdoba", "Cordova", "Spain"),
        ("Roma", "Rome", "Italy"),
        ("Đà Nẵng", "Danang", "Vietnam"),
    ],
)
async def test_a_near_match_in_the_same_country_is_flagged_to_the_secretariat(
    chat: Chat, first: str, second: str, country: str
) -> None:
    await chat.say("ana", f"/hrc register city: {first} country: {country} region: Europe")
    second_reply = await chat.say("bob", f"/hrc register city: {second} country: {country} region: Europe")
    assert "is registered" in second_reply.title  # a city of its own, not a request to join
    shown = {"Poland": "Poland", "Spain": "Spain", "Italy": "Italy", "Vietnam": "Vietnam"}[country]
    assert secretariat_notice(second_reply).endswith(f"\nPossibly the same as #1 {first}, {shown}.")
    assert "Possibly" not in render_text(second_reply)  # the registrant is not told about other cities
    pending = render_text(await chat.say("sec", "/hrc pending"))
    assert f"Possibly the same as #2 {second}, {shown}." in pending  # under the first city
    assert f"Possibly the same as #1 {first}, {shown}." in pending  # under the second


async def test_same_key_joins_and_far_or_foreign_names_are_not_flagged(chat: Chat) -> None:
    await chat.say("ana", "/hrc register city: Łódź country: Poland region: Europe")
    joining = await chat.say("bob", "/hrc register city: Lodz country: PL region: Europe")
    assert "asked to join" in joining.text and "Possibly" not in secretariat_notice(joining)
    await chat.say("cat", "/hrc register city: San José country: Costa Rica region: Latin America")
    other_country = await chat.say("dan", "/hrc register city: San Jose country: United States region: North America")
    assert "Possibly" not in secretariat_notice(other_country)
    far = await chat.say("eve", "/hrc register city: San Juan country: Costa Rica region: Latin America")
    assert "Possibly" not in secretariat_notice(far)  # san juan / san jose: 3 edits
    assert "Possibly" not in render_text(await chat.say("sec", "/hrc pending"))


async def test_a_rejected_city_is_not_a_near_match(chat: Chat) -> None:
    await chat.say("ana", "/hrc register city: Atlantis country: Greece region: Europe")
    await chat.say("sec", "/hrc reject Atlantis reason: not a local government")
    again = await chat.say("bob", "/hrc register city: Atlantida country: Greece region: Europe")
    assert "Possibly" not in secretariat_notice(again)


def test_the_allowed_distance_grows_with_the_name() -> None:
    assert [max_distance(k) for k in ("lodz", "roma", "cordoba", "san jose", "la paz de ayacucho")] == [1, 1, 2, 2, 3]


@pytest.mark.parametrize(
    ("written", "code", "name"),
    [("Polska", "PL", "Poland"), ("Schweiz", "CH", "Switzerland"), ("Suisse", "CH", "Switzerland"),
     ("Svizzera", "CH", "Switzerland"), ("Deutschland", "DE", "Germany"), ("Italia", "IT", "Italy"),
     ("Sverige", "SE", "Sweden"), ("Österreich", "AT", "Austria"), ("Ελλάδα", "GR", "Greece"),
     ("Россия", "RU", "Russia"), ("日本", "JP", "Japan"), ("Nederland", "NL", "Netherlands")],
)
async def test_a_country_in_its_own_language_is_recognised(chat: Chat, written: str, code: str, name: str) -> None:
    reply = await chat.say("ana", f"/hrc register city: Testville country: {written} region: Europe")
    assert not reply.is_error, render_text(reply)
    assert next(f.value for f in reply.fields if f.name == "Country") == name
    country_options = await suggestions(chat.ctx, Source.COUNTRY, written[:5])
    assert code in [s.value for s in country_options][:3]


async def test_an_endonym_and_an_english_name_are_one_country(chat: Chat) -> None:
    await chat.say("ana", "/hrc register city: Łódź country: Polska region: Europe")
    again = await chat.say("bob", "/hrc register city: Lodz country: Poland region: Europe")
    assert "asked to join" in again.text


def test_reading_the_countries_own_names_keeps_no_other_locale_in_memory() -> None:
    # Babel keeps every locale it reads; the endonyms read ~170 of them (100 MB kept, bench/bot_process.py).
    countries._endonyms.cache_clear()
    countries._index.cache_clear()
    before = set(localedata._cache)
    assert countries.country_code("Polska") == "PL" and countries.country_code("Sverige") == "SE"
    assert countries.endonyms("CH")[:2] == ("Schweiz", "Schwiiz")
    assert set(localedata._cache) - before <= {"root", "en", "es", "fr"}  # the languages read in, and their parent
