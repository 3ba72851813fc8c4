"""The two Slack app manifests (Socket Mode and HTTP): valid against Slack's manifest schema, alike except
for how Slack reaches the bot, and asking for exactly the scopes the bot's Web API calls need."""

from __future__ import annotations

import ast
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
SOCKET, HTTP = ROOT / "slack" / "manifest.yml", ROOT / "slack" / "manifest-http.yml"
SCHEMA = json.loads((Path(__file__).parent / "manifest.schema.json").read_text())
EVENTS_URL = "https://hrc.example.org/slack/events"

# Bot scopes each Web API method needs, as the bot uses it (the "Required scopes" of each method's page at
# docs.slack.dev/reference/methods). conversations.history needs the scope of each kind of conversation it
# reads: the crash check reads public and private channels and direct messages.
METHOD_SCOPES: dict[str, frozenset[str]] = {
    "auth_test": frozenset(),
    "chat_getPermalink": frozenset(),
    "chat_postEphemeral": frozenset({"chat:write"}),
    "chat_postMessage": frozenset({"chat:write"}),
    "chat_update": frozenset({"chat:write"}),
    "conversations_history": frozenset({"channels:history", "groups:history", "im:history"}),
    "conversations_open": frozenset({"im:write"}),
    "conversations_info": frozenset({"channels:read", "groups:read"}),
    "files_upload_v2": frozenset({"files:write"}),
    "users_info": frozenset({"users:read"}),
    "views_open": frozenset(),
    "views_publish": frozenset(),
    "views_push": frozenset(),
    "views_update": frozenset(),
}
# Bot scopes a manifest feature needs: slash commands and shortcuts need `commands`; a bot event needs the
# scope of what it reports (docs.slack.dev/reference/events/message.im: im:history).
EVENT_SCOPES = {"app_home_opened": frozenset(), "message.im": frozenset({"im:history"})}


def load(path: Path) -> dict[str, Any]:
    return yaml.safe_load(path.read_text())


def web_api_calls() -> set[str]:
    """Every ``….client.method(...)`` / ``client.method(...)`` call in bot/slack/: the Web API methods used."""
    found: set[str] = set()
    for source in (ROOT / "bot" / "slack").rglob("*.py"):
        for node in ast.walk(ast.parse(source.read_text())):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            owner = node.func.value
            name = owner.id if isinstance(owner, ast.Name) else owner.attr if isinstance(owner, ast.Attribute) else ""
            if name == "client" and "_" in node.func.attr:
                found.add(node.func.attr)
    return found


def needed_scopes(manifest: dict[str, Any]) -> set[str]:
    needed: set[str] = set()
    for method in web_api_calls():
        needed |= METHOD_SCOPES[method]
    features = manifest.get("features", {})
    if features.get("slash_commands") or features.get("shortcuts"):
        needed.add("commands")
    for event in manifest["settings"]["event_subscriptions"]["bot_events"]:
        needed |= EVENT_SCOPES[event]
    return needed


@pytest.mark.parametrize("path", [SOCKET, HTTP], ids=["socket", "http"])
def test_manifest_is_valid_against_slacks_schema(path: Path) -> None:
    manifest = load(path)
    jsonschema.validate(manifest, SCHEMA)
    assert manifest["features"]["app_home"]["messages_tab_enabled"] is True
    assert manifest["features"]["app_home"]["messages_tab_read_only_enabled"] is False


def test_every_call_has_a_method_scope_entry() -> None:
    calls = web_api_calls()
    assert {"chat_postMessage", "conversations_history", "users_info", "views_open"} <= calls
    unknown = calls - METHOD_SCOPES.keys()
    assert not unknown, f"add the scopes of {sorted(unknown)} to METHOD_SCOPES (and the manifests)"


@pytest.mark.parametrize("path", [SOCKET, HTTP], ids=["socket", "http"])
def test_scopes_are_exactly_those_the_calls_need(path: Path) -> None:
    manifest = load(path)
    requested = set(manifest["oauth_config"]["scopes"]["bot"])
    needed = needed_scopes(manifest)
    assert needed - requested == set(), "a call needs a scope the manifest does not request"
    assert requested - needed == set(), "the manifest requests a scope no call uses"
    assert {"im:history", "users:read"} <= requested


def test_the_two_manifests_differ_only_in_how_slack_reaches_the_bot() -> None:
    socket, http = load(SOCKET), load(HTTP)
    assert socket["settings"]["socket_mode_enabled"] is True
    assert http["settings"]["socket_mode_enabled"] is False
    # Socket Mode: no request URL anywhere (Slack would ignore them). HTTP: every one points at the bot.
    assert "request_url" not in socket["settings"]["event_subscriptions"]
    assert set(socket["settings"]["interactivity"]) == {"is_enabled"}
    assert all("url" not in command for command in socket["features"]["slash_commands"])
    assert http["settings"]["event_subscriptions"]["request_url"] == EVENTS_URL
    assert http["settings"]["interactivity"]["request_url"] == EVENTS_URL
    assert http["settings"]["interactivity"]["message_menu_options_url"] == EVENTS_URL  # external selects
    assert all(command["url"] == EVENTS_URL for command in http["features"]["slash_commands"])

    def transportless(manifest: dict[str, Any]) -> dict[str, Any]:
        copy = json.loads(json.dumps(manifest))
        copy["settings"]["socket_mode_enabled"] = None
        copy["settings"]["event_subscriptions"].pop("request_url", None)
        copy["settings"]["interactivity"] = {"is_enabled": copy["settings"]["interactivity"]["is_enabled"]}
        for command in copy["features"]["slash_commands"]:
            command.pop("url", None)
        return copy

    assert transportless(socket) == transportless(http)


def test_shortcuts_in_the_manifest_have_listeners() -> None:
    from bot.slack.shortcuts import GLOBAL_REGISTER, MESSAGE_SHARE

    shortcuts = {s["callback_id"]: s["type"] for s in load(SOCKET)["features"]["shortcuts"]}
    assert shortcuts == {GLOBAL_REGISTER: "global", MESSAGE_SHARE: "message"}
