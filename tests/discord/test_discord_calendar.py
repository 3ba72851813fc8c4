"""Personal prompts on Discord through discord.py: the "Stop these" button of a DM (a click with no
server in it acts as the member of the server the prompt came from), then "Undo"."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.scheduler import PromptScheduler
from handlers.types import Actor, Place
from tests.discord.conftest import DiscordBot, embed_text
from tests.fakes.discord_api import GUILD_ID, interaction, user

ANA = "500000000000000001"


def dm_click(custom_id: str, message: dict[str, object], dm_channel: str) -> dict[str, object]:
    """A button click in a DM, shaped as Discord sends it: no guild, a user instead of a member."""
    payload = interaction(3, {"custom_id": custom_id, "component_type": 2}, user_id=ANA, message=message)
    for key in ("guild_id", "member"):
        payload.pop(key)
    payload.update(user=user(ANA, "ana"), channel_id=dm_channel, channel={"id": dm_channel, "type": 1},
                   context=1, authorizing_integration_owners={"0": GUILD_ID})
    return payload


async def test_stop_these_in_a_dm_then_undo(discord_bot: DiscordBot) -> None:
    bot = discord_bot
    ana = Actor("discord", GUILD_ID, ANA, "Ana")
    subscribed = await bot.runtime.answer_text(ana, Place("discord", GUILD_ID, "700000000000000001"), "/hrc subscribe water")
    assert not subscribed.is_error
    bot.runtime.ctx.clock = lambda: datetime(2027, 3, 22, 9, 0, tzinfo=UTC)
    await PromptScheduler(bot.runtime).tick()
    dm = (await bot.fake.wait_for(lambda: [
        (c.path, c.body) for c in bot.fake.calls
        if c.method == "POST" and c.path.endswith("/messages") and "World Water Day" in embed_text(c.body or {})
    ]))[0]
    dm_channel = dm[0].split("/")[2]
    (stop,) = [c for row in dm[1]["components"] for c in row["components"]]
    assert stop["label"] == "Stop these" and stop["custom_id"] == f"hrcm:{GUILD_ID}:unsubscribe water-sanitation"

    message = bot.fake.message(dm_channel, dm[1])
    payload = dm_click(stop["custom_id"], message, dm_channel)
    await bot.fake.dispatch("INTERACTION_CREATE", payload)
    edited = (await bot.fake.wait_for(lambda: bot.fake.posted(f"token-{payload['id']}/messages/@original", method="PATCH")))[0]
    assert "Unsubscribed from Water & sanitation" in embed_text(edited)
    (undo,) = [c for row in edited["components"] for c in row["components"]]
    assert undo["label"] == "Undo" and undo["custom_id"] == f"hrcm:{GUILD_ID}:subscribe water-sanitation"

    payload = dm_click(undo["custom_id"], {**message, "components": edited["components"]}, dm_channel)
    payload["id"] = str(int(payload["id"]) + 1)
    payload["token"] = f"token-{payload['id']}"
    await bot.fake.dispatch("INTERACTION_CREATE", payload)
    edited = (await bot.fake.wait_for(lambda: bot.fake.posted(f"token-{payload['id']}/messages/@original", method="PATCH")))[0]
    assert "Subscribed to Water & sanitation" in embed_text(edited) and edited["components"] == []
    again = await bot.runtime.answer_text(ana, Place("discord", GUILD_ID, "700000000000000001"), "/hrc subscribe water")
    assert "already subscribed" in again.text


async def test_stop_these_fits_a_custom_id_in_a_server_with_a_long_id(discord_bot: DiscordBot) -> None:
    """Servers made since 2022 have 19-digit ids (snowflakes reach 20): "hrcm:" + id + ":" + the command
    must stay within Discord's 100 characters, or Discord refuses the whole DM."""
    from bot.discord.views import MemberButton
    from handlers.digests import stop_action, undo_action
    from handlers.i18n import translator
    from handlers.types import MemberRef, Reply
    from tests.discord.limits import check

    themes = ["right-to-the-city", "housing", "water-sanitation", "antidiscrimination"]  # "unsubscribe …": 76
    _ = translator("en")
    sender = discord_bot.runtime.notices.senders["discord"]
    for guild in ("1234567890123456789", "18446744073709551615"):
        for action in (stop_action(themes, _), *undo_action(themes, _)):
            reply = Reply(text="World Water Day is in 3 days.", actions=(action,))
            await sender.send_to_member(MemberRef("discord", guild, ANA, "Ana"), reply)  # type: ignore[attr-defined]
            body = discord_bot.fake.calls[-1].body
            check(body)
            (button,) = [c for row in body["components"] for c in row["components"]]
            match = MemberButton.__discord_ui_compiled_template__.fullmatch(button["custom_id"])
            assert match is not None and match["command"] == action.command  # whole: never a cut command
