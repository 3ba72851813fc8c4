"""The secretariat's pending list on Discord: Verify / Reject buttons for each city, through the real discord.py
client. A click shows the outcome on one line above the list as it is now, with the other cities' buttons."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from storage.session import Database
from tests.directory_seed import seed_directory
from tests.discord.conftest import DiscordBot, embed_text
from tests.discord.limits import check_message
from tests.fakes.discord_api import SECRETARIAT_ROLE_ID, slash

ANA, BOB, CID = "500000000000000001", "500000000000000003", "500000000000000005"
SEC, SEC2 = "500000000000000002", "500000000000000004"


def buttons_of(message: dict[str, Any]) -> list[list[dict[str, Any]]]:
    return [row["components"] for row in message.get("components", [])]


async def pending_list(bot: DiscordBot) -> dict[str, Any]:
    iid, _ = await bot.send(2, slash(["secretariat", "pending"], {}), user_id=SEC, roles=[SECRETARIAT_ROLE_ID])
    return await bot.answer(iid)


async def click(bot: DiscordBot, message: dict[str, Any], custom_id: str, user_id: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """Click ``custom_id`` on ``message`` (an answer only its reader sees); the callback and the message as edited."""
    shown = {**bot.fake.message("700000000000000001", message), "flags": message.get("flags", 0)}
    iid, callback = await bot.send(3, {"custom_id": custom_id, "component_type": 2}, user_id=user_id,
                                   roles=[SECRETARIAT_ROLE_ID], message=shown)
    edited = (await bot.fake.wait_for(lambda: bot.fake.posted(f"token-{iid}/messages/@original", method="PATCH")))[0]
    return callback, edited


async def test_each_pending_city_has_its_buttons_and_a_click_keeps_the_list(discord_bot: DiscordBot) -> None:
    bot = discord_bot
    bot.runtime.ctx.clock = lambda: datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
    for user_id, city in ((ANA, "Grenoble"), (BOB, "Lyon"), (CID, "Nantes")):
        await bot.send(2, slash(["city", "register"], {"city": city, "country": "France", "region": "europe"}), user_id=user_id)

    listing = await pending_list(bot)
    assert listing["flags"] & 64
    rows = buttons_of(listing)
    assert [[(b["label"], b["custom_id"], b["style"]) for b in row] for row in rows] == [
        [(f"Verify {city}", f"hrci:1:7:pendingverify #{n}", 3), (f"Reject {city}", f"hrci:1:7:pendingreject #{n}", 4)]
        for n, city in ((1, "Grenoble"), (2, "Lyon"), (3, "Nantes"))
    ]

    iid, _ = await bot.send(2, slash(["secretariat", "pending"], {}), user_id=SEC, roles=[SECRETARIAT_ROLE_ID], locale="fr")
    assert [b["label"] for b in buttons_of(await bot.answer(iid))[0]] == ["Vérifier Grenoble", "Refuser Grenoble"]
    iid, _ = await bot.send(2, slash(["secretariat", "pending"], {}), user_id=SEC, roles=[SECRETARIAT_ROLE_ID], locale="es-ES")
    assert [b["label"] for b in buttons_of(await bot.answer(iid))[0]] == ["Verificar Grenoble", "Rechazar Grenoble"]

    # Verify the second: the message shows the outcome above the list of the other two, with their buttons.
    callback, edited = await click(bot, listing, "hrci:1:7:pendingverify #2", SEC)
    assert callback["type"] == 6  # the message itself is updated
    assert edited["content"] == "✅ Lyon is verified; 1 focal point told."
    assert edited["allowed_mentions"]["parse"] == []
    text = embed_text(edited)
    assert "Grenoble" in text and "Nantes" in text and "Lyon" not in text
    assert [[b["custom_id"] for b in row] for row in buttons_of(edited)] == [
        ["hrci:1:7:pendingverify #1", "hrci:1:7:pendingreject #1"], ["hrci:1:7:pendingverify #3", "hrci:1:7:pendingreject #3"]]
    # Lyon's focal point is told, in a direct message.
    await bot.fake.wait_for(lambda: [c for c in bot.fake.calls if c.method == "POST" and c.path.endswith("/messages")
                                      and "Lyon is now a verified Human Rights City" in embed_text(c.body or {})])

    # Another of the secretariat, on the list as they had it before: told who was first, never a traceback.
    _callback, stale = await click(bot, listing, "hrci:1:7:pendingverify #2", SEC2)
    assert re.fullmatch(r"✅ Lyon was already verified by <@500000000000000002> on Nov 24, 2026; nothing to do\.", stale["content"])
    assert "Lyon" not in embed_text(stale) and len(buttons_of(stale)) == 2

    # Reject from the edited list: one city left, then none (no buttons left either).
    _callback, after = await click(bot, edited, "hrci:1:7:pendingreject #1", SEC)
    assert after["content"].startswith("✅ Grenoble declined") and len(buttons_of(after)) == 1
    _callback, last = await click(bot, after, "hrci:1:7:pendingverify #3", SEC)
    assert "Nothing is waiting for a decision." in embed_text(last) and not last["components"]


async def test_cities_beyond_five_rows_keep_their_typed_command(discord_bot: DiscordBot, sqlite_db: Database) -> None:
    bot = discord_bot
    await seed_directory(sqlite_db, 0, pending=12, long=False)
    listing = await pending_list(bot)
    check_message(listing)
    assert "Page" not in str(listing["embeds"][0].get("footer"))  # one page: five rows for five cities
    assert [row[0]["custom_id"] for row in buttons_of(listing)] == [f"hrci:1:7:pendingverify #{n}" for n in range(1, 6)]
    text = embed_text(listing)
    assert all(f"`/secretariat verify city: #{n}` or `/secretariat reject city: #{n} reason: …`" in text for n in range(6, 13))

    # Deciding on one brings the sixth city's buttons.
    _callback, edited = await click(bot, listing, "hrci:1:7:pendingreject #3", SEC)
    assert [row[0]["custom_id"] for row in buttons_of(edited)] == [f"hrci:1:7:pendingverify #{n}" for n in (1, 2, 4, 5, 6)]


async def test_a_long_pending_list_keeps_previous_next_and_typed_commands(discord_bot: DiscordBot, sqlite_db: Database) -> None:
    bot = discord_bot
    await seed_directory(sqlite_db, 0, pending=20, all_themes=True)
    listing = await pending_list(bot)
    check_message(listing)
    rows = buttons_of(listing)
    assert len(rows) == 5 and all(len(row) <= 5 for row in rows)
    footer = listing["embeds"][0]["footer"]["text"]
    assert "Page 1 of " in footer, footer
    *entries, paging = rows
    assert [b["label"] for b in paging] == ["Previous", "Next"] and paging[1]["custom_id"] == "hrcp:2:pending"
    assert [b["custom_id"] for b in entries[0]] == ["hrci:1:7:pendingverify #1", "hrci:1:7:pendingreject #1"]
    assert all(len(b["label"]) <= 80 and len(b["custom_id"]) <= 100 for row in rows for b in row)
    assert entries[0][0]["label"].startswith("Verify ")
    assert len(entries) == 4 and "/secretariat verify city: #4" in embed_text(listing)  # this page's 4 cities, each with its row

    # Verifying on page 1 shows page 1 again, Previous / Next still there.
    _callback, edited = await click(bot, listing, "hrci:1:7:pendingverify #2", SEC)
    assert edited["content"].startswith("✅ ") and "is verified" in edited["content"]
    *entries, paging = buttons_of(edited)
    assert [b["label"] for b in paging] == ["Previous", "Next"]
    assert [row[0]["custom_id"] for row in entries] == [f"hrci:1:7:pendingverify #{n}" for n in (1, 3, 4, 5)]

    # Next turns to page 2, whose cities have their own buttons.
    shown = {**bot.fake.message("700000000000000001", edited), "flags": 64}
    iid, callback = await bot.send(3, {"custom_id": "hrcp:2:pending", "component_type": 2}, user_id=SEC,
                                   roles=[SECRETARIAT_ROLE_ID], message=shown)
    page2 = (await bot.fake.wait_for(lambda: bot.fake.posted(f"token-{iid}/messages/@original", method="PATCH")))[0]
    *entries, paging = buttons_of(page2)
    assert entries and all(row[0]["custom_id"].startswith("hrci:2:7:pendingverify #") for row in entries)
    assert paging[0]["custom_id"] == "hrcp:1:pending"
    assert "content" in page2 and page2["content"] is None  # cleared: the outcome line was about page 1


async def test_two_pending_cities_of_one_name_are_told_apart_by_country(discord_bot: DiscordBot) -> None:
    bot = discord_bot
    for user_id, country in ((ANA, "Spain"), (BOB, "Argentina")):
        await bot.send(2, slash(["city", "register"], {"city": "Córdoba", "country": country, "region": "europe"}), user_id=user_id)
    labels = [b["label"] for row in buttons_of(await pending_list(bot)) for b in row]
    assert labels == ["Verify Córdoba (Spain)", "Reject Córdoba (Spain)", "Verify Córdoba (Argentina)", "Reject Córdoba (Argentina)"]
