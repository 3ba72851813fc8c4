"""Cities as the world writes them, through parser + dispatcher + a real database (SQLite and PostgreSQL):
one key for every spelling of a name, countries as ISO codes, suggestions that neither leak nor loop."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.render_text import render_text
from handlers.dispatch import handle_text
from handlers.options import Source
from handlers.suggest import suggestions
from handlers.types import NoticeTarget
from storage.models import City
from tests.conftest import Chat, person


def field(reply: object, name: str) -> str:
    return next(f.value for f in reply.fields if f.name == name)  # type: ignore[attr-defined]


async def cities(chat: Chat) -> list[City]:
    async with chat.ctx.db.transaction(write=False) as session:
        return list((await session.execute(select(City).order_by(City.id))).scalars().all())


@pytest.mark.parametrize(
    ("first", "second", "country"),
    [
        ("Łódź", "Lodz", "Poland"),
        ("Diyarbakır", "Diyarbakir", "Turkey"),
        ("Tromsø", "Tromso", "Norway"),
        ("Đà Nẵng", "Da Nang", "Vietnam"),
        ("Zürich", "Zü\u200brich", "Switzerland"),
        # Arabic's harakat and tatweel, Hebrew's niqqud: optional, either way round.
        ("الرِّباط", "الرباط", "Morocco"),
        ("صنعاء", "صَنْعَاء", "Yemen"),
        ("مـراكـش", "مراكش", "Morocco"),
        ("תֵּל אָבִיב", "תל אביב", "Israel"),
    ],
)
async def test_two_spellings_are_one_city(chat: Chat, first: str, second: str, country: str) -> None:
    registered = await chat.say("ana", f"/hrc register city: {first} country: {country} region: Europe")
    assert not registered.is_error, render_text(registered)
    joining = await chat.say("bob", f"/hrc register city: {second} country: {country} region: Europe")
    assert not joining.is_error, render_text(joining)
    assert "asked to join" in joining.text and first in joining.text
    assert [n.reply.text for n in joining.notices if n.target is NoticeTarget.SECRETARIAT][0].endswith(
        f"asks to join {first} ({country if country != 'Turkey' else 'Türkiye'}) as a focal point."
    )
    stored = await cities(chat)
    assert [c.name for c in stored] == [first]  # the name keeps its letters as first written
    await chat.say("sec", f"/hrc verify {second}")
    assert (await chat.say("carl", f"/hrc profile {second}")).title == first


async def test_discord_style_prefix_finds_cities_whatever_their_letters(chat: Chat) -> None:
    for user, city, country in (("ana", "Łódź", "PL"), ("bob", "Đà Nẵng", "VN"), ("cat", "Lodève", "FR")):
        await chat.say(user, f"/hrc register city: {city} country: {country} region: Europe")
        await chat.say("sec", f"/hrc verify {city}")
    async def labels(text: str) -> list[str]:
        return [s.label for s in await suggestions(chat.ctx, Source.CITY, text)]

    assert await labels("Lod") == ["Lodève — France", "Łódź — Poland"]
    assert await labels("łódz") == ["Łódź — Poland"]
    assert await labels("da n") == ["Đà Nẵng — Vietnam"]
    assert [s.value for s in await suggestions(chat.ctx, Source.COUNTRY, "pol")][:1] == ["PL"]


async def test_a_right_to_left_override_is_neither_kept_apart_nor_in_who(chat: Chat) -> None:
    await chat.say("ana", "/hrc register city: Grenoble country: France region: Europe themes: housing")
    await chat.say("sec", "/hrc verify Grenoble")
    joined = await chat.say("bob", "/hrc register city: \u202eGrenoble country: France region: Europe")
    assert "asked to join" in joined.text
    who = render_text(await chat.say("carl", "/hrc who housing"))
    assert "\u202e" not in who and "Grenoble (France)" in who


async def test_invisible_characters_never_reach_a_stored_or_shown_name(chat: Chat) -> None:
    # Zero-width space, soft hyphen, word joiner and BOM go; ZWNJ shapes Persian letters and stays.
    await chat.say("ana", "/hrc register city: Zü\u200brich\u00ad  \u2060 country: Switzerland region: Europe")
    await chat.say("bob", "/hrc register city: \ufeffمی\u200cشود country: Iran region: Asia-Pacific")
    await chat.say("sec", "/hrc days add name: Forum\u200b  2030 date: 2030-05-18")
    assert [c.name for c in await cities(chat)] == ["Zürich", "می\u200cشود"]
    pending = render_text(await chat.say("sec", "/hrc pending"))
    assert "Zürich" in pending and "\u200b" not in pending and "\u00ad" not in pending
    assert "Forum 2030" in render_text(await chat.say("sec", "/hrc day Forum 2030"))


@pytest.mark.parametrize("written", ["Spain", "España", "Espagne", "espana", "ES", "es", "ESPAÑA"])
async def test_a_country_in_english_spanish_or_french_is_its_iso_code(chat: Chat, written: str) -> None:
    await chat.say("ana", "/hrc register city: Córdoba country: Spain region: Europe")
    again = await chat.say("bob", f"/hrc register city: Cordoba country: {written} region: Europe")
    assert "asked to join" in again.text, render_text(again)
    [city] = await cities(chat)
    assert (city.country, city.country_key) == ("ES", "ES")


async def test_a_country_is_shown_by_name_in_the_readers_language(chat: Chat) -> None:
    await chat.say("ana", "/hrc register city: Córdoba country: Espagne region: Europe")
    await chat.say("sec", "/hrc verify Córdoba")
    assert field(await chat.say("bob", "/hrc profile Cordoba"), "Country") == "Spain"
    for locale, name in (("es", "España"), ("fr", "Espagne")):
        actor, place = person("bob")
        reply = await handle_text(chat.ctx, actor, place, "/hrc profile Cordoba", locale)
        assert reply.fields[0].value == name  # the first field is the country, whatever its label's language


async def test_an_unknown_country_gets_did_you_mean_from_real_country_names(chat: Chat) -> None:
    reply = await chat.say("ana", "/hrc register city: Cordoba country: Spian region: Europe")
    assert reply.is_error and reply.error_field == "country"
    assert "I don't know the country “Spian”. Did you mean “Spain”?" in reply.text
    nowhere = await chat.say("ana", "/hrc register city: Atlantis country: Ocean region: Europe")
    assert nowhere.is_error and "country “Ocean”" in nowhere.text and "ISO code" in render_text(nowhere)
    assert await cities(chat) == []  # nothing stored


async def test_same_name_in_two_countries_is_two_cities_told_apart_by_country(chat: Chat) -> None:
    await chat.say("ana", "/hrc register city: San José country: Costa Rica region: Latin America")
    await chat.say("bob", "/hrc register city: San Jose country: United States region: North America")
    assert len(await cities(chat)) == 2
    both = await chat.say("sec", "/hrc verify San Jose")
    assert both.is_error and "several cities named “San Jose” (Costa Rica, United States)" in both.text
    assert "country: Costa Rica" in render_text(both)
    assert "is verified" in (await chat.say("sec", "/hrc verify San Jose country: CR")).text
    elsewhere = await chat.say("carl", "/hrc profile San Jose country: Spain")
    assert elsewhere.is_error and "no city named “San Jose” in Spain; there is one in: Costa Rica" in elsewhere.text
    # French puts "aux" before États-Unis, "au" before Royaume-Uni: the sentence names the country without one.
    ailleurs = await chat.say("carl", "/hrc profil San Jose pays : USA", locale="fr")
    assert ailleurs.is_error and "en États-Unis" not in ailleurs.text
    assert "« San Jose » dans ce pays (États-Unis) ; il y en a ailleurs : Costa Rica." in ailleurs.text


async def test_suggestions_never_leak_a_rejected_city_nor_repeat_the_name_typed(chat: Chat) -> None:
    await chat.say("ana", "/hrc register city: Atlantis country: Greece region: Europe")
    await chat.say("sec", "/hrc reject Atlantis reason: not a local government")
    member = await chat.say("bob", "/hrc profile Atlantis")
    assert member.is_error and member.text == "No verified city is named “Atlantis”."
    assert "Did you mean" not in (await chat.say("bob", "/hrc profile Atlantiss")).text


async def test_members_get_suggestions_from_verified_cities_only(chat: Chat) -> None:
    await chat.say("ana", "/hrc register city: San José country: Costa Rica region: Latin America")
    await chat.say("bob", "/hrc register city: San José country: Mexico region: Latin America")
    await chat.say("dan", "/hrc register city: San Juan country: Argentina region: Latin America")
    await chat.say("sec", "/hrc verify San Juan")
    member = await chat.say("carl", "/hrc profile San Jose")
    assert member.text == "No verified city is named “San Jose”. Did you mean “San Juan”?"
    secretariat = await chat.say("sec", "/hrc profile San Jose")
    assert "several cities named “San Jose” (Costa Rica, Mexico)" in secretariat.text
    own = await chat.say("ana", "/hrc profile San Jose")  # one's own pending city is visible to oneself
    assert own.title == "San José" and field(own, "Country") == "Costa Rica"
