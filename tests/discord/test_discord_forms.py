"""Forms are handled by custom id: a submission after a restart (or after discord.py's view timeout) is
applied, and a failing one echoes what was typed."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

import discord
import pytest

from bot.discord.service import serve
from bot.settings import DiscordSettings, Settings
from bot.wiring import build_runtime
from storage.session import Database
from tests.discord.conftest import DiscordBot, embed_text
from tests.fakes.discord_api import GUILD_ID, SECRETARIAT_ROLE_ID, FakeDiscord, modal_submission, slash

ANA, SEC = "500000000000000001", "500000000000000002"


@contextlib.asynccontextmanager
async def running(fake: FakeDiscord, db: Database) -> AsyncIterator[DiscordBot]:
    settings = Settings(discord=DiscordSettings(token="test-token", guild_ids=(int(GUILD_ID),), secretariat_role=SECRETARIAT_ROLE_ID,
                                                api_url=f"{fake.url}/api/v10"))
    runtime = build_runtime(settings, database=db)
    fake.ready.clear()
    task = asyncio.create_task(serve(runtime))
    try:
        await asyncio.wait_for(fake.ready.wait(), 15)
        await fake.wait_for(lambda: "discord" in runtime.notices.senders)
        yield DiscordBot(fake, runtime)
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await task


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    fake = await FakeDiscord().start()
    yield fake
    await fake.stop()
    discord.http.Route.BASE = "https://discord.com/api/v10"


async def test_a_form_submitted_after_a_restart_is_applied(fake: FakeDiscord, sqlite_db: Database) -> None:
    async with running(fake, sqlite_db) as bot:
        _iid, modal = await bot.send(2, slash(["city", "register"], {"size": "metropolis", "languages": "es, fr"}), user_id=ANA)
        assert modal["type"] == 9 and modal["data"]["custom_id"].startswith("hrc-form:register?")
    # The bot restarts (or 16 minutes pass: discord.py would have dropped the view); the member presses Submit.
    async with running(fake, sqlite_db) as bot:
        values = {"City or territory": "Quilmes", "Country": "Argentina", "UCLG world region": ["latin-america"],
                  "Kind of local government": ["metropolis"]}
        iid, _ = await bot.send(5, modal_submission(modal, values), user_id=ANA, interaction_id="430000000000000001")
        assert "Quilmes is registered" in embed_text(await bot.answer(iid))
        card = embed_text(await bot.answer((await bot.send(2, slash(["city", "profile"], {}), user_id=ANA))[0]))
        assert "Languages: es, fr" in card  # given with the command, not in the form: it rode in the custom id
        assert "Size: Metropolis" in card


async def test_a_failing_form_echoes_what_was_typed(fake: FakeDiscord, sqlite_db: Database) -> None:
    async with running(fake, sqlite_db) as bot:
        await bot.send(2, slash(["city", "register"], {"city": "Quilmes", "country": "Argentina", "region": "latin-america"}), user_id=ANA)
        await bot.send(2, slash(["secretariat", "verify"], {"city": "Quilmes"}), user_id=SEC, roles=[SECRETARIAT_ROLE_ID])
        _iid, modal = await bot.send(2, slash(["practices", "share"], {}), user_id=ANA)
        summary = "Kiosks in every district, run by neighbourhood committees. " * 30
        values = {"Title": "Water kiosks", "Themes (comma-separated)": "water", "Summary": summary, "Link (https://…)": "not a link"}
        iid, _ = await bot.send(5, modal_submission(modal, values), user_id=ANA, interaction_id="430000000000000002")
        assert "https://" in embed_text(await bot.answer(iid))  # what was wrong: the link
        echo = (await fake.wait_for(lambda: [m for m in bot.followups(iid) if "What you typed" in embed_text(m)]))[0]
        assert summary.strip() in embed_text(echo).replace("\\", "") and echo["flags"] & 64


async def test_the_form_and_its_echo_speak_the_language_the_member_chose(fake: FakeDiscord, sqlite_db: Database) -> None:
    """A member who chose French with `/language fr` on a Spanish Discord client got French answers but a
    Spanish form, and a Spanish echo under a French error."""
    async with running(fake, sqlite_db) as bot:
        await bot.send(2, slash(["city", "register"], {"city": "Quilmes", "country": "Argentina", "region": "latin-america"}), user_id=ANA)
        await bot.send(2, slash(["secretariat", "verify"], {"city": "Quilmes"}), user_id=SEC, roles=[SECRETARIAT_ROLE_ID])
        await bot.send(2, slash(["language"], {"language": "fr"}), user_id=ANA, locale="es-ES")
        _iid, modal = await bot.send(2, slash(["practices", "share"], {}), user_id=ANA, locale="es-ES")
        assert modal["type"] == 9 and modal["data"]["title"] == "Partager une pratique", modal["data"]["title"]
        values = {"Titre": "Kiosques", "Thèmes (séparés par des virgules)": "eau", "Résumé": "Des kiosques.", "Lien (https://…)": "pas un lien"}
        iid, _ = await bot.send(5, modal_submission(modal, values), user_id=ANA, interaction_id="430000000000000003", locale="es-ES")
        assert "https://" in embed_text(await bot.answer(iid))
        echo = (await fake.wait_for(lambda: [m for m in bot.followups(iid) if len(m.get("embeds") or []) and "Kiosques" in embed_text(m)]))[0]
        assert "Ce que vous avez saisi (rien n’a été enregistré)" in embed_text(echo) and "Titre:" in embed_text(echo), embed_text(echo)


async def test_a_theme_the_form_cannot_show_is_named_not_dropped(fake: FakeDiscord, sqlite_db: Database) -> None:
    """`/city register city: Quilmes themes: vivienda, xyzzy` (no country) opened the form with Housing
    selected and "xyzzy" gone without a word: the selects show only known themes. It is refused as the
    typed command refuses it, in the reader's language, with "did you mean" when there is one."""
    async with running(fake, sqlite_db) as bot:
        iid, callback = await bot.send(2, slash(["city", "register"], {"city": "Quilmes", "themes": "vivienda, xyzzy"}), user_id=ANA)
        assert callback["type"] != 9  # no form
        shown = await bot.answer(iid)
        assert "xyzzy" in embed_text(shown) and shown["flags"] & 64, embed_text(shown)
        iid, callback = await bot.send(2, slash(["city", "register"], {"city": "Quilmes", "themes": "vivienda, agau"}), user_id=ANA,
                                       locale="es-ES")
        assert callback["type"] != 9
        text = embed_text(await bot.answer(iid))
        assert "«agau»" in text and "¿Quisiste decir «Agua y saneamiento»?" in text, text
        _iid, modal = await bot.send(2, slash(["city", "register"], {"city": "Quilmes", "themes": "vivienda, water"}), user_id=ANA)
        assert modal["type"] == 9  # known themes still open the form
