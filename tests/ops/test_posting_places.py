"""Places the bot cannot post in (issue 18, item 8): `channel set` checks it when typed, on both platforms,
and a shared practice submitted from such a channel does not vanish."""

from __future__ import annotations

import json

from bot.slack.modals import share_modal
from tests.discord.conftest import DiscordBot, embed_text
from tests.fakes.discord_api import SECRETARIAT_ROLE_ID, slash
from tests.slack.conftest import SlackBot, block_texts

SEC = "500000000000000002"
# View Channel (1 << 10), Send Messages (1 << 11), Embed Links (1 << 14)
ALL_NEEDED = (1 << 10) | (1 << 11) | (1 << 14)


async def test_slack_channel_set_checks_the_bot_is_a_member(slack: SlackBot) -> None:
    slack.fake.outside.add("CPUBLIC")
    slack.fake.hidden_channels.add("GPRIVATE")
    for channel in ("CPUBLIC", "GPRIVATE"):
        answer = await slack.command("channel set days", user="USEC", name="sec", channel=channel)
        text = block_texts(answer["blocks"])
        assert "I cannot post in this channel" in text and "/invite @hrc" in text, text
    listed = await slack.command("channels", user="USEC", name="sec")
    assert "No channel gets prompts" in block_texts(listed["blocks"])  # nothing was stored

    answer = await slack.command("channel set days", user="USEC", name="sec", channel="CMEMBER")
    assert "will get UN-day prompts" in block_texts(answer["blocks"])
    assert [p["channel"] for p in slack.fake.called("conversations.info")] == ["CPUBLIC", "GPRIVATE", "CMEMBER"]


async def test_discord_channel_set_checks_the_bots_permissions(discord_bot: DiscordBot) -> None:
    bot = discord_bot
    for missing in (1 << 11, 1 << 14):  # no Send Messages; no Embed Links
        iid, _ = await bot.send(2, slash(["secretariat", "channel", "set"], {"what": "days"}), user_id=SEC, roles=[SECRETARIAT_ROLE_ID],
                                app_permissions=str(ALL_NEEDED & ~missing))
        text = embed_text(await bot.answer(iid))
        assert "I cannot post in this channel" in text and "Embed Links" in text, text
    iid, _ = await bot.send(2, slash(["secretariat", "channel", "set"], {"what": "days"}), user_id=SEC, roles=[SECRETARIAT_ROLE_ID],
                            app_permissions=str(ALL_NEEDED))
    assert "will get UN-day prompts" in embed_text(await bot.answer(iid))


async def test_a_practice_shared_from_a_channel_the_bot_is_not_in_reaches_its_author(slack: SlackBot) -> None:
    await slack.command("register city: Quilmes country: Argentina region: Latin America")
    await slack.command("verify Quilmes", user="USEC", name="sec")
    slack.fake.outside.add("CQUIET")
    view = share_modal(private_metadata=json.dumps({"channel": "CQUIET"}))
    values = {
        "title": {"value": {"type": "plain_text_input", "value": "Water kiosks"}},
        "themes": {"value": {"type": "multi_static_select", "selected_options": [{"value": "water-sanitation"}]}},
        "summary": {"value": {"type": "plain_text_input", "value": "Kiosks in every district."}},
    }
    status, _ = await slack.interact(slack.submission(view, values))
    assert status == 200
    dms = await slack.fake.wait_for(lambda: [p for p in slack.fake.called("chat.postMessage")
                                             if p["channel"] == "UANA" and "Water kiosks" in str(p.get("blocks"))])
    before = [p["text"] for p in slack.fake.called("chat.postMessage") if p["channel"] == "UANA"]
    note = next(t for t in before if "I could not post this in" in t)
    assert "<#CQUIET> (not_in_channel)" in note and "/invite @hrc" in note
    assert before.index(note) < before.index(dms[0]["text"])  # told why, then given the practice
