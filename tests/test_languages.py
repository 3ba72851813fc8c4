"""Three languages end to end: who reads which, Spanish and French words, whole conversations with no English."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.broadcast import BroadcastWorker
from bot.console import run_console
from bot.render_text import render_text
from bot.scheduler import PromptScheduler
from bot.settings import Settings, SettingsError, load_settings
from bot.wiring import build_runtime
from handlers.context import Context
from handlers.day_names import official_names
from handlers.dispatch import handle_text
from handlers.types import Place
from storage.session import Database
from tests.conftest import Chat, FakeClock, person
from tests.english import assert_no_english, english_in
from tests.fakes.recording_sender import RecordingSender
from tests.test_console_cli import hrc_bot

SPANISH_SESSION = """\
/hrc registrar ciudad: Bogotá país: Colombia región: América Latina temas: vivienda, agua
/hrc verificar Bogotá
/hrc quién vivienda región: América Latina
/hrc días diciembre
/hrc día Día de los Derechos Humanos
/hrc tema añadir justicia climática
/hrc ayuda quién
/hrc quién
/hrc días trece
"""

FRENCH_SESSION = """\
/hrc inscrire ville: Grenoble pays: France région: Europe thèmes: logement, démocratie participative
/hrc vérifier Grenoble
/hrc qui logement
/hrc jours décembre
/hrc jour Journée des droits de l'homme
/hrc thème ajouter eau
/hrc aide qui
/hrc qui
/hrc jours treize
"""


@pytest.mark.parametrize(
    ("language", "session", "args", "env", "expected"),
    [
        ("es", SPANISH_SESSION, ["--language", "es"], {"HRC_DEFAULT_LANGUAGE": "es"}, [
            "Gracias: Bogotá está registrada", "Quién trabaja en Vivienda en América Latina", "Días de diciembre de 2026",
            "jue 10 dic 2026: Día de los Derechos Humanos", "https://www.un.org/es/observances/human-rights-day",
            "Bogotá trabaja ahora en:", "quién TEMA [región: REGIÓN]", "Ejemplo: /hrc quién vivienda región: América Latina",
            "Dime el tema.", "«trece» no es un mes.",
        ]),
        ("fr", FRENCH_SESSION, [], {"HRC_CONSOLE_LOCALE": "fr", "HRC_DEFAULT_LANGUAGE": "fr"}, [
            "Merci : Grenoble est inscrite", "Qui travaille sur Logement", "Journées de décembre 2026",
            "jeu. 10 déc. 2026 : Journée des droits de l'homme", "https://www.un.org/fr/observances/human-rights-day",
            "Grenoble travaille désormais sur :", "qui THÈME [région: RÉGION]", "Indiquez le thème.",
            "« treize » n’est pas un mois.",
        ]),
    ],
)
def test_a_whole_console_conversation_in_spanish_and_in_french(
    tmp_path: Path, language: str, session: str, args: list[str], env: dict[str, str], expected: list[str]
) -> None:
    result = hrc_bot(["console", "--user", "ana", "--secretariat", *args], tmp_path, session, **env)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    for line in expected:
        assert line in out.replace(":  ", ": "), f"{line!r} missing from:\n{out}"
    assert "Traceback" not in out + result.stderr
    assert_no_english(out, language, typed=("Bogotá", "Grenoble"))


async def test_language_order_choice_then_platform_then_city_then_default(db: Database, clock: FakeClock) -> None:
    ctx = Context(db=db, clock=clock, secretariat=frozenset({"console:sec"}), default_language="fr")
    actor, place = person("ana")

    async def say(text: str, locale: str = "") -> str:
        return render_text(await handle_text(ctx, actor, place, text, locale))

    assert "Tous les thèmes" in await say("/hrc help themes")  # nothing known: HRC_DEFAULT_LANGUAGE
    assert "Every theme" in await say("/hrc help themes", "en-GB")  # the platform's language
    assert "Tous les thèmes" in await say("/hrc help themes", "de")  # a language the bot does not speak is skipped: default
    await say("/hrc register city: Quilmes country: Argentina region: Latin America languages: pt, es")
    assert "Todos los temas" in await say("/hrc help themes")  # the city's first language the bot speaks
    assert "Every theme" in await say("/hrc help themes", "en-US")  # the platform still wins over the city
    assert "From now on I write to you in English." in await say("/hrc language english", "es-ES")
    assert "Every theme" in await say("/hrc help themes", "fr")  # the person's own choice wins over everything
    assert "Désormais, je vous écris en français." in await say("/hrc langue français")
    assert "Je vous écris en français." in await say("/hrc idioma")
    error = await handle_text(ctx, actor, place, "/hrc language klingon")
    assert error.is_error and "Je ne parle pas encore « klingon »" in error.text


async def test_decisions_reach_each_focal_point_in_their_own_language(chat: Chat) -> None:
    await chat.say("ana", "/hrc registrar ciudad: Bogotá país: Colombia región: América Latina", locale="es-CO")
    await chat.say("luc", "/hrc inscrire ville: Bogotá pays: Colombie région: Amérique latine", locale="fr-FR")
    reply = await chat.say("sec", "/hrc verify Bogotá", secretariat=True)
    texts = {n.member.user_id: n.reply.text for n in reply.notices if n.member}
    assert texts["ana"].startswith("¡Te damos la bienvenida a la campaña! Bogotá")
    assert texts["luc"].startswith("Bienvenue dans la campagne ! Bogotá")
    assert reply.text == "Bogotá is verified; 2 focal points told."


async def test_plurals_follow_the_count(chat: Chat) -> None:
    await chat.say("ana", "/hrc register city: Grenoble country: France region: Europe")
    one = await chat.say("sec", "/hrc verify Grenoble", secretariat=True)
    assert one.text == "Grenoble is verified; 1 focal point told."
    for user in ("bob", "eve"):
        await chat.say(user, "/hrc register city: Grenoble country: France region: Europe")
    two = await chat.say("sec", "/hrc verify Grenoble", secretariat=True)
    assert two.text == "2 new focal points of Grenoble confirmed and told."


async def test_a_channel_set_to_french_gets_its_prompt_in_french_and_others_in_their_language(db: Database, clock: FakeClock) -> None:
    runtime = build_runtime(Settings(secretariat=frozenset({"slack:sec"})), database=db)
    runtime.ctx.clock = clock
    slack = RecordingSender("slack")
    runtime.notices.register(slack)
    actor, _ = person("sec", platform="slack")
    for channel, extra in (("PARIS", " language: fr"), ("BOGOTA", " idioma: es"), ("NYC", "")):
        reply = await runtime.answer_text(actor, Place("slack", "W1", channel), f"/hrc channel set days timezone: UTC{extra}")
        assert not reply.is_error, reply.text
    again = await runtime.answer_text(actor, Place("slack", "W1", "NYC"), "/hrc canal activar días idioma: es")
    assert again.text.startswith("Updated. One post per day at 09:00 UTC · themes: all campaign themes · Spanish.\n")
    clock.now = datetime(2026, 12, 10, 9, 30, tzinfo=UTC)
    await PromptScheduler(runtime).tick()
    assert slack.titles("channel", "PARIS") == ["Aujourd’hui : Journée des droits de l'homme"]
    assert slack.titles("channel", "BOGOTA") == ["Hoy: Día de los Derechos Humanos"]
    assert slack.titles("channel", "NYC") == ["Hoy: Día de los Derechos Humanos"]
    channels = render_text(await runtime.answer_text(actor, Place("slack", "W1", "NYC"), "/hrc canaux", "fr"))
    assert "espagnol" in channels and "français" in channels


async def test_day_names_shown_in_spanish_and_french_are_the_official_ones(chat: Chat) -> None:
    """Every es/fr day name the bot shows comes from un_days_i18n.csv, else it is the official English name."""
    from handlers.calendar import un_days

    english = {day.name for day in un_days()}
    for language, word in (("es", "días"), ("fr", "jours")):
        official = {names[language] for names in official_names().values() if language in names}
        for month in range(1, 13):
            actor, place = person("ana")
            reply = await handle_text(chat.ctx, actor, place, f"/hrc {word} {month}", language)
            for item in reply.items:
                name = item.title.split(": ", 1)[1] if ": " in item.title else item.title.split(" : ", 1)[1]
                assert name in official or name in english, f"{language}: {name!r} is neither official nor English"


async def test_names_found_since_in_un_sources_are_shown_and_understood(chat: Chat) -> None:
    """Rows filled from the UN's own pages (press.un.org, un.org/es, UN News): shown, and typed back."""
    actor, place = person("ana")
    chess = await handle_text(chat.ctx, actor, place, "/hrc jour Journée mondiale des échecs", "fr")
    assert chess.title == "Journée mondiale des échecs", chess.title
    remittances = await handle_text(chat.ctx, actor, place, "/hrc día Día Internacional de las Remesas Familiares", "es")
    assert remittances.title == "Día Internacional de las Remesas Familiares"
    charity = await handle_text(chat.ctx, actor, place, "/hrc día Día Internacional de la Beneficencia", "es")
    assert charity.title == "Día Internacional de la Beneficencia"
    basketball = await handle_text(chat.ctx, actor, place, "/hrc jour journee mondiale du basket-ball", "fr")
    assert basketball.title == "Journée mondiale du basket-ball", basketball.title
    creativity = await handle_text(chat.ctx, actor, place, "/hrc jour world-creativity-and-innovation-day", "fr")
    assert creativity.title == "Journée mondiale de la créativité et de l'innovation", creativity.title
    neutrality = await handle_text(chat.ctx, actor, place, "/hrc jour journée internationale de la neutralité", "fr")
    assert neutrality.title == "Journée internationale de la neutralité", neutrality.title
    diplomacy = await handle_text(chat.ctx, actor, place, "/hrc día multilateralism-and-diplomacy-for-peace-day", "es")
    assert diplomacy.title == "Día Internacional del Multilateralismo y la Diplomacia para la Paz", diplomacy.title
    english = await handle_text(chat.ctx, actor, place, "/hrc day world-chess-day", "en")
    assert english.title == "World Chess Day"


async def test_a_language_with_words_after_it_is_refused_not_half_read(chat: Chat) -> None:
    """``fr extra`` is not a language (it was read as the tag ``fr-extra``); a tag itself still is."""
    actor, place = person("ana")
    refused = await handle_text(chat.ctx, actor, place, "/hrc language fr extra", "en")
    assert refused.is_error and "I don't speak “fr extra” yet" in refused.text, refused.text
    assert (await handle_text(chat.ctx, actor, place, "/hrc language", "en")).text == "I write to you in English."
    chosen = await handle_text(chat.ctx, actor, place, "/hrc language es-419", "en")
    assert chosen.text == "A partir de ahora te escribo en español.", chosen.text


def test_a_bad_language_setting_stops_the_start_with_one_line() -> None:
    with pytest.raises(SettingsError, match="HRC_DEFAULT_LANGUAGE: unsupported language 'de'"):
        load_settings({"HRC_DEFAULT_LANGUAGE": "de"}, env_file=None)
    assert load_settings({"HRC_CONSOLE_LOCALE": "es-MX"}, env_file=None).console_language == "es"


CONSOLE_CONVERSATIONS = {
    "es": ("""\
/hrc registrar ciudad: Bogotá país: Colombia región: América Latina temas: vivienda, agua
/hrc verificar Bogotá
/hrc quién vivienda
/hrc días diciembre
/hrc día Día de los Derechos Humanos
/hrc canal activar días idioma: fr zona: UTC
/hrc canal activar anuncios idioma: es
/hrc anunciar título: Forum texto: Registrations are open. título_es: Foro texto_es: Las inscripciones están abiertas.
/hrc anunciar confirmar
/hrc anunciar confirmar 1
/hrc exportar
""", [
        "→ canal de la secretaría:", "→ mensaje para @ana:", "Quién trabaja en Vivienda", "Días de diciembre de 2026",
        "Día de los Derechos Humanos", "→ publicación en #console:\n  | Aujourd’hui : Journée des droits de l'homme",
        "Foro\n====\nLas inscripciones están abiertas.", "1 canal: la versión en español",  # previewed as delivered
        "→ publicación en #console:\n  | Foro\n  | ====\n  | Las inscripciones están abiertas.",
        "[Enviar: /hrc anunciar confirmar 1]", "Indica el número del anuncio", "Indica qué exportar",
    ]),
    "fr": ("""\
/hrc inscrire ville: Grenoble pays: France région: Europe thèmes: logement, eau
/hrc vérifier Grenoble
/hrc qui logement
/hrc jours décembre
/hrc jour Journée des droits de l'homme
/hrc canal activer jours langue: fr fuseau: UTC
/hrc canal activer annonces langue: es
/hrc annoncer titre: Forum texte: Registrations are open. titre_es: Foro texte_es: Las inscripciones están abiertas.
/hrc annoncer confirmer
/hrc annoncer confirmer 1
/hrc exporter
""", [
        "→ canal du secrétariat :", "→ message à @ana :", "Qui travaille sur Logement", "Journées de décembre 2026",
        "Journée des droits de l'homme", "→ publication dans #console :\n  | Aujourd’hui : Journée des droits de l'homme",
        "Foro\n====\nLas inscripciones están abiertas.", "1 canal : la version en espagnol",
        "→ publication dans #console :\n  | Foro\n  | ====\n  | Las inscripciones están abiertas.",
        "[Envoyer: /hrc annoncer confirmer 1]", "Indiquez le numéro de l’annonce", "Indiquez quoi exporter",
    ]),
}


@pytest.mark.parametrize("language", ["es", "fr"])
async def test_a_whole_console_conversation_with_a_prompt_and_an_announcement_has_no_english(
    db: Database, language: str
) -> None:
    """In-process console: the answers, the console's own lines, a day-of prompt to a channel set to French and
    an announcement's Spanish version reaching a Spanish channel (the main text is English, as typed), all
    without one English sentence."""
    session, expected = CONSOLE_CONVERSATIONS[language]
    runtime = build_runtime(Settings(default_language=language), database=db)
    runtime.ctx.clock = FakeClock(datetime(2026, 12, 10, 9, 30, tzinfo=UTC))
    worker = BroadcastWorker(runtime)

    async def deliver() -> None:
        await PromptScheduler(runtime).tick()
        await worker.run_once()

    out = io.StringIO()
    await run_console(runtime, "ana", secretariat=True, stdin=io.StringIO(session), out=out, after_command=deliver,
                      language=language)
    text = out.getvalue()
    for line in expected:
        assert line in text, f"{line!r} missing from:\n{text}"
    # What was posted in the channel set to French is checked as French, everything else in the conversation's language.
    prompt = re.search(r"^→ [^\n]*\n((?:  \| [^\n]*\n)*?  \| Aujourd’hui :(?:[^\n]*\n)(?:  \| [^\n]*\n)*)", text, re.M)
    assert prompt is not None, text
    assert_no_english(prompt.group(1), "fr")
    rest = text.replace(prompt.group(1), "")
    assert_no_english(rest, language, typed=("Registrations are open.", "Las inscripciones están abiertas."))


def test_the_english_checker_finds_english_words_and_sentences_and_lets_the_languages_through() -> None:
    assert english_in("→ message to @bob:", "es") and english_in("→ post to #general:", "fr")
    assert english_in("Tell me the theme.", "fr") and english_in("Thank you: Bogotá is registered.", "es")
    assert not english_in("→ mensaje para @bob:\nBogotá está verificada.", "es")
    assert not english_in("→ message à @bob :\nDate : 10 décembre 2026, page 2", "fr")  # French words English also has
    assert not english_in("• jue 24 dic 2026: International Anti-Cybercrime Day", "es")  # no official Spanish name
    assert english_in("Registrations are open.", "es") and not english_in("Registrations are open.", "es",
                                                                        typed=("Registrations are open.",))
    # Commands quoted in the English grammar or tree, where the language has its own words.
    assert english_in("Partagez une pratique avec `/practices share`.", "fr")
    assert not english_in("Partagez une pratique avec `/pratiques partager`.", "fr")
    assert english_in("[Enviar: /hrc announce confirm 1]", "es") and not english_in("[Enviar: /hrc anunciar confirmar 1]", "es")
    assert not english_in("`/hrc día human-rights-day` · `/hrc canal activar días|anuncios [zona: IANA]`", "es")


BROAD_SESSIONS = {
    "es": """\
/hrc ayuda
/hrc registrar ciudad: Bogotá país: Colombia región: América Latina temas: vivienda, agua
/hrc pendientes
/hrc verificar Bogotá
/hrc perfil Bogotá
/hrc temas
/hrc compartir título: Presupuesto participativo temas: vivienda resumen: Los vecinos deciden.
/hrc prácticas presupuesto
/hrc suscribir vivienda
/hrc pausar 2 semanas
/hrc reanudar
/hrc desuscribir vivienda
/hrc progreso
/hrc canal activar anuncios idioma: es
/hrc canales
/hrc anunciar título: Foro texto: Hola a todos cuándo: 2027-01-05 09:00 UTC
/hrc anunciar confirmar 1
/hrc anuncios
/hrc anunciar estado 1
/hrc anunciar cancelar 1
/hrc días añadir nombre: Foro Mundial fecha: 2027-05-18 temas: vivienda
/hrc días quitar Foro Mundial
/hrc rechazar Nada motivo: no existe
/hrc quién vivienda región: Marte
/hrc blabla
/hrc quién vivienda país: Chile
/hrc idioma klingon
/hrc día zzzz
/hrc anunciar título: x texto: y cuándo: mañana
""",
    "fr": """\
/hrc aide
/hrc inscrire ville: Grenoble pays: France région: Europe thèmes: logement, eau
/hrc attente
/hrc vérifier Grenoble
/hrc profil Grenoble
/hrc thèmes
/hrc partager titre: Budget participatif thèmes: logement résumé: Les habitants décident.
/hrc pratiques budget
/hrc abonner logement
/hrc pause 2 semaines
/hrc reprendre
/hrc désabonner logement
/hrc progrès
/hrc canal activer annonces langue: fr
/hrc canaux
/hrc annoncer titre: Forum texte: Bonjour à tous quand: 2027-01-05 09:00 UTC
/hrc annoncer confirmer 1
/hrc annonces
/hrc annoncer état 1
/hrc annoncer annuler 1
/hrc jours ajouter nom: Forum mondial date: 2027-05-18 thèmes: logement
/hrc jours retirer Forum mondial
/hrc rejeter Nada motif: n'existe pas
/hrc qui logement région: Mars
/hrc blabla
/hrc qui logement pays: France
/hrc langue klingon
/hrc jour zzzz
/hrc annoncer titre: x texte: y quand: demain
""",
}
BROAD_TYPED = ("Bogotá", "Grenoble", "Presupuesto participativo", "Los vecinos deciden.", "Budget participatif",
               "Les habitants décident.", "Hola a todos", "Bonjour à tous", "Foro Mundial", "Forum mondial", "Foro",
               "Forum", "Nada", "Marte", "Mars", "blabla", "klingon", "zzzz")


@pytest.mark.parametrize("language", ["es", "fr"])
async def test_help_profiles_practices_subscriptions_channels_announcements_and_errors_have_no_english(
    db: Database, language: str
) -> None:
    """Most commands, and the mistakes people make, in Spanish and in French: every answer and every console
    line is in the language (the audit trail and exports, whose values are records, are left out)."""
    runtime = build_runtime(Settings(default_language=language), database=db)
    runtime.ctx.clock = FakeClock(datetime(2026, 12, 2, 10, 0, tzinfo=UTC))
    out = io.StringIO()
    await run_console(runtime, "ana", secretariat=True, stdin=io.StringIO(BROAD_SESSIONS[language]), out=out,
                      language=language)
    text = out.getvalue()
    assert text.count("\n\n") >= 28, text  # one answer per command
    assert_no_english(text, language, typed=BROAD_TYPED)


async def test_a_typed_command_reads_the_readers_language_once(db: Database, clock: FakeClock) -> None:
    """``handle_text`` finds the reader's language to parse the line in, and answers in it without reading it
    again (with the reply cache off, each reading is a query: issue 17's directory benchmark)."""
    from sqlalchemy import event

    ctx = Context(db=db, clock=clock)
    actor, place = person("ana")
    await handle_text(ctx, actor, place, "/hrc language es")
    reads: list[str] = []

    def seen(_conn: object, _cursor: object, statement: str, *_rest: object) -> None:
        if statement.lstrip().startswith("SELECT members.language"):
            reads.append(statement)

    event.listen(db.engine.sync_engine, "before_cursor_execute", seen)
    try:
        reply = await handle_text(ctx, actor, place, "/hrc themes")
    finally:
        event.remove(db.engine.sync_engine, "before_cursor_execute", seen)
    assert reply.language == "es" and not reply.is_error
    assert len(reads) == 1
