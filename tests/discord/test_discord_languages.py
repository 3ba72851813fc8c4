"""Discord in Spanish and French: localized command names synced, answers in the client's language, and a whole
conversation (answers, notices, prompts, an announcement's Spanish version) with no English left."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from bot.broadcast import BroadcastWorker
from bot.scheduler import PromptScheduler
from tests.discord.conftest import DiscordBot, embed_text
from tests.discord.test_discord_tree import run, synced
from tests.english import assert_no_english
from tests.fakes.discord_api import SECRETARIAT_ROLE_ID, Channel, slash

SEC = "500000000000000002"
LOCALES = ("es-ES", "es-419", "fr")


def walk(node: dict[str, Any]) -> list[dict[str, Any]]:
    found = [node]
    for child in node.get("options", []) or []:
        found += walk(child)
    return found


async def test_command_names_descriptions_and_choices_are_localized_within_discords_rules(discord_bot: DiscordBot) -> None:
    tree = synced(discord_bot)
    assert tree["who"]["name_localizations"] == {"es-ES": "quién", "es-419": "quién", "fr": "qui"}
    assert tree["calendar"]["name_localizations"]["fr"] == "calendrier"
    assert tree["who"]["description_localizations"]["es-ES"].startswith("Ciudades verificadas")
    region = next(o for o in tree["who"]["options"] if o["name"] == "region")
    assert region["name_localizations"]["fr"] == "région"
    assert {(c.get("name_localizations") or {}).get("es-419", c["name"]) for c in region["choices"]} >= {"América Latina", "África"}
    for command in tree.values():
        for node in walk(command):
            siblings = [o for o in node.get("options", []) or []]
            for locale in LOCALES:
                names = [(o.get("name_localizations") or {}).get(locale, o["name"]) for o in siblings]
                assert len(names) == len(set(names)), f"{locale}: two options named alike under {node['name']}"
            for text in (node.get("description_localizations") or {}).values():
                assert 1 <= len(text) <= 100, text
            for name in (node.get("name_localizations") or {}).values():
                menu = node.get("type") in (2, 3) and node is command  # a context menu's name may hold capitals
                assert (menu or name == name.lower()) and 1 <= len(name) <= 32, name


async def test_a_spanish_client_gets_spanish_answers_and_help_with_its_own_command_names(discord_bot: DiscordBot) -> None:
    answer = await run(discord_bot, ["who"], {"theme": "vivienda"}, locale="es-ES")
    assert "Todavía ninguna ciudad verificada trabaja en Vivienda." in embed_text(answer)
    help_reply = await run(discord_bot, ["help"], {"command": "calendario día"}, locale="es-419")
    text = embed_text(help_reply)
    assert "/calendario día nombre:" in text and "Un día de la ONU o una fecha de la campaña" in text
    french = await run(discord_bot, ["calendar", "days"], {"month": "12"}, locale="fr")
    assert "Journées de décembre" in embed_text(french) and "Journée des droits de l'homme" in embed_text(french)


async def test_a_language_chosen_on_discord_wins_over_the_client(discord_bot: DiscordBot) -> None:
    chosen = await run(discord_bot, ["language"], {"language": "fr"}, locale="es-ES")
    assert "Désormais, je vous écris en français." in embed_text(chosen)
    iid, _ = await discord_bot.send(2, slash(["who"], {"theme": "eau"}), locale="es-ES")
    assert "Aucune ville vérifiée ne travaille encore sur Eau et assainissement." in embed_text(await discord_bot.answer(iid))


SEC_ROLE = {"user_id": SEC, "roles": [SECRETARIAT_ROLE_ID]}
DAYS_ES, DAYS_FR, NEWS_ES, NEWS_EN = (Channel(f"70000000000000010{n}", name) for n, name in
                                      enumerate(("dias", "jours", "anuncios", "news")))
# (who, command path, options) of one conversation; the words typed are the conversation's language.
CONVERSATIONS: dict[str, list[tuple[dict[str, Any], list[str], dict[str, Any]]]] = {
    "es": [
        ({}, ["city", "register"], {"city": "Bogotá", "country": "Colombia", "region": "latin-america", "themes": "vivienda, agua"}),
        (SEC_ROLE, ["secretariat", "verify"], {"city": "Bogotá"}),
        ({}, ["who"], {"theme": "vivienda"}),
        ({}, ["calendar", "days"], {"month": "12"}),
        ({}, ["calendar", "day"], {"name": "Día de los Derechos Humanos"}),
        ({}, ["calendar", "days"], {"month": "trece"}),
    ],
    "fr": [
        ({}, ["city", "register"], {"city": "Grenoble", "country": "France", "region": "europe", "themes": "logement, eau"}),
        (SEC_ROLE, ["secretariat", "verify"], {"city": "Grenoble"}),
        ({}, ["who"], {"theme": "logement"}),
        ({}, ["calendar", "days"], {"month": "12"}),
        ({}, ["calendar", "day"], {"name": "Journée des droits de l'homme"}),
        ({}, ["calendar", "days"], {"month": "treize"}),
    ],
}
SECRETARIAT_STEPS: list[tuple[list[str], dict[str, Any]]] = [
    (["secretariat", "channel", "set"], {"what": "days", "language": "es", "timezone": "UTC", "channel": DAYS_ES}),
    (["secretariat", "channel", "set"], {"what": "days", "language": "fr", "timezone": "UTC", "channel": DAYS_FR}),
    (["secretariat", "channel", "set"], {"what": "announcements", "language": "es", "channel": NEWS_ES}),
    (["secretariat", "channel", "set"], {"what": "announcements", "language": "en", "channel": NEWS_EN}),
    (["secretariat", "announce", "new"], {"title": "Forum", "text": "Registrations are open.", "title_es": "Foro",
                                          "text_es": "Las inscripciones están abiertas.",
                                          "text_fr": "Les inscriptions sont ouvertes.", "dm": True}),
    (["secretariat", "announce", "send"], {"id": 1}),
]
EXPECTED = {
    "es": ["Gracias: Bogotá está registrada", "Quién trabaja en Vivienda", "Días de diciembre de 2026",
           "Día de los Derechos Humanos", "«trece» no es un mes", "Vista previa del anuncio n.º 1",
           "la versión en español", "Uso:"],
    "fr": ["Merci : Grenoble est inscrite", "Qui travaille sur Logement", "Journées de décembre 2026",
           "Journée des droits de l'homme", "« treize » n’est pas un mois", "Aperçu de l’annonce n° 1",
           "la version en espagnol", "Syntaxe :"],
}


def seen(message: dict[str, Any]) -> str:
    """What a reader sees of a message: its text, embeds and button labels."""
    labels = [c.get("label") or "" for row in message.get("components") or [] for c in row.get("components", [])]
    return "\n".join([message.get("content") or "", embed_text(message), *labels])


def posted_in(bot: DiscordBot, channel_id: str) -> str:
    return "\n".join(seen(c.body or {}) for c in bot.fake.calls
                     if c.method == "POST" and c.path == f"/channels/{channel_id}/messages")


@pytest.mark.parametrize(("language", "locale"), [("es", "es-ES"), ("fr", "fr")])
async def test_a_whole_discord_conversation_in_spanish_and_in_french(discord_bot: DiscordBot, language: str, locale: str) -> None:
    bot = discord_bot
    bot.runtime.ctx.default_language = language  # the secretariat channel's notices
    bot.runtime.ctx.clock = lambda: datetime(2026, 12, 10, 9, 30, tzinfo=UTC)
    steps = [*CONVERSATIONS[language], *((SEC_ROLE, path, options) for path, options in SECRETARIAT_STEPS)]
    answers = [seen(await run(bot, path, options, locale=locale, **who)) for who, path, options in steps]
    await PromptScheduler(bot.runtime).tick()
    await BroadcastWorker(bot.runtime).run_once()

    said = "\n".join(answers)
    for line in EXPECTED[language]:
        assert line in said, f"{line!r} missing from:\n{said}"
    typed = ("Bogotá", "Grenoble", "Registrations are open.", "Las inscripciones están abiertas.",
             "Les inscriptions sont ouvertes.")
    # The preview shows the English channel's copy exactly as it will be delivered: in English.
    english_copy = "Campaign secretariat · 10, 100, 1000 Human Rights Cities & Territories"
    assert said.count(english_copy) == 1
    assert_no_english(said.replace(english_copy, ""), language, typed=typed)
    days_channels = {DAYS_ES.id, DAYS_FR.id, NEWS_ES.id, NEWS_EN.id}
    others = "\n".join(seen(c.body or {}) for c in bot.fake.calls if c.method == "POST" and c.path.endswith("/messages")
                       and c.path.split("/")[2] not in days_channels)
    assert "Bogotá" in others or "Grenoble" in others  # the notices: to the secretariat channel and to the registrant
    assert_no_english(others, language, typed=typed)
    assert "Hoy: Día de los Derechos Humanos" in posted_in(bot, DAYS_ES.id)
    assert "Aujourd’hui : Journée des droits de l'homme" in posted_in(bot, DAYS_FR.id)
    assert_no_english(posted_in(bot, DAYS_ES.id), "es")
    assert_no_english(posted_in(bot, DAYS_FR.id), "fr")
    spanish = posted_in(bot, NEWS_ES.id)
    assert "Foro" in spanish and "Las inscripciones están abiertas." in spanish and "Registrations" not in spanish
    assert_no_english(spanish, "es", typed=typed)
    english = posted_in(bot, NEWS_EN.id)
    assert "Registrations are open." in english and "Campaign secretariat" in english
    # ana, a focal point, by direct message: the version of the language she reads (Spanish, or French).
    mine = {"es": "Las inscripciones están abiertas.", "fr": "Les inscriptions sont ouvertes."}[language]
    assert mine in others and "Registrations" not in others, others
