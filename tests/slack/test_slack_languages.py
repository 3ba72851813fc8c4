"""A whole Slack conversation in Spanish and in French through the real Bolt app: every answer, notice, prompt
and announcement in the reader's language, with no English left (tests/english.py)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from bot.broadcast import BroadcastWorker
from bot.scheduler import PromptScheduler
from tests.english import assert_no_english
from tests.slack.conftest import SlackBot, block_texts

# (user, channel, command): ana registers and asks, the secretariat (USEC) verifies, sets channels, announces.
CONVERSATIONS = {
    "es": [
        ("UANA", "CGEN", "registrar ciudad: Bogotá país: Colombia región: América Latina temas: vivienda, agua"),
        ("USEC", "CGEN", "verificar Bogotá"),
        ("UANA", "CGEN", "quién vivienda"),
        ("UANA", "CGEN", "días diciembre"),
        ("UANA", "CGEN", "día Día de los Derechos Humanos"),
        ("UANA", "CGEN", "quién"),
        ("USEC", "CDIAS", "canal activar días idioma: es zona: UTC"),
        ("USEC", "CFR", "canal activar días idioma: fr zona: UTC"),
        ("USEC", "CANUN", "canal activar anuncios idioma: es"),
        ("USEC", "CEN", "canal activar anuncios idioma: en"),
        ("USEC", "CGEN", "anunciar título: Forum texto: Registrations are open. título_es: Foro "
                         "texto_es: Las inscripciones están abiertas. texto_fr: Les inscriptions sont ouvertes. privado: sí"),
        ("USEC", "CGEN", "anunciar confirmar 1"),
    ],
    "fr": [
        ("UANA", "CGEN", "inscrire ville: Grenoble pays: France région: Europe thèmes: logement, eau"),
        ("USEC", "CGEN", "vérifier Grenoble"),
        ("UANA", "CGEN", "qui logement"),
        ("UANA", "CGEN", "jours décembre"),
        ("UANA", "CGEN", "jour Journée des droits de l'homme"),
        ("UANA", "CGEN", "qui"),
        ("USEC", "CDIAS", "canal activer jours langue: es fuseau: UTC"),
        ("USEC", "CFR", "canal activer jours langue: fr fuseau: UTC"),
        ("USEC", "CANUN", "canal activer annonces langue: es"),
        ("USEC", "CEN", "canal activer annonces langue: en"),
        ("USEC", "CGEN", "annoncer titre: Forum texte: Registrations are open. titre_es: Foro "
                         "texte_es: Las inscripciones están abiertas. texte_fr: Les inscriptions sont ouvertes. privé: oui"),
        ("USEC", "CGEN", "annoncer confirmer 1"),
    ],
}
EXPECTED = {
    "es": ["Gracias: Bogotá está registrada", "Quién trabaja en Vivienda", "Días de diciembre de 2026",
           "Día de los Derechos Humanos", "Dime el tema.", "Vista previa del anuncio n.º 1", "la versión en español"],
    "fr": ["Merci : Grenoble est inscrite", "Qui travaille sur Logement", "Journées de décembre 2026",
           "Journée des droits de l'homme", "Indiquez le thème.", "Aperçu de l’annonce n° 1", "la version en espagnol"],
}
LOCALES = {"es": "es-ES", "fr": "fr-FR"}


def message_text(message: dict[str, Any]) -> str:
    return message.get("text", "") + "\n" + block_texts(message.get("blocks", []))


def posts(slack: SlackBot, channel: str) -> str:
    return "\n".join(message_text(p) for p in slack.fake.called("chat.postMessage") if p["channel"] == channel)


@pytest.mark.parametrize("language", ["es", "fr"])
async def test_a_whole_slack_conversation_in_spanish_and_in_french(slack: SlackBot, language: str) -> None:
    for user, name in (("UANA", "Ana"), ("USEC", "Sec")):
        slack.fake.users[user] = {"id": user, "name": name.lower(), "locale": LOCALES[language],
                                  "profile": {"display_name": name, "real_name": name}}
    slack.runtime.ctx.default_language = language  # the secretariat channel's notices
    slack.runtime.ctx.clock = lambda: datetime(2026, 12, 10, 9, 30, tzinfo=UTC)
    answers = []
    for user, channel, command in CONVERSATIONS[language]:
        answer = await slack.command(command, user=user, name=user.lower(), channel=channel)
        answers.append(message_text(answer))
    await PromptScheduler(slack.runtime).tick()
    await BroadcastWorker(slack.runtime).run_once()

    said = "\n".join(answers)
    for line in EXPECTED[language]:
        assert line in said, f"{line!r} missing from:\n{said}"
    # The answers, the notices to ana and to the secretariat channel, the author's report: all in the language.
    notices = "\n".join(message_text(p) for p in slack.fake.called("chat.postMessage")
                        if p["channel"] in ("CSEC", "UANA", "USEC", "DUANA", "DUSEC"))
    assert notices.strip()
    typed = ("Bogotá", "Grenoble", "Registrations are open.", "Las inscripciones están abiertas.",
             "Les inscriptions sont ouvertes.")
    # The preview shows the English channel's copy exactly as it will be delivered: in English.
    english_copy = "Campaign secretariat · 10, 100, 1000 Human Rights Cities &amp; Territories"
    assert english_copy in said
    assert_no_english(said.replace(english_copy, "") + "\n" + notices, language, typed=typed)
    # Each channel in its own language: the day-of prompts, the announcement's Spanish version, else the main text.
    assert "Hoy: Día de los Derechos Humanos" in posts(slack, "CDIAS")
    assert "Aujourd’hui : Journée des droits de l'homme" in posts(slack, "CFR")
    assert_no_english(posts(slack, "CDIAS"), "es")
    assert_no_english(posts(slack, "CFR"), "fr")
    spanish = posts(slack, "CANUN")
    assert "Foro" in spanish and "Las inscripciones están abiertas." in spanish and "Registrations" not in spanish
    assert_no_english(spanish, "es", typed=typed)
    english = posts(slack, "CEN")
    assert "Registrations are open." in english and "Campaign secretariat" in english
    # ana, a focal point, by direct message: the version of the language she reads (Spanish, or French).
    dm = "\n".join(message_text(p) for p in slack.fake.called("chat.postMessage")
                   if p["channel"] in ("UANA", "DUANA") and "inscri" in message_text(p))
    mine = {"es": "Las inscripciones están abiertas.", "fr": "Les inscriptions sont ouvertes."}[language]
    assert mine in dm and "Registrations" not in dm, dm
