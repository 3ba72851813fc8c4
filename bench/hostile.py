"""Hostile input across every adapter input path: inputs tried, tracebacks, pings, unanswered; then whether
the listings still answer. Prints figures (not a test); runs against the real Bolt and discord.py stacks
and the fakes, on a temporary SQLite database.

    .venv/bin/python -m bench.hostile [--per-path 60] [--seed 1]
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import hmac
import json
import logging
import random
import re
import tempfile
import time
from collections import Counter
from typing import Any
from urllib.parse import urlencode

import aiohttp

from bot.discord.service import serve
from bot.settings import DiscordSettings, Settings, SlackSettings
from bot.slack.service import start_http
from bot.wiring import build_runtime
from storage.migrate import upgrade
from storage.session import Database
from tests.fakes.discord_api import GUILD_ID, FakeDiscord, interaction, modal_submission
from tests.fakes.slack_api import FakeSlack

HOSTILE = ["@everyone", "@here", "<!channel>", "<!here>", "<!everyone>", "<@U123>", "<@&42>", "<!subteam^S1>",
           "\ue000slack|T1|U1><!channel|x\ue001", "\ue000discord|1|500000000000000666|x\ue001", "\ue000", "\ue001",
           "\x00", "\x1b[31m", "\ud800", "\u202e", "\u2066", "\u200b", "*bold*", "`code`", "||spoiler||",
           "'; DROP TABLE cities; --", "𝕳𝖗", "é" * 120, "&" * 101, "ﷺ" * 10, "Europe", "city:", "#1",
           "\ue000x\ue001", "Zü\u200brich", "Qui\x00lmes"]
SLACK_PING = re.compile(r"<!(?:channel|here|everyone|subteam\^[^>]*)(?:\|[^>]*)?>|<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")
SECRET, ROLE = "bench-secret", "600000000000000001"
USERS_SLACK, USERS_DISCORD = {"UANA", "USEC"}, {500000000000000001, 500000000000000002}
FAILED = re.compile(r"something went wrong|incident code|Traceback", re.IGNORECASE)


class Errors(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        if record.exc_info:
            self.count += 1


def hostile(rng: random.Random) -> str:
    if rng.random() < 0.5:  # one of the listed cases exactly, as a person would type it
        return rng.choice(HOSTILE)
    parts = [rng.choice(HOSTILE) if rng.random() < 0.7 else "".join(chr(rng.randrange(1, 0x10FFFF)) for _ in range(rng.randrange(1, 8)))
             for _ in range(rng.randrange(1, 4))]
    return " ".join(parts)


def slack_pings(node: Any, parsed: bool = True) -> int:
    found = 0
    if isinstance(node, dict):
        mrkdwn = node.get("type") == "mrkdwn"
        for key, value in node.items():
            if key == "text" and isinstance(value, str) and (mrkdwn or parsed):
                found += sum(1 for m in SLACK_PING.finditer(value) if m.group(1) not in USERS_SLACK)
            else:
                found += slack_pings(value, False)
    elif isinstance(node, list):
        found += sum(slack_pings(v, False) for v in node)
    return found


def discord_pings(message: dict[str, Any]) -> int:
    allowed = message.get("allowed_mentions")
    text = json.dumps(message, default=str)
    if allowed is None:
        return int("@everyone" in text or "@here" in text or "<@" in text)
    return len(allowed.get("parse", [])) + len(allowed.get("roles", [])) + sum(
        1 for u in allowed.get("users", []) if int(u) not in USERS_DISCORD)


def text_of(node: Any) -> str:
    return json.dumps(node, ensure_ascii=False, default=str)


class Run:
    def __init__(self) -> None:
        self.tried: Counter[str] = Counter()
        self.failed: Counter[str] = Counter()
        self.unanswered: Counter[str] = Counter()


async def slack_paths(rng: random.Random, per_path: int, run: Run, fake: FakeSlack, base: str, http: aiohttp.ClientSession) -> None:
    counter = iter(range(10**9))

    async def post(body: str) -> tuple[int, str]:
        ts = int(time.time())
        signature = "v0=" + hmac.new(SECRET.encode(), f"v0:{ts}:{body}".encode(), hashlib.sha256).hexdigest()
        headers = {"Content-Type": "application/x-www-form-urlencoded", "X-Slack-Request-Timestamp": str(ts), "X-Slack-Signature": signature}
        async with http.post(f"{base}/slack/events", data=body.encode(), headers=headers) as response:
            return response.status, await response.text()

    def command(text: str, user: str = "UANA") -> str:
        n = next(counter)
        return urlencode({"token": "t", "team_id": "T1", "team_domain": "hrc", "channel_id": "CGEN", "channel_name": "general",
                          "user_id": user, "user_name": user.lower(), "command": "/hrc", "text": text, "api_app_id": "A1",
                          "response_url": f"{fake.url}/response/{n}", "trigger_id": f"trigger.{n}"})

    async def one_command(path: str, text: str, user: str = "UANA") -> None:
        run.tried[path] += 1
        text = text.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
        before = len(fake.responses)
        status, body = await post(command(text, user))
        if status >= 500:
            run.failed[path] += 1
            return
        if not body:
            for _ in range(60):
                if len(fake.responses) > before:
                    break
                await asyncio.sleep(0.05)
            else:
                if not fake.called("views.open") or "register" not in text:
                    run.unanswered[path] += 1
                return
            body = text_of(fake.responses[before])
        if FAILED.search(body):
            run.failed[path] += 1

    for _ in range(per_path):
        city, country, words = hostile(rng), hostile(rng), hostile(rng)
        for line in (f"register city: {city} country: {country} region: Europe", f"practices {words}", f"profile {city}"):
            await one_command("slack command", line)
        # form
        run.tried["slack form"] += 1
        values = {"city": {"value": {"type": "plain_text_input", "value": city}},
                  "country": {"value": {"type": "plain_text_input", "value": country}},
                  "region": {"value": {"type": "static_select", "selected_option": {"value": "europe"}}}}
        view = {"id": f"V{next(counter)}", "team_id": "T1", "callback_id": "hrc_register", "type": "modal",
                "private_metadata": json.dumps({"channel": "CGEN"}), "state": {"values": values}, "blocks": []}
        payload = {"type": "view_submission", "team": {"id": "T1", "domain": "hrc"},
                   "user": {"id": "UANA", "username": "ana", "name": "ana", "team_id": "T1"}, "api_app_id": "A1",
                   "token": "t", "trigger_id": "t.s", "view": view}
        status, body = await post(urlencode({"payload": json.dumps(payload)}))
        if status >= 500 or FAILED.search(body):
            run.failed["slack form"] += 1
        # button
        run.tried["slack button"] += 1
        click = {"type": "block_actions", "team": {"id": "T1", "domain": "hrc"},
                 "user": {"id": "USEC", "username": "sec", "name": "sec", "team_id": "T1"}, "api_app_id": "A1", "token": "t",
                 "trigger_id": "t.c", "container": {"type": "message", "message_ts": "9.0001", "channel_id": "CSEC", "is_ephemeral": False},
                 "channel": {"id": "CSEC", "name": "secretariat"}, "message": {"type": "message", "ts": f"9.{next(counter)}", "text": "x", "blocks": []},
                 "response_url": f"{fake.url}/response/click", "actions": [{"action_id": "hrc_action_0", "value": f"verify {city}"[:2000],
                                                                          "block_id": "b", "type": "button", "action_ts": str(time.time())}]}
        status, body = await post(urlencode({"payload": json.dumps(click)}))
        if status >= 500:
            run.failed["slack button"] += 1
    for raw, stamp in ((command("themes").encode(), "abc"), (b"\xff\xfe=1", None),
                       (urlencode({"payload": "{not json"}).encode(), None)):
        run.tried["slack malformed request"] += 1
        ts = stamp or str(int(time.time()))
        signature = "v0=" + hmac.new(SECRET.encode(), f"v0:{ts}:".encode() + raw, hashlib.sha256).hexdigest()
        headers = {"Content-Type": "application/x-www-form-urlencoded", "X-Slack-Request-Timestamp": ts, "X-Slack-Signature": signature}
        async with http.post(f"{base}/slack/events", data=raw, headers=headers) as response:
            if response.status >= 500:
                run.failed["slack malformed request"] += 1
    await asyncio.sleep(1)
    for line in ("pending", "practices", "who water", "progress"):
        await one_command("slack listing afterwards", line, user="USEC")


def find_leaf(tree: list[dict[str, Any]], names: tuple[str, ...]) -> list[str] | None:
    def walk(node: dict[str, Any], path: list[str]) -> list[str] | None:
        subs = [o for o in node.get("options", []) if o.get("type") in (1, 2)]
        if not subs:
            return path if path[-1] in names else None
        for sub in subs:
            if (found := walk(sub, [*path, sub["name"]])) is not None:
                return found
        return None

    for name in names:
        for top in tree:
            found = walk(top, [top["name"]])
            if found is not None and found[-1] == name:
                return found
    return None


def slash_data(path: list[str], options: dict[str, str], focused: str | None = None) -> dict[str, Any]:
    node: list[dict[str, Any]] = [{"name": k, "type": 3, "value": v, **({"focused": True} if k == focused else {})} for k, v in options.items() if v]
    for depth, name in reversed(list(enumerate(path[1:], 1))):
        node = [{"name": name, "type": 1 if depth == len(path) - 1 else 2, "options": node}]
    return {"id": "300000000000000001", "name": path[0], "type": 1, "guild_id": GUILD_ID, "options": node}


async def discord_paths(rng: random.Random, per_path: int, run: Run, fake: FakeDiscord) -> None:
    tree = fake.posted("/commands", method="PUT")[0]
    paths = {key: find_leaf(tree, names) for key, names in {
        "register": ("register",), "practices": ("search", "practices"), "profile": ("profile",), "pending": ("pending",),
        "who": ("who",), "progress": ("progress",)}.items()}
    count = iter(range(1, 10**9))

    async def send(path: str, kind: int, data: dict[str, Any], **kwargs: Any) -> dict[str, Any] | None:
        run.tried[path] += 1
        payload = interaction(kind, data, interaction_id=str(420000000000000000 + next(count)), **kwargs)
        await fake.dispatch("INTERACTION_CREATE", payload)
        for _ in range(100):
            callbacks = fake.callbacks(payload["id"])
            if callbacks:
                break
            await asyncio.sleep(0.03)
        else:
            run.unanswered[path] += 1
            return None
        first = callbacks[0]
        answer = first.get("data") or {}
        if first["type"] == 5:
            for _ in range(100):
                followups = [c.body for c in fake.calls if c.method == "POST" and f"token-{payload['id']}" in c.path and "/webhooks/" in c.path]
                if followups:
                    answer = followups[0]
                    break
                await asyncio.sleep(0.03)
        if FAILED.search(text_of(answer)):
            run.failed[path] += 1
        return first

    for _ in range(per_path):
        city, country, words = hostile(rng), hostile(rng), hostile(rng)
        for key, options in (("register", {"city": city, "country": country, "region": "europe"}),
                             ("practices", {"words": words}), ("profile", {"city": city})):
            await send("discord options", 2, slash_data(paths[key], options))
        await send("discord autocomplete", 4, slash_data(paths["who"], {"theme": words or "x"}, focused="theme"))
        first = await send("discord modal", 2, slash_data(paths["register"], {}))
        if first and first["type"] == 9:
            values = {"City or territory": city, "Country": country, "UCLG world region": ["europe"]}
            await send("discord modal", 5, modal_submission(first, values))
        custom_id = f"hrc:verify {city}"[:100]
        message = {**fake.message("710000000000000001", {"content": "x", "components": [
            {"type": 1, "components": [{"type": 2, "style": 1, "label": "Verify", "custom_id": custom_id}]}]}), "guild_id": GUILD_ID}
        await send("discord button", 3, {"custom_id": custom_id, "component_type": 2}, user_id="500000000000000002",
                   roles=[ROLE], message=message)
    await asyncio.sleep(1)
    for key in ("pending", "practices", "progress"):
        await send("discord listing afterwards", 2, slash_data(paths[key], {}), user_id="500000000000000002", roles=[ROLE])


async def main(per_path: int, seed: int) -> None:
    errors = Errors()
    logging.getLogger().addHandler(errors)
    logging.getLogger().setLevel(logging.WARNING)
    run = Run()
    with tempfile.TemporaryDirectory() as tmp:
        db = Database(f"sqlite:///{tmp}/hostile.db")
        await upgrade(db)
        slack_fake, discord_fake = await FakeSlack().start(), await FakeDiscord().start()
        settings = Settings(
            database_url=f"sqlite:///{tmp}/hostile.db", secretariat=frozenset({"slack:USEC", "discord:500000000000000002"}),
            slack=SlackSettings(bot_token="xoxb-bench", signing_secret=SECRET, api_url=f"{slack_fake.url}/api/", secretariat_channel="CSEC"),
            discord=DiscordSettings(token="bench-token", guild_ids=(int(GUILD_ID),), secretariat_channel="710000000000000001",
                                    secretariat_role=ROLE, api_url=f"{discord_fake.url}/api/v10"),
        )
        runtime = build_runtime(settings, database=db)
        runner, port = await start_http(runtime, "127.0.0.1", 0)
        task = asyncio.create_task(serve(runtime))
        await asyncio.wait_for(discord_fake.ready.wait(), 15)
        await asyncio.sleep(0.5)
        async with aiohttp.ClientSession() as http:
            await slack_paths(random.Random(seed), per_path, run, slack_fake, f"http://127.0.0.1:{port}", http)
        await discord_paths(random.Random(seed), per_path, run, discord_fake)
        slack_sent = [c.params for c in slack_fake.calls if c.method in ("chat.postMessage", "chat.update", "chat.postEphemeral")] + slack_fake.responses
        discord_sent = [c.body.get("data", c.body) for c in discord_fake.calls if c.method in ("POST", "PATCH") and isinstance(c.body, dict)
                        and ("/messages" in c.path or "/callback" in c.path or "/webhooks/" in c.path)]
        pings = sum(slack_pings(p) for p in slack_sent) + sum(discord_pings(m) for m in discord_sent if isinstance(m, dict))
        task.cancel()
        await runner.cleanup()
        await slack_fake.stop()
        await discord_fake.stop()
        await db.dispose()
    print(f"{'path':28} {'tried':>6} {'failed':>7} {'unanswered':>11}")
    for path in sorted(run.tried):
        print(f"{path:28} {run.tried[path]:6} {run.failed[path]:7} {run.unanswered[path]:11}")
    print(f"total inputs {sum(run.tried.values())}; failed answers {sum(run.failed.values())}; "
          f"unanswered {sum(run.unanswered.values())}; logged tracebacks {errors.count}; "
          f"raw pings in {len(slack_sent)} Slack and {len(discord_sent)} Discord messages sent: {pings}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--per-path", type=int, default=60)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    asyncio.run(main(args.per_path, args.seed))
