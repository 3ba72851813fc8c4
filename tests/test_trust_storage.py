"""Data that stays whole: poisoned rows, stored lengths on both engines, time zones (SQLite and PostgreSQL)."""

from __future__ import annotations

import re

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import text

from bot.discord.render import render as discord_render
from bot.render_text import render_text
from bot.settings import SettingsError, load_settings
from bot.slack.render import blocks_for, fallback_text
from handlers.types import Reply
from handlers.zones import get_zone, zone_names
from storage.migrate import migrating
from storage.session import Database
from tests.conftest import Chat

REGISTER = "/hrc register city: Quilmes country: Argentina region: Latin America themes: water"
FORGED = "\ue000slack|T1|U1><!channel|x\ue001"
RAW_PING = re.compile(r"<!(channel|here|everyone)>|<@U1>")


def assert_inert(reply: Reply) -> None:
    """No error, and nothing any platform would turn into a ping or a marker."""
    assert not reply.is_error, render_text(reply)
    slack = fallback_text(reply) + str(blocks_for(reply, "T1"))
    embed, allowed = discord_render(reply)
    discord = str(embed.to_dict())
    for rendered in (slack, discord, render_text(reply)):
        assert not RAW_PING.search(rendered), rendered
        assert "\ue000" not in rendered and "\ue001" not in rendered and "\x00" not in rendered
    assert not allowed.everyone and not allowed.roles


async def poison(db: Database, nul: bool) -> None:
    bad = FORGED + ("\x00" if nul else "")
    async with db.engine.begin() as conn:
        await conn.execute(text("UPDATE cities SET name = :v WHERE name_key = 'quilmes'"), {"v": "Quilmes" + bad})
        await conn.execute(text("UPDATE practices SET summary = :v, title = :t"), {"v": "Kiosks " + bad, "t": "Water" + bad})
        await conn.execute(text("UPDATE members SET display_name = :v"), {"v": "Ana" + bad})


async def test_poisoned_rows_never_break_a_listing_and_the_migration_cleans_them(chat: Chat, db: Database) -> None:
    await chat.say("ana", REGISTER)
    await chat.say("sec", "/hrc verify Quilmes")
    await chat.say("ana", "/hrc share title: Water kiosks themes: water summary: Kiosks in every district.")
    await chat.say("bob", "/hrc register city: Atlantis country: France region: Europe")
    await poison(db, nul=db.is_sqlite)  # PostgreSQL refuses NUL in text outright
    chat.ctx.cache.clear() if chat.ctx.cache else None
    for line in ("/hrc practices", "/hrc practices kiosks", "/hrc pending", "/hrc profile Quilmes", "/hrc who water",
                 "/hrc progress"):
        assert_inert(await chat.say("sec", line))

    def migrate_again(config: Config) -> None:
        command.downgrade(config, "0007_calendar")  # back over 0008_trust (and the migrations after it)
        command.upgrade(config, "head")

    async with db.engine.connect() as conn:
        await conn.run_sync(migrating, migrate_again)
    async with db.engine.begin() as conn:
        names = (await conn.execute(text("SELECT name FROM cities ORDER BY id"))).scalars().all()
        summaries = (await conn.execute(text("SELECT summary FROM practices"))).scalars().all()
    assert names[0].startswith("Quilmes") and all("\ue000" not in n and "\x00" not in n for n in names)
    assert all("\ue000" not in s and "\x00" not in s for s in summaries)


@pytest.mark.parametrize("city", ["ﷺ" * 10, "&" * 100])
async def test_a_name_whose_key_outgrows_its_column_gets_a_field_message_on_both_engines(chat: Chat, city: str) -> None:
    reply = await chat.say("ana", f"/hrc register city: {city} country: France region: Europe")
    assert reply.is_error and reply.error_field == "city"
    assert "too long" in reply.text and "something went wrong" not in reply.text
    assert "Nothing is waiting" in render_text(await chat.say("sec", "/hrc pending"))


async def test_nul_and_markers_typed_anywhere_are_dropped_not_failed(chat: Chat) -> None:
    reply = await chat.say("ana", "/hrc register city: Qui\x00lmes\ue000 country: Argen\x00tina region: Latin America")
    assert not reply.is_error, render_text(reply)
    assert "Quilmes (Argentina" in render_text(await chat.say("sec", "/hrc pending"))


@pytest.mark.parametrize("zone", ["Europe", "America", "Mars/Base", "../../etc/passwd", "Europe/"])
async def test_a_directory_or_nonsense_is_not_a_time_zone(chat: Chat, zone: str) -> None:
    reply = await chat.say("ana", f"/hrc register city: Quilmes country: Argentina region: Latin America timezone: {zone}")
    assert reply.is_error and reply.error_field == "timezone" and "IANA" in reply.text


def test_hrc_timezone_europe_stops_the_start_with_one_line() -> None:
    with pytest.raises(SettingsError, match="HRC_TIMEZONE"):
        load_settings({"HRC_TIMEZONE": "Europe"}, env_file=None)
    assert load_settings({"HRC_TIMEZONE": "europe/madrid"}, env_file=None).timezone == "Europe/Madrid"


def test_time_zones_come_from_the_declared_tzdata_package() -> None:
    import zoneinfo
    from importlib.metadata import version

    assert zoneinfo.TZPATH == ()  # the host's /usr/share/zoneinfo is never read
    major = int(version("tzdata").split(".")[0])
    assert major >= 2026 and "Africa/Casablanca" in zone_names()
    assert get_zone("Africa/Casablanca").key == "Africa/Casablanca"


@pytest.mark.parametrize("stored, shown", [
    ("Quilmes", "Quilmes"),
    ("Quil\x00mes\x1b[31m", "Quilmes[31m"),  # ASCII control characters: the fast path must not keep them
    ("Line one\r\nline two\ttab", "Line one\nline two\ttab"),
    ("Saint-Étienne\u202e", "Saint-Étienne"),
    ("São Paulo", "São Paulo"),
])
def test_text_read_back_is_cleaned_whatever_its_script(stored: str, shown: str) -> None:
    from storage.types import CleanString

    process = CleanString(100).result_processor(None, None)  # type: ignore[arg-type]
    assert process(stored) == shown
    assert process(None) is None
