"""Local times for every reader: the core's moment token, rendered as Discord ``<t:…>``, Slack ``<!date^…>`` and
the console's time in the reader's zone; never forged from user text; next posts across DST and midnight."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.discord.render import render, with_mentions
from bot.render_text import render_text
from bot.slack.render import fallback_text, mrkdwn
from handlers.calendar import un_days
from handlers.i18n import translator
from handlers.moments import moment
from handlers.next_posts import next_post
from handlers.types import MENTION_CLOSE, MENTION_OPEN, Moment, Reply, clean_input, parse_token
from storage.models import Digest
from tests.conftest import Chat, FakeClock
from tests.test_scheduler import at

MADRID = ZoneInfo("Europe/Madrid")
HRD_0900_MADRID = int(datetime(2026, 12, 10, 8, 0, tzinfo=UTC).timestamp())  # 09:00 CET


def test_a_moment_renders_natively_on_each_platform() -> None:
    token = moment(datetime(2026, 12, 10, 8, 0, tzinfo=UTC), MADRID, translator("es"), relative=True)
    reply = Reply(text=f"Next: {token}.")
    assert render_text(reply) == "Next: jue 10 dic 2026 09:00 (Europe/Madrid)."
    assert mrkdwn(reply.text) == f"Next: <!date^{HRD_0900_MADRID}^{{date_long_pretty}} {{time}}|jue 10 dic 2026 09:00 (Europe/Madrid)>."
    assert fallback_text(reply) == "Next: jue 10 dic 2026 09:00 (Europe/Madrid)."  # notifications: plain
    assert with_mentions(reply.text, set()) == f"Next: <t:{HRD_0900_MADRID}:F> (<t:{HRD_0900_MADRID}:R>)."
    plain = moment(datetime(2026, 12, 10, 8, 0, tzinfo=UTC), ZoneInfo("America/Bogota"), translator("en"))
    assert with_mentions(plain, set()) == f"<t:{HRD_0900_MADRID}:F>"
    assert render_text(Reply(text=plain)) == "Thu 10 Dec 2026 03:00 (America/Bogota)"


@pytest.mark.parametrize("forged", [
    f"{MENTION_OPEN}@time|1|F|x{MENTION_CLOSE}",  # the core's own token, typed
    "<t:1:F> <t:1> <!date^1^{time}|x> <!channel>",  # each platform's own syntax, typed
])
def test_user_text_cannot_forge_a_moment(forged: str) -> None:
    typed = clean_input(forged)  # the inbound boundary every adapter goes through
    assert MENTION_OPEN not in typed
    slack = mrkdwn(typed)
    assert "<!date" not in slack and "<t:" not in slack.replace("&lt;t:", "")
    discord_text = with_mentions(typed, set())
    assert "<t:" not in discord_text.replace("\\<t:", "")
    embed, _allowed = render(Reply(text=typed))
    assert "<t:" not in (embed.description or "").replace("\\<t:", "")


@pytest.mark.parametrize("token", ["@time|12x|F|x", "@time|1|Z|x", "@time|123456789012|F|x", "@time|1|F", "@time|١٢|F|x"])
def test_a_damaged_token_is_inert_text(token: str) -> None:
    assert parse_token(token) is None
    text = f"{MENTION_OPEN}{token}{MENTION_CLOSE}"
    assert "<!date" not in mrkdwn(text) and "<t:" not in with_mentions(text, set())
    assert parse_token("@time|5|FR|Thu") == Moment(5, "FR", "Thu")


def _next(now: str, zone: str, digest: Digest = Digest.OFF, themes: set[str] | None = None) -> datetime | None:
    when = next_post(list(un_days()), at(now), ZoneInfo(zone), 9, digest, themes)
    return when.astimezone(UTC) if when else None


def test_next_post_across_dst_and_midnight() -> None:
    # The Saturday night before summer time starts in Madrid (2027-03-28): the next post is 09:00 CEST (07:00 UTC).
    assert _next("2027-03-27T22:30", "Europe/Madrid") == at("2027-03-30T07:00")
    # The night before Human Rights Day, 23:30 UTC: already 10 December in Madrid (prompt at 09:00 CET), still the
    # 9th in Bogota (09:00 there is 14:00 UTC), and past 09:00 on the 10th in Auckland (UTC+13): the next one.
    assert _next("2026-12-09T23:30", "Europe/Madrid") == at("2026-12-10T08:00")
    assert _next("2026-12-09T23:30", "America/Bogota") == at("2026-12-10T14:00")
    auckland = _next("2026-12-09T23:30", "Pacific/Auckland")
    assert auckland is not None and auckland.astimezone(ZoneInfo("Pacific/Auckland")).date().isoformat() > "2026-12-10"
    # Weekly: the Monday of the week with the day, at 09:00 local, after summer time ends (26 Oct 2026).
    weekly = _next("2026-10-20T10:00", "Europe/Madrid", Digest.WEEKLY, {"human-rights"})
    assert weekly == at("2026-10-26T08:00")


def test_next_personal_post_counts_the_lead_reminder() -> None:
    # Water days in March 2027: glaciers (21st) and water (22nd). Without a lead, the 21st; with lead: 3, the
    # reminder for the 21st on the 18th. Madrid is still on CET (UTC+1) then.
    water = {"water-sanitation"}
    plain = next_post(list(un_days()), at("2027-03-10T10:00"), MADRID, 9, Digest.OFF, water, personal=True)
    ahead = next_post(list(un_days()), at("2027-03-10T10:00"), MADRID, 9, Digest.OFF, water, personal=True, lead_days=3)
    assert plain is not None and plain.astimezone(UTC) == at("2027-03-21T08:00")
    assert ahead is not None and ahead.astimezone(UTC) == at("2027-03-18T08:00")
    late = next_post(list(un_days()), at("2027-03-19T10:00"), MADRID, 9, Digest.OFF, water, personal=True, lead_days=3)
    assert late is not None and late.astimezone(UTC) == at("2027-03-21T08:00")  # both reminders passed: the day itself


async def test_channel_set_and_subscribe_say_when_the_next_post_comes(chat: Chat, clock: FakeClock) -> None:
    clock.now = at("2026-12-10T13:30")  # 08:30 in Bogota: today's prompt hour is ahead (an evening of a day with days would post now)
    chat.ctx.timezone = "Europe/Madrid"
    reply = await chat.say("sec", "/hrc channel set days timezone: America/Bogota")
    assert f"Next post: {MENTION_OPEN}@time|{int(at('2026-12-10T14:00').timestamp())}|FR|" in reply.text
    assert "Next post: Thu 10 Dec 2026 15:00 (Europe/Madrid)." in render_text(reply)  # the reader's default zone
    await chat.say("ana", "/hrc register city: Quito country: Ecuador region: Latin America timezone: America/Guayaquil")
    await chat.say("sec", "/hrc verify Quito")
    subscribed = render_text(await chat.say("ana", "/hrc subscribe human rights"))
    assert "Next post: Thu 10 Dec 2026 09:00 (America/Guayaquil)." in subscribed  # the reader's city's zone
    listing = render_text(await chat.say("ana", "/hrc channels"))
    assert "Next post: Thu 10 Dec 2026 09:00 (America/Guayaquil)." in listing


async def test_announce_at_a_skipped_or_repeated_local_time(chat: Chat, clock: FakeClock) -> None:
    chat.ctx.timezone = "Europe/Madrid"
    skipped = await chat.say("sec", "/hrc announce title: T text: x at: 2027-03-28 02:30 Europe/Madrid")
    assert skipped.is_error and skipped.error_field == "at"
    assert ("2027-03-28 02:30 does not exist in Europe/Madrid: the clocks jump forward then. "
            "Did you mean 01:30 (+01:00) or 03:30 (+02:00)?") in skipped.text
    twice = await chat.say("sec", "/hrc announce title: T text: x at: 2027-10-31 02:30 Europe/Madrid")
    assert twice.is_error and twice.error_field == "at"
    assert ("2027-10-31 02:30 happens twice in Europe/Madrid, when the clocks go back. Which one? Write "
            "2027-10-31 02:30+02:00 Europe/Madrid (the first, 00:30 UTC) or 2027-10-31 02:30+01:00 Europe/Madrid "
            "(the second, 01:30 UTC).") in twice.text
    wrong = await chat.say("sec", "/hrc announce title: T text: x at: 2027-10-31 02:30+03:00 Europe/Madrid")
    assert wrong.is_error and "Europe/Madrid is at +02:00 or +01:00 at 2027-10-31 02:30, not +03:00." in wrong.text

    second = await chat.say("sec", "/hrc announce title: T text: x at: 2027-10-31 02:30 +0100 Europe/Madrid")
    assert not second.is_error, second.text
    assert f"{MENTION_OPEN}@time|{int(at('2027-10-31T01:30').timestamp())}|FR|" in second.text
    assert "Sending: Sun 31 Oct 2027 02:30 (Europe/Madrid)." in render_text(second)
    first = await chat.say("sec", "/hrc announce title: T text: x at: 2027-10-31 02:30+02:00")  # the default zone
    assert f"@time|{int(at('2027-10-31T00:30').timestamp())}|" in first.text
    summer = await chat.say("sec", "/hrc announce title: T text: x at: 2027-07-01 10:00+02:00 Europe/Madrid")
    assert not summer.is_error  # an offset that is right is accepted on any day

    confirmed = await chat.say("sec", "/hrc announce confirm 1")
    assert "Announcement #1 is scheduled for Sun 31 Oct 2027 02:30 (Europe/Madrid)." in render_text(confirmed)
    status = render_text(await chat.say("sec", "/hrc announce status 1"))
    assert "Scheduled for:\n  Sun 31 Oct 2027 02:30 (Europe/Madrid)" in status
    assert "Sun 31 Oct 2027 02:30 (Europe/Madrid)" in render_text(await chat.say("sec", "/hrc announcements"))
    clock.now = at("2027-10-31T00:59")  # 01:59 CEST, the night the clocks go back: the instant is still ahead
    assert "Scheduled for" in render_text(await chat.say("sec", "/hrc announce status 1"))
