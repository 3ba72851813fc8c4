"""Discord in Spanish and French: localized command names synced, answers in the client's language."""

from __future__ import annotations

from typing import Any

from tests.discord.conftest import DiscordBot, embed_text
from tests.discord.test_discord_tree import run, synced
from tests.fakes.discord_api import slash

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
