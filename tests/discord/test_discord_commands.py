"""Discord through the real discord.py client: commands, autocomplete, buttons, modals, mentions."""

from __future__ import annotations

from tests.discord.conftest import SECRETARIAT_CHANNEL, DiscordBot, embed_text
from tests.fakes.discord_api import SECRETARIAT_ROLE_ID, modal_inputs, modal_submission, slash

ANA = "500000000000000001"
SEC = "500000000000000002"


async def test_commands_are_synced_to_the_guild(discord_bot: DiscordBot) -> None:
    synced = discord_bot.fake.posted("/commands", method="PUT")[0]
    assert {"who", "city", "practices", "calendar", "campaign", "secretariat", "help"} <= {c["name"] for c in synced}


async def test_register_verify_with_the_button_then_who_with_autocomplete(discord_bot: DiscordBot) -> None:
    bot = discord_bot
    iid, first = await bot.send(2, slash(["city", "register"], {"city": "Quilmes", "country": "Argentina", "region": "latin-america", "themes": "water"}), user_id=ANA)
    registered = await bot.answer(iid)
    assert "Quilmes is registered" in embed_text(registered)
    assert registered.get("flags", 0) & 64  # only the registrant sees it

    card = (await bot.fake.wait_for(lambda: bot.fake.posted(f"/channels/{SECRETARIAT_CHANNEL}/messages")))[0]
    custom_ids = [c["custom_id"] for row in card["components"] for c in row["components"]]
    assert custom_ids == ["hrc:verify #1", "hrc:reject #1"]

    message = {**bot.fake.message(SECRETARIAT_CHANNEL, card), "guild_id": "800000000000000001"}
    click = {"custom_id": "hrc:verify #1", "component_type": 2}
    iid, callback = await bot.send(3, click, user_id=SEC, name="sec", roles=[SECRETARIAT_ROLE_ID], message=message)
    assert callback["type"] == 6  # deferred update of the message
    edited = (await bot.fake.wait_for(lambda: bot.fake.posted(f"token-{iid}/messages/@original", method="PATCH")))[0]
    assert "Quilmes is verified" in embed_text(edited) and edited["components"] == []
    dm = await bot.fake.wait_for(lambda: [m for m in bot.fake.posted("/messages") if "Welcome to the campaign" in embed_text(m)])
    assert dm

    _iid, suggestions = await bot.send(4, slash(["who"], {"theme": "wat"}, focused="theme"), user_id=SEC)
    assert suggestions["type"] == 8
    assert "Water & sanitation" in [c["value"] for c in suggestions["data"]["choices"]]

    iid, _ = await bot.send(2, slash(["who"], {"theme": "Water & sanitation"}), user_id=SEC)
    who = await bot.answer(iid)
    assert f"Quilmes (Argentina): <@{ANA}>" in embed_text(who)
    assert who["allowed_mentions"]["parse"] == [] and who["allowed_mentions"]["users"] == [int(ANA)]


async def test_share_with_missing_options_opens_a_modal_and_its_submission_is_stored(discord_bot: DiscordBot) -> None:
    bot = discord_bot
    await bot.send(2, slash(["city", "register"], {"city": "Quilmes", "country": "Argentina", "region": "latin-america"}), user_id=ANA)
    await bot.send(2, slash(["secretariat", "verify"], {"city": "Quilmes"}), user_id=SEC, roles=[SECRETARIAT_ROLE_ID])
    _iid, modal = await bot.send(2, slash(["practices", "share"], {"title": "Water kiosks"}), user_id=ANA)
    assert modal["type"] == 9
    assert modal_inputs(modal)[0]["value"] == "Water kiosks"
    values = {"Title": "Water kiosks", "Themes (comma-separated)": "water", "Summary": "Kiosks in every district.",
              "Link (https://…)": "https://example.org/kiosks"}
    iid, _ = await bot.send(5, modal_submission(modal, values), user_id=ANA)
    shared = await bot.answer(iid)
    assert "Water kiosks" in embed_text(shared) and not shared.get("flags", 0) & 64  # shown to the channel
    iid, _ = await bot.send(2, slash(["practices", "search"], {"words": "kiosks"}), user_id=SEC)
    assert "Water kiosks (Quilmes)" in embed_text(await bot.answer(iid))


async def test_invalid_modal_input_is_answered_with_the_field(discord_bot: DiscordBot) -> None:
    bot = discord_bot
    _iid, modal = await bot.send(2, slash(["city", "register"], {"timezone": "Europe/Nowhere"}), user_id=ANA)
    values = {"City or territory": "Grenoble", "Country": "France", "UCLG world region": ["europe"]}
    iid, _ = await bot.send(5, modal_submission(modal, values), user_id=ANA)
    answer = await bot.answer(iid)
    assert "Europe/Nowhere" in embed_text(answer) and answer.get("flags", 0) & 64


async def test_register_form_offers_selects_for_region_size_and_themes(discord_bot: DiscordBot) -> None:
    bot = discord_bot
    _iid, modal = await bot.send(2, slash(["city", "register"], {"city": "Quilmes", "themes": "water"}), user_id=ANA)
    inputs = {item["label"]: item for item in modal_inputs(modal)}
    assert [item["type"] for item in inputs.values()] == [4, 4, 3, 3, 3]  # two texts, three selects
    assert len(inputs["UCLG world region"]["options"]) == 7 and inputs["UCLG world region"]["max_values"] == 1
    themes = inputs["Themes"]
    assert themes["max_values"] == 24 and [o["value"] for o in themes["options"] if o.get("default")] == ["water-sanitation"]
    values = {"City or territory": "Quilmes", "Country": "Argentina", "UCLG world region": ["latin-america"],
              "Kind of local government": ["metropolis"], "Themes": ["water-sanitation", "housing"]}
    iid, _ = await bot.send(5, modal_submission(modal, values), user_id=ANA)
    assert "Quilmes is registered" in embed_text(await bot.answer(iid))
    iid, _ = await bot.send(2, slash(["city", "profile"], {}), user_id=ANA)
    card = embed_text(await bot.answer(iid))
    assert "Housing" in card and "Water & sanitation" in card and "Latin America" in card


async def test_user_typed_everyone_never_pings(discord_bot: DiscordBot) -> None:
    iid, _ = await discord_bot.send(2, slash(["city", "register"], {"city": "@everyone @here <@&600000000000000001>", "country": "France", "region": "europe"}), user_id=ANA)
    answer = await discord_bot.answer(iid)
    allowed = answer["allowed_mentions"]
    # No everyone/here/role ping; only the user the bot itself names (the registrant, as focal point).
    assert allowed["parse"] == [] and allowed.get("roles", []) == [] and allowed["users"] == [int(ANA)]
    assert "@\u200beveryone" in embed_text(answer)  # also defused in the text itself


async def test_secretariat_command_refused_for_a_member(discord_bot: DiscordBot) -> None:
    iid, _ = await discord_bot.send(2, slash(["secretariat", "pending"], {}), user_id=ANA)
    answer = await discord_bot.answer(iid)
    assert "for the campaign secretariat" in embed_text(answer) and answer.get("flags", 0) & 64
    iid, _ = await discord_bot.send(2, slash(["secretariat", "pending"], {}), user_id=SEC, roles=[SECRETARIAT_ROLE_ID])
    assert "Nothing is waiting" in embed_text(await discord_bot.answer(iid))


async def test_reconnects_after_the_gateway_drops_and_still_answers(discord_bot: DiscordBot) -> None:
    await discord_bot.fake.drop_gateway()
    await discord_bot.fake.wait_for(lambda: discord_bot.fake.ready.is_set(), within=30)
    assert discord_bot.fake.resumes + discord_bot.fake.identifies >= 2
    iid, _ = await discord_bot.send(2, slash(["campaign", "themes"], {}), user_id=ANA)
    assert "Campaign themes" in embed_text(await discord_bot.answer(iid))


async def test_days_and_day_on_discord(discord_bot: DiscordBot) -> None:
    iid, _ = await discord_bot.send(2, slash(["calendar", "days"], {"month": "12"}), user_id=ANA)
    days = await discord_bot.answer(iid)
    assert "Human Rights Day" in embed_text(days) and len(days["embeds"][0]["description"]) <= 4096
    iid, _ = await discord_bot.send(2, slash(["calendar", "day"], {"name": "world water day"}), user_id=ANA)
    assert "A/RES/47/193" in embed_text(await discord_bot.answer(iid))


async def test_slow_work_is_deferred_then_answered_in_a_followup(discord_bot: DiscordBot) -> None:
    bot = discord_bot
    bot.runtime.answer_within = 0  # a deployment whose every command outlasts the deadline
    iid, first = await bot.send(2, slash(["city", "register"], {"city": "Quilmes", "country": "Argentina", "region": "latin-america", "themes": "water"}), user_id=ANA)
    assert first["type"] == 5 and first["data"]["flags"] & 64  # deferred ("thinking…"), ephemeral
    followup = await bot.answer(iid)
    assert "Quilmes is registered" in embed_text(followup)
    assert len(bot.fake.callbacks(iid)) == 1  # one callback only: the answer came as a followup, not a second callback
    await bot.fake.wait_for(lambda: bot.fake.posted(f"/channels/{SECRETARIAT_CHANNEL}/messages"))
    assert len(bot.fake.posted(f"/channels/{SECRETARIAT_CHANNEL}/messages")) == 1


async def test_quick_answers_are_the_interaction_response_itself(discord_bot: DiscordBot) -> None:
    iid, first = await discord_bot.send(2, slash(["campaign", "themes"], {}), user_id=ANA)
    assert first["type"] == 4 and "Campaign themes" in embed_text(first["data"])
    assert discord_bot.followups(iid) == []  # no followup needed


async def test_the_servers_commands_the_bot_quotes_are_code_not_escaped_backticks(discord_bot: DiscordBot) -> None:
    bot = discord_bot
    iid, _ = await bot.send(2, slash(["city", "register"], {"city": "Quilmes", "country": "Argentina", "region": "latin-america"}), user_id=ANA)
    await bot.answer(iid)
    iid, _ = await bot.send(2, slash(["secretariat", "audit"], {}), user_id=SEC, name="sec", roles=[SECRETARIAT_ROLE_ID])
    answer = await bot.answer(iid)
    footer = answer["embeds"][0]["footer"]["text"]
    assert "Everything: hrc-bot export audit." in footer  # a footer shows no markdown: no backticks, no backslash
    iid, _ = await bot.send(2, slash(["secretariat", "export"], {"what": "members"}), user_id=SEC, name="sec",
                            roles=[SECRETARIAT_ROLE_ID])
    assert "`hrc-bot export`" in embed_text(await bot.answer(iid))  # shown as code, as on Slack


async def test_a_slow_public_answer_is_still_posted_for_the_channel(discord_bot: DiscordBot) -> None:
    """The "thinking…" answer of a slow command is only the author's, and Discord gives the first followup after
    it that visibility whatever the followup asks: a practice shared while the database was slow was shown to
    its author alone. The thinking message is now settled first, and the practice posted for everyone."""
    bot = discord_bot
    await bot.send(2, slash(["city", "register"], {"city": "Quilmes", "country": "Argentina", "region": "latin-america",
                                                   "themes": "water"}), user_id=ANA, locale="es-ES")
    await bot.send(2, slash(["secretariat", "verify"], {"city": "Quilmes"}), user_id=SEC, name="sec", roles=[SECRETARIAT_ROLE_ID])
    bot.runtime.answer_within = 0
    iid, first = await bot.send(2, slash(["practices", "share"], {"title": "Water kiosks", "themes": "water",
                                                                  "summary": "Kiosks in every district."}), user_id=ANA, locale="es-ES")
    assert first["type"] == 5 and first["data"]["flags"] & 64
    shown = await bot.fake.wait_for(lambda: len(bot.fake.shown.get(f"token-{iid}", [])) >= 2 and bot.fake.shown[f"token-{iid}"])
    private, public = shown[0], shown[1]
    assert private["flags"] & 64 and "canal" in private["content"], private
    assert not public["flags"] & 64 and "Water kiosks" in embed_text(public)
    # An error stays the author's, in the thinking message itself.
    iid, _ = await bot.send(2, slash(["practices", "share"], {"title": "Water kiosks", "themes": "water",
                                                              "summary": "Kiosks in every district."}), user_id=ANA, locale="es-ES")
    shown = await bot.fake.wait_for(lambda: bot.fake.shown.get(f"token-{iid}"))
    assert len(shown) == 1 and shown[0]["flags"] & 64
