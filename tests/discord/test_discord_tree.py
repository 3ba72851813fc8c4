"""The command tree on Discord through the real discord.py client: what is synced, typed options, suggestions, help."""

from __future__ import annotations

from typing import Any

from tests.discord.conftest import DiscordBot, embed_text
from tests.fakes.discord_api import SECRETARIAT_ROLE_ID, Channel, modal_inputs, slash

ANA, BEN, SEC = "500000000000000001", "500000000000000003", "500000000000000002"


def synced(bot: DiscordBot) -> dict[str, dict[str, Any]]:
    return {c["name"]: c for c in bot.fake.posted("/commands", method="PUT")[0]}


def option(command: dict[str, Any], *path: str) -> dict[str, Any]:
    node = command
    for name in path:
        node = next(o for o in node["options"] if o["name"] == name)
    return node


async def choices(bot: DiscordBot, path: list[str], options: dict[str, Any], focused: str, **kwargs: Any) -> list[dict[str, Any]]:
    _iid, callback = await bot.send(4, slash(path, options, focused=focused), **kwargs)
    assert callback["type"] == 8  # APPLICATION_COMMAND_AUTOCOMPLETE_RESULT
    found = callback["data"]["choices"]
    assert len(found) <= 25 and all(1 <= len(c["name"]) <= 100 for c in found)
    return found


async def run(bot: DiscordBot, path: list[str], options: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    iid, _ = await bot.send(2, slash(path, options), **kwargs)
    return await bot.answer(iid)


async def test_synced_tree_has_room_typed_options_and_a_hidden_secretariat(discord_bot: DiscordBot) -> None:
    tree = synced(discord_bot)
    for command in tree.values():
        assert len(command.get("options", [])) <= 20
        for sub in command.get("options", []):
            assert sub["type"] != 2 or len(sub["options"]) <= 20
    secretariat = tree["secretariat"]
    assert int(secretariat["default_member_permissions"]) == 1 << 5  # Manage Server
    assert secretariat["contexts"] == [0] and secretariat["dm_permission"] is False  # guild only
    assert tree["who"]["default_member_permissions"] is None
    send_id = option(secretariat, "announce", "send", "id")
    assert send_id["type"] == 4 and send_id["autocomplete"] is True  # an integer, suggested
    assert option(secretariat, "announce", "new", "dm")["type"] == 5  # a boolean
    assert option(secretariat, "channel", "set", "channel")["type"] == 7  # a channel
    month = option(tree["calendar"], "days", "month")
    assert [c["value"] for c in month["choices"]] == [str(m) for m in range(1, 13)]
    assert option(tree["who"], "theme")["required"] is True


async def register(bot: DiscordBot, user: str, city: str, country: str, region: str = "europe") -> None:
    answer = await run(bot, ["city", "register"], {"city": city, "country": country, "region": region}, user_id=user)
    assert "is registered" in embed_text(answer), embed_text(answer)


async def test_city_suggestions_carry_the_country_and_pick_exactly_that_city(discord_bot: DiscordBot) -> None:
    bot = discord_bot
    await register(bot, ANA, "Córdoba", "Spain")
    await register(bot, BEN, "Córdoba", "Argentina", "latin-america")
    pending = await choices(bot, ["secretariat", "verify"], {"city": "cord"}, "city", user_id=SEC, roles=[SECRETARIAT_ROLE_ID])
    assert [c["name"] for c in pending] == ["Córdoba — Argentina (new city)", "Córdoba — Spain (new city)"]
    for choice in pending:
        assert "is verified" in embed_text(await run(bot, ["secretariat", "verify"], {"city": choice["value"]},
                                                     user_id=SEC, roles=[SECRETARIAT_ROLE_ID]))
    assert await choices(bot, ["secretariat", "verify"], {"city": "cord"}, "city", user_id=SEC) == []

    found = await choices(bot, ["city", "profile"], {"city": "CORDO"}, "city", user_id=ANA)
    spain = next(c for c in found if c["name"] == "Córdoba — Spain")
    assert len(found) == 2 and spain["value"].startswith("#")
    card = await run(bot, ["city", "profile"], {"city": spain["value"]}, user_id=ANA)
    assert "Spain" in embed_text(card) and "Argentina" not in embed_text(card)  # no "several cities" question
    assert "Córdoba — Spain" in [c["name"] for c in await choices(bot, ["practices", "search"], {"city": "có"}, "city")]


async def test_theme_day_timezone_country_and_command_suggestions(discord_bot: DiscordBot) -> None:
    bot = discord_bot
    for typed in ("housng", "hous", "HOUS", "\x00hous\ue000"):
        assert (await choices(bot, ["who"], {"theme": typed}, "theme"))[0]["value"] == "Housing"
    listed = await choices(bot, ["city", "theme", "add"], {"theme": "water, hous"}, "theme")
    assert listed[0]["value"] == "water, Housing"
    assert "World Water Day" in [c["name"] for c in await choices(bot, ["calendar", "day"], {"name": "water"}, "name")]
    zones = await choices(bot, ["city", "register"], {"timezone": "Bogota"}, "timezone")
    assert zones[0] == {"name": "America/Bogota", "value": "America/Bogota"}
    assert "America/Argentina/Buenos_Aires" in [c["value"] for c in await choices(bot, ["city", "register"], {"timezone": "buenos"}, "timezone")]
    assert (await choices(bot, ["city", "register"], {"country": "argent"}, "country"))[0] == {"name": "Argentina", "value": "AR"}
    assert (await choices(bot, ["city", "register"], {"country": "espa"}, "country"))[0] == {"name": "Spain", "value": "ES"}
    assert "Argentine" in [c["name"] for c in await choices(bot, ["city", "register"], {"country": "argent"}, "country", locale="fr")]
    commands = await choices(bot, ["help"], {"command": "announce"}, "command")
    assert {"name": "/secretariat announce send", "value": "secretariat announce send"} in commands


async def test_typed_options_reach_the_core_as_the_grammar(discord_bot: DiscordBot) -> None:
    bot = discord_bot
    sec: dict[str, Any] = {"user_id": SEC, "roles": [SECRETARIAT_ROLE_ID]}
    target = Channel("700000000000000042", "announcements")
    done = await run(bot, ["secretariat", "channel", "set"], {"what": "announcements", "channel": target}, **sec)
    assert "will get the secretariat's announcements" in embed_text(done)
    listed = await run(bot, ["campaign", "channels"], {}, user_id=ANA)
    assert "<#700000000000000042>" in embed_text(listed)  # a live channel link, shown as #announcements

    preview = await run(bot, ["secretariat", "announce", "new"], {"title": "Forum", "text": "Registrations are open", "dm": True}, **sec)
    assert "Preview of announcement #1" in embed_text(preview) and "focal points by direct message" in embed_text(preview)
    drafts = await choices(bot, ["secretariat", "announce", "send"], {"id": ""}, "id", **sec)
    assert drafts == [{"name": "#1 · Forum (draft)", "value": 1}]
    status = await run(bot, ["secretariat", "announce", "status"], {"id": 1}, **sec)
    assert "#1" in embed_text(status) or "Forum" in embed_text(status)
    days = await run(bot, ["calendar", "days"], {"month": "12"}, user_id=ANA)
    assert "Human Rights Day" in embed_text(days)


async def test_a_member_cannot_use_secretariat_commands_even_when_discord_lets_them(discord_bot: DiscordBot) -> None:
    answer = await run(discord_bot, ["secretariat", "announce", "new"], {"title": "Spam", "text": "Hello"}, user_id=ANA)
    assert "for the campaign secretariat" in embed_text(answer) and answer["flags"] & 64


async def test_help_on_discord_shows_discord_syntax_and_options(discord_bot: DiscordBot) -> None:
    bot = discord_bot
    everything = embed_text(await run(bot, ["help"], {}, user_id=ANA))
    assert "/who theme: [region:]" in everything and "/hrc" not in everything
    assert "/secretariat" not in everything  # members are shown what they can use
    one = embed_text(await run(bot, ["help"], {"command": "secretariat announce send"}, user_id=SEC, roles=[SECRETARIAT_ROLE_ID]))
    assert "/secretariat announce send id:" in one and "id: A previewed announcement (required)" in one
    group = embed_text(await run(bot, ["help"], {"command": "calendar"}, user_id=ANA))
    assert "/calendar days [month:] [theme:]" in group and "/calendar day name:" in group and "one of: January" in group
    wrong = await run(bot, ["who"], {"theme": "nothing like a theme"}, user_id=ANA)
    assert "/who theme: [region:]" in embed_text(wrong) and "/hrc who" not in embed_text(wrong)


async def test_commands_quoted_in_replies_are_written_as_on_discord(discord_bot: DiscordBot) -> None:
    bot = discord_bot
    themes = embed_text(await run(bot, ["campaign", "themes"], {}, user_id=ANA))
    assert "/who theme: THEME" in themes and "/hrc" not in themes
    preview = embed_text(await run(bot, ["secretariat", "announce", "new"], {"title": "Forum", "text": "Open"},
                                   user_id=SEC, roles=[SECRETARIAT_ROLE_ID]))
    assert "/secretariat announce send id: 1" in preview and "/secretariat announce cancel id: 1" in preview
    assert "/hrc" not in preview


async def test_context_menus_city_card_and_share_as_practice(discord_bot: DiscordBot) -> None:
    bot = discord_bot
    menus = {c["name"]: c["type"] for c in bot.fake.posted("/commands", method="PUT")[0] if c["type"] != 1}
    assert menus == {"City card": 2, "Share as practice": 3}
    await register(bot, ANA, "Quilmes", "Argentina", "latin-america")
    target = {"id": ANA, "username": "ana", "discriminator": "0", "global_name": "Ana", "avatar": None}
    card_menu = {"id": "300000000000000002", "name": "City card", "type": 2, "target_id": ANA,
                 "resolved": {"users": {ANA: target}}}
    iid, _ = await bot.send(2, card_menu, user_id=SEC, roles=[SECRETARIAT_ROLE_ID])
    assert "Quilmes" in embed_text(await bot.answer(iid))
    nobody = {**card_menu, "target_id": BEN, "resolved": {"users": {BEN: {**target, "id": BEN, "global_name": "@everyone"}}}}
    iid, _ = await bot.send(2, nobody, user_id=SEC)
    answer = await bot.answer(iid)
    assert "does not represent a city" in embed_text(answer) and answer["allowed_mentions"]["parse"] == []

    message = {**bot.fake.message("700000000000000001", {"content": "Our water kiosks serve every district."}),
               "author": target}
    share_menu = {"id": "300000000000000003", "name": "Share as practice", "type": 3, "target_id": message["id"],
                  "resolved": {"messages": {message["id"]: message}}}
    _iid, modal = await bot.send(2, share_menu, user_id=ANA)
    assert modal["type"] == 9
    inputs = {c["label"]: c.get("value") for c in modal_inputs(modal)}
    assert inputs["Summary"] == "Our water kiosks serve every district."


async def test_a_slow_city_card_is_deferred_then_answered_in_a_followup(discord_bot: DiscordBot) -> None:
    """"City card" read the database before any response, with no deadline: a database slower than Discord's
    3 seconds gave "The application did not respond". It defers past the deadline, as every command does."""
    bot = discord_bot
    await register(bot, ANA, "Quilmes", "Argentina", "latin-america")
    bot.runtime.answer_within = 0  # a database slower than the deadline
    target = {"id": ANA, "username": "ana", "discriminator": "0", "global_name": "Ana", "avatar": None}
    for member, words in ((ANA, "Quilmes"), (BEN, "does not represent a city")):
        menu = {"id": "300000000000000002", "name": "City card", "type": 2, "target_id": member,
                "resolved": {"users": {member: {**target, "id": member}}}}
        iid, first = await bot.send(2, menu, user_id=SEC, roles=[SECRETARIAT_ROLE_ID])
        assert first["type"] == 5 and first["data"]["flags"] & 64  # deferred ("thinking…"), ephemeral
        assert words in embed_text(await bot.answer(iid))
        assert len(bot.fake.callbacks(iid)) == 1  # the answer came as a followup, not a second callback
