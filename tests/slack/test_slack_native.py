"""Slack-native touches through the real Bolt stack: pre-filled forms, the time zone search, shortcuts,
"Share in channel", names from users.info, channel links and commands typed in the Messages tab."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

from bot.slack.service import web_client
from bot.slack.users import REFRESH, SlackUsers
from tests.slack.conftest import SlackBot, block_texts

REGISTER = "register city: Quilmes country: Argentina region: Latin America themes: water"
ANA = {"id": "UANA", "name": "ana", "real_name": "Ana María Pérez", "locale": "es-ES",
       "profile": {"display_name": "Ana María", "real_name": "Ana María Pérez"}}


def block(view: dict[str, Any], block_id: str) -> dict[str, Any]:
    return next(b for b in view["blocks"] if b.get("block_id") == block_id)


def user(user_id: str = "UANA") -> dict[str, str]:
    return {"id": user_id, "username": user_id.lower(), "name": user_id.lower(), "team_id": "T1"}


async def opened_view(slack: SlackBot, before: int = 0) -> dict[str, Any]:
    return (await slack.fake.wait_for(lambda: slack.fake.called("views.open")[before:]))[0]["view"]


async def test_partial_options_open_the_form_pre_filled_and_it_registers(slack: SlackBot) -> None:
    status, body = await slack.post(slack.command_body("register city: Quito region: latin america themes: water, housing timezone: America/Guayaquil"))
    assert (status, body) == (200, "")  # no error answer: the form opens instead
    view = await opened_view(slack)
    assert block(view, "city")["element"]["initial_value"] == "Quito"
    assert "initial_value" not in block(view, "country")["element"]
    assert block(view, "region")["element"]["initial_option"]["value"] == "latin-america"
    assert [o["value"] for o in block(view, "themes")["element"]["initial_options"]] == ["water-sanitation", "housing"]
    timezone = block(view, "timezone")["element"]
    assert timezone["type"] == "external_select" and timezone["initial_option"]["value"] == "America/Guayaquil"
    assert json.loads(view["private_metadata"]) == {"channel": "CGEN"}

    values = {
        "city": {"value": {"type": "plain_text_input", "value": "Quito"}},
        "country": {"value": {"type": "plain_text_input", "value": "Ecuador"}},
        "region": {"value": {"type": "static_select", "selected_option": {"value": "latin-america"}}},
        "timezone": {"hrc_timezone": {"type": "external_select", "selected_option": {"value": "America/Guayaquil"}}},
    }
    status, body = await slack.interact(slack.submission(view, values))
    assert (status, body) == (200, "")
    pending = await slack.command("pending", user="USEC", name="sec")
    assert "Quito (Ecuador, Latin America)" in block_texts(pending["blocks"])


async def test_free_words_fill_the_first_field_and_a_complete_command_runs_as_typed(slack: SlackBot) -> None:
    await slack.post(slack.command_body("share Water kiosks"))
    view = await opened_view(slack)
    assert view["callback_id"] == "hrc_share" and block(view, "title")["element"]["initial_value"] == "Water kiosks"
    assert block(view, "link")["element"]["type"] == "url_text_input"
    answer = await slack.command(REGISTER)  # every required option given: answered, no form
    assert "Quilmes is registered" in block_texts(answer["blocks"])
    assert len(slack.fake.called("views.open")) == 1


async def test_time_zone_options_are_searched_by_city(slack: SlackBot) -> None:
    payload = {
        "type": "block_suggestion", "team": {"id": "T1", "domain": "hrc"}, "user": user(), "api_app_id": "A1",
        "token": "legacy", "container": {"type": "view", "view_id": "V1"}, "action_id": "hrc_timezone",
        "block_id": "timezone", "value": "Bogotá\x00", "action_ts": str(time.time()),
        "view": {"id": "V1", "type": "modal", "callback_id": "hrc_register"},
    }
    status, body = await slack.interact(payload)
    options = json.loads(body)["options"]
    assert status == 200 and options[0]["value"] == "America/Bogota"
    assert options[0]["text"]["text"].startswith("America/Bogota (UTC-05:00")
    status, body = await slack.interact({**payload, "value": "new york"})
    assert json.loads(body)["options"][0]["value"] == "America/New_York"


async def test_global_shortcut_opens_the_register_form(slack: SlackBot) -> None:
    status, _ = await slack.interact({
        "type": "shortcut", "token": "legacy", "action_ts": str(time.time()), "team": {"id": "T1", "domain": "hrc"},
        "user": user(), "callback_id": "hrc_register_shortcut", "trigger_id": "t.shortcut",
    })
    assert status == 200
    view = await opened_view(slack)
    assert view["callback_id"] == "hrc_register"
    assert slack.fake.called("views.open")[0]["trigger_id"] == "t.shortcut"


async def test_message_shortcut_shares_the_message_as_a_practice(slack: SlackBot) -> None:
    await slack.command(REGISTER)
    await slack.command("verify Quilmes", user="USEC", name="sec")
    text = "Water kiosks run by residents\nEvery district has one &amp; <https://example.org/k|the map>. <!channel>"
    status, _ = await slack.interact({
        "type": "message_action", "token": "legacy", "action_ts": str(time.time()), "team": {"id": "T1", "domain": "hrc"},
        "user": user(), "callback_id": "hrc_share_message", "trigger_id": "t.msg", "message_ts": "1700000000.000200",
        "response_url": f"{slack.fake.url}/response/msg", "channel": {"id": "CPRACTICES", "name": "practices"},
        "message": {"type": "message", "user": "UBOB", "ts": "1700000000.000200", "text": text},
    })
    assert status == 200
    view = await opened_view(slack)
    assert view["callback_id"] == "hrc_share"
    assert block(view, "title")["element"]["initial_value"] == "Water kiosks run by residents"
    summary = block(view, "summary")["element"]["initial_value"]
    assert "has one & the map (https://example.org/k). @channel" in summary and "<!channel>" not in summary
    assert block(view, "link")["element"]["initial_value"] == "https://hrc.slack.test/archives/CPRACTICES/p1700000000000200"

    values = {
        "title": {"value": {"type": "plain_text_input", "value": block(view, "title")["element"]["initial_value"]}},
        "themes": {"value": {"type": "multi_static_select", "selected_options": [{"value": "water-sanitation"}]}},
        "summary": {"value": {"type": "plain_text_input", "value": summary}},
        "link": {"value": {"type": "url_text_input", "value": block(view, "link")["element"]["initial_value"]}},
    }
    assert await slack.interact(slack.submission(view, values)) == (200, "")
    posted = await slack.fake.wait_for(lambda: [p for p in slack.fake.called("chat.postMessage") if p["channel"] == "CPRACTICES"])
    assert "Water kiosks run by residents" in block_texts(posted[0]["blocks"])
    assert "<!channel>" not in block_texts(posted[0]["blocks"], only_type="mrkdwn")


def share_click(slack: SlackBot, answer: dict[str, Any], channel: str, message_ts: str) -> dict[str, Any]:
    button = next(b for b in answer["blocks"] if b.get("block_id") == "hrc_share")["elements"][0]
    return {
        "type": "block_actions", "team": {"id": "T1", "domain": "hrc"}, "user": user("UBOB"),
        "api_app_id": "A1", "token": "legacy", "trigger_id": "t.share",
        "container": {"type": "message", "message_ts": message_ts, "channel_id": channel, "is_ephemeral": True},
        "channel": {"id": channel, "name": "somewhere"}, "response_url": f"{slack.fake.url}/response/share-{channel}",
        "actions": [{**button, "block_id": "hrc_share", "action_ts": str(time.time())}],
    }


async def test_share_in_channel_posts_the_answer_where_the_bot_is_a_member(slack: SlackBot) -> None:
    await slack.command(REGISTER)
    await slack.command("verify Quilmes", user="USEC", name="sec")
    who = await slack.command("who water", user="UBOB", name="bob", channel="CGEN")
    assert who["response_type"] == "ephemeral"
    click = share_click(slack, who, "CGEN", "9.000100")
    assert click["actions"][0]["value"] == "who water"
    assert (await slack.interact(click))[0] == 200
    posted = await slack.fake.wait_for(lambda: [p for p in slack.fake.called("chat.postMessage") if p["channel"] == "CGEN"])
    assert "Quilmes (Argentina): <@UANA>" in block_texts(posted[0]["blocks"])
    assert "Shared by <@UBOB>" in block_texts(posted[0]["blocks"])
    assert not [b for b in posted[0]["blocks"] if b.get("block_id") == "hrc_share"]  # no button on the shared copy
    await slack.fake.wait_for(lambda: [r for r in slack.fake.responses if r.get("delete_original")])
    assert (await slack.interact(click))[0] == 200  # a double click posts once
    assert len([p for p in slack.fake.called("chat.postMessage") if p["channel"] == "CGEN"]) == 1

    for command in ("day human rights day", "profile Quilmes", "progress"):
        answer = await slack.command(command, user="UBOB", name="bob")
        assert any(b.get("block_id") == "hrc_share" for b in answer["blocks"]), command
    assert not any(b.get("block_id") == "hrc_share" for b in (await slack.command("themes"))["blocks"])


async def test_share_in_a_channel_without_the_bot_says_how_to_invite_it(slack: SlackBot) -> None:
    slack.fake.outside.add("CELSE")
    progress = await slack.command("progress", user="UBOB", name="bob", channel="CELSE")
    click = share_click(slack, progress, "CELSE", "9.000200")
    assert (await slack.interact(click))[0] == 200
    # The progress answer itself may have come through response_url too (a slow chart): find the refusal.
    told = await slack.fake.wait_for(lambda: [r for r in slack.fake.responses if "/invite @hrc" in r.get("text", "")])
    assert told[0]["response_type"] == "ephemeral"
    assert "CELSE" not in slack.fake.history  # refused by Slack: nothing posted
    slack.fake.outside.discard("CELSE")  # invited: the same button now works
    assert (await slack.interact(click))[0] == 200
    posted = await slack.fake.wait_for(lambda: slack.fake.history.get("CELSE"))
    assert "10, 100, 1000" in posted[0]["text"]
    charts = await slack.fake.wait_for(lambda: [u for u in slack.fake.uploads if u["channel"] == "CELSE"], within=30)
    assert charts[0]["filename"].endswith(".png")  # the answer's chart is shared along, in the channel


async def test_names_come_from_users_info_once(slack: SlackBot) -> None:
    slack.fake.users["UANA"] = ANA
    await slack.command(REGISTER, name="ana_old_handle")
    await slack.command("verify Quilmes", user="USEC", name="sec")
    who = await slack.command("who water", user="UANA", name="ana_old_handle")
    assert "@Ana María" in who["text"] and "ana_old_handle" not in who["text"]
    assert [c["user"] for c in slack.fake.called("users.info") if c["user"] == "UANA"] == ["UANA"]  # cached
    assert slack.fake.called("users.info")[0]["include_locale"] in (True, "true", "1", 1)


async def test_the_users_cache_refreshes_daily_and_returns_the_locale(slack: SlackBot) -> None:
    now = [1000.0]
    users = SlackUsers(web_client(slack.runtime), clock=lambda: now[0])
    slack.fake.users["UANA"] = ANA
    first = await users.get("T1", "UANA", "ana")
    assert (first.display_name, first.locale) == ("Ana María", "es-ES")
    slack.fake.users["UANA"] = {**ANA, "profile": {"display_name": "Ana", "real_name": "Ana María Pérez"}}
    now[0] += REFRESH - 1
    assert (await users.get("T1", "UANA")).display_name == "Ana María"
    now[0] += 2
    assert (await users.get("T1", "UANA")).display_name == "Ana"
    assert len(slack.fake.called("users.info")) == 2
    assert (await users.get("T1", "UNOBODY", "handle")).display_name == "handle"  # unknown: the fallback


async def test_channels_are_listed_as_slack_channel_links(slack: SlackBot) -> None:
    await slack.command("channel set days", user="USEC", name="sec", channel="CDAYS")
    listing = await slack.command("channels")
    assert "Slack · <#CDAYS>" in block_texts(listing["blocks"], only_type="mrkdwn")
    assert "#general" in listing["text"]  # the plain fallback names it


async def test_a_command_typed_in_the_messages_tab_is_answered_there(slack: SlackBot) -> None:
    def event(event_id: str, **fields: Any) -> str:
        return json.dumps({
            "token": "legacy", "team_id": "T1", "api_app_id": "A1", "type": "event_callback",
            "event_id": event_id, "event_time": int(time.time()),
            "event": {"type": "message", "channel": "DUANA", "channel_type": "im", "user": "UANA", "ts": "5.000100", **fields},
        })

    assert (await slack.post(event("Ev1", text="themes"), headers={"Content-Type": "application/json"}))[0] == 200
    answered = await slack.fake.wait_for(lambda: slack.fake.posts_in("DUANA"))
    assert "Campaign themes" in block_texts(answered[0]["blocks"])
    await slack.post(event("Ev2", text="themes", bot_id="BBOT", ts="5.000200"), headers={"Content-Type": "application/json"})
    await slack.post(event("Ev3", text="help", ts="5.000300"), headers={"Content-Type": "application/json"})
    await slack.fake.wait_for(lambda: len(slack.fake.posts_in("DUANA")) == 2)


def home_event(event_id: str, user_id: str) -> str:
    return json.dumps({
        "token": "legacy", "team_id": "T1", "api_app_id": "A1", "type": "event_callback",
        "event_id": event_id, "event_time": int(time.time()),
        "event": {"type": "app_home_opened", "user": user_id, "channel": "D" + user_id, "tab": "home", "event_ts": "1.0"},
    })


def valid_home(view: dict[str, Any]) -> dict[str, Any]:
    from slack_sdk.models.views import View

    View(**view).validate_json()  # slack_sdk's own checks: type, ≤ 100 blocks, each block's limits
    assert view["type"] == "home" and len(view["blocks"]) <= 100
    return view


async def test_app_home_for_a_member_and_for_the_secretariat_who_verifies_from_it(slack: SlackBot) -> None:
    await slack.command(REGISTER)
    for index in range(25):  # more registrations than a Home shows: it stays within 100 blocks
        await slack.command(f"register city: Town {index} country: Chile region: Latin America", user=f"UT{index:02d}")

    await slack.post(home_event("EvA", "UANA"), headers={"Content-Type": "application/json"})
    member = valid_home((await slack.fake.wait_for(lambda: slack.fake.called("views.publish")))[0]["view"])
    assert "Quilmes" in block_texts(member["blocks"]) and "Awaiting a decision" not in block_texts(member["blocks"])

    await slack.post(home_event("EvS", "USEC"), headers={"Content-Type": "application/json"})
    home = valid_home((await slack.fake.wait_for(lambda: slack.fake.called("views.publish")[1:]))[0]["view"])
    assert "Awaiting a decision (26)" in block_texts(home["blocks"]) and "10, 100, 1000" in block_texts(home["blocks"])
    buttons = [e for b in home["blocks"] if b["type"] == "actions" for e in b["elements"]]
    verify = next(e for e in buttons if e.get("value") == "verify #1")

    click = {
        "type": "block_actions", "team": {"id": "T1", "domain": "hrc"}, "user": user("USEC"), "api_app_id": "A1",
        "token": "legacy", "trigger_id": "t.home", "container": {"type": "view", "view_id": "VHOME"},
        "view": {"id": "VHOME", "type": "home", "blocks": home["blocks"]},
        "actions": [{**verify, "block_id": "hrc_item_0", "action_ts": str(time.time())}],
    }
    assert (await slack.interact(click))[0] == 200

    def published(user_id: str) -> list[dict[str, Any]]:
        return [valid_home(c["view"]) for c in slack.fake.called("views.publish") if c["user_id"] == user_id]

    after = (await slack.fake.wait_for(lambda: published("USEC")[1:]))[0]
    assert "✅ Quilmes is verified" in block_texts(after["blocks"])
    assert "Awaiting a decision (25)" in block_texts(after["blocks"])
    told = await slack.fake.wait_for(lambda: slack.fake.posts_in("DUANA"))
    assert "Welcome to the campaign" in told[0]["text"]
    # The registrant had opened Home: it follows (their city is verified now).
    assert "pending" not in block_texts((await slack.fake.wait_for(lambda: published("UANA")[1:]))[0]["blocks"]).lower()
    assert (await slack.interact(click))[0] == 200  # clicked twice: applied once, nothing published again
    for watcher in slack.runtime.watchers:
        await watcher.__self__.idle()  # type: ignore[attr-defined]
    assert len(published("USEC")) == 2 and len(published("UANA")) == 2


async def test_app_home_subscriptions_menu_changes_them_at_once(slack: SlackBot) -> None:
    await slack.command("subscribe housing")
    await slack.post(home_event("EvH1", "UANA"), headers={"Content-Type": "application/json"})
    home = valid_home((await slack.fake.wait_for(lambda: slack.fake.called("views.publish")))[0]["view"])
    menu = next(b for b in home["blocks"] if b.get("block_id") == "hrc_subscriptions")["accessory"]
    assert [o["value"] for o in menu["initial_options"]] == ["housing"]

    chosen = [o for o in menu["options"] if o["value"] in ("water-sanitation", "gender")]
    change = {
        "type": "block_actions", "team": {"id": "T1", "domain": "hrc"}, "user": user("UANA"), "api_app_id": "A1",
        "token": "legacy", "trigger_id": "t.subs", "container": {"type": "view", "view_id": "VHOME"},
        "view": {"id": "VHOME", "type": "home", "blocks": home["blocks"]},
        "actions": [{"type": "multi_static_select", "action_id": menu["action_id"], "block_id": "hrc_subscriptions",
                     "selected_options": chosen, "action_ts": str(time.time())}],
    }
    assert (await slack.interact(change))[0] == 200
    after = valid_home((await slack.fake.wait_for(lambda: slack.fake.called("views.publish")[1:]))[0]["view"])
    menu = next(b for b in after["blocks"] if b.get("block_id") == "hrc_subscriptions")["accessory"]
    assert sorted(o["value"] for o in menu["initial_options"]) == ["gender", "water-sanitation"]
    assert "Subscriptions saved." in block_texts(after["blocks"])
    listed = await slack.command("unsubscribe housing")
    assert "You were not subscribed to Housing" in block_texts(listed["blocks"])


async def test_forms_open_and_answer_within_slacks_3_s_when_users_info_is_slow(slack: SlackBot) -> None:
    """users.info (about 100 calls a minute) answering late, as under a burst of new people: the form
    still opens while its trigger_id lives (3 s), and a submission's ack still carries its errors."""
    slack.fake.stalls.add("users.info")
    loop = asyncio.get_running_loop()
    start = loop.time()
    assert await slack.post(slack.command_body("register city: Quito", user="UNEW", name="new")) == (200, "")
    view = (await slack.fake.wait_for(lambda: slack.fake.called("views.open"), within=2.5))[0]["view"]
    assert loop.time() - start < 2.5 and view["callback_id"] == "hrc_register"

    values = {"city": {"value": {"type": "plain_text_input", "value": "Quito"}},
              "country": {"value": {"type": "plain_text_input", "value": "Narnia"}},
              "region": {"value": {"type": "static_select", "selected_option": {"value": "latin-america"}}}}
    start = loop.time()
    status, body = await slack.interact(slack.submission(view, values, user="UNEW"))
    assert loop.time() - start < 2.5 and status == 200 and "Narnia" in json.loads(body)["errors"]["country"]


async def test_a_form_answered_late_is_closed_and_its_error_comes_by_direct_message(slack: SlackBot) -> None:
    """Past the ack's window the form closes (Slack would show "trouble connecting" while the outcome is
    unknown to the person): a refusal then comes by direct message, never lost."""
    await slack.post(slack.command_body("register city: Quito"))
    view = await opened_view(slack)
    slack.runtime.answer_within = 0  # a deployment whose every answer outlasts the deadline
    values = {"city": {"value": {"type": "plain_text_input", "value": "Quito"}},
              "country": {"value": {"type": "plain_text_input", "value": "Narnia"}},
              "region": {"value": {"type": "static_select", "selected_option": {"value": "latin-america"}}}}
    assert await slack.interact(slack.submission(view, values)) == (200, "")
    dm = (await slack.fake.wait_for(lambda: [p for p in slack.fake.called("chat.postMessage") if p["channel"] == "UANA"]))[0]
    assert "Narnia" in block_texts(dm["blocks"]) and "/hrc register" in block_texts(dm["blocks"])

    values["country"] = {"value": {"type": "plain_text_input", "value": "Ecuador"}}
    assert await slack.interact(slack.submission(view, values, view_id="V2")) == (200, "")
    await slack.fake.wait_for(lambda: [p for p in slack.fake.called("chat.postMessage")
                                       if p["channel"] == "UANA" and "Quito" in p["text"] and "Narnia" not in p["text"]])


async def test_a_form_that_cannot_open_answers_the_command_as_typed(slack: SlackBot) -> None:
    """views.open refused (the trigger expired on the way): the person is told what is missing and how
    to type it, not left with nothing."""
    slack.fake.fail["views.open"] = "expired_trigger_id"
    assert await slack.post(slack.command_body("register city: Quito")) == (200, "")
    answer = (await slack.fake.wait_for(lambda: slack.fake.responses))[0]
    assert answer["response_type"] == "ephemeral" and "/hrc register" in block_texts(answer["blocks"])


def dms_to(slack: SlackBot, user_id: str) -> list[dict[str, Any]]:
    return [p for p in slack.fake.called("chat.postMessage") if p["channel"] == user_id]


async def test_a_form_that_cannot_open_from_home_or_a_shortcut_is_explained_by_direct_message(slack: SlackBot) -> None:
    """No response_url on a Home button or a shortcut: when views.open is refused, the person is told by
    DM, in their language, how to type the command instead (never left with nothing)."""
    slack.fake.users["UANA"] = ANA  # locale es-ES
    slack.fake.fail["views.open"] = "expired_trigger_id"
    home_click = {
        "type": "block_actions", "team": {"id": "T1", "domain": "hrc"}, "user": user(), "api_app_id": "A1",
        "token": "legacy", "trigger_id": "t.home", "container": {"type": "view", "view_id": "VHOME"},
        "view": {"id": "VHOME", "type": "home", "blocks": []},
        "actions": [{"type": "button", "action_id": "hrc_open_register", "block_id": "b", "action_ts": str(time.time())}],
    }
    shortcut = {"type": "shortcut", "token": "legacy", "action_ts": str(time.time()), "team": {"id": "T1", "domain": "hrc"},
                "user": user(), "callback_id": "hrc_register_shortcut", "trigger_id": "t.shortcut"}
    message = {"type": "message_action", "token": "legacy", "action_ts": str(time.time()), "team": {"id": "T1", "domain": "hrc"},
               "user": user(), "callback_id": "hrc_share_message", "trigger_id": "t.msg", "message_ts": "1.000200",
               "response_url": f"{slack.fake.url}/response/msg", "channel": {"id": "CPRACTICES", "name": "practices"},
               "message": {"type": "message", "user": "UBOB", "ts": "1.000200", "text": "Water kiosks"}}
    for number, (payload, usage) in enumerate([(home_click, "/hrc registrar"), (shortcut, "/hrc registrar"),
                                               (message, "/hrc compartir")], 1):
        assert (await slack.interact(payload))[0] == 200
        told = (await slack.fake.wait_for(lambda n=number: dms_to(slack, "UANA")[n - 1:]))[0]
        assert "No pude abrir el formulario" in told["text"] and usage in told["text"], told["text"]


async def test_sharing_a_message_from_a_dm_between_people_keeps_it_and_says_where_it_went(slack: SlackBot) -> None:
    """"Share as practice" on a message in a DM between people: the bot cannot post there and nobody can
    invite it, so the practice is saved and its card comes privately, without /invite advice."""
    await slack.command(REGISTER)
    await slack.command("verify Quilmes", user="USEC", name="sec")
    slack.fake.hidden_channels.add("DANABOB")  # a DM the bot is not part of: channel_not_found
    status, _ = await slack.interact({
        "type": "message_action", "token": "legacy", "action_ts": str(time.time()), "team": {"id": "T1", "domain": "hrc"},
        "user": user(), "callback_id": "hrc_share_message", "trigger_id": "t.dm", "message_ts": "1.000300",
        "response_url": f"{slack.fake.url}/response/dm", "channel": {"id": "DANABOB", "name": "directmessage"},
        "message": {"type": "message", "user": "UBOB", "ts": "1.000300", "text": "Rooftop gardens"},
    })
    assert status == 200
    view = await opened_view(slack)
    values = {
        "title": {"value": {"type": "plain_text_input", "value": "Rooftop gardens"}},
        "themes": {"value": {"type": "multi_static_select", "selected_options": [{"value": "housing"}]}},
        "summary": {"value": {"type": "plain_text_input", "value": "Gardens on every roof."}},
    }
    assert await slack.interact(slack.submission(view, values)) == (200, "")
    await slack.fake.wait_for(lambda: [p for p in dms_to(slack, "UANA") if "Rooftop gardens" in block_texts(p.get("blocks", []))])
    notes = [p["text"] for p in dms_to(slack, "UANA") if not p.get("blocks")]
    assert notes and "not posted in that conversation" in notes[0]
    assert not any("/invite" in p["text"] for p in slack.fake.called("chat.postMessage"))


async def test_inline_form_errors_show_no_code_backticks(slack: SlackBot) -> None:
    """Inline errors are plain text: `city:` would show its backticks; the words stay."""
    await slack.post(slack.command_body("register country: Ecuador"))
    view = await opened_view(slack)
    values = {"city": {"value": {"type": "plain_text_input", "value": "   "}},
              "country": {"value": {"type": "plain_text_input", "value": "Ecuador"}},
              "region": {"value": {"type": "static_select", "selected_option": {"value": "latin-america"}}}}
    status, body = await slack.interact(slack.submission(view, values))
    error = json.loads(body)["errors"]["city"]
    assert status == 200 and "city:" in error and "`" not in error, error
