"""An in-process fake of the Slack Web API (and of response_url) on 127.0.0.1, port 0.

It records every call the bot makes, answers like Slack does for the methods the bot uses, and
can be told to answer 429 with Retry-After a number of times. Files go through the three steps of
``files_upload_v2`` (getUploadURLExternal, a POST of the bytes to the upload URL, completeUploadExternal),
and ``uploads`` keeps each completed file's name, bytes, alt text and channel. It also speaks Socket Mode:
`apps.connections.open` hands out a websocket on this server, which says hello and delivers the
envelopes a test sends; the bot's acknowledgements come back to the test.

Like real Slack, ``chat.postMessage`` with a user id (U…/W…) as ``channel`` posts into the app's DM with
that person, whose id (``D`` + the user id, as ``conversations.open`` answers) comes back as ``channel``.
Benchmarks can switch on Slack's limits (each a parameter, 429 with Retry-After beyond): chat.postMessage
per channel a second and workspace-wide a minute, and the Tier 3 methods (conversations.open/history) a minute.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import math
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web


@dataclass
class Call:
    method: str
    params: dict[str, Any]


@dataclass
class Budget:
    """A token bucket: ``per_minute`` calls a minute, up to ``burst`` at once."""

    per_minute: float
    burst: float = 1.0
    _tokens: float = -1.0
    _at: float = 0.0

    def take(self, now: float) -> float | None:
        """None when a call may go now (and counts it), else the seconds until one may."""
        rate = self.per_minute / 60.0
        if self._tokens < 0:
            self._tokens, self._at = self.burst, now
        self._tokens = min(self.burst, self._tokens + (now - self._at) * rate)
        self._at = now
        if self._tokens >= 1.0:
            self._tokens -= 1.0
            return None
        return (1.0 - self._tokens) / rate


TIER3 = ("conversations.open", "conversations.history")


def dm_of(channel: str) -> str:
    """Where Slack puts a message posted to ``channel``: a user id means the app's DM with that person."""
    return "D" + channel if channel[:1] in ("U", "W") else channel


@dataclass
class FakeSlack:
    team_id: str = "T1"
    calls: list[Call] = field(default_factory=list)
    responses: list[dict[str, Any]] = field(default_factory=list)  # response_url POSTs
    expired: set[str] = field(default_factory=set)  # response_url tokens Slack refuses (past 30 min, 5 uses)
    history: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    users: dict[str, dict[str, Any]] = field(default_factory=dict)  # users.info answers by user id
    outside: set[str] = field(default_factory=set)  # channels the bot is not a member of
    rate_limits: dict[str, list[int]] = field(default_factory=dict)  # method -> Retry-After values to answer first
    drops: dict[str, int] = field(default_factory=dict)  # method -> connections to cut first
    drops_after: dict[str, int] = field(default_factory=dict)  # method -> calls answered before the cuts
    fail: dict[str, str] = field(default_factory=dict)  # method -> Slack error code to answer (ok: false)
    hidden_channels: set[str] = field(default_factory=set)  # private channels the bot is not in (not found)
    stalls: set[str] = field(default_factory=set)  # methods whose calls are never answered
    _unstalled: asyncio.Event = field(default_factory=asyncio.Event)
    storms: dict[str, list[float]] = field(default_factory=dict)  # method -> [seconds, Retry-After, until]: 429s
    url: str = ""
    # Optional enforcement of Slack's limits (benchmarks): chat.postMessage per channel a second and
    # across the workspace a minute (with a short burst), Tier 3 methods a minute each.
    posts_per_minute: float | None = None
    posts_burst: float = 10.0
    channel_per_second: int | None = None
    tier3_per_minute: float | None = None
    tier3_burst: float = 5.0
    too_many: int = 0
    _budgets: dict[str, Budget] = field(default_factory=dict)
    _recent_by_channel: dict[str, float] = field(default_factory=dict)
    _runner: web.AppRunner | None = None
    _ts: itertools.count = field(default_factory=lambda: itertools.count(1))
    sockets: list[web.WebSocketResponse] = field(default_factory=list)
    _acks: dict[str, asyncio.Future[dict[str, Any]]] = field(default_factory=dict)
    _envelopes: itertools.count = field(default_factory=lambda: itertools.count(1))
    _pending_files: dict[str, dict[str, Any]] = field(default_factory=dict)  # file id -> name, alt text, bytes
    uploads: list[dict[str, Any]] = field(default_factory=list)  # completed: filename, content, alt_txt, channel, title

    async def start(self) -> FakeSlack:
        app = web.Application()
        app.router.add_route("*", "/api/{method}", self._api)  # slack_sdk reads some methods with GET
        app.router.add_post("/response/{token}", self._response)
        app.router.add_post("/upload/{file_id}", self._upload)
        app.router.add_get("/socket", self._socket)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.url = f"http://127.0.0.1:{self._runner.addresses[0][1]}"
        return self

    async def stop(self) -> None:
        self._unstalled.set()
        for ws in list(self.sockets):
            await ws.close()
        if self._runner:
            await self._runner.cleanup()

    def rate_limit(self, method: str, *retry_after: int) -> None:
        self.rate_limits.setdefault(method, []).extend(retry_after)

    def storm(self, method: str, seconds: float, retry_after: int) -> None:
        """Answer every call to ``method`` 429 (Retry-After ``retry_after``) for ``seconds`` from its next call."""
        self.storms[method] = [seconds, retry_after, 0.0]

    def drop(self, method: str, times: int = 1, after: int = 0) -> None:
        """Cut the connection of the next ``times`` calls to ``method`` after reading them (the call may
        have been applied, as far as the client can tell): the client sees a server disconnect. With
        ``after``, the next ``after`` calls are answered first (a crash between the pages of a message)."""
        self.drops[method] = self.drops.get(method, 0) + times
        self.drops_after[method] = after

    def called(self, method: str) -> list[dict[str, Any]]:
        return [c.params for c in self.calls if c.method == method]

    def counts(self) -> Counter[str]:
        """Calls answered, by method (``chat.postMessage:429`` counts the refused ones apart)."""
        return Counter(c.method for c in self.calls)

    def posts_in(self, channel: str) -> list[dict[str, Any]]:
        """chat.postMessage calls that landed in ``channel`` (a DM's D… id also catches posts to the user id)."""
        return [p for p in self.called("chat.postMessage") if dm_of(str(p.get("channel", ""))) == channel]

    async def wait_for(self, predicate: Callable[[], Any], within: float = 10.0) -> Any:
        """Poll until ``predicate()`` is truthy (the bot answers after its ack, asynchronously)."""
        deadline = asyncio.get_running_loop().time() + within
        while True:
            value = predicate()
            if value:
                return value
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError("the fake Slack never saw the expected call")
            await asyncio.sleep(0.01)

    async def _params(self, request: web.Request) -> dict[str, Any]:
        params: dict[str, Any] = dict(request.query)  # slack_sdk sends some methods' arguments as a query
        if request.content_type == "application/json":
            return params | await request.json()
        form = await request.post()
        for key, value in form.items():
            text = str(value)
            params[key] = json.loads(text) if key in ("blocks", "view", "metadata") and text[:1] in "[{" else text
        return params

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params = await self._params(request)
        wait = self._over_limit(method, dm_of(str(params.get("channel", ""))))
        if wait is not None:
            self.too_many += 1
            self.calls.append(Call(method + ":429", params))
            return web.json_response({"ok": False, "error": "ratelimited"}, status=429,
                                     headers={"Retry-After": str(max(1, math.ceil(wait)))})
        if method in self.stalls:
            self.calls.append(Call(method + ":stalled", params))
            await self._unstalled.wait()  # until the fake stops
            return web.json_response({"ok": False, "error": "fatal_error"}, status=500)
        if self.drops.get(method) and self.drops_after.get(method):
            self.drops_after[method] -= 1
        elif self.drops.get(method):
            self.drops[method] -= 1
            self.calls.append(Call(method + ":dropped", params))
            assert request.transport is not None
            request.transport.close()
            raise asyncio.CancelledError  # nothing more to answer on a closed connection
        pending = self.rate_limits.get(method)
        storm = self.storms.get(method)
        if storm and not storm[2]:
            storm[2] = asyncio.get_running_loop().time() + storm[0]
        if pending or (storm and asyncio.get_running_loop().time() < storm[2]):
            retry_after = pending.pop(0) if pending else int(storm[1])  # type: ignore[index]
            self.calls.append(Call(method + ":429", params))
            return web.json_response({"ok": False, "error": "ratelimited"}, status=429, headers={"Retry-After": str(retry_after)})
        self.calls.append(Call(method, params))
        if method in self.fail:
            return web.json_response({"ok": False, "error": self.fail[method]})
        return web.json_response(self._answer(method, params))

    def _over_limit(self, method: str, channel: str) -> float | None:
        """Seconds to wait when a call to ``method`` is over its limit, else None (and it counts)."""
        now = asyncio.get_running_loop().time()
        if method in TIER3 and self.tier3_per_minute is not None:
            return self._budgets.setdefault(method, Budget(self.tier3_per_minute, self.tier3_burst)).take(now)
        if method != "chat.postMessage":
            return None
        last = self._recent_by_channel.get(channel)
        if self.channel_per_second and last is not None and now - last < 1.0 / self.channel_per_second:
            return 1.0 / self.channel_per_second - (now - last)
        if self.posts_per_minute is not None:
            wait = self._budgets.setdefault(method, Budget(self.posts_per_minute, self.posts_burst)).take(now)
            if wait is not None:
                return wait
        self._recent_by_channel[channel] = now
        return None

    async def envelope(self, kind: str, payload: dict[str, Any], within: float = 10.0) -> dict[str, Any]:
        """Deliver a Socket Mode envelope (``slash_commands``, ``interactive``, ``events_api``) to the
        connected bot and return its acknowledgement (``{"envelope_id": …, "payload": …}``)."""
        await self.wait_for(lambda: [ws for ws in self.sockets if not ws.closed], within)
        envelope_id = f"env-{next(self._envelopes)}"
        acked = self._acks[envelope_id] = asyncio.get_running_loop().create_future()
        await self.sockets[-1].send_json({
            "envelope_id": envelope_id, "type": kind, "payload": payload,
            "accepts_response_payload": kind != "events_api", "retry_attempt": 0, "retry_reason": "",
        })
        return await asyncio.wait_for(acked, within)

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self.sockets.append(ws)
        await ws.send_json({"type": "hello", "num_connections": 1, "connection_info": {"app_id": "A1"},
                            "debug_info": {"host": "fake", "approximate_connection_time": 3600}})
        async for message in ws:
            data = json.loads(message.data)
            waiter = self._acks.pop(data.get("envelope_id", ""), None)
            if waiter is not None and not waiter.done():
                waiter.set_result(data)
        return ws

    def _answer(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        if method == "apps.connections.open":
            return {"ok": True, "url": self.url.replace("http://", "ws://") + "/socket"}
        if method == "auth.test":
            return {"ok": True, "url": "https://hrc.slack.test/", "team": "HRC", "user": "hrcbot",
                    "team_id": self.team_id, "user_id": "UBOT", "bot_id": "BBOT"}
        if method == "chat.postMessage" and params.get("channel") in self.outside:
            return {"ok": False, "error": "not_in_channel"}
        if method == "users.info":
            user = self.users.get(str(params.get("user", "")))
            return {"ok": True, "user": user} if user else {"ok": False, "error": "user_not_found"}
        if method == "chat.getPermalink":
            ts = str(params.get("message_ts", "")).replace(".", "")
            return {"ok": True, "channel": params.get("channel"), "permalink": f"https://hrc.slack.test/archives/{params.get('channel')}/p{ts}"}
        if method == "chat.postMessage" and str(params.get("channel", "")) in self.hidden_channels:
            return {"ok": False, "error": "channel_not_found"}
        if method == "chat.postMessage":
            ts = f"{next(self._ts)}.000100"
            channel = dm_of(str(params.get("channel", "")))
            message = {"ts": ts, "text": params.get("text", ""), "metadata": params.get("metadata")}
            self.history.setdefault(channel, []).insert(0, message)
            return {"ok": True, "channel": channel, "ts": ts, "message": message}
        if method == "conversations.open":
            return {"ok": True, "channel": {"id": dm_of(str(params.get("users", "")))}}
        if method == "conversations.info":
            channel = str(params.get("channel", ""))
            if channel in self.hidden_channels:
                return {"ok": False, "error": "channel_not_found"}
            return {"ok": True, "channel": {"id": channel, "is_channel": True, "is_archived": False,
                                            "is_member": channel not in self.outside}}
        if method == "conversations.history":
            return {"ok": True, "messages": self.history.get(params.get("channel", ""), [])[: int(params.get("limit", 100))]}
        if method in ("views.open", "views.publish", "views.update"):
            return {"ok": True, "view": {"id": "V1", **(params.get("view") or {})}}
        if method == "files.getUploadURLExternal":
            file_id = f"F{next(self._ts)}"
            self._pending_files[file_id] = {"filename": params.get("filename"), "alt_txt": params.get("alt_txt"),
                                            "length": int(params.get("length", 0)), "content": None}
            return {"ok": True, "upload_url": f"{self.url}/upload/{file_id}", "file_id": file_id}
        if method == "files.completeUploadExternal":
            done = []
            for entry in json.loads(params.get("files", "[]")):
                pending = self._pending_files.pop(entry["id"], None)
                if pending is None or pending["content"] is None:
                    return {"ok": False, "error": "file_not_found"}
                self.uploads.append({**pending, "id": entry["id"], "title": entry.get("title"),
                                     "channel": params.get("channel_id"), "initial_comment": params.get("initial_comment")})
                done.append({"id": entry["id"], "name": pending["filename"], "title": entry.get("title")})
            return {"ok": True, "files": done}
        if method == "chat.postEphemeral":
            return {"ok": True, "message_ts": f"{next(self._ts)}.000200"}
        return {"ok": True}

    async def _upload(self, request: web.Request) -> web.Response:
        pending = self._pending_files.get(request.match_info["file_id"])
        if pending is None:
            return web.Response(status=404, text="unknown upload url")
        content = await request.read()
        if len(content) != pending["length"]:
            return web.Response(status=400, text="length differs from files.getUploadURLExternal")
        pending["content"] = content
        return web.Response(text="OK - " + str(len(content)))

    async def _response(self, request: web.Request) -> web.Response:
        if request.match_info["token"] in self.expired:
            return web.Response(status=404, text="expired_url")
        self.responses.append(await request.json())
        return web.Response(text="ok")
