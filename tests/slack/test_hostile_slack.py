"""Hostile text through every Slack input path (slash command, form, button): never a traceback, never a
raw ping or live formatting in anything sent, and the listings still answer afterwards."""

from __future__ import annotations

import json
import time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.hostile import hostile_text, slack_formatting, slack_pings
from tests.slack.conftest import SlackBot, block_texts

USERS = {"UANA", "USEC"}
FIELDS = st.fixed_dictionaries({"city": hostile_text, "country": hostile_text, "summary": hostile_text})


def everything_sent(slack: SlackBot) -> list[object]:
    return [c.params for c in slack.fake.calls if c.method in ("chat.postMessage", "chat.update", "chat.postEphemeral")] + slack.fake.responses


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@given(path=st.sampled_from(["command", "form", "button"]), fields=FIELDS)
async def test_hostile_text_on_every_slack_path(slack: SlackBot, path: str, fields: dict[str, str]) -> None:
    if path == "command":
        for line in (f"register city: {fields['city']} country: {fields['country']} region: Europe",
                     f"practices {fields['summary']}", f"who {fields['summary']}", f"profile {fields['city']}"):
            line = line.encode("utf-8", "surrogatepass").decode("utf-8", "replace")  # form encoding cannot carry lone surrogates
            forms, answers = len(slack.fake.called("views.open")), len(slack.fake.responses)
            status, body = await slack.post(slack.command_body(line))
            assert status == 200 and "Traceback" not in body
            if not body:  # answered later through response_url, or a form opened for what is missing
                await slack.fake.wait_for(lambda: len(slack.fake.responses) > answers  # noqa: B023
                                          or len(slack.fake.called("views.open")) > forms)  # noqa: B023
    elif path == "form":
        await slack.post(slack.command_body("register"))
        view = (await slack.fake.wait_for(lambda: slack.fake.called("views.open")))[-1]["view"]
        values = {"city": {"value": {"type": "plain_text_input", "value": fields["city"]}},
                  "country": {"value": {"type": "plain_text_input", "value": fields["country"]}},
                  "region": {"value": {"type": "static_select", "selected_option": {"value": "europe"}}}}
        status, body = await slack.interact(slack.submission(view, values, view_id=f"V{time.monotonic_ns()}"))
        assert status == 200 and "Traceback" not in body
    else:
        click = {
            "type": "block_actions", "team": {"id": "T1", "domain": "hrc"},
            "user": {"id": "USEC", "username": "sec", "name": "sec", "team_id": "T1"},
            "api_app_id": "A1", "token": "legacy", "trigger_id": "t.click",
            "container": {"type": "message", "message_ts": "9.000100", "channel_id": "CSEC", "is_ephemeral": False},
            "channel": {"id": "CSEC", "name": "secretariat"},
            "message": {"type": "message", "ts": "9.000100", "text": "x", "blocks": []},
            "response_url": f"{slack.fake.url}/response/click",
            "actions": [{"action_id": "hrc_action_0", "value": f"verify {fields['city']}"[:2000], "block_id": "b",
                         "type": "button", "action_ts": str(time.time())}],
        }
        assert (await slack.interact(click))[0] == 200
    for payload in everything_sent(slack):
        assert not slack_pings(payload, USERS), json.dumps(payload, ensure_ascii=False)[:500]
        assert not slack_formatting(payload), json.dumps(payload, ensure_ascii=False)[:500]
    for line in ("pending", "practices", "who water", "progress"):
        answer = await slack.command(line, user="USEC", name="sec")
        text = block_texts(answer.get("blocks", [])) + answer.get("text", "")
        assert "something went wrong" not in text, text
