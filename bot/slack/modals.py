"""The register and share modals: typed inputs, and the submission turned back into the grammar's options."""

from __future__ import annotations

from typing import Any

from handlers.i18n import translator
from handlers.types import ParsedCommand
from handlers.vocab import REGIONS, SIZES, THEMES

_ = translator("en")
REGISTER_ID, SHARE_ID = "hrc_register", "hrc_share"


def _option(slug: str, name: str) -> dict[str, Any]:
    return {"text": {"type": "plain_text", "text": name[:75]}, "value": slug}


def _text_input(block_id: str, label: str, max_length: int, *, optional: bool = False, multiline: bool = False, hint: str = "") -> dict[str, Any]:
    block: dict[str, Any] = {
        "type": "input",
        "block_id": block_id,
        "optional": optional,
        "label": {"type": "plain_text", "text": label},
        "element": {"type": "plain_text_input", "action_id": "value", "max_length": max_length, "multiline": multiline},
    }
    if hint:
        block["hint"] = {"type": "plain_text", "text": hint}
    return block


def _select(block_id: str, label: str, terms: tuple[Any, ...], *, optional: bool = False, multi: bool = False) -> dict[str, Any]:
    return {
        "type": "input",
        "block_id": block_id,
        "optional": optional,
        "label": {"type": "plain_text", "text": label},
        "element": {
            "type": "multi_static_select" if multi else "static_select",
            "action_id": "value",
            "options": [_option(t.slug, _(t.name)) for t in terms],
        },
    }


def _modal(callback_id: str, title: str, submit: str, blocks: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "type": "modal",
        "callback_id": callback_id,
        "title": {"type": "plain_text", "text": title},
        "submit": {"type": "plain_text", "text": submit},
        "close": {"type": "plain_text", "text": _("Cancel")},
        "blocks": blocks,
    }


def register_modal() -> dict[str, Any]:
    return _modal(REGISTER_ID, _("Register your city"), _("Register"), [
        _text_input("city", _("City or territory"), 100),
        _text_input("country", _("Country"), 80),
        _select("region", _("UCLG region"), REGIONS),
        _select("size", _("Size"), SIZES, optional=True),
        _select("themes", _("Themes your city works on"), THEMES, optional=True, multi=True),
        _text_input("timezone", _("Time zone"), 64, optional=True, hint=_("An IANA name such as Europe/Madrid")),
        _text_input("languages", _("Languages"), 80, optional=True, hint=_("Codes such as en, es, fr")),
    ])


def share_modal() -> dict[str, Any]:
    return _modal(SHARE_ID, _("Share a practice"), _("Share"), [
        _text_input("title", _("Title"), 150),
        _select("themes", _("Themes"), THEMES, multi=True),
        _text_input("summary", _("Summary"), 2000, multiline=True),
        _text_input("link", _("Link"), 500, optional=True, hint=_("A full address starting with https://")),
    ])


def submitted_command(callback_id: str, view: dict[str, Any]) -> ParsedCommand:
    """The view's state as the grammar's ``key: value`` options."""
    options: dict[str, str] = {}
    for block_id, actions in view.get("state", {}).get("values", {}).items():
        element = actions.get("value", {})
        if element.get("selected_options"):
            options[block_id] = ", ".join(o["value"] for o in element["selected_options"])
        elif element.get("selected_option"):
            options[block_id] = element["selected_option"]["value"]
        elif element.get("value"):
            options[block_id] = element["value"].strip()
    name = "register" if callback_id == REGISTER_ID else "share"
    return ParsedCommand(name=name, options=options)


def field_errors(callback_id: str, field: str | None, message: str) -> dict[str, str]:
    """``response_action: errors`` wants a block id; fall back to the first input when the field is unknown."""
    blocks = [b["block_id"] for b in (register_modal() if callback_id == REGISTER_ID else share_modal())["blocks"]]
    return {field if field in blocks else blocks[0]: message[:150]}
