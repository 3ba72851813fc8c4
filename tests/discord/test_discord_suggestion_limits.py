"""Autocomplete within Discord's limits for long user data and long translations: every choice's name and
value 1 to 100 characters, and a value is exactly what the command then runs (never a cut)."""

from __future__ import annotations

from datetime import UTC, datetime

from storage.models import Announcement, AnnouncementStatus
from tests.discord.conftest import DiscordBot
from tests.discord.test_discord_tree import choices
from tests.fakes.discord_api import SECRETARIAT_ROLE_ID

SEC = "500000000000000002"


async def test_a_long_announcement_title_with_a_long_status_fits_a_choice(discord_bot: DiscordBot) -> None:
    title = "Forum " + "des villes des droits humains " * 5  # 150 characters, the most a title holds
    async with discord_bot.runtime.ctx.db.transaction(write=True) as session:
        session.add(Announcement(title=title[:150], text="x", status=AnnouncementStatus.SENDING, created_at=datetime.now(UTC)))
    for locale in ("en-US", "es-ES", "fr"):
        found = await choices(discord_bot, ["secretariat", "announce", "cancel"], {"id": ""}, "id",
                              user_id=SEC, roles=[SECRETARIAT_ROLE_ID], locale=locale)
        assert len(found) == 1 and found[0]["value"] == 1
        assert found[0]["name"].startswith("#1 · Forum") and found[0]["name"].endswith(")"), found[0]["name"]


async def test_a_theme_list_too_long_for_a_choice_is_not_suggested_cut(discord_bot: DiscordBot) -> None:
    typed = "Derechos humanos (general), Pobreza e inclusión social, Solidaridad internacional, Infan"
    found = await choices(discord_bot, ["city", "theme", "add"], {"theme": typed}, "theme", locale="es-ES")
    # "…, Infancia y juventud" would be 102 characters: cut, the command would get "Infancia y juventu".
    assert all(c["value"] == c["name"] and len(c["value"]) <= 100 for c in found), found
    assert not any(c["value"].endswith("juventu") for c in found)
    short = await choices(discord_bot, ["city", "theme", "add"], {"theme": "Vivienda, infan"}, "theme", locale="es-ES")
    assert short[0]["value"] == "Vivienda, Infancia y juventud"


async def test_help_suggests_commands_as_the_readers_discord_names_them(discord_bot: DiscordBot) -> None:
    """A Spanish client shows `/ciudad registrar`: help's suggestions said `/city register`, and found
    nothing for "ciudad"."""
    found = await choices(discord_bot, ["help"], {"command": "ciudad"}, "command", locale="es-ES")
    assert {"name": "/ciudad registrar", "value": "city register"} in found, found
    assert {"name": "/ciudad registrar", "value": "city register"} in await choices(
        discord_bot, ["help"], {"command": "regis"}, "command", locale="es-ES")
    assert {"name": "/city register", "value": "city register"} in await choices(discord_bot, ["help"], {"command": "regis"}, "command")
    one = await choices(discord_bot, ["help"], {"command": "city register"}, "command", locale="fr")
    assert one[0]["value"] == "city register" and one[0]["name"].startswith("/ville"), one
