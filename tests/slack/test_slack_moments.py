"""Local times on Slack through the real Bolt stack: each reader sees the announcement's time and the next
prompt in their own zone (``<!date^…>``), with the console's text as the fallback."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.slack.conftest import SlackBot, block_texts

ONE_THIRTY_UTC = int(datetime(2027, 10, 31, 1, 30, tzinfo=UTC).timestamp())


async def test_times_render_as_slack_date_tokens(slack: SlackBot) -> None:
    slack.runtime.ctx.clock = lambda: datetime(2027, 10, 20, 9, 0, tzinfo=UTC)
    slack.runtime.ctx.timezone = "Europe/Madrid"
    asked = await slack.command("announce title: Forum text: Soon at: 2027-10-31 02:30 Europe/Madrid", user="USEC", name="sec")
    assert "happens twice in Europe/Madrid" in block_texts(asked["blocks"])
    preview = await slack.command("announce title: Forum text: Soon at: 2027-10-31 02:30+01:00 Europe/Madrid",
                                  user="USEC", name="sec")
    mrkdwn = block_texts(preview["blocks"], only_type="mrkdwn")
    assert f"Sending: <!date^{ONE_THIRTY_UTC}^{{date_long_pretty}} {{time}}|Sun 31 Oct 2027 02:30 (Europe/Madrid)>." in mrkdwn
    assert "Sending: Sun 31 Oct 2027 02:30 (Europe/Madrid)." in preview["text"]  # the notification's plain text
    confirmed = await slack.command("announce confirm 1", user="USEC", name="sec")
    assert f"scheduled for <!date^{ONE_THIRTY_UTC}^" in block_texts(confirmed["blocks"], only_type="mrkdwn")
    status = await slack.command("announce status 1", user="USEC", name="sec")
    assert f"<!date^{ONE_THIRTY_UTC}^{{date_long_pretty}} {{time}}|" in block_texts(status["blocks"], only_type="mrkdwn")

    days = await slack.command("channel set days timezone: America/Bogota", user="USEC", name="sec", channel="CDAYS")
    # The next day on a campaign theme is the Snow Leopard's (23 October, environment), 09:00 in Bogota; the
    # fallback is in the reader's zone (the secretariat has no city: the default).
    next_prompt = int(datetime(2027, 10, 23, 14, 0, tzinfo=UTC).timestamp())
    text = block_texts(days["blocks"], only_type="mrkdwn")
    assert f"Next post: <!date^{next_prompt}^{{date_long_pretty}} {{time}}|Sat 23 Oct 2027 16:00 (Europe/Madrid)>." in text
