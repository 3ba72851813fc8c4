"""Faults a tester found on main, each through the console's parser and dispatcher: links, pauses, campaign
date names, the day card's suggestion, number agreement, the length message, wording slips."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from bot.render_text import render_text
from handlers.catalogues import po_path, read
from handlers.i18n import translator
from handlers.words import option_key
from tests.conftest import Chat
from tests.test_actions import GRENOBLE, verified
from tests.test_console_cli import SESSION, hrc_bot

SHARE = "/hrc share title: Water kiosks themes: water summary: Kiosks in every district."


@pytest.mark.parametrize("link", [
    "http://example.org",
    "HTTP://example.org/page",
    "https://example.org/<script>",
    "https://example.org/a b",
    'https://example.org/"x"',
    "https://example.org/`x`",
    "https://example.org/'x'",
    "https://localhost/",
    "https://example.org:port/",
    "ftp://example.org",
])
async def test_every_command_taking_a_link_refuses_anything_but_a_clean_https_link(chat: Chat, link: str) -> None:
    await verified(chat, "ana", GRENOBLE, "Grenoble")
    for command in (f"{SHARE} link: {link}", f"/hrc act world habitat day link: {link}",
                    f"/hrc announce title: Forum text: Registrations are open. link: {link}"):
        user = "sec" if "announce" in command else "ana"
        reply = await chat.say(user, command)
        assert reply.is_error and "is not a web link I can use" in render_text(reply), (command, render_text(reply))
        assert "https://" in reply.text
    shown = render_text(await chat.say("bob", "/hrc practices"))
    assert "Water kiosks" not in shown


async def test_a_clean_https_link_is_kept(chat: Chat) -> None:
    await verified(chat, "ana", GRENOBLE, "Grenoble")
    reply = await chat.say("ana", f"{SHARE} link: https://example.org/kiosks?district=3#map")
    assert not reply.is_error, render_text(reply)
    assert "https://example.org/kiosks?district=3#map" in render_text(reply)


@pytest.mark.parametrize("length", ["-1 week", "- 2 days", "−3 days"])
async def test_a_negative_pause_is_refused(chat: Chat, length: str) -> None:
    reply = await chat.say("ana", f"/hrc pause {length}")
    assert reply.is_error and "is not a length of time" in reply.text, render_text(reply)


@pytest.mark.parametrize("name", ["Human Rights Day", "Día de los Derechos Humanos", "journée des droits de l'homme",
                                  "HUMAN-RIGHTS-DAY"])
async def test_a_campaign_date_cannot_take_a_un_days_name(chat: Chat, name: str) -> None:
    reply = await chat.say("sec", f"/hrc days add name: {name} date: 2027-01-01")
    assert reply.is_error and "is the name of a UN day" in reply.text, render_text(reply)
    assert "Human Rights Day" in render_text(await chat.say("sec", "/hrc day human rights day"))
    assert not (await chat.say("sec", "/hrc days add name: Human Rights Cities Day date: 2027-01-01")).is_error


async def test_the_day_card_suggests_act_only_for_a_day_with_a_date(chat: Chat) -> None:
    vesak = render_text(await chat.say("ana", "/hrc day Vesak"))
    assert "/hrc act" not in vesak and "/hrc share" in vesak
    assert "/hrc act human-rights-day" in render_text(await chat.say("ana", "/hrc day human rights day"))


@pytest.mark.parametrize(("locale", "one", "several"), [
    ("en", "linked to it.", "linked to them."),
    ("es", "ligados a este tema.", "ligados a estos temas."),
    ("fr", "liées à ce thème.", "liées à ces thèmes."),
])
async def test_subscribing_to_several_themes_agrees_in_number(chat: Chat, locale: str, one: str, several: str) -> None:
    assert several in (await chat.say("ana", "/hrc subscribe housing, water", locale)).text
    assert one in (await chat.say("bob", "/hrc subscribe gender", locale)).text


@pytest.mark.parametrize(("locale", "expected"), [
    ("en", "city: too long"), ("es", "ciudad: demasiado largo"), ("fr", "ville : trop long"),
])
async def test_the_too_long_message_has_one_colon(chat: Chat, locale: str, expected: str) -> None:
    city = "x" * 120
    reply = await chat.say("ana", f"/hrc register city: {city} country: France region: Europe", locale)
    assert reply.is_error and expected in reply.text and "::" not in reply.text and ": :" not in reply.text, reply.text


async def test_main_words_too_long_reads_as_a_label(chat: Chat) -> None:
    reply = await chat.say("ana", "/hrc practices " + "water " * 40)
    assert reply.is_error and "words: too long" in reply.text and "words is too long" not in reply.text


async def test_channel_listing_has_no_stray_full_stop(chat: Chat) -> None:
    assert not (await chat.say("sec", "/hrc channel set days language: fr")).is_error
    listing = render_text(await chat.say("sec", "/hrc channels"))
    assert "French · active" in listing and "French." not in listing


async def test_no_match_is_told_apart_from_an_empty_directory(chat: Chat) -> None:
    empty = await chat.say("bob", "/hrc practices")
    assert "No practice has been shared yet." in empty.text
    await verified(chat, "ana", GRENOBLE, "Grenoble")
    assert not (await chat.say("ana", SHARE)).is_error
    missed = render_text(await chat.say("bob", "/hrc practices submarine volcano"))
    assert "No practice matches “submarine volcano”." in missed and "fewer words" in missed
    assert "yet" not in missed
    for signs in ("%_%", "—", "***", "🙂"):  # no word to search: told so, never every practice
        nothing = render_text(await chat.say("bob", f"/hrc practices {signs}"))
        assert f"No practice matches “{signs}”." in nothing and "Water kiosks" not in nothing


async def test_the_same_practice_is_not_shared_twice(chat: Chat) -> None:
    await verified(chat, "ana", GRENOBLE, "Grenoble")
    assert not (await chat.say("ana", SHARE)).is_error
    again = await chat.say("ana", SHARE.replace("Water kiosks", "water KIOSKS"))
    assert again.is_error and "has already shared" in again.text, render_text(again)
    assert not (await chat.say("ana", SHARE + " Now open at night.")).is_error
    assert "Practices (2)" in render_text(await chat.say("bob", "/hrc practices"))


def test_console_keeps_info_log_lines_out_of_the_conversation(tmp_path: Path) -> None:
    quiet = hrc_bot(["console", "--user", "ana", "--secretariat"], tmp_path, SESSION)
    assert quiet.returncode == 0 and "Grenoble is verified" in quiet.stdout
    assert " INFO " not in quiet.stderr, quiet.stderr
    (tmp_path / "again").mkdir()
    told = hrc_bot(["console", "--user", "ana", "--secretariat"], tmp_path / "again", SESSION, HRC_CONSOLE_LOG_LEVEL="INFO")
    assert " INFO " in told.stderr


def test_a_missing_import_file_is_said_in_the_users_language(tmp_path: Path) -> None:
    missing = hrc_bot(["import", "cities", "nowhere.csv", "--locale", "fr"], tmp_path)
    assert missing.returncode == 2 and "Le fichier nowhere.csv n’existe pas." in missing.stderr
    assert "Errno" not in missing.stderr


def test_export_says_how_many_rows_of_which_dataset(tmp_path: Path) -> None:
    exported = hrc_bot(["export", "audit", "--output", "a.xlsx"], tmp_path)
    assert exported.returncode == 0 and "0 rows of audit written to a.xlsx (xlsx)." in exported.stderr, exported.stderr


def test_french_catalogue_spaces_every_label_colon() -> None:
    """A French label takes a space before its colon ("Pays : France"); option keys (``pays:``), code spans,
    URLs and times stay as typed."""
    catalogue = read(po_path("fr"), "fr")
    unspaced = []
    for message in catalogue:
        if not message.id:
            continue
        for text in message.string if isinstance(message.string, tuple) else (message.string,):
            for token in re.findall(r"(\S+):(?=\s|$)", re.sub(r"`[^`]*`", "``", text)):
                word = token.lstrip("[(«“")
                if option_key(word) is None and not re.fullmatch(r"\{\w+\}", word):
                    unspaced.append(text)
    assert unspaced == []


async def test_french_labels_quotes_and_first_of_the_month(chat: Chat) -> None:
    await verified(chat, "ana", GRENOBLE, "Grenoble")
    profile = render_text(await chat.say("bob", "/hrc profile Grenoble", "fr"))
    assert "Pays : France" in profile and "Région : Europe" in profile and "Pays:" not in profile
    progress = render_text(await chat.say("bob", "/hrc progress", "fr"))
    assert "Par région :" in progress and "Europe : 1" in progress
    wrong = await chat.say("bob", "/hrc who housng", "fr")
    assert "« Logement »" in wrong.text and "“" not in wrong.text, wrong.text
    assert translator("fr").date(date(2027, 1, 1)) == "1er janvier 2027"
    assert translator("fr").date(date(2027, 1, 11)) == "11 janvier 2027"
    assert translator("fr").date(date(2021, 3, 1), "MMMM y") == "mars 2021"
    assert "ven. 1er janv. 2027" in render_text(await chat.say("sec", "/hrc days add name: Forum date: 2027-01-01", "fr"))


@pytest.mark.parametrize("language", ["en", "es", "fr"])
def test_a_day_no_theme_fits_is_listed_by_its_kind_alone(language: str) -> None:
    from handlers.calendar import un_days
    from handlers.days import day_item

    _ = translator(language)
    themeless = next(d for d in un_days() if not d.themes)
    themed = next(d for d in un_days() if d.themes)
    assert day_item(date(2026, 12, 4), themeless, language, _).text == _("UN international day")
    assert day_item(date(2026, 12, 5), themed, language, _).text.startswith(_("UN international day") + " · ")


async def test_removing_a_citys_last_theme_says_so_and_how_to_add_one(chat: Chat) -> None:
    await verified(chat, "ana", GRENOBLE, "Grenoble")
    emptied = await chat.say("ana", "/hrc theme remove human rights")
    assert not emptied.is_error and emptied.text == "Grenoble lists no theme now: `/hrc theme add THEME` adds one."
    assert not (await chat.say("ana", "/hrc language es")).is_error
    again = await chat.say("ana", "/hrc tema añadir vivienda")
    assert again.text == "Grenoble trabaja ahora en: Vivienda."
    emptied = await chat.say("ana", "/hrc tema quitar vivienda")
    assert emptied.text == "Grenoble ya no tiene ningún tema: `/hrc tema añadir TEMA` añade uno."


async def test_a_day_no_theme_fits_shows_no_empty_themes_and_the_trail_says_yes_or_no(chat: Chat) -> None:
    added = await chat.say("sec", "/hrc days add name: Campaign Forum date: 2030-05-18")
    assert not added.is_error, added.text
    forum = await chat.say("sec", "/hrc day Campaign Forum")  # once: its date, no year lines
    assert [(f.name, f.value) for f in forum.fields] == [("Date", "Sat 18 May 2030"), ("Kind", "campaign date")]
    for line, kind in (("/hrc day Campaign Forum", "campaign date"), ("/hrc day International Day of Banks", "UN international day")):
        card = await chat.say("sec", line)
        assert [f.name for f in card.fields if f.name not in ("Date", "2026", "2027")] in (["Kind"], ["Kind", "Official page"]), card.fields
        assert kind in render_text(card) and "—" not in render_text(card)
    themed = await chat.say("sec", "/hrc day Human Rights Day")
    assert {"Themes", "Verified cities on these themes"} <= {f.name for f in themed.fields}
    assert not (await chat.say("sec", "/hrc language fr")).is_error
    trail = render_text(await chat.say("sec", "/hrc audit"))
    assert "  événement : non\n" in trail
    assert "False" not in trail and "True" not in trail


async def test_asking_again_to_join_a_verified_city_says_the_request_waits(chat: Chat) -> None:
    await verified(chat, "ana", GRENOBLE, "Grenoble")
    asked = await chat.say("bob", GRENOBLE)
    assert asked.title == "Request sent"
    again = await chat.say("bob", GRENOBLE)
    assert not again.is_error
    assert again.text == ("You already asked to join Grenoble as a focal point: the secretariat will confirm, "
                          "and I will tell you.")
    assert not (await chat.say("sec", "/hrc verify Grenoble")).is_error
    assert (await chat.say("bob", GRENOBLE)).text == "You are already a focal point of Grenoble (verified)."
    assert (await chat.say("ana", GRENOBLE)).text == "You are already a focal point of Grenoble (verified)."


async def test_french_spaces_the_colon_of_list_lines_as_it_does_labels(chat: Chat) -> None:
    await verified(chat, "ana", GRENOBLE, "Grenoble")
    assert not (await chat.say("ana", "/hrc act human rights day note: Portes ouvertes")).is_error
    for user in ("bob", "sec"):
        assert not (await chat.say(user, "/hrc langue fr")).is_error
    who = render_text(await chat.say("bob", "/hrc qui droits humains"))
    assert re.search(r"^  Grenoble \(France\) : @\w+$", who, re.M), who
    days = render_text(await chat.say("bob", "/hrc jours"))
    assert re.search(r"^• \w+\. \d+ \w+\.? 2026 : ", days, re.M) and not re.search(r"2026: ", days), days
    card = render_text(await chat.say("bob", "/hrc jour journée des droits de l’homme"))
    assert "  Grenoble (France) : Portes ouvertes" in card
    acting = render_text(await chat.say("sec", "/hrc actions"))
    assert "• jeu. 10 déc. 2026 : Journée des droits de l'homme\n  Grenoble (France) : Portes ouvertes" in acting
    english = render_text(await chat.say("ana", "/hrc who human rights"))
    assert re.search(r"^  Grenoble \(France\): @\w+$", english, re.M)


async def test_the_spanish_trail_names_a_join_in_spanish(chat: Chat) -> None:
    await verified(chat, "ana", GRENOBLE, "Grenoble")
    assert (await chat.say("bob", GRENOBLE)).title == "Request sent"
    assert not (await chat.say("sec", "/hrc idioma es")).is_error
    trail = render_text(await chat.say("sec", "/hrc auditoría Grenoble"))
    assert "· registrar (unirse) · Grenoble" in trail and "(join)" not in trail
    assert "punto focal: Bob (console:bob): por confirmar" in trail


@pytest.mark.parametrize(("language", "said"), [
    ("en", "Missing: `country:` and `region:`"),
    ("es", "Falta: `país:` y `región:`"),
    ("fr", "Il manque : `pays:` et `région:`"),
])
async def test_missing_options_are_listed_as_written_joined_in_words(chat: Chat, language: str, said: str) -> None:
    assert not (await chat.say("bob", f"/hrc language {language}")).is_error
    command = {"en": "register city: Lyon", "es": "registrar ciudad: Lyon", "fr": "inscrire ville: Lyon"}[language]
    reply = await chat.say("bob", f"/hrc {command}")
    assert reply.is_error and reply.text == said, reply.text


async def test_who_says_when_a_city_has_no_focal_point(chat: Chat) -> None:
    await verified(chat, "ana", GRENOBLE, "Grenoble")
    assert not (await chat.say("ana", "/hrc leave confirm: yes")).is_error
    who = render_text(await chat.say("bob", "/hrc who human rights"))
    assert "\n  Grenoble (France): no focal point yet" in who and "—" not in who
    assert not (await chat.say("bob", "/hrc idioma es")).is_error
    assert "\n  Grenoble (Francia): aún sin punto focal" in render_text(await chat.say("bob", "/hrc quién derechos humanos"))


async def test_joining_a_city_names_the_themes_it_did_not_add(chat: Chat) -> None:
    await verified(chat, "ana", GRENOBLE, "Grenoble")
    joined = await chat.say("bob", "/hrc register city: Grenoble country: France region: Europe themes: housing, human rights")
    assert joined.title == "Request sent"
    assert joined.footer == "Its themes stay as they are; once confirmed, add yours with `/hrc theme add housing`."
    plain = await chat.say("carl", "/hrc register city: Grenoble country: France region: Europe themes: human rights")
    assert plain.title == "Request sent" and plain.footer is None
    assert not (await chat.say("dan", "/hrc idioma es")).is_error
    spanish = await chat.say("dan", "/hrc registrar ciudad: Grenoble país: Francia región: Europa temas: agua, vivienda")
    assert spanish.footer == ("Sus temas no cambian; cuando te confirmen, añade los tuyos con "
                              "`/hrc tema añadir agua y saneamiento, vivienda`.")
    assert "Housing" not in render_text(await chat.say("sec", "/hrc profile Grenoble"))


@pytest.mark.parametrize(("language", "said"), [("en", "no one yet"), ("es", "nadie todavía"), ("fr", "personne pour l’instant")])
async def test_a_card_with_no_focal_point_says_so(chat: Chat, language: str, said: str) -> None:
    await verified(chat, "ana", GRENOBLE, "Grenoble")
    assert not (await chat.say("ana", "/hrc leave confirm: yes")).is_error
    assert not (await chat.say("bob", f"/hrc language {language}")).is_error
    card = await chat.say("bob", "/hrc profile Grenoble")
    assert card.fields[-1].value == said, card.fields
