""""My city acts" through the real discord.py client: /calendar act with the UN-day autocomplete and a hostile
note, the day's card, the outcome button on a shared practice, /calendar withdraw and /secretariat acting."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.discord.conftest import DiscordBot, embed_text
from tests.fakes.discord_api import SECRETARIAT_ROLE_ID, slash

ANA = "500000000000000001"
SEC = "500000000000000002"
BOB = "500000000000000003"


async def test_act_with_autocomplete_card_outcome_and_withdraw(discord_bot: DiscordBot) -> None:
    bot = discord_bot
    clock = {"now": datetime(2026, 11, 24, 9, 0, tzinfo=UTC)}
    bot.runtime.ctx.clock = lambda: clock["now"]
    await bot.send(2, slash(["city", "register"], {"city": "Grenoble", "country": "France", "region": "europe",
                                                   "themes": "human rights"}), user_id=ANA)
    await bot.send(2, slash(["secretariat", "verify"], {"city": "Grenoble"}), user_id=SEC, roles=[SECRETARIAT_ROLE_ID])

    _iid, suggestions = await bot.send(4, slash(["calendar", "act"], {"name": "human rights d"}, focused="name"), user_id=ANA)
    assert suggestions["type"] == 8
    assert {"name": "Human Rights Day", "value": "human-rights-day"} in [
        {"name": c["name"], "value": c["value"]} for c in suggestions["data"]["choices"]]

    iid, _ = await bot.send(2, slash(["calendar", "act"], {"name": "human-rights-day", "note": "@everyone **open** day <@123456789012345678>",
                                                           "link": "https://example.org/open"}), user_id=ANA)
    recorded = await bot.answer(iid)
    assert "Recorded: Grenoble acts on Human Rights Day" in embed_text(recorded)
    assert "/calendar withdraw" in embed_text(recorded)  # commands quoted in the tree's syntax

    iid, _ = await bot.send(2, slash(["calendar", "day"], {"name": "human-rights-day"}), user_id=BOB, name="bob")
    card = await bot.answer(iid)
    text = embed_text(card)
    assert "Grenoble (France): @\u200beveryone \\*\\*open\\*\\* day <@\u200b123456789012345678> · https://example.org/open" in text
    assert card["allowed_mentions"]["parse"] == [] and card["allowed_mentions"].get("users", []) == []

    clock["now"] = datetime(2026, 12, 12, 10, 0, tzinfo=UTC)
    iid, _ = await bot.send(2, slash(["practices", "share"], {"title": "Open day report", "themes": "human rights",
                                                              "summary": "400 visitors."}), user_id=ANA)
    shared = await bot.answer(iid)
    assert "Record this as your city's action for Human Rights Day?" in embed_text(shared)
    (button,) = [c for row in shared["components"] for c in row["components"]
                 if c["custom_id"] == "hrc:act human-rights-day practice: 1"]
    assert button["label"] == "Our action for Human Rights Day"
    message = {**bot.fake.message("600000000000000001", shared), "guild_id": "800000000000000001"}
    iid, callback = await bot.send(3, {"custom_id": button["custom_id"], "component_type": 2}, user_id=ANA, message=message)
    edited = (await bot.fake.wait_for(lambda: bot.fake.posted(f"token-{iid}/messages/@original", method="PATCH")))[0]
    assert "Open day report" in embed_text(edited) and "as the outcome of Grenoble's action" in embed_text(edited)

    iid, _ = await bot.send(2, slash(["secretariat", "acting"], {"name": "human-rights-day"}), user_id=SEC, roles=[SECRETARIAT_ROLE_ID])
    listing = embed_text(await bot.answer(iid))
    assert "Cities acting on Human Rights Day (December 10, 2026)" in listing and "outcome: Open day report" in listing

    clock["now"] = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
    iid, _ = await bot.send(2, slash(["calendar", "withdraw"], {"name": "human-rights-day"}), user_id=ANA)
    assert "Withdrawn: Grenoble no longer acts on Human Rights Day." in embed_text(await bot.answer(iid))
