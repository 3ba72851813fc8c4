"""Slack trust: only the workspaces the bot serves; forged mention markers from forms never ping;
malformed requests answer 400 without a traceback."""

from __future__ import annotations

import json
import time
from urllib.parse import urlencode

from sqlalchemy import func, select

from storage.models import City
from tests.slack.conftest import SlackBot, block_texts, sign

REGISTER = "register city: Quilmes country: Argentina region: Latin America"
FORGED = "\ue000slack|T1|U1><!channel|x\ue001"
RAW_PINGS = ("<!channel>", "<!here>", "<!everyone>", "<@U1>")


async def cities(slack: SlackBot) -> int:
    async with slack.runtime.db.transaction(write=False) as session:
        return int(await session.scalar(select(func.count()).select_from(City)) or 0)


async def test_a_foreign_workspace_is_refused_and_changes_nothing(slack: SlackBot) -> None:
    body = slack.command_body(REGISTER).replace("team_id=T1", "team_id=T666")
    status, answer = await slack.post(body)
    assert status == 200 and "serves only the campaign's own workspace" in json.loads(answer)["text"]
    # Same team id, but another Enterprise Grid organisation than the token's.
    body = slack.command_body(REGISTER) + "&enterprise_id=E666"
    status, answer = await slack.post(body)
    assert status == 200 and "serves only" in json.loads(answer)["text"]
    assert await cities(slack) == 0
    assert "Quilmes is registered" in (await slack.command(REGISTER))["text"]


async def test_a_foreign_workspace_button_is_acked_and_ignored(slack: SlackBot) -> None:
    await slack.command(REGISTER)
    click = {
        "type": "block_actions", "team": {"id": "T666", "domain": "evil"},
        "user": {"id": "USEC", "username": "sec", "name": "sec", "team_id": "T666"},
        "api_app_id": "A1", "token": "legacy", "trigger_id": "t.click",
        "container": {"type": "message", "message_ts": "1.000100", "channel_id": "CSEC", "is_ephemeral": False},
        "channel": {"id": "CSEC", "name": "secretariat"},
        "message": {"type": "message", "ts": "1.000100", "text": "x", "blocks": []},
        "response_url": f"{slack.fake.url}/response/click",
        "actions": [{"action_id": "hrc_action_0", "value": "verify Quilmes", "block_id": "b", "type": "button",
                     "action_ts": str(time.time())}],
    }
    assert (await slack.interact(click))[0] == 200
    pending = await slack.command("pending", user="USEC", name="sec")
    assert "Quilmes" in block_texts(pending["blocks"])  # still waiting: the foreign click did nothing


async def test_a_forged_mention_typed_into_a_form_never_pings(slack: SlackBot) -> None:
    await slack.post(slack.command_body("register"))
    view = (await slack.fake.wait_for(lambda: slack.fake.called("views.open")))[0]["view"]
    values = {
        "city": {"value": {"type": "plain_text_input", "value": FORGED}},
        "country": {"value": {"type": "plain_text_input", "value": "France"}},
        "region": {"value": {"type": "static_select", "selected_option": {"value": "europe"}}},
    }
    status, _body = await slack.interact(slack.submission(view, values, user="UANA"))
    assert status == 200
    card = await slack.fake.wait_for(lambda: [p for p in slack.fake.called("chat.postMessage") if p["channel"] == "CSEC"])
    dm = await slack.fake.wait_for(lambda: [p for p in slack.fake.called("chat.postMessage") if p["channel"] == "UANA"])
    pending = await slack.command("pending", user="USEC", name="sec")
    for message in (card[0], dm[0], pending):
        sent = json.dumps(message, ensure_ascii=False)
        for ping in RAW_PINGS:
            assert ping not in block_texts(message.get("blocks", [])) + message.get("text", ""), (ping, sent)
        assert "\ue000" not in sent and "\ue001" not in sent


async def test_malformed_requests_answer_400_without_a_traceback(slack: SlackBot, caplog: object) -> None:
    body = slack.command_body(REGISTER)
    for stamp in ("abc", "²"):  # "²" passed str.isdigit(), and Bolt's int() then failed with a 500
        assert (await slack.post(body, headers={"X-Slack-Request-Timestamp": stamp}, signature="v0=00"))[0] in (400, 401)
    ts = int(time.time())
    for raw in (b"\xff\xfe\xfd=1", urlencode({"payload": "{not json"}).encode()):
        headers = {"Content-Type": "application/x-www-form-urlencoded", "X-Slack-Request-Timestamp": str(ts),
                   "X-Slack-Signature": sign(raw.decode("latin-1"), ts)}
        async with slack.http.post(f"{slack.base}/slack/events", data=raw, headers=headers) as response:
            assert response.status == 400, await response.text()
    assert "Traceback" not in caplog.text  # type: ignore[attr-defined]
