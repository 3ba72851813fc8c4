"""Only the servers the bot is set up for are served; the secretariat role counts by id, in them only."""

from __future__ import annotations

from sqlalchemy import func, select

from storage.models import City
from tests.discord.conftest import SECRETARIAT_CHANNEL, DiscordBot, embed_text
from tests.fakes.discord_api import SECRETARIAT_ROLE_ID, interaction, slash

ANA = "500000000000000001"
MALLORY = "500000000000000066"
FOREIGN_GUILD = "899999999999999999"


async def cities(bot: DiscordBot) -> int:
    async with bot.runtime.db.transaction(write=False) as session:
        return int(await session.scalar(select(func.count()).select_from(City)) or 0)


async def test_a_foreign_server_is_refused_and_changes_nothing(discord_bot: DiscordBot) -> None:
    bot = discord_bot
    attempts = [
        slash(["city", "register"], {"city": "Atlantis", "country": "France", "region": "europe"}),
        slash(["secretariat", "verify"], {"city": "Atlantis"}),
        slash(["secretariat", "pending"], {}),
        slash(["secretariat", "announce", "new"], {"title": "Forged", "text": "Hello everyone"}),
    ]
    for data in attempts:
        # The foreign server has a role with the same id string shape and the same name: it grants nothing.
        iid, callback = await bot.send(2, data, user_id=MALLORY, roles=[SECRETARIAT_ROLE_ID], guild_id=FOREIGN_GUILD)
        assert callback["type"] == 4 and callback["data"]["flags"] & 64
        assert "serves only the campaign's own server" in callback["data"]["content"]
    assert await cities(bot) == 0
    _iid, choices = await bot.send(4, slash(["who"], {"theme": "wat"}, focused="theme"), guild_id=FOREIGN_GUILD)
    assert choices == {"type": 8, "data": {"choices": []}}


async def test_a_button_pressed_in_a_foreign_server_is_refused(discord_bot: DiscordBot) -> None:
    bot = discord_bot
    await bot.send(2, slash(["city", "register"], {"city": "Quilmes", "country": "Argentina", "region": "latin-america"}), user_id=ANA)
    card = (await bot.fake.wait_for(lambda: bot.fake.posted(f"/channels/{SECRETARIAT_CHANNEL}/messages")))[0]
    click = {"custom_id": "hrc:verify #1", "component_type": 2}
    message = {**bot.fake.message(SECRETARIAT_CHANNEL, card), "guild_id": FOREIGN_GUILD}
    _iid, callback = await bot.send(3, click, user_id=MALLORY, roles=[SECRETARIAT_ROLE_ID], message=message, guild_id=FOREIGN_GUILD)
    assert callback["type"] == 4 and "serves only" in callback["data"]["content"]
    iid, _ = await bot.send(2, slash(["city", "profile"], {"city": "Quilmes"}), user_id=ANA)
    assert "pending" in embed_text(await bot.answer(iid)).lower()


async def test_in_a_dm_questions_are_answered_and_writes_point_to_the_server(discord_bot: DiscordBot) -> None:
    bot = discord_bot
    iid, _ = await bot.send(2, slash(["campaign", "themes"], {}), user_id=ANA, guild_id=None)
    assert "Campaign themes" in embed_text(await bot.answer(iid))
    iid, _ = await bot.send(2, slash(["city", "register"], {"city": "Quilmes", "country": "Argentina", "region": "latin-america"}),
                            user_id=ANA, guild_id=None)
    refusal = embed_text(await bot.answer(iid))
    assert "use this command in the campaign server" in refusal and "/hrc" not in refusal  # no /hrc on Discord
    assert await cities(bot) == 0


async def test_a_form_submitted_from_a_foreign_server_is_refused(discord_bot: DiscordBot) -> None:
    bot = discord_bot
    submitted = {"custom_id": "hrc-form:register", "components": [{"type": 18, "component": {"type": 4, "custom_id": "city", "value": "Atlantis"}},
                 {"type": 18, "component": {"type": 4, "custom_id": "country", "value": "France"}},
                 {"type": 18, "component": {"type": 3, "custom_id": "region", "values": ["europe"]}}]}
    _iid, callback = await bot.send(5, submitted, user_id=MALLORY, guild_id=FOREIGN_GUILD)
    assert callback["type"] == 4 and "serves only" in callback["data"]["content"]
    assert await cities(bot) == 0


async def test_in_a_dm_a_form_is_not_offered_for_what_cannot_be_saved_there(discord_bot: DiscordBot) -> None:
    """The share form in a DM was opened, and whatever was written in it refused on submission and lost:
    the refusal comes at once, before anything is written."""
    bot = discord_bot
    for locale, words in (("en-US", "use this command in the campaign server"), ("es-ES", "en el servidor de la campaña"), ("fr", "sur le serveur de la campagne")):
        iid, callback = await bot.send(2, slash(["practices", "share"], {}), user_id=ANA, guild_id=None, locale=locale)
        assert callback["type"] != 9  # no modal
        answer = await bot.answer(iid)
        assert words in embed_text(answer) and answer["flags"] & 64
    iid, callback = await bot.send(2, slash(["city", "register"], {"city": "Quilmes"}), user_id=ANA, guild_id=None)
    assert callback["type"] != 9 and "use this command in the campaign server" in embed_text(await bot.answer(iid))


async def test_in_a_dm_a_focal_point_is_still_the_member_of_the_campaign_server(discord_bot: DiscordBot) -> None:
    """A DM carries no server, and members are kept per server: `/city profile` in a DM told a registered
    focal point "You don't represent a city yet", and "City card" on them that they represent none."""
    bot = discord_bot
    iid, _ = await bot.send(2, slash(["city", "register"], {"city": "Quilmes", "country": "Argentina", "region": "latin-america"}),
                            user_id=ANA)
    assert "is registered" in embed_text(await bot.answer(iid))
    iid, _ = await bot.send(2, slash(["city", "profile"], {}), user_id=ANA, guild_id=None, locale="es-ES")
    mine = embed_text(await bot.answer(iid))
    assert "Quilmes" in mine and "Argentina" in mine, mine
    card = interaction(2, {"id": "300000000000000009", "name": "City card", "type": 2, "target_id": ANA,
                           "resolved": {"users": {ANA: {"id": ANA, "username": "ana", "discriminator": "0",
                                                        "avatar": None, "global_name": None}}}}, user_id=ANA, guild_id=None)
    await bot.fake.dispatch("INTERACTION_CREATE", card)
    await bot.fake.wait_for(lambda: bot.fake.callbacks(card["id"]))
    shown = embed_text(await bot.answer(card["id"]))
    assert "Quilmes" in shown and "does not represent" not in shown, shown


async def test_answers_made_outside_the_core_speak_the_language_the_member_chose(discord_bot: DiscordBot) -> None:
    """The DM refusal and "City card"'s "represents no city" followed the Discord client's language, not
    the one the member chose with `/language` (as every other answer does)."""
    bot = discord_bot
    iid, _ = await bot.send(2, slash(["language"], {"language": "fr"}), user_id=ANA, locale="es-ES")
    await bot.answer(iid)
    iid, _ = await bot.send(2, slash(["city", "register"], {"city": "Quilmes", "country": "Argentina", "region": "latin-america"}),
                            user_id=ANA, guild_id=None, locale="es-ES")
    assert "sur le serveur de la campagne" in embed_text(await bot.answer(iid))
    card = interaction(2, {"id": "300000000000000009", "name": "City card", "type": 2, "target_id": MALLORY,
                           "resolved": {"users": {MALLORY: {"id": MALLORY, "username": "mallory", "discriminator": "0",
                                                            "avatar": None, "global_name": None}}}}, user_id=ANA, locale="es-ES")
    await bot.fake.dispatch("INTERACTION_CREATE", card)
    await bot.fake.wait_for(lambda: bot.fake.callbacks(card["id"]))
    shown = embed_text(await bot.answer(card["id"]))
    assert "ne représente" in shown, shown


async def test_in_a_dm_a_member_can_see_and_choose_their_language(discord_bot: DiscordBot) -> None:
    """`/language` in a DM was refused as a write ("Please use this command in the campaign server"), even
    with no argument, when it only says which language is used. A DM acts as the campaign server's member,
    and a language is that person's own preference: reading and choosing it both work there."""
    bot = discord_bot
    iid, _ = await bot.send(2, slash(["language"], {}), user_id=ANA, guild_id=None, locale="es-ES")
    shown = embed_text(await bot.answer(iid))
    assert "campaign server" not in shown and "servidor de la campaña" not in shown, shown
    assert "español" in shown, shown
    iid, _ = await bot.send(2, slash(["language"], {"language": "fr"}), user_id=ANA, guild_id=None, locale="es-ES")
    assert "français" in embed_text(await bot.answer(iid))
    iid, _ = await bot.send(2, slash(["campaign", "themes"], {}), user_id=ANA, locale="es-ES")  # in the server too
    assert "Thèmes" in embed_text(await bot.answer(iid)), embed_text(await bot.answer(iid))
