"""Option keys in the three languages: an unknown ``word:`` is refused, never glued into the value before it;
every key of every command is recognised in English, Spanish and French; commands quoted back to a reader
use the reader's words, themes and day names, and are accepted typed back."""

from __future__ import annotations

import re

import pytest

from bot.render_text import render_text
from handlers.calendar import un_days
from handlers.days import find_observance
from handlers.errors import UserError
from handlers.grammar import parse
from handlers.i18n import translator
from handlers.options import is_free_text
from handlers.quoting import command_line, day_arg, theme_arg
from handlers.registry import COMMANDS, CommandSpec, load_all
from handlers.vocab import THEMES, find_theme
from handlers.words import KEY_WORDS, key_spellings, localized_command, option_key
from storage.queries import announcements as announcement_queries
from tests.conftest import Chat
from tests.english import assert_no_english

load_all()
LANGUAGES = ("en", "es", "fr")
REGISTER = "/hrc register city: Grenoble country: France region: Europe themes: housing"


def refusal(line: str, language: str = "en") -> UserError:
    with pytest.raises(UserError) as error:
        parse(line, translator(language))
    return error.value


# --- 1. an unknown key is refused, never part of the value before it ---------------------------------------

async def test_an_unknown_key_after_a_city_name_is_refused_and_nothing_is_registered(chat: Chat) -> None:
    reply = await chat.say("ana", "/hrc register city: Paris colour: blue country: France region: Europe")
    assert reply.is_error and "Unknown option “colour:”." in reply.text, reply.text
    assert reply.usage and reply.usage.startswith("/hrc register city: NAME country: NAME"), reply.usage
    assert (await chat.say("ana", "/hrc profile Paris")).is_error  # no city "Paris colour: blue" either
    assert not (await chat.say("ana", "/hrc register city: Paris country: France region: Europe")).is_error
    assert (await chat.say("ana", "/hrc profile Paris")).title == "Paris"


@pytest.mark.parametrize(("language", "line", "said"), [
    ("en", "/hrc register city: X contry: Y", "Unknown option “contry:”. Did you mean “country:”?"),
    ("es", "/hrc registrar ciudad: X contry: Y", "Opción desconocida «contry:». ¿Quisiste decir «país:»?"),
    ("fr", "/hrc inscrire ville: X contry: Y", "Option inconnue « contry: ». Vouliez-vous dire « pays: » ?"),
    ("es", "/hrc registrar ciudad: X paiss: Y", "¿Quisiste decir «país:»?"),
    ("fr", "/hrc inscrire ville: X régoin: Europe", "Vouliez-vous dire « région: » ?"),
    ("en", "/hrc who housing colour: blue", "Unknown option “colour:”."),
    ("es", "/hrc quién vivienda color: azul", "Opción desconocida «color:»."),
    ("fr", "/hrc qui logement pays: France", "« qui » n’a pas d’option « pays: »."),
    ("es", "/hrc prácticas agua región: Europa", "«prácticas» no tiene la opción «región:»."),
    ("en", "/hrc who housing time zone: UTC", "“who” has no option “time zone:”."),
    ("es", "/hrc registrar ciudad: Lyon país: Francia país: Francia", "La opción «país:» aparece dos veces."),
])
def test_unknown_keys_are_named_in_the_readers_language_with_did_you_mean_in_their_words(
        language: str, line: str, said: str) -> None:
    error = refusal(line, language)
    assert said in error.message, error.message
    assert error.usage_of == parse_command_name(line, language)
    if language != "en":
        assert_no_english(error.message, language, typed=("contry", "paiss", "color", "colour"))


def parse_command_name(line: str, language: str) -> str:
    words = line.split()[1:]
    from handlers.grammar import find_spec

    return find_spec(words, translator(language))[0].name


def test_prose_in_free_text_keeps_its_colons_and_the_keys_of_other_commands() -> None:
    _ = translator("en")
    kept = parse("/hrc share title: Water: a right themes: water summary: Note: bring water. Kiosks: open daily, "
                 "see https://example.org/a:b at 09:30 (+02:00). link: https://example.org", _)
    assert kept.options == {"title": "Water: a right", "themes": "water",
                            "summary": "Note: bring water. Kiosks: open daily, see https://example.org/a:b at 09:30 "
                                       "(+02:00).",
                            "link": "https://example.org"}
    # Keys of other commands are everyday words: in prose they are prose, in every language.
    other = parse("/hrc share title: Kiosks themes: water summary: Save the date: 12 May. Please note: open to every "
                  "region: Africa, Europe. Host city: Gwangju. Read the full text: https://x.org", _)
    assert other.options["summary"] == ("Save the date: 12 May. Please note: open to every region: Africa, Europe. "
                                        "Host city: Gwangju. Read the full text: https://x.org")
    spanish = parse("/hrc compartir título: Quioscos temas: agua resumen: fecha: 12 de mayo; Nombre del evento: foro; "
                    "en la práctica: funciona en la ciudad: Quito", translator("es"))
    assert spanish.options["summary"] == "fecha: 12 de mayo; Nombre del evento: foro; en la práctica: funciona en la ciudad: Quito"
    quoted = parse('/hrc share title: Kiosks themes: water summary: "Kiosks in every district region: Europe" '
                   "link: https://example.org", _)
    assert quoted.options["summary"] == "Kiosks in every district region: Europe"
    assert quoted.options["link"] == "https://example.org"
    # Everyday words that are also keys of other commands (Spanish en: is merge's into:) stay prose.
    prose = parse("/hrc compartir título: Quioscos temas: agua resumen: Más información en: https://x.org y "
                  "escribe a: la alcaldía", translator("es"))
    assert prose.options["summary"] == "Más información en: https://x.org y escribe a: la alcaldía"
    french = parse("/hrc annoncer titre: Réunion texte: « Lieu : mairie, salle: B » lien: https://x.org", translator("fr"))
    assert french.options == {"title": "Réunion", "text": "Lieu : mairie, salle: B", "link": "https://x.org"}


@pytest.mark.parametrize(("language", "line", "options"), [
    # A key of the command written as prose, capitalised, never narrows who an announcement reaches.
    ("es", "/hrc anunciar título: Foro texto: Encuentro regional. Región: América Latina. Tema: vivienda.",
     {"title": "Foro", "text": "Encuentro regional. Región: América Latina. Tema: vivienda."}),
    ("en", "/hrc announce title: Forum text: Regional meeting for all members. Theme: housing. dm: yes",
     {"title": "Forum", "text": "Regional meeting for all members. Theme: housing.", "dm": "yes"}),
    # "textes" is a French word, not text_es.
    ("fr", "/hrc annoncer titre: Forum texte: Les textes : déclaration et charte sont en ligne.",
     {"title": "Forum", "text": "Les textes : déclaration et charte sont en ligne."}),
    # "Hora:"/"Heure :" capitalised are prose; a:/à: in lower case are at:.
    ("es", "/hrc anunciar título: Foro texto: Fecha: 12 de mayo. Hora: 10:00 a: 2030-05-12 09:00",
     {"title": "Foro", "text": "Fecha: 12 de mayo. Hora: 10:00", "at": "2030-05-12 09:00"}),
    ("fr", "/hrc annoncer titre: Forum texte: Date : 12 mai. Heure : 10 h à : 2030-05-12 09:00",
     {"title": "Forum", "text": "Date : 12 mai. Heure : 10 h", "at": "2030-05-12 09:00"}),
    # The command's own key, capitalised, is prose too ("Note:" in a note, "Resumen:" in a summary).
    ("en", "/hrc act human-rights-day note: Note: bring your ID.", {"note": "Note: bring your ID."}),
    ("es", "/hrc compartir título: Quioscos temas: agua resumen: Resumen: funciona.",
     {"title": "Quioscos", "themes": "agua", "summary": "Resumen: funciona."}),
])
def test_a_key_written_as_prose_stays_in_the_text(language: str, line: str, options: dict[str, str]) -> None:
    assert parse(line, translator(language)).options == options


async def test_a_lower_case_key_in_prose_is_a_key_refused_when_its_value_is_wrong_never_sent_now(chat: Chat) -> None:
    """"Invitamos a: alcaldes" reads as prose, but a: is at:: taking it for prose would send at once an
    announcement meant for later ("at: tomorrow"), so it is a key, and its value is refused, in words."""
    for language, line in (("es", "/hrc anunciar título: Foro texto: Invitamos a: alcaldes"),
                           ("en", "/hrc announce title: Forum text: y at: tomorrow")):
        reply = await chat.say("sec", line, locale=language, secretariat=True)
        assert reply.is_error and ("hora" in reply.text if language == "es" else "not a time" in reply.text), reply.text


def test_urls_times_and_offsets_are_never_keys() -> None:
    cmd = parse("/hrc announce title: Forum text: Doors open 09:30, talks at 10:00+01:00: https://example.org/a:b "
                "at: 2027-10-31 02:30+02:00 Europe/Madrid link: https://example.org/x:y", translator("en"))
    assert cmd.options == {"title": "Forum", "text": "Doors open 09:30, talks at 10:00+01:00: https://example.org/a:b",
                           "at": "2027-10-31 02:30+02:00 Europe/Madrid", "link": "https://example.org/x:y"}


# --- 2. an unsupported language version ------------------------------------------------------------------

@pytest.mark.parametrize(("language", "line", "said"), [
    ("en", "/hrc announce title: T text: Hello world text_de: Hallo Welt",
     "“text_de:” is not a version the bot can send: an announcement has versions in English, Spanish, and French "
     "only (text_en:, title_en:, text_es:, title_es:, text_fr:, title_fr:)."),
    ("es", "/hrc anunciar título: T texto: Hola texto_de: Hallo",
     "«texto_de:» no es una versión que el bot pueda enviar: un anuncio solo tiene versiones en inglés, español y "
     "francés (texto_en:, título_en:, texto_es:, título_es:, texto_fr:, título_fr:)."),
    ("fr", "/hrc annoncer titre: T texte: Bonjour titre_pt: Olá",
     "« titre_pt: » n’est pas une version que le bot peut envoyer"),
])
def test_an_unsupported_language_version_is_refused_naming_the_supported_ones(language: str, line: str, said: str) -> None:
    error = refusal(line, language)
    assert said in error.message, error.message
    assert error.hint and "`" in error.hint  # put the text in quotes if the colon was meant


async def test_text_de_never_reaches_the_announcement(chat: Chat) -> None:
    reply = await chat.say("sec", "/hrc announce title: T text: Hello world text_de: Hallo Welt", secretariat=True)
    assert reply.is_error and "text_de:" in reply.text
    assert "No announcement yet." in (await chat.say("sec", "/hrc announcements", secretariat=True)).text


# --- 3. à: / a: / hora: schedule an announcement -----------------------------------------------------------

@pytest.mark.parametrize(("language", "line"), [
    ("fr", "/hrc annoncer titre: Bonjour texte: Réunion demain à: 2030-01-01 10:00 Europe/Paris"),
    ("fr", "/hrc annoncer titre: Bonjour texte: Réunion demain heure : 2030-01-01 10:00 Europe/Paris"),
    ("fr", "/hrc annoncer titre: Bonjour texte: Réunion demain quand: 2030-01-01 10:00 Europe/Paris"),
    ("es", "/hrc anunciar título: Hola texto: Reunión mañana a: 2030-01-01 10:00 Europe/Madrid"),
    ("es", "/hrc anunciar título: Hola texto: Reunión mañana hora: 2030-01-01 10:00 Europe/Madrid"),
    ("es", "/hrc anunciar título: Hola texto: Reunión mañana cuando: 2030-01-01 10:00 Europe/Madrid"),
])
async def test_the_spanish_and_french_schedule_keys_schedule_the_announcement(chat: Chat, language: str, line: str) -> None:
    preview = await chat.say("sec", line, language, secretariat=True)
    assert not preview.is_error, render_text(preview)
    assert "2030" in preview.text and ("maintenant" not in preview.text and "ahora" not in preview.text), preview.text
    async with chat.ctx.db.transaction(write=False) as session:
        stored = await announcement_queries.get(session, 1)
        assert stored is not None and stored.text in ("Réunion demain", "Reunión mañana")
        assert stored.send_at is not None and stored.send_at.year == 2030
    sent = await chat.say("sec", {"fr": "/hrc annoncer confirmer 1", "es": "/hrc anunciar confirmar 1"}[language],
                          language, secretariat=True)
    assert ("programmée" in sent.text or "programado" in sent.text), sent.text


def test_the_same_spelling_is_the_key_its_command_has() -> None:
    fr, es = translator("fr"), translator("es")
    assert parse("/hrc transférer Grenoble à: @maria", fr).options == {"to": "@maria"}
    assert parse("/hrc traspasar Grenoble a: @maria", es).options == {"to": "@maria"}
    assert parse("/hrc annoncer titre: T texte: x à: 2030-01-01 10:00", fr).options["at"] == "2030-01-01 10:00"
    assert parse("/hrc anunciar título: T texto: x a: 2030-01-01 10:00", es).options["at"] == "2030-01-01 10:00"


# --- 4. time zone in several words ---------------------------------------------------------------------

@pytest.mark.parametrize(("language", "line"), [
    ("en", "/hrc register city: Lyon country: France region: Europe time zone: Europe/Paris"),
    ("en", "/hrc register city: Lyon country: France region: Europe timezone: Europe/Paris"),
    ("es", "/hrc registrar ciudad: Lyon país: Francia región: Europa zona horaria: Europe/Paris"),
    ("es", "/hrc registrar ciudad: Lyon país: Francia región: Europa huso horario: Europe/Paris"),
    ("es", "/hrc registrar ciudad: Lyon país: Francia región: Europa zona: Europe/Paris"),
    ("fr", "/hrc inscrire ville: Lyon pays: France région: Europe fuseau horaire : Europe/Paris"),
    ("fr", "/hrc inscrire ville: Lyon pays: France région: Europe fuseau: Europe/Paris"),
])
async def test_multi_word_time_zone_keys_set_the_time_zone(chat: Chat, language: str, line: str) -> None:
    assert parse(line, translator(language)).options == {
        "city": "Lyon", "country": "France" if language != "es" else "Francia",
        "region": "Europe" if language != "es" else "Europa", "timezone": "Europe/Paris"}
    reply = await chat.say("ana", line, language)
    assert not reply.is_error, render_text(reply)
    assert "Europe/Paris" in render_text(reply)


# --- 5. command aliases, and did you mean in the reader's words -----------------------------------------

@pytest.mark.parametrize(("language", "line", "command"), [
    ("es", "/hrc pausa 2 semanas", "pause"), ("es", "/hrc suspender 2 semanas", "pause"),
    ("fr", "/hrc suspendre 2 semaines", "pause"), ("fr", "/hrc pause 2 semaines", "pause"),
    ("fr", "/hrc reprise", "resume"), ("fr", "/hrc reprendre", "resume"), ("es", "/hrc retomar", "resume"),
])
async def test_pause_and_resume_have_their_natural_spanish_and_french_names(
        chat: Chat, language: str, line: str, command: str) -> None:
    assert parse(line, translator(language)).name == command
    reply = await chat.say("ana", line, language)
    assert not reply.is_error, render_text(reply)


@pytest.mark.parametrize(("language", "line", "said"), [
    ("es", "/hrc pausr 2 semanas", "No conozco el comando «pausr». ¿Quisiste decir «pausar»?"),
    ("es", "/hrc registrr", "¿Quisiste decir «registrar»?"),
    ("fr", "/hrc reprndre", "Vouliez-vous dire « reprendre » ?"),
    ("fr", "/hrc registr", "Vouliez-vous dire « inscrire » ?"),
    ("en", "/hrc registr city: X", "Did you mean “register”?"),
])
def test_unknown_commands_are_suggested_in_the_readers_words(language: str, line: str, said: str) -> None:
    error = refusal(line, language)
    assert said in error.message, error.message


@pytest.mark.parametrize(("language", "line", "said"), [
    ("es", "/hrc ayuda pausr", "¿Quisiste decir «pausar»?"),
    ("fr", "/hrc aide reprndre", "Vouliez-vous dire « reprendre » ?"),
])
async def test_help_suggests_in_the_readers_words(chat: Chat, language: str, line: str, said: str) -> None:
    reply = await chat.say("ana", line, language)
    assert reply.is_error and said in reply.text, reply.text


async def test_tree_help_suggests_paths_as_the_readers_client_shows_them(chat: Chat) -> None:
    reply = await chat.say("ana", "/hrc help calendario dais", "es", platform="discord")
    assert reply.is_error and "«/calendario días»" in reply.text, reply.text


# --- 6. commands quoted back in the reader's words ------------------------------------------------------

async def test_a_spanish_reader_is_told_tema_anadir_vivienda_and_it_works_typed_back(chat: Chat) -> None:
    hint = await chat.say("ana", "/hrc quién vivienda", "es")
    assert "`/hrc tema añadir vivienda`" in render_text(hint), render_text(hint)
    assert_no_english(render_text(hint), "es")
    assert not (await chat.say("ana", "/hrc registrar ciudad: Lyon país: Francia región: Europa", "es")).is_error
    added = await chat.say("ana", re.search(r"`(/hrc [^`]*)`", render_text(hint)).group(1), "es")  # type: ignore[union-attr]
    assert not added.is_error and "Vivienda" in render_text(added), render_text(added)
    french = render_text(await chat.say("bob", "/hrc qui logement", "fr"))
    assert "`/hrc thème ajouter logement`" in french, french


@pytest.mark.parametrize(("language", "day", "act", "themes"), [
    ("es", "/hrc día día mundial del agua", "/hrc actuar Día Mundial del Agua", "temas: agua y saneamiento"),
    ("fr", "/hrc jour journée mondiale de l'eau", "/hrc agir Journée mondiale de l'eau", "thèmes: eau et assainissement"),
])
async def test_a_days_card_quotes_act_and_share_with_the_readers_day_and_theme_names_which_work_typed_back(
        chat: Chat, language: str, day: str, act: str, themes: str) -> None:
    assert not (await chat.say("ana", REGISTER)).is_error
    assert not (await chat.say("sec", "/hrc verify Grenoble")).is_error
    card = render_text(await chat.say("ana", day, language))
    assert f"`{act}`" in card and themes in card, card
    assert_no_english(card, language)
    acted = await chat.say("ana", act, language)
    assert not acted.is_error, render_text(acted)
    withdraw = re.search(r"`(/hrc [^`]*)`", acted.footer or "").group(1)  # type: ignore[union-attr]
    assert act.split(None, 2)[2] in withdraw, withdraw
    assert not (await chat.say("ana", withdraw, language)).is_error


@pytest.mark.parametrize("language", ["es", "fr"])
def test_every_theme_and_day_quoted_in_a_language_names_itself_typed_back(language: str) -> None:
    _ = translator(language)
    for theme in THEMES:
        quoted = theme_arg(theme.slug, language)
        assert "," not in quoted and find_theme(quoted, _) is theme, (quoted, theme.slug)
    days = list(un_days())
    for day in days:
        quoted = day_arg(day, language)
        assert find_observance(quoted, days, _) is day, (quoted, day.slug)
        assert parse(f"/hrc act {quoted} note: x", _).main == quoted


@pytest.mark.parametrize(("line", "language", "shown"), [
    ("subscribe housing, water-sanitation", "es", "suscribir vivienda, agua y saneamiento"),
    ("unsubscribe all", "fr", "désabonner tous"),
    ("leave confirm: yes", "fr", "quitter confirmer: oui"),
    ("act world-water-day practice: 5", "es", "actuar Día Mundial del Agua práctica: 5"),
    ("announce confirm 3", "fr", "annoncer confirmer 3"),
    ("act world-water-day practice: 5", "en", "act world-water-day practice: 5"),
])
def test_commands_behind_buttons_are_shown_in_the_readers_words_and_parse_back(line: str, language: str, shown: str) -> None:
    assert command_line(line, language) == shown
    english, back = parse(line, translator("en")), parse(shown, translator(language))
    assert (back.name, set(back.options)) == (english.name, set(english.options))


# --- the whole kind: every key of every command in every language ----------------------------------------

def _prefix(spec: CommandSpec, language: str) -> tuple[str, str | None]:
    """What comes before the option under test: the command's words and, when it takes them, free words."""
    words = localized_command(spec.name, language)
    return (f"/hrc {words} alpha beta", "alpha beta") if spec.main is not None else (f"/hrc {words}", None)


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_spelling_of_every_key_ends_the_value_before_it(command: str) -> None:
    """In each language, after the free words and after every other key of the command, each spelling of each
    key (``à:``, ``zona horaria:``, ``texto_es:``…) starts its own value."""
    spec = COMMANDS[command]
    for language in LANGUAGES:
        _ = translator(language)
        line, main = _prefix(spec, language)
        for key in spec.keys:
            for spelling in key_spellings(key, language):
                parsed = parse(f"{line} {spelling}: gamma delta", _)
                assert (parsed.name, parsed.main or None, parsed.options) == (command, main, {key: "gamma delta"}), \
                    (language, spelling)
                for other in spec.keys:
                    if other != key:
                        other_spelling = key_spellings(other, language)[0]
                        value = "three"
                        parsed = parse(f"{line} {other_spelling}: one two {spelling}: {value}", _)
                        assert parsed.options == {other: "one two", key: value}, (language, other_spelling, spelling)


def _foreign_spellings(spec: CommandSpec) -> list[str]:
    return sorted({spelling for key in KEY_WORDS for spelling in key_spellings(key)
                   if option_key(spelling, spec.keys) is None})


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_a_key_of_another_command_is_refused_in_short_values_and_prose_in_free_text_never_glued(command: str) -> None:
    spec = COMMANDS[command]
    for language in LANGUAGES:
        line, _main = _prefix(spec, language)
        places = [(line, None)] + [(f"{line} {key_spellings(key, language)[0]}: one two", key) for key in spec.keys]
        for place, key in places:
            for foreign in _foreign_spellings(spec):
                if is_free_text(spec.name, key) and "_" not in foreign:  # prose ("Save the date:", "la región:")
                    parsed = parse(f"{place} {foreign}: three", translator(language))
                    assert (parsed.opt(key) if key else parsed.main).endswith(f"{foreign}: three"), (place, foreign)
                    continue
                error = refusal(f"{place} {foreign}: three", language)
                assert f"{foreign}:" in error.message, (place, foreign, error.message)
