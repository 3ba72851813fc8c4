"""Secretariat notices through the outbox (issue 18, item 9) and channels paused when the bot can no
longer post there (item 8), through the real Bolt and discord.py stacks."""

from __future__ import annotations

from datetime import timedelta

from bot.broadcast import BroadcastWorker
from storage.models import OutboxStatus
from tests.discord.conftest import SECRETARIAT_CHANNEL, DiscordBot, embed_text
from tests.fakes.discord_api import SECRETARIAT_ROLE_ID, slash
from tests.slack.conftest import SlackBot, block_texts

REGISTER = "register city: Quilmes country: Argentina region: Latin America themes: water"
SEC = "500000000000000002"


def later(slack: SlackBot, seconds: float) -> None:
    """Move the bot's clock on (retries are scheduled in database time)."""
    clock = slack.runtime.ctx.clock
    slack.runtime.ctx.clock = lambda: clock() + timedelta(seconds=seconds)


def outbox_row(slack: SlackBot, *, tried: bool) -> object:
    """The one outbox row once it exists (and was tried), else None; read synchronously for wait_for."""
    import sqlite3

    with sqlite3.connect(slack.runtime.db.url.database) as conn:
        conn.row_factory = sqlite3.Row
        row = conn.execute("SELECT key, status, attempts FROM outbox").fetchone()
    return row if row is not None and (row["attempts"] >= 1 or not tried) and row["status"] != "sending" else None


def secretariat_posts(slack: SlackBot) -> list[dict]:
    """Messages that reached the secretariat channel (not the calls Slack refused), oldest first."""
    return list(reversed(slack.fake.history.get("CSEC", [])))


async def test_a_registration_notice_survives_a_slack_outage_and_arrives_once(slack: SlackBot) -> None:
    slack.fake.fail["chat.postMessage"] = "fatal_error"  # Slack failing at the moment of the registration
    answer = await slack.command(REGISTER)
    assert "Quilmes is registered" in block_texts(answer["blocks"])  # the registrant is answered anyway
    row = await slack.fake.wait_for(lambda: outbox_row(slack, tried=True))  # notices follow the answer
    assert row["key"].startswith("notice:registration:") and row["status"] == OutboxStatus.PENDING
    assert secretariat_posts(slack) == []

    del slack.fake.fail["chat.postMessage"]
    later(slack, 60)
    worker: BroadcastWorker = slack.runtime.outbox
    await worker.run_once()
    await worker.run_once()  # a second pass (or instance) sends nothing more
    posted = secretariat_posts(slack)
    assert len(posted) == 1 and "Quilmes" in posted[0]["text"]
    assert posted[0]["metadata"]["event_payload"]["key"] == row["key"]  # recognisable after a crash


async def test_a_channel_the_bot_was_removed_from_is_paused_and_resumes(slack: SlackBot) -> None:
    assert "will get the secretariat's announcements" in block_texts(
        (await slack.command("channel set announcements", user="USEC", name="sec", channel="CANN"))["blocks"])
    slack.fake.outside.add("CANN")  # the bot is removed from the channel later
    worker: BroadcastWorker = slack.runtime.outbox
    for n in (1, 2):
        await slack.command(f"announce title: News {n} text: hello", user="USEC", name="sec")
        await slack.command(f"announce confirm {n}", user="USEC", name="sec")
        await worker.run_once()
    paused = [p for p in secretariat_posts(slack) if "Paused" in p["text"]]
    assert len(paused) == 1 and "not_in_channel" in paused[0]["text"]  # told once
    tried = [p for p in slack.fake.called("chat.postMessage") if p["channel"] == "CANN"]
    assert len(tried) == 1  # Slack refused the first announcement; the second did not even try
    listed = block_texts((await slack.command("channels", user="USEC", name="sec"))["blocks"])
    assert "paused since" in listed and "not_in_channel" in listed

    slack.fake.outside.discard("CANN")  # invited back
    resumed = await slack.command("channel set announcements", user="USEC", name="sec", channel="CANN")
    assert "Resumed" in block_texts(resumed["blocks"])
    assert "active" in block_texts((await slack.command("channels", user="USEC", name="sec"))["blocks"])
    await slack.command("announce title: News 3 text: back", user="USEC", name="sec")
    await slack.command("announce confirm 3", user="USEC", name="sec")
    await worker.run_once()
    assert slack.fake.history.get("CANN")


async def test_discord_403_pauses_the_channel_and_tells_the_secretariat_once(discord_bot: DiscordBot) -> None:
    bot = discord_bot
    channel = "700000000000000001"
    iid, _ = await bot.send(2, slash(["secretariat", "channel", "set"], {"what": "announcements"}), user_id=SEC, roles=[SECRETARIAT_ROLE_ID])
    assert "announcements" in embed_text(await bot.answer(iid))
    bot.fake.forbidden_channels.add(channel)  # a permission taken away
    worker: BroadcastWorker = bot.runtime.outbox
    for n in (1, 2):
        for command in ([["secretariat", "announce", "new"], {"title": f"News {n}", "text": "hello"}],
                        [["secretariat", "announce", "send"], {"id": n}]):
            iid, _ = await bot.send(2, slash(*command), user_id=SEC, roles=[SECRETARIAT_ROLE_ID])
            await bot.answer(iid)
        await worker.run_once()
    told = [m for m in bot.fake.posted(f"/channels/{SECRETARIAT_CHANNEL}/messages") if "Paused" in embed_text(m)]
    assert len(told) == 1 and "403" in embed_text(told[0])
