"""`/hrc merge`: a duplicate city folded into the one that stays, through parser + dispatcher + a real
database (SQLite and PostgreSQL): everything moves, the old name keeps finding the city, focal points are
told, the audit trail has it."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from bot.render_text import render_text
from handlers.options import Source
from handlers.suggest import suggestions
from handlers.types import NoticeTarget
from storage.models import City, CityAlias, Practice, Subscription
from storage.queries.merges import KNOWN, city_references
from tests.conftest import Chat


def field(reply: object, name: str) -> str:
    return next(f.value for f in reply.fields if f.name == name)  # type: ignore[attr-defined]


async def rows(chat: Chat, model: type) -> list:
    order = model.id if hasattr(model, "id") else model.member_id
    async with chat.ctx.db.transaction(write=False) as session:
        return list((await session.execute(select(model).order_by(order))).scalars().all())


async def two_lodz(chat: Chat) -> None:
    """Łódź (#1, verified, Ana, housing) and its Yiddish spelling Lodzh (#2, verified, Bob, water, a practice)."""
    await chat.say("ana", "/hrc register city: Łódź country: Poland region: Europe themes: housing")
    await chat.say("sec", "/hrc verify Łódź")
    await chat.say("bob", "/hrc register city: Lodzh country: Polska region: Europe themes: water")
    await chat.say("sec", "/hrc verify Lodzh")
    shared = await chat.say("bob", "/hrc share title: Water kiosks themes: water summary: Kiosks in every district.")
    assert not shared.is_error, render_text(shared)
    await chat.say("bob", "/hrc subscribe water")


async def test_merge_moves_everything_and_the_old_name_still_finds_the_city(chat: Chat) -> None:
    await two_lodz(chat)
    merged = await chat.say("sec", "/hrc merge Lodzh into: Łódź")
    assert not merged.is_error, render_text(merged)
    assert merged.text == "Lodzh (#2) is merged into Łódź (#1); “Lodzh” now finds Łódź."
    assert (field(merged, "Focal points moved"), field(merged, "Practices moved")) == ("1", "1")
    assert field(merged, "Themes added") == "Water & sanitation" and field(merged, "Focal points told") == "2"
    told = {n.member.user_id: n.reply.text for n in merged.notices if n.target is NoticeTarget.MEMBER}
    assert set(told) == {"ana", "bob"} and "merged Lodzh into Łódź" in told["bob"]

    assert [c.name for c in await rows(chat, City)] == ["Łódź"]
    [alias] = await rows(chat, CityAlias)
    assert (alias.name, alias.name_key, alias.country_key, alias.city_id) == ("Lodzh", "lodzh", "PL", 1)
    assert [p.city_id for p in await rows(chat, Practice)] == [1]

    card = await chat.say("carl", "/hrc profile Lodzh")  # the old name, by a member
    assert card.title == "Łódź" and field(card, "Practices") == "1" and field(card, "Also known as") == "Lodzh"
    assert "Ana" in render_text(card) and "Bob" in render_text(card)
    assert "Water & sanitation" in field(card, "Themes") and "Housing" in field(card, "Themes")
    who = render_text(await chat.say("carl", "/hrc who water"))
    assert "Łódź (Poland): @Ana, @Bob" in who and "Lodzh" not in who
    assert "Water kiosks (Łódź)" in render_text(await chat.say("carl", "/hrc practices kiosks"))
    assert [s.theme for s in await rows(chat, Subscription)] == ["water-sanitation"]  # Bob's, untouched
    joining = await chat.say("dan", "/hrc register city: Lodzh country: Poland region: Europe")
    assert "Łódź (Poland) is already in the directory" in joining.text
    found = await suggestions(chat.ctx, Source.CITY, "lodzh")
    assert [(s.label, s.value) for s in found] == [("Lodzh → Łódź — Poland", "#1")]
    audit = render_text(await chat.say("sec", "/hrc audit Lodzh"))
    assert "merge · Lodzh (Poland) → Łódź (Poland)" in audit and "alias: Lodzh" in audit
    spanish = render_text(await chat.say("sec", "/hrc auditoría Lodzh", "es"))  # both countries in the reader's words
    assert "Lodzh (Polonia) → Łódź (Polonia)" in spanish, spanish
    # The duplicate's own history stays in the trail of the city it became (it showed only the merge).
    assert "verify · Lodzh (Poland)" in audit and "register · Lodzh (Poland)" in audit, audit
    assert "verify · Łódź (Poland)" in audit


async def test_merge_in_spanish_and_french_words(chat: Chat) -> None:
    await chat.say("ana", "/hrc register city: San José country: Costa Rica region: Latin America")
    await chat.say("bob", "/hrc register city: San Jose de Costa Rica country: CR region: Latin America")
    merged = await chat.say("sec", "/hrc fusionar San Jose de Costa Rica en: San José", locale="es")
    assert not merged.is_error and merged.title == "Fusionada con San José", render_text(merged)
    await chat.say("cat", "/hrc register city: Grenoble country: France region: Europe")
    await chat.say("dan", "/hrc register city: Grenoble-Alpes country: France region: Europe")
    merged = await chat.say("sec", "/hrc fusionner Grenoble-Alpes dans: Grenoble", locale="fr")
    assert not merged.is_error and merged.title == "Fusionnée avec Grenoble", render_text(merged)


async def test_merging_a_city_into_itself_is_refused(chat: Chat) -> None:
    await chat.say("ana", "/hrc register city: Łódź country: Poland region: Europe")
    for command in ("/hrc merge Lodz into: Łódź", "/hrc merge #1 into: #1"):
        refused = await chat.say("sec", command)
        assert refused.is_error and "a city cannot be merged into itself" in refused.text, render_text(refused)
    assert len(await rows(chat, City)) == 1


async def test_a_city_parked_by_the_key_migration_is_merged_by_number(chat: Chat) -> None:
    await chat.say("ana", "/hrc register city: Łódź country: Poland region: Europe")
    async with chat.ctx.db.transaction() as session:  # as migration 0006 leaves a second city of one key
        session.add(City(name="Lodz", name_key="lodz#2", country="PL", country_key="PL", region="europe",
                         status="verified", registered_at=datetime(2025, 1, 1, tzinfo=UTC), languages=""))
    refused = await chat.say("sec", "/hrc merge Lodz into: Łódź")
    assert refused.is_error and "`/hrc merge #2 into: #1`" in render_text(refused)
    merged = await chat.say("sec", "/hrc merge #2 into: #1")
    assert merged.text == "Lodz (#2) is merged into Łódź (#1).", render_text(merged)
    assert await rows(chat, CityAlias) == []  # "Lodz" has Łódź's key already
    [city] = await rows(chat, City)
    assert city.status == "verified"  # the merged city was verified: the one that stays is now
    assert (await chat.say("carl", "/hrc profile Lodz")).title == "Łódź"


async def test_two_cities_of_one_name_are_named_by_number_for_the_secretariat(chat: Chat) -> None:
    await chat.say("ana", "/hrc register city: San José country: Costa Rica region: Latin America")
    await chat.say("bob", "/hrc register city: San Jose country: United States region: North America")
    ambiguous = await chat.say("sec", "/hrc merge San Jose into: #1")
    assert ambiguous.is_error
    assert "Or by its number: #1 San José (Costa Rica), #2 San Jose (United States)." in render_text(ambiguous)


async def test_only_the_secretariat_merges_and_not_into_a_declined_city(chat: Chat) -> None:
    await chat.say("ana", "/hrc register city: Atlantis country: Greece region: Europe")
    await chat.say("bob", "/hrc register city: Atlantida country: Greece region: Europe")
    assert "for the campaign secretariat" in (await chat.say("bob", "/hrc merge Atlantida into: Atlantis")).text
    await chat.say("sec", "/hrc reject Atlantis")
    refused = await chat.say("sec", "/hrc merge Atlantida into: Atlantis")
    assert refused.is_error and "Atlantis was declined" in refused.text
    assert len(await rows(chat, City)) == 2


async def test_cities_in_two_countries_are_merged_only_once_confirmed(chat: Chat) -> None:
    """Lodz (Poland) into Bogotá (Colombia) was merged at once, and "Lodz, Poland" then registered people into
    Bogotá. Now the secretariat is asked first, with a button; `confirm: no` leaves both; `confirm: yes` merges
    (a city registered with the wrong country is the one case it is for)."""
    await chat.say("bob", "/hrc register city: Bogotá country: Colombia region: Latin America")
    await chat.say("ana", "/hrc register city: Lodz country: Poland region: Europe")  # the highest number: #2
    asked = await chat.say("sec", "/hrc merge Lodz into: Bogotá")
    assert not asked.is_error and asked.title == "Merge Lodz into Bogotá?", render_text(asked)
    assert "Lodz (Poland) and Bogotá (Colombia) are in two countries" in asked.text, asked.text
    assert [(a.command, a.style) for a in asked.actions] == [("merge #2 into: #1 country: PL confirm: yes", "danger")]
    assert asked.footer == "Or type `/hrc merge #2 into: #1 country: PL confirm: yes`."
    assert len(await rows(chat, City)) == 2 and await rows(chat, CityAlias) == []
    spanish = await chat.say("sec", "/hrc fusionar Lodz en: Bogotá", locale="es")
    assert "Lodz (Polonia) y Bogotá (Colombia)" in spanish.text, spanish.text
    kept = await chat.say("sec", "/hrc merge Lodz into: Bogotá confirm: no")
    assert kept.text == "Nothing changed: Lodz and Bogotá stay apart." and len(await rows(chat, City)) == 2
    merged = await chat.say("sec", asked.actions[0].command)
    assert not merged.is_error and merged.title == "Merged into Bogotá", render_text(merged)
    assert [city.name for city in await rows(chat, City)] == ["Bogotá"]
    # Before 0018, SQLite gave the deleted #2 to the next city registered: the old button must not merge that one.
    await chat.say("carl", "/hrc register city: Köln country: Germany region: Europe")
    stale = await chat.say("sec", asked.actions[0].command)
    assert stale.is_error and stale.text == "#2 was merged into Bogotá (#1).", render_text(stale)
    assert sorted(city.name for city in await rows(chat, City)) == ["Bogotá", "Köln"]


def test_every_table_pointing_at_cities_is_moved_by_a_merge() -> None:
    references = {(table.name, column.name) for table, column in city_references()}
    assert KNOWN <= references  # the known ones exist; any other is re-pointed as it is (merge_cities)
    assert ("practices", "city_id") in references and ("focal_points", "city_id") in references


async def test_city_actions_move_and_one_occurrence_keeps_the_target_s(chat: Chat) -> None:
    from storage.models import CityAction

    await two_lodz(chat)
    assert not (await chat.say("ana", "/hrc act human rights day note: Open day at city hall")).is_error
    await chat.say("bob", "/hrc act human rights day note: Street festival")
    await chat.say("bob", "/hrc act world water day note: Fountains open")
    merged = await chat.say("sec", "/hrc merge Lodzh into: Łódź")
    assert not merged.is_error, render_text(merged)
    actions = {(a.day_slug, a.note, a.city_id) for a in await rows(chat, CityAction)}
    assert actions == {("human-rights-day", "Open day at city hall", 1), ("world-water-day", "Fountains open", 1)}


async def test_a_name_close_to_an_alias_is_flagged_with_the_city_that_stays(chat: Chat) -> None:
    await two_lodz(chat)
    await chat.say("sec", "/hrc merge Lodzh into: Łódź")
    near = await chat.say("dan", "/hrc register city: Lodzhe country: Poland region: Europe")  # close to "Lodzh"
    flagged = next(n.reply.text for n in near.notices if n.target is NoticeTarget.SECRETARIAT)
    assert flagged.endswith("\nPossibly the same as #1 Łódź, Poland.")


async def test_a_merged_citys_number_is_never_given_to_the_next_city(chat: Chat) -> None:
    """SQLite gave a deleted city's number to the next city registered. A merged duplicate's registration
    notice keeps its Verify button (`verify #2`), so pressing it later verified a city nobody had looked at.
    City numbers now never come back, on either engine (0018)."""
    await chat.say("bob", "/hrc register city: Bogotá country: Colombia region: Latin America")
    await chat.say("sec", "/hrc verify Bogotá")
    duplicate = await chat.say("ana", "/hrc register city: Bogota DC country: Colombia region: Latin America")
    assert not duplicate.is_error, render_text(duplicate)
    [stale_id] = [city.id for city in await rows(chat, City) if city.name == "Bogota DC"]
    merged = await chat.say("sec", f"/hrc merge #{stale_id} into: Bogotá")
    assert not merged.is_error, render_text(merged)
    await chat.say("carl", "/hrc register city: Atlantis country: Colombia region: Latin America")
    [atlantis] = [city for city in await rows(chat, City) if city.name == "Atlantis"]
    assert atlantis.id > stale_id
    pressed = await chat.say("sec", f"/hrc verify #{stale_id}")
    assert pressed.is_error and pressed.text == f"#{stale_id} was merged into Bogotá (#1).", render_text(pressed)
    assert [city.status for city in await rows(chat, City) if city.name == "Atlantis"] == ["pending"]


async def test_a_citys_trail_keeps_the_history_of_a_chain_of_merged_duplicates(chat: Chat) -> None:
    await chat.say("ana", "/hrc register city: Medellín country: Colombia region: Latin America")
    await chat.say("bob", "/hrc register city: Medelin country: Colombia region: Latin America")
    await chat.say("carl", "/hrc register city: Medeyin country: Colombia region: Latin America")
    assert not (await chat.say("sec", "/hrc merge Medeyin into: Medelin")).is_error
    assert not (await chat.say("sec", "/hrc merge Medelin into: Medellín")).is_error
    audit = render_text(await chat.say("sec", "/hrc audit Medellín"))
    for name in ("Medellín", "Medelin", "Medeyin"):
        assert f"register · {name} (Colombia)" in audit, audit


async def test_a_merged_citys_number_says_where_the_city_went(chat: Chat) -> None:
    """An old Verify button of a merged duplicate (`verify #2`) said "I can't find the city “#2”"; it now says
    which city it became, in the reader's words, through a chain of merges."""
    await chat.say("ana", "/hrc register city: Medellín country: Colombia region: Latin America")
    await chat.say("bob", "/hrc register city: Medelin country: Colombia region: Latin America")
    await chat.say("carl", "/hrc register city: Medeyin country: Colombia region: Latin America")
    await chat.say("sec", "/hrc merge #3 into: #2")
    await chat.say("sec", "/hrc merge #2 into: #1")
    pressed = await chat.say("sec", "/hrc verify #3")
    assert pressed.is_error and pressed.text == "#3 was merged into Medellín (#1).", pressed.text
    spanish = await chat.say("sec", "/hrc verificar #2", "es")
    assert spanish.text == "#2 se fusionó con Medellín (#1).", spanish.text
    assert "I can't find the city “#9”" in (await chat.say("sec", "/hrc verify #9")).text


async def test_a_merge_across_countries_says_which_country_the_kept_name_finds(chat: Chat) -> None:
    """Grenoble (Spain) into Grenoble (France): the answer said "“Grenoble” now finds Grenoble". The alias
    finds the city only in the first city's country, so both names say their countries, in the reader's words,
    and so does the focal points' message."""
    await chat.say("ana", "/hrc register city: Grenoble country: France region: Europe")
    await chat.say("bob", "/hrc register city: Grenoble country: Spain region: Europe")
    merged = await chat.say("sec", "/hrc merge #2 into: #1 country: ES confirm: yes")
    assert merged.text == "Grenoble (#2) is merged into Grenoble (#1); “Grenoble” (Spain) now finds Grenoble (France).", merged.text
    told = {n.member.user_id: render_text(n.reply) for n in merged.notices}
    assert told["bob"] == ("The secretariat merged Grenoble (Spain) into Grenoble (France): they were the same place. "
                           "Its focal points, themes and practices are now Grenoble's, and “Grenoble” (Spain) still finds it.")
    await chat.say("carl", "/hrc register city: Lodz country: Poland region: Europe")
    await chat.say("dan", "/hrc register city: Bogotá country: Colombia region: Latin America")
    spanish = await chat.say("sec", "/hrc fusionar Lodz en: Bogotá confirmar: sí", locale="es")
    assert spanish.text.endswith("«Lodz» (Polonia) encuentra ahora Bogotá (Colombia)."), spanish.text
    await chat.say("eve", "/hrc register city: Lyon country: Spain region: Europe")
    await chat.say("fay", "/hrc register city: Lyon country: France region: Europe")
    french = await chat.say("sec", "/hrc fusionner #5 dans : #6 confirmer : oui", locale="fr")
    assert french.text.endswith("« Lyon » (Espagne) trouve désormais Lyon (France)."), french.text


async def test_a_name_kept_from_another_country_is_shown_with_that_country_never_as_the_city_itself(chat: Chat) -> None:
    """The case a merge across countries is for, a city registered with the wrong country: its name is
    the city's own, and what the alias adds is the country; so the card says "Grenoble (Spain)", not
    "Also known as: Grenoble", and two such names (one per country) are not shown as the same word twice."""
    await chat.say("ana", "/hrc register city: Grenoble country: France region: Europe")
    await chat.say("sec", "/hrc verify Grenoble")
    await chat.say("bob", "/hrc register city: Grenoble country: Spain region: Europe")
    await chat.say("sec", "/hrc register city: Grenobl country: France region: Europe")
    await chat.say("dan", "/hrc register city: Grenobl country: Italy region: Europe")
    for number in (2, 3, 4):
        merged = await chat.say("sec", f"/hrc merge #{number} into: #1 confirm: yes")
        assert not merged.is_error, render_text(merged)
    card = await chat.say("carl", "/hrc profile Grenoble country: France")
    assert field(card, "Also known as") == "Grenoble (Spain), Grenobl, Grenobl (Italy)", render_text(card)
    spanish = await chat.say("carl", "/hrc perfil Grenoble país: Francia", "es")
    assert field(spanish, "También conocida como") == "Grenoble (España), Grenobl, Grenobl (Italia)", render_text(spanish)
