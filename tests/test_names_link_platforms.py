"""One person on Slack and Discord, through the real Bolt and discord.py stacks against the fakes, both
bots on one database: a code given on one platform is accepted on the other, mentions follow the reader's
platform, and the secretariat hands a city over with Discord's member picker."""

from __future__ import annotations

import re

from tests.discord import conftest as discord_fixtures
from tests.discord.conftest import DiscordBot, embed_text
from tests.fakes.discord_api import SECRETARIAT_ROLE_ID, User, slash
from tests.slack import conftest as slack_fixtures
from tests.slack.conftest import SlackBot, block_texts

# Both bots in one test, on one database (each fixture takes the same ``sqlite_db``).
slack = slack_fixtures.slack
discord_bot = discord_fixtures.discord_bot

ANA = "500000000000000001"
BOB = "500000000000000003"
SEC = "500000000000000002"
CODE = re.compile(r"Your code: ([A-Z0-9]{4}-[A-Z0-9]{4})")


async def discord_answer(bot: DiscordBot, path: list[str], options: dict, user_id: str = ANA, **kwargs: object) -> dict:
    iid, _ = await bot.send(2, slash(path, options), user_id=user_id, **kwargs)
    return await bot.answer(iid)


async def test_a_code_from_slack_links_the_discord_account(slack: SlackBot, discord_bot: DiscordBot) -> None:  # noqa: F811
    await slack.command("register city: Quilmes country: Argentina region: Latin America themes: water")
    await slack.command("verify Quilmes", user="USEC", name="sec")
    given = block_texts((await slack.command("link"))["blocks"])
    code = CODE.search(given).group(1)  # type: ignore[union-attr]
    assert "On Discord, type `/account link code: " in given

    linked = embed_text(await discord_answer(discord_bot, ["account", "link"], {"code": code}))
    assert "Accounts linked" in linked and "You represent Quilmes." in linked
    assert "Quilmes" in embed_text(await discord_answer(discord_bot, ["city", "profile"], {}))

    who = await discord_answer(discord_bot, ["who"], {"theme": "Water & sanitation"}, user_id=SEC)
    assert f"Quilmes (Argentina): <@{ANA}>" in embed_text(who)  # the Discord account, pinged on Discord
    assert who["allowed_mentions"]["users"] == [int(ANA)]
    on_slack = await slack.command("who water", user="UBOB", name="bob")
    assert "Quilmes (Argentina): <@UANA>" in block_texts(on_slack["blocks"])  # the Slack account on Slack

    reused = embed_text(await discord_answer(discord_bot, ["account", "link"], {"code": code}, user_id=BOB, name="bob"))
    assert "This code was already used" in reused


async def test_a_code_from_discord_is_refused_on_discord_and_accepted_on_slack(
    slack: SlackBot, discord_bot: DiscordBot  # noqa: F811
) -> None:
    given = embed_text(await discord_answer(discord_bot, ["account", "link"], {}))
    code = CODE.search(given).group(1)  # type: ignore[union-attr]
    assert f"On Slack, type “/hrc link {code}”" in given
    wrong = embed_text(await discord_answer(discord_bot, ["account", "link"], {"code": code}, user_id=BOB, name="bob"))
    assert "This code was given on Discord" in wrong
    accepted = block_texts((await slack.command(f"link {code}"))["blocks"])
    assert "Accounts linked" in accepted
    await slack.command("register city: Grenoble country: France region: Europe")
    assert "Grenoble" in embed_text(await discord_answer(discord_bot, ["city", "profile"], {}))  # one member
    unlinked = block_texts((await slack.command("unlink"))["blocks"])
    assert "Accounts unlinked" in unlinked


async def test_the_secretariat_transfers_a_city_with_the_member_picker(discord_bot: DiscordBot) -> None:  # noqa: F811
    await discord_answer(discord_bot, ["city", "register"], {"city": "Quilmes", "country": "Argentina",
                                                             "region": "latin-america"})
    sec = {"user_id": SEC, "name": "sec", "roles": [SECRETARIAT_ROLE_ID]}
    await discord_answer(discord_bot, ["secretariat", "verify"], {"city": "Quilmes"}, **sec)
    handed = await discord_answer(discord_bot, ["secretariat", "transfer"], {"city": "Quilmes", "to": User(BOB, "bob")}, **sec)
    assert f"Quilmes is now in the hands of <@{BOB}>" in embed_text(handed), embed_text(handed)
    told = await discord_bot.fake.wait_for(
        lambda: [m for m in discord_bot.fake.posted("/messages") if "handed Quilmes to you" in embed_text(m)])
    assert told
    card = await discord_answer(discord_bot, ["city", "profile"], {"city": "Quilmes"}, user_id=BOB, name="bob")
    assert f"<@{BOB}>" in embed_text(card) and f"<@{ANA}>" not in embed_text(card)
