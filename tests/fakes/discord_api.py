"""An in-process fake of Discord on 127.0.0.1, port 0: the REST routes discord.py uses, and a gateway.

The gateway speaks the real protocol (HELLO, IDENTIFY → READY + GUILD_CREATE, heartbeats, RESUME)
and dispatches the INTERACTION_CREATE payloads a test gives it; REST records every call (interaction
callbacks, followups, channel messages, with the files of multipart requests under ``_files``) and
deduplicates channel messages by nonce, like Discord.
"""

from __future__ import annotations

import asyncio
import itertools
import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

APP_ID, GUILD_ID, CHANNEL_ID, BOT_ID = "900000000000000001", "800000000000000001", "700000000000000001", "900000000000000002"
SECRETARIAT_ROLE_ID = "600000000000000001"
BOT_USER = {"id": BOT_ID, "username": "hrc", "discriminator": "0", "global_name": "hrc", "avatar": None, "bot": True}


def user(user_id: str, name: str) -> dict[str, Any]:
    return {"id": user_id, "username": name, "discriminator": "0", "global_name": name.title(), "avatar": None}


@dataclass
class Recorded:
    method: str
    path: str
    body: Any


@dataclass
class FakeDiscord:
    calls: list[Recorded] = field(default_factory=list)
    url: str = ""
    identifies: int = 0
    resumes: int = 0
    _runner: web.AppRunner | None = None
    _sockets: list[web.WebSocketResponse] = field(default_factory=list)
    _seq: itertools.count = field(default_factory=lambda: itertools.count(1))
    _ids: itertools.count = field(default_factory=lambda: itertools.count(100000000000000001))
    _nonces: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    _callback_waiters: dict[str, asyncio.Future[Any]] = field(default_factory=dict)
    ready: asyncio.Event = field(default_factory=asyncio.Event)
    # Optional rate limits (benchmarks): requests a second overall, and messages per 5 s per channel.
    global_per_second: int | None = None
    channel_per_5s: int | None = None
    too_many: int = 0
    commands: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # synced commands, by REST path
    refuse_sync: bool = False  # answer command syncs with 400, as Discord does for an invalid tree
    forbidden_channels: set[str] = field(default_factory=set)  # channels the bot may no longer post in (403)
    forbidden_events: set[str] = field(default_factory=set)  # servers where the bot lacks Create Events (403)
    created: Counter[str] = field(default_factory=Counter)  # messages actually created, per channel
    events: dict[str, dict[str, Any]] = field(default_factory=dict)  # guild scheduled events by id
    # Interactions answered "thinking…" (a deferred callback, type 5) whose loading message is not yet
    # resolved, by token: its flags. As Discord does, the first followup then resolves it and keeps the
    # defer's visibility whatever its own flags say (https://github.com/discord/discord-api-docs/pull/3466);
    # an edit of @original resolves it too, and later followups are messages of their own.
    loading: dict[str, int] = field(default_factory=dict)
    shown: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # by token: the messages as people see them
    _recent: list[float] = field(default_factory=list)
    _recent_by_channel: dict[str, list[float]] = field(default_factory=dict)

    async def start(self) -> FakeDiscord:
        app = web.Application()
        app.router.add_get("/gateway", self._gateway)
        app.router.add_route("*", "/api/v10/{tail:.*}", self._rest)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.url = f"http://127.0.0.1:{self._runner.addresses[0][1]}"
        return self

    async def stop(self) -> None:
        for ws in list(self._sockets):
            await ws.close()
        if self._runner:
            await self._runner.cleanup()

    # --- what tests use -------------------------------------------------------------------------

    def next_id(self) -> str:
        return str(next(self._ids))

    def posted(self, path_part: str, method: str = "POST") -> list[Any]:
        return [c.body for c in self.calls if c.method == method and path_part in c.path]

    def callbacks(self, interaction_id: str) -> list[Any]:
        return self.posted(f"/interactions/{interaction_id}/")

    def first_callback(self, interaction_id: str) -> asyncio.Future[Any]:
        """Resolves with the first callback for an interaction dispatched after this call (benchmarks:
        no polling, so the waiting costs nothing and the time is exact)."""
        return self._callback_waiters.setdefault(interaction_id, asyncio.get_running_loop().create_future())

    async def wait_for(self, predicate: Callable[[], Any], within: float = 10.0) -> Any:
        deadline = asyncio.get_running_loop().time() + within
        while True:
            value = predicate()
            if value:
                return value
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError("the fake Discord never saw the expected call")
            await asyncio.sleep(0.01)

    async def dispatch(self, event: str, data: dict[str, Any], *, socket: int = -1) -> None:
        """Send a gateway event to the latest connection (or the ``socket``-th, when several clients share this fake)."""
        await self.wait_for(lambda: self._sockets)
        await self._sockets[socket].send_str(json.dumps({"op": 0, "t": event, "s": next(self._seq), "d": data}))

    async def drop_gateway(self) -> None:
        """Close the gateway connection as a network failure would (the client should come back)."""
        self.ready.clear()
        for ws in list(self._sockets):
            await ws.close(code=4000, message=b"unknown error")

    # --- gateway ----------------------------------------------------------------------------------

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(autoping=True)
        await ws.prepare(request)
        self._sockets.append(ws)
        await ws.send_str(json.dumps({"op": 10, "d": {"heartbeat_interval": 41250}}))
        try:
            async for message in ws:
                if message.type != WSMsgType.TEXT:
                    continue
                payload = json.loads(message.data)
                op = payload.get("op")
                if op == 1:
                    await ws.send_str(json.dumps({"op": 11}))
                elif op == 2:
                    self.identifies += 1
                    await self._send_ready(ws)
                elif op == 6:
                    self.resumes += 1
                    await ws.send_str(json.dumps({"op": 0, "t": "RESUMED", "s": next(self._seq), "d": {}}))
                    self.ready.set()
        finally:
            if ws in self._sockets:
                self._sockets.remove(ws)
        return ws

    async def _send_ready(self, ws: web.WebSocketResponse) -> None:
        ready = {
            "v": 10, "user": BOT_USER, "guilds": [{"id": GUILD_ID, "unavailable": True}], "session_id": "session-1",
            "resume_gateway_url": self.url.replace("http", "ws") + "/gateway", "application": {"id": APP_ID, "flags": 0},
            "shard": [0, 1],
        }
        await ws.send_str(json.dumps({"op": 0, "t": "READY", "s": next(self._seq), "d": ready}))
        await ws.send_str(json.dumps({"op": 0, "t": "GUILD_CREATE", "s": next(self._seq), "d": self.guild()}))
        self.ready.set()

    def guild(self) -> dict[str, Any]:
        role = {"permissions": "0", "position": 0, "color": 0, "hoist": False, "managed": False, "mentionable": False, "flags": 0}
        return {
            "id": GUILD_ID, "name": "Human Rights Cities", "owner_id": "1", "icon": None, "splash": None,
            "roles": [{**role, "id": GUILD_ID, "name": "@everyone", "permissions": "1024"},
                      {**role, "id": SECRETARIAT_ROLE_ID, "name": "Secretariat", "position": 1}],
            "channels": [{"id": CHANNEL_ID, "type": 0, "name": "general", "position": 0, "guild_id": GUILD_ID,
                          "permission_overwrites": [], "nsfw": False, "parent_id": None}],
            "members": [], "member_count": 3, "emojis": [], "stickers": [], "features": [], "large": False,
            "unavailable": False, "threads": [], "stage_instances": [], "guild_scheduled_events": [], "voice_states": [],
            "presences": [], "premium_tier": 0, "afk_timeout": 300, "verification_level": 0,
            "default_message_notifications": 0, "explicit_content_filter": 0, "mfa_level": 0, "nsfw_level": 0,
            "system_channel_flags": 0, "preferred_locale": "en-US", "joined_at": "2026-01-01T00:00:00+00:00",
        }

    # --- REST -------------------------------------------------------------------------------------

    def message(self, channel_id: str, body: dict[str, Any]) -> dict[str, Any]:
        return {
            "id": self.next_id(), "channel_id": channel_id, "author": BOT_USER, "content": body.get("content") or "",
            "timestamp": "2026-11-24T09:00:00+00:00", "edited_timestamp": None, "tts": False, "mention_everyone": False,
            "mentions": [], "mention_roles": [], "attachments": [], "embeds": body.get("embeds") or [], "pinned": False,
            "type": 0, "flags": body.get("flags", 0), "components": body.get("components") or [], "nonce": body.get("nonce"),
        }

    async def _rest(self, request: web.Request) -> web.Response:
        path = "/" + request.match_info["tail"]
        body: Any = None
        if request.can_read_body:
            if request.content_type == "application/json":
                body = await request.json()
            elif request.content_type.startswith("multipart"):
                form = await request.post()
                body = json.loads(str(form.get("payload_json", "{}")))
                # Files ride as parts files[0], files[1]…; kept under "_files" of the message they go
                # with (an interaction callback's "data", or the followup / channel message itself).
                message = body["data"] if isinstance(body.get("data"), dict) else body
                message["_files"] = [
                    {"name": key, "filename": part.filename, "content_type": part.content_type, "content": part.file.read()}
                    for key, part in form.items() if key.startswith("files[") and isinstance(part, web.FileField)
                ]
        limited = self._over_limit(path, request.method)
        if limited is not None:
            self.too_many += 1
            payload = json.dumps({"message": "You are being rate limited.", "retry_after": limited, "global": False}).encode()
            return web.Response(body=payload, status=429, headers={"Content-Type": "application/json", "Retry-After": f"{limited:.3f}"})
        parts = path.strip("/").split("/")
        if request.method == "POST" and parts[0] == "channels" and parts[-1] == "messages" and parts[1] in self.forbidden_channels:
            self.calls.append(Recorded("POST:403", path, body))
            payload = json.dumps({"message": "Missing Access", "code": 50001}).encode()
            return web.Response(body=payload, status=403, headers={"Content-Type": "application/json"})
        self.calls.append(Recorded(request.method, path, body))
        if self.refuse_sync and path.endswith("/commands") and request.method == "PUT":
            payload = json.dumps({"code": 50035, "message": "Invalid Form Body", "errors": {}}).encode()
            return web.Response(body=payload, status=400, headers={"Content-Type": "application/json"})
        if parts[0] == "guilds" and len(parts) >= 3 and parts[2] == "scheduled-events" and parts[1] in self.forbidden_events:
            payload = json.dumps({"message": "Missing Permissions", "code": 50013}).encode()
            return web.Response(body=payload, status=403, headers={"Content-Type": "application/json"})
        if (len(parts) == 4 and parts[0] == "guilds" and parts[2] == "scheduled-events" and request.method in ("PATCH", "DELETE")
                and parts[3] not in self.events):  # deleted (by hand, in Discord): as Discord answers
            payload = json.dumps({"message": "Unknown Guild Scheduled Event", "code": 10070}).encode()
            return web.Response(body=payload, status=404, headers={"Content-Type": "application/json"})
        if path.startswith("/interactions/") and (waiter := self._callback_waiters.pop(path.split("/")[2], None)):
            if not waiter.done():
                waiter.set_result(body)
        # Exactly "application/json", as Discord sends it: discord.py compares the header verbatim.
        payload = json.dumps(self._answer(request.method, path, body or {})).encode()
        return web.Response(body=payload, status=200, headers={"Content-Type": "application/json"})

    def _scheduled_event(self, method: str, parts: list[str], body: dict[str, Any]) -> Any:
        """Guild scheduled events: list, create, edit, delete (kept in ``self.events``)."""
        if len(parts) == 3:
            if method == "GET":
                return [e for e in self.events.values() if e["guild_id"] == parts[1]]
            event = {"id": self.next_id(), "guild_id": parts[1], "channel_id": None, "creator_id": BOT_ID,
                     "status": 1, "entity_id": None, "image": None, "creator": BOT_USER, **body}
            self.events[event["id"]] = event
            return event
        if method == "DELETE":
            self.events.pop(parts[3], None)
            return None
        self.events[parts[3]].update(body)
        return self.events[parts[3]]

    def _over_limit(self, path: str, method: str) -> float | None:
        """Seconds to wait when a limit is exceeded, else None."""
        if self.global_per_second is None or path.startswith(("/gateway", "/users/@me", "/oauth2")) and method == "GET":
            return None
        now = asyncio.get_running_loop().time()
        self._recent = [t for t in self._recent if now - t < 1.0]
        if len(self._recent) >= self.global_per_second:
            return round(1.0 - (now - self._recent[0]), 3) or 0.01
        parts = path.strip("/").split("/")
        if self.channel_per_5s and parts[0] == "channels" and parts[-1] == "messages" and method == "POST":
            window = [t for t in self._recent_by_channel.get(parts[1], []) if now - t < 5.0]
            if len(window) >= self.channel_per_5s:
                return round(5.0 - (now - window[0]), 3) or 0.01
            self._recent_by_channel[parts[1]] = [*window, now]
        self._recent.append(now)
        return None

    def _answer(self, method: str, path: str, body: dict[str, Any]) -> Any:
        parts = path.strip("/").split("/")
        if parts[0] == "guilds" and len(parts) >= 3 and parts[2] == "scheduled-events":
            return self._scheduled_event(method, parts, body)
        if path == "/users/@me":
            return BOT_USER
        if path == "/oauth2/applications/@me":
            return {"id": APP_ID, "name": "hrc", "icon": None, "description": "", "bot_public": True,
                    "bot_require_code_grant": False, "verify_key": "0" * 64, "flags": 0, "team": None,
                    "owner": {"id": "1", "username": "owner", "discriminator": "0", "avatar": None}}
        if path == "/gateway/bot":
            return {"url": self.url.replace("http", "ws") + "/gateway", "shards": 1,
                    "session_start_limit": {"total": 1000, "remaining": 999, "reset_after": 0, "max_concurrency": 1}}
        if parts[0] == "applications" and parts[-1] == "commands":
            if method == "PUT":  # Discord keeps the commands and answers them with ids
                self.commands[path] = [{"description": "", **c, "id": self.next_id(), "application_id": APP_ID, "version": "1"} for c in body]
            return self.commands.get(path, [])
        if parts[0] == "interactions":
            if body.get("type") == 5:
                self.loading[parts[2]] = (body.get("data") or {}).get("flags", 0) & 64
            return {"interaction": {"id": parts[1], "type": 2, "response_message_id": self.next_id(),
                                    "response_message_loading": body.get("type") == 5,
                                    "response_message_ephemeral": bool((body.get("data") or {}).get("flags", 0) & 64)}}
        if parts[0] == "webhooks":
            token = parts[2]
            if method == "PATCH" and parts[-1] == "@original" and token in self.loading:
                message = self.message(CHANNEL_ID, {**body, "flags": self.loading.pop(token)})
                self.shown.setdefault(token, []).append(message)
                return message
            if method == "POST" and len(parts) == 3:
                flags = self.loading.pop(token) if token in self.loading else body.get("flags", 0) & 64
                message = self.message(CHANNEL_ID, {**body, "flags": flags})
                self.shown.setdefault(token, []).append(message)
                return message
            return self.message(CHANNEL_ID, body)
        if parts[0] == "users" and parts[-1] == "channels":
            return {"id": "5" + str(body.get("recipient_id", ""))[1:], "type": 1, "recipients": [user(str(body.get("recipient_id")), "member")]}
        if parts[0] == "users":
            return user(parts[1], "member")
        if parts[0] == "channels" and len(parts) == 2:
            return {"id": parts[1], "type": 0, "name": "channel", "guild_id": GUILD_ID, "position": 0, "permission_overwrites": []}
        if parts[0] == "channels" and parts[-1] == "messages" and method == "POST":
            nonce = body.get("nonce")
            if nonce and body.get("enforce_nonce") and (parts[1], nonce) in self._nonces:
                return self._nonces[(parts[1], nonce)]  # Discord returns the message already sent
            message = self.message(parts[1], body)
            self.created[parts[1]] += 1
            if nonce:
                self._nonces[(parts[1], nonce)] = message
            return message
        return {}


def interaction(kind: int, data: dict[str, Any], *, user_id: str = "500000000000000001", name: str = "ana",
                roles: list[str] | None = None, interaction_id: str | None = None, message: dict[str, Any] | None = None,
                locale: str = "en-US", guild_id: str | None = GUILD_ID, app_permissions: str = "2147483647") -> dict[str, Any]:
    """An INTERACTION_CREATE payload shaped as Discord sends it in a guild channel (``guild_id=None``: in a DM)."""
    iid = interaction_id or str(400000000000000000 + abs(hash((kind, json.dumps(data, sort_keys=True), user_id))) % 10**17)
    payload: dict[str, Any] = {
        "id": iid, "application_id": APP_ID, "type": kind, "token": f"token-{iid}", "version": 1,
        "guild_id": GUILD_ID, "channel_id": CHANNEL_ID,
        "channel": {"id": CHANNEL_ID, "type": 0, "name": "general", "guild_id": GUILD_ID, "position": 0, "permissions": "2147483647"},
        "member": {"user": user(user_id, name), "roles": roles or [], "joined_at": "2026-01-01T00:00:00+00:00",
                   "deaf": False, "mute": False, "flags": 0, "permissions": "2147483647", "nick": None, "avatar": None},
        "data": data, "locale": locale, "guild_locale": "en-US", "app_permissions": app_permissions, "entitlements": [],
        "authorizing_integration_owners": {"0": GUILD_ID}, "context": 0, "attachment_size_limit": 8388608,
    }
    if guild_id is None:  # a direct message: a user instead of a member, a DM channel
        for key in ("guild_id", "member", "guild_locale"):
            payload.pop(key)
        payload["user"] = user(user_id, name)
        payload["channel"] = {"id": CHANNEL_ID, "type": 1}
        payload["context"] = 1
    elif guild_id != GUILD_ID:
        payload["guild_id"] = payload["channel"]["guild_id"] = guild_id
        payload["authorizing_integration_owners"] = {"0": guild_id}
    if message is not None:
        payload["message"] = message
    return payload


def slash(path: list[str], options: dict[str, Any], focused: str | None = None,
          resolved: dict[str, Any] | None = None) -> dict[str, Any]:
    """`data` of `/<path…> option: value`: path[0] the top-level command, then a subcommand (type 1), or a
    group (type 2) and its subcommand. Option types follow the values: str 3, bool 5, int 4; a
    ``Channel`` is type 7, a ``User`` (a member of the server) type 6, resolved as Discord does."""
    leaf = []
    resolved = dict(resolved or {})
    for key, value in options.items():
        kind = 5 if isinstance(value, bool) else 4 if isinstance(value, int) else 7 if isinstance(value, Channel) else 3
        if isinstance(value, User):
            kind = 6
            resolved.setdefault("users", {})[value.id] = user(value.id, value.name)
            resolved.setdefault("members", {})[value.id] = {"roles": [], "joined_at": "2026-01-01T00:00:00+00:00",
                                                            "deaf": False, "mute": False, "flags": 0, "nick": None,
                                                            "avatar": None, "permissions": "0"}
            value = value.id
        if isinstance(value, Channel):
            resolved.setdefault("channels", {})[value.id] = {"id": value.id, "name": value.name, "type": 0, "permissions": "2147483647"}
            value = value.id
        leaf.append({"name": key, "type": kind, "value": value, **({"focused": True} if key == focused else {})})
    node: list[dict[str, Any]] = leaf
    if len(path) >= 2:
        node = [{"name": path[-1], "type": 1, "options": leaf}]
    if len(path) == 3:
        node = [{"name": path[1], "type": 2, "options": node}]
    data = {"id": "300000000000000001", "name": path[0], "type": 1, "guild_id": GUILD_ID, "options": node}
    if resolved:
        data["resolved"] = resolved
    return data


@dataclass(frozen=True)
class User:
    """A user option's value in ``slash``: a member of the server."""

    id: str
    name: str = "member"


@dataclass(frozen=True)
class Channel:
    """A channel option's value in ``slash``."""

    id: str
    name: str = "channel"


def modal_inputs(modal: dict[str, Any]) -> list[dict[str, Any]]:
    """The inputs of a modal callback (type 9), each with its label, from labels or action rows."""
    found = []
    for top in modal["data"]["components"]:
        if top["type"] == 18:  # a label around one component
            found.append({**top["component"], "label": top["label"]})
        else:
            found += top["components"]
    return found


def modal_submission(modal: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
    """`data` of submitting a modal as Discord sends it: ``values`` by label, a list for a select."""
    components = []
    for item in modal_inputs(modal):
        value = values.get(item["label"])
        if item["type"] == 3:
            inner = {"type": 3, "custom_id": item["custom_id"], "values": list(value or [])}
        else:
            inner = {"type": 4, "custom_id": item["custom_id"], "value": value or ""}
        components.append({"type": 18, "component": inner})
    return {"custom_id": modal["data"]["custom_id"], "components": components}
