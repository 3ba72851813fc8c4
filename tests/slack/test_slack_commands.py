"""`/hrc` in Slack through the real Bolt stack: commands, buttons, modals, security, rate limits."""

from __future__ import annotations

import json
import time

import aiohttp
import pytest

from tests.slack.conftest import SlackBot, block_texts, sign

REGISTER = "register city: Quilmes country: Argentina region: Latin America themes: water"


async def test_register_verify_with_the_button_then_who(slack: SlackBot) -> None:
    answer = await slack.command(REGISTER)
    assert answer["response_type"] == "ephemeral"
    assert "Quilmes is registered" in block_texts(answer["blocks"]) and answer["text"]

    posted = await slack.fake.wait_for(lambda: [p for p in slack.fake.called("chat.postMessage") if p["channel"] == "CSEC"])
    card = posted[0]
    buttons = next(b for b in card["blocks"] if b["type"] == "actions")["elements"]
    assert [b["value"] for b in buttons] == ["verify #1", "reject #1"]

    click = {
        "type": "block_actions", "team": {"id": "T1", "domain": "hrc"},
        "user": {"id": "USEC", "username": "sec", "name": "sec", "team_id": "T1"},
        "api_app_id": "A1", "token": "legacy", "trigger_id": "t.click",
        "container": {"type": "message", "message_ts": "1.000100", "channel_id": "CSEC", "is_ephemeral": False},
        "channel": {"id": "CSEC", "name": "secretariat"},
        "message": {"type": "message", "ts": "1.000100", "text": card["text"], "blocks": card["blocks"]},
        "response_url": f"{slack.fake.url}/response/click",
        "actions": [{**buttons[0], "block_id": "hrc_actions", "action_ts": str(time.time()), "type": "button"}],
    }
    assert (await slack.interact(click))[0] == 200
    updated = await slack.fake.wait_for(lambda: slack.fake.called("chat.update"))
    assert "Quilmes is verified" in block_texts(updated[0]["blocks"])
    assert not [b for b in updated[0]["blocks"] if b["type"] == "actions"]  # buttons gone once decided
    told = await slack.fake.wait_for(lambda: slack.fake.posts_in("DUANA"))
    assert "Welcome to the campaign" in told[0]["text"]

    # A second click (double click, or Slack retrying) changes nothing and updates nothing again.
    assert (await slack.interact(click))[0] == 200
    who = await slack.command("who water", user="UBOB", name="bob")
    assert "Quilmes (Argentina): <@UANA>" in block_texts(who["blocks"])
    assert len(slack.fake.called("chat.update")) == 1


async def test_user_typed_channel_ping_arrives_escaped(slack: SlackBot) -> None:
    answer = await slack.command("register city: <!channel> @everyone <@U999> & co country: France region: Europe")
    parsed_by_slack = block_texts(answer["blocks"], only_type="mrkdwn") + answer["text"]
    assert "&lt;!channel&gt; @everyone &lt;@U999&gt; &amp; co" in parsed_by_slack
    assert "<!channel>" not in parsed_by_slack and "<@U999>" not in parsed_by_slack
    # The header is plain_text, which Slack never parses for mentions: shown as typed.
    assert answer["blocks"][0]["text"] == {"type": "plain_text", "text": "Thank you: <!channel> @everyone <@U999> & co is registered", "emoji": True}


async def test_user_typed_formatting_arrives_as_written_not_applied(slack: SlackBot) -> None:
    # Slack's mrkdwn has no escape for * _ ~ ` >: each sign where Slack would read it becomes its look-alike.
    await slack.command("register city: *Lyon* _sur_ ~Saône~ country: France region: Europe themes: water")
    await slack.command("verify #1", user="USEC", name="sec")
    await slack.command('share title: Water_kiosks `code` themes: water summary: "```\n> all here\n```"')
    for answer in (await slack.command("who water", user="UBOB", name="bob"),
                   await slack.command("practices kiosks", user="UBOB", name="bob")):
        parsed_by_slack = block_texts(answer["blocks"], only_type="mrkdwn")
        assert "∗Lyon∗ ＿sur＿ ∼Saône∼" in parsed_by_slack
        for live in ("*Lyon*", "_sur_", "~Saône~", "```"):
            assert live not in parsed_by_slack
    # A sign inside a word cannot format and stays; a single-backtick span is code, where nothing formats.
    assert "Water_kiosks `code`" in parsed_by_slack
    assert "‵‵‵\n› all here\n‵‵‵" in parsed_by_slack
    # The name as Slack shows it, copied and typed back, finds the same city.
    card = await slack.command("profile ∗Lyon∗ ＿sur＿ ∼Saône∼", user="UBOB", name="bob")
    assert card["blocks"][0]["text"] == {"type": "plain_text", "text": "*Lyon* _sur_ ~Saône~", "emoji": True}  # never formatted
    assert "Water" in block_texts(card["blocks"])


async def test_bad_signature_and_stale_timestamp_are_rejected_and_change_nothing(slack: SlackBot) -> None:
    body = slack.command_body(REGISTER)
    assert (await slack.post(body, signature="v0=deadbeef"))[0] == 401
    assert (await slack.post(body, signature=""))[0] == 401
    old = int(time.time()) - 6 * 60
    assert (await slack.post(body, timestamp=old, signature=sign(body, old)))[0] == 401
    answer = await slack.command("pending", user="USEC", name="sec")
    assert "Nothing is waiting" in block_texts(answer["blocks"])


async def test_a_retried_request_is_applied_once(slack: SlackBot) -> None:
    body = slack.command_body(REGISTER, trigger="trigger.same")
    status, first = await slack.post(body)
    assert status == 200 and "Quilmes is registered" in json.loads(first)["text"]
    status, again = await slack.post(body, headers={"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"})
    assert (status, again) == (200, "")  # acked, applied nothing, said nothing
    answer = await slack.command("pending", user="USEC", name="sec")
    assert block_texts(answer["blocks"]).count("Quilmes (Argentina") == 1
    assert len([p for p in slack.fake.called("chat.postMessage") if p["channel"] == "CSEC"]) == 1


async def test_rate_limited_post_is_retried_and_delivered_once(slack: SlackBot) -> None:
    slack.fake.rate_limit("chat.postMessage", 1)
    await slack.command(REGISTER)
    await slack.fake.wait_for(lambda: [p for p in slack.fake.called("chat.postMessage") if p["channel"] == "CSEC"])
    assert len([c for c in slack.fake.calls if c.method == "chat.postMessage:429"]) == 1
    assert len([p for p in slack.fake.called("chat.postMessage") if p["channel"] == "CSEC"]) == 1


async def test_the_answer_rides_on_the_ack_when_ready_in_time(slack: SlackBot) -> None:
    status, body = await slack.post(slack.command_body("themes"))
    answer = json.loads(body)
    assert status == 200 and answer["response_type"] == "ephemeral"
    assert "Campaign themes" in block_texts(answer["blocks"]) and answer["text"]
    assert slack.fake.responses == []  # one HTTP answer, no response_url round trip


async def test_slow_work_acks_at_once_then_answers_through_response_url(slack: SlackBot) -> None:
    slack.runtime.answer_within = 0  # a deployment whose every command outlasts the deadline
    status, body = await slack.post(slack.command_body(REGISTER))
    assert (status, body) == (200, "")
    answer = await slack.fake.wait_for(lambda: slack.fake.responses)
    assert "Quilmes is registered" in block_texts(answer[0]["blocks"]) and answer[0]["response_type"] == "ephemeral"
    assert answer[0]["replace_original"] is False
    # Notices still follow the caller's answer: the secretariat gets its card once.
    await slack.fake.wait_for(lambda: [p for p in slack.fake.called("chat.postMessage") if p["channel"] == "CSEC"])
    assert len([p for p in slack.fake.called("chat.postMessage") if p["channel"] == "CSEC"]) == 1


def text_value(value: str) -> dict[str, object]:
    return {"value": {"type": "plain_text_input", "value": value}}


async def test_register_alone_opens_the_modal_and_invalid_fields_answer_inline(slack: SlackBot) -> None:
    await slack.post(slack.command_body("register"))
    view = (await slack.fake.wait_for(lambda: slack.fake.called("views.open")))[0]["view"]
    assert view["callback_id"] == "hrc_register"
    assert {b["block_id"] for b in view["blocks"]} >= {"city", "country", "region", "themes", "size", "timezone"}
    values = {
        "city": text_value("Grenoble"), "country": text_value("France"),
        "region": {"value": {"type": "static_select", "selected_option": {"value": "europe"}}},
        "timezone": text_value("Europe/Nowhere"),
    }
    status, body = await slack.interact(slack.submission(view, values))
    assert status == 200
    answer = json.loads(body)
    assert answer["response_action"] == "errors" and "Europe/Nowhere" in answer["errors"]["timezone"]
    assert "Nothing is waiting" in block_texts((await slack.command("pending", user="USEC", name="sec"))["blocks"])

    values["timezone"] = text_value("Europe/Paris")
    status, body = await slack.interact(slack.submission(view, values, view_id="V2"))
    assert status == 200 and body == ""  # closes the modal
    assert "Grenoble (France, Europe)" in block_texts((await slack.command("pending", user="USEC", name="sec"))["blocks"])


async def test_share_through_the_modal_posts_to_the_channel(slack: SlackBot) -> None:
    await slack.command(REGISTER)
    await slack.command("verify Quilmes", user="USEC", name="sec")
    await slack.post(slack.command_body("share", channel="CPRACTICES"))
    view = (await slack.fake.wait_for(lambda: slack.fake.called("views.open")))[0]["view"]
    assert view["callback_id"] == "hrc_share"
    values = {
        "title": text_value("Water kiosks"),
        "themes": {"value": {"type": "multi_static_select", "selected_options": [{"value": "water-sanitation"}]}},
        "summary": text_value("Kiosks in every district, run with residents."),
        "link": text_value("not a link"),
    }
    status, body = await slack.interact(slack.submission(view, values))
    assert json.loads(body)["errors"] == {"link": json.loads(body)["errors"]["link"]}
    values["link"] = text_value("https://example.org/kiosks")
    status, body = await slack.interact(slack.submission(view, values, view_id="V2"))
    assert status == 200
    posted = await slack.fake.wait_for(lambda: [p for p in slack.fake.called("chat.postMessage") if p["channel"] == "CPRACTICES"])
    assert "Water kiosks" in block_texts(posted[0]["blocks"])
    found = await slack.command("practices kiosks")
    assert "Water kiosks (Quilmes)" in block_texts(found["blocks"])


async def test_healthz_reports_the_database(slack: SlackBot) -> None:
    async with slack.http.get(f"{slack.base}/healthz") as response:
        assert response.status == 200
    await slack.runtime.db.engine.dispose()
    slack.runtime.db.url = slack.runtime.db.url.set(database="/nonexistent/dir/hrc.db")
    from storage.session import Database

    slack.runtime.db = Database(slack.runtime.db.url)
    async with slack.http.get(f"{slack.base}/healthz") as response:
        assert response.status == 503


async def test_app_home_shows_register_button_then_the_city_card(slack: SlackBot) -> None:
    def event(event_id: str) -> str:
        return json.dumps({
            "token": "legacy", "team_id": "T1", "api_app_id": "A1", "type": "event_callback",
            "event_id": event_id, "event_time": int(time.time()),
            "event": {"type": "app_home_opened", "user": "UANA", "channel": "DUANA", "tab": "home", "event_ts": "1.0"},
        })

    status, _ = await slack.post(event("Ev1"), headers={"Content-Type": "application/json"})
    assert status == 200
    first = (await slack.fake.wait_for(lambda: slack.fake.called("views.publish")))[0]
    assert first["user_id"] == "UANA"
    assert any(e.get("action_id") == "hrc_open_register" for b in first["view"]["blocks"] for e in b.get("elements", []))
    assert "Next days" in block_texts(first["view"]["blocks"]) and "10, 100, 1000" in block_texts(first["view"]["blocks"])

    await slack.command(REGISTER)
    await slack.post(event("Ev2"), headers={"Content-Type": "application/json"})
    second = (await slack.fake.wait_for(lambda: slack.fake.called("views.publish")[1:]))[0]
    assert "Quilmes" in block_texts(second["view"]["blocks"])


async def test_days_and_day_in_slack(slack: SlackBot) -> None:
    days = await slack.command("days december")
    assert "Human Rights Day" in block_texts(days["blocks"]) and len(days["blocks"]) <= 50
    day = await slack.command("day world water day")
    assert "World Water Day" in block_texts(day["blocks"]) and "A/RES/47/193" in block_texts(day["blocks"])


async def test_connection_errors_are_retried_only_where_repeating_is_safe(slack: SlackBot) -> None:
    from bot.slack.service import web_client

    client = web_client(slack.runtime)
    slack.fake.drop("views.publish")  # idempotent: retried, and the view is published
    await client.views_publish(user_id="UANA", view={"type": "home", "blocks": []})
    assert [c.method for c in slack.fake.calls if c.method.startswith("views.publish")] == ["views.publish:dropped", "views.publish"]

    slack.fake.drop("chat.postMessage")  # may have been posted: never blindly posted again
    with pytest.raises(aiohttp.ServerDisconnectedError):
        await client.chat_postMessage(channel="CGEN", text="hello")
    assert [c.method for c in slack.fake.calls if c.method.startswith("chat.postMessage")] == ["chat.postMessage:dropped"]
