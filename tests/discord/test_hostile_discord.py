"""Hostile text through every Discord input path (options, autocomplete, modal, button): never a
traceback, never a ping beyond the people the bot names, and the listings still answer afterwards."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.discord.conftest import DiscordBot, embed_text
from tests.fakes.discord_api import SECRETARIAT_ROLE_ID, modal_submission, slash
from tests.hostile import discord_pings, hostile_text

ANA, SEC = "500000000000000001", "500000000000000002"
USERS = {int(ANA), int(SEC)}
FIELDS = st.fixed_dictionaries({"city": hostile_text, "country": hostile_text, "summary": hostile_text})


def everything_sent(bot: DiscordBot) -> list[dict]:
    sent = [c.body for c in bot.fake.calls if c.method in ("POST", "PATCH") and isinstance(c.body, dict)
            and ("/messages" in c.path or "/callback" in c.path or "/webhooks/" in c.path)]
    return [b.get("data", b) for b in sent if isinstance(b.get("data", b), dict)]


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@given(path=st.sampled_from(["options", "autocomplete", "modal", "button"]), fields=FIELDS)
async def test_hostile_text_on_every_discord_path(discord_bot: DiscordBot, path: str, fields: dict[str, str]) -> None:
    bot = discord_bot
    if path == "options":
        for data in (slash(["city", "register"], {"city": fields["city"], "country": fields["country"], "region": "europe"}),
                     slash(["practices", "search"], {"words": fields["summary"]}), slash(["city", "profile"], {"city": fields["city"]})):
            iid, first = await bot.send(2, data, user_id=ANA)
            if first["type"] != 9:  # a missing required option opens the form instead
                assert "Traceback" not in embed_text(await bot.answer(iid))
    elif path == "autocomplete":
        _iid, answer = await bot.send(4, slash(["who"], {"theme": fields["summary"]}, focused="theme"), user_id=ANA)
        assert answer["type"] == 8
    elif path == "modal":
        _iid, modal = await bot.send(2, slash(["city", "register"], {}), user_id=ANA)
        values = {"City or territory": fields["city"], "Country": fields["country"], "UCLG world region": ["europe"]}
        iid, _ = await bot.send(5, modal_submission(modal, values), user_id=ANA)
        assert "Traceback" not in embed_text(await bot.answer(iid))
    else:
        click = {"custom_id": f"hrc:verify {fields['city']}"[:100], "component_type": 2}
        message = {**bot.fake.message("710000000000000001", {"content": "x", "components": [
            {"type": 1, "components": [{"type": 2, "style": 1, "label": "Verify", "custom_id": click["custom_id"]}]}]}),
            "guild_id": "800000000000000001"}
        await bot.send(3, click, user_id=SEC, roles=[SECRETARIAT_ROLE_ID], message=message)
    for message in everything_sent(bot):
        assert not discord_pings(message, USERS), message
    for data in (slash(["secretariat", "pending"], {}), slash(["practices", "search"], {}), slash(["campaign", "progress"], {})):
        iid, _ = await bot.send(2, data, user_id=SEC, roles=[SECRETARIAT_ROLE_ID])
        assert "something went wrong" not in embed_text(await bot.answer(iid))
