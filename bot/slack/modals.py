"""The register and share modals, built with slack_sdk's Block Kit models (validated at build time).

Each form can open pre-filled with whatever options were typed (``/hrc register city: Quito``), and its
submission is turned back into the grammar's ``key: value`` options, so a form and a typed command go
through the same validation. Links use ``url_text_input``; the time zone is an ``external_select`` whose
options the bot loads as the person types (``TIMEZONE_ACTION``, answered in ``bot.slack.app``).
Every word on a form (title, labels, placeholders, hints, options, buttons) is in the viewer's language
(``locale``: en, es or fr, as ``handlers.languages.reader_language`` chose it).
Limits (Block Kit reference): 100 blocks a modal, title 24 characters, option text 75, initial_value of
a plain_text_input within its max_length.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from slack_sdk.models.blocks import (
    ExternalDataSelectElement,
    InputBlock,
    InputInteractiveElement,
    Option,
    PlainTextInputElement,
    StaticMultiSelectElement,
    StaticSelectElement,
    UrlInputElement,
)
from slack_sdk.models.views import View

from bot.render_text import plain_mentions
from handlers.errors import UserError
from handlers.i18n import Translate, translator
from handlers.suggest import timezone_suggestions
from handlers.text import fold, shorten, split_list
from handlers.types import ParsedCommand
from handlers.vocab import REGIONS, SIZES, THEMES, Term, find_region, find_size, find_theme
from handlers.zones import UnknownZone, canonical_zone, get_zone

REGISTER_ID, SHARE_ID = "hrc_register", "hrc_share"
TIMEZONE_ACTION = "hrc_timezone"
TITLE_MAX, SUMMARY_MAX, LINK_MAX = 150, 2000, 500


def _option(slug: str, name: str) -> Option:
    return Option(value=slug, text=name[:75])


def _terms(value: str, finder: Any, _: Translate) -> list[Term]:
    """The vocabulary terms named in a typed value; unknown words are left for the person to pick."""
    found: list[Term] = []
    for word in split_list(value):
        try:
            term = finder(word, _)
        except UserError:
            continue
        if term not in found:
            found.append(term)
    return found


def _input(block_id: str, label: str, element: InputInteractiveElement, *, optional: bool = False, hint: str = "") -> InputBlock:
    return InputBlock(block_id=block_id, label=label, element=element, optional=optional, hint=hint or None)


def _text(block_id: str, label: str, max_length: int, values: Mapping[str, str], *, optional: bool = False,
          multiline: bool = False, hint: str = "") -> InputBlock:
    initial = values.get(block_id, "")[:max_length] or None
    element = PlainTextInputElement(action_id="value", max_length=max_length, multiline=multiline, initial_value=initial)
    return _input(block_id, label, element, optional=optional, hint=hint)


def _select(block_id: str, label: str, placeholder: str, terms: tuple[Term, ...], values: Mapping[str, str],
            finder: Any, _: Translate, *, optional: bool = False, multi: bool = False) -> InputBlock:
    options = [_option(t.slug, _(t.name)) for t in terms]
    chosen = [_option(t.slug, _(t.name)) for t in _terms(values.get(block_id, ""), finder, _)]
    element: InputInteractiveElement
    if multi:
        element = StaticMultiSelectElement(action_id="value", options=options, initial_options=chosen or None,
                                           placeholder=placeholder)
    else:
        element = StaticSelectElement(action_id="value", options=options, initial_option=chosen[0] if chosen else None,
                                      placeholder=placeholder)
    return _input(block_id, label, element, optional=optional)


def _timezone(values: Mapping[str, str], now: datetime, _: Translate) -> InputBlock:
    typed = values.get("timezone", "")
    known = typed_zone(typed) if typed else None
    initial = zone_option(known, now) if known else None
    element = ExternalDataSelectElement(
        action_id=TIMEZONE_ACTION, min_query_length=2, initial_option=initial,
        placeholder=_("Type a city: Bogota, Madrid…"),
    )
    return _input("timezone", _("Time zone"), element, optional=True, hint=_("Search by a city in your time zone"))


def typed_zone(text: str) -> str | None:
    """The zone a typed value names outright: an IANA name in any case, or a zone's city (``bogota``)."""
    try:
        return canonical_zone(text)
    except UnknownZone:
        pass
    found = timezone_suggestions(text)
    if found and fold(found[0].value.rsplit("/", 1)[-1].replace("_", " ")) == fold(text):
        return found[0].value
    return None


def zone_option(name: str, now: datetime) -> Option:
    """``America/Bogota (UTC-05:00)``: the zone with its offset at ``now`` (an aware datetime)."""
    offset = now.astimezone(get_zone(name)).strftime("%z")
    label = f"{name} (UTC{offset[:3]}:{offset[3:]})" if offset else name
    return Option(value=name, text=label[:75])


def _modal(callback_id: str, title: str, submit: str, blocks: list[InputBlock], private_metadata: str,
           _: Translate) -> dict[str, Any]:
    view = View(
        type="modal", callback_id=callback_id, title=title, submit=submit, close=_("Cancel"), blocks=blocks,
        private_metadata=private_metadata or None,
    )
    view.validate_json()
    return view.to_dict()


def register_modal(values: Mapping[str, str] | None = None, *, private_metadata: str = "",
                   now: datetime | None = None, locale: str = "en") -> dict[str, Any]:
    """The register form as a ``views.open`` view, in ``locale`` (en, es, fr); ``values`` are typed
    options (``city``, ``region``…). Raises ``SlackObjectFormationError`` if a block breaks Slack's limits."""
    _ = translator(locale)
    values = values or {}
    return _modal(REGISTER_ID, _("Register your city"), _("Register"), [
        _text("city", _("City or territory"), 100, values),
        _text("country", _("Country"), 80, values, hint=_("Its name in English, Spanish or French, or its code (ES)")),
        _select("region", _("UCLG region"), _("Choose a region"), REGIONS, values, find_region, _),
        _select("size", _("Size"), _("Choose a size"), SIZES, values, find_size, _, optional=True),
        _select("themes", _("Themes your city works on"), _("Choose themes"), THEMES, values, find_theme, _,
                optional=True, multi=True),
        _timezone(values, now or datetime.now().astimezone(), _),
        _text("languages", _("Languages"), 80, values, optional=True, hint=_("Codes such as en, es, fr")),
    ], private_metadata, _)


def share_modal(values: Mapping[str, str] | None = None, *, private_metadata: str = "", locale: str = "en") -> dict[str, Any]:
    """The share form as a ``views.open`` view, in ``locale``; ``values`` are typed options (``title``,
    ``summary``…). Raises ``SlackObjectFormationError`` if a block breaks Slack's limits."""
    _ = translator(locale)
    values = values or {}
    link = values.get("link", "").strip()
    link_element = UrlInputElement(action_id="value", initial_value=link[:LINK_MAX] if link.startswith(("https://", "http://")) else None,
                                   placeholder="https://")
    return _modal(SHARE_ID, _("Share a practice"), _("Share"), [
        _text("title", _("Title"), TITLE_MAX, values),
        _select("themes", _("Themes"), _("Choose themes"), THEMES, values, find_theme, _, multi=True),
        _text("summary", _("Summary"), SUMMARY_MAX, values, multiline=True),
        _input("link", _("Link"), link_element, optional=True, hint=_("A full address starting with https://")),
    ], private_metadata, _)


FORMS = {"register": register_modal, "share": share_modal}


def submitted_command(callback_id: str, view: dict[str, Any]) -> ParsedCommand:
    """The view's state as the grammar's ``key: value`` options (one element per input block)."""
    options: dict[str, str] = {}
    for block_id, actions in view.get("state", {}).get("values", {}).items():
        element = next(iter(actions.values()), {}) if actions else {}
        if element.get("selected_options"):
            options[block_id] = ", ".join(o["value"] for o in element["selected_options"])
        elif element.get("selected_option"):
            options[block_id] = element["selected_option"]["value"]
        elif element.get("value"):
            options[block_id] = element["value"].strip()
    name = "register" if callback_id == REGISTER_ID else "share"
    return ParsedCommand(name=name, options=options)


ERROR_MAX = 150  # an inline error under a field: a line or two, plain text
_CODE = re.compile(r"(`{1,3})([^`]+?)\1")  # `ville:`, ```block```: plain text would show the backticks


def error_text(message: str) -> str:
    """``message`` as an inline field error: plain text (mention tokens as names, code spans without their
    backticks), whole lines while they fit in ``ERROR_MAX``, else its first line shortened at a word with "…"; never cut inside a word."""
    lines = [line.strip() for line in _CODE.sub(r"\2", plain_mentions(message)).splitlines() if line.strip()]
    kept: list[str] = []
    for line in lines:
        if len("\n".join([*kept, line])) > ERROR_MAX:
            break
        kept.append(line)
    return "\n".join(kept) if kept else shorten(lines[0] if lines else " ", ERROR_MAX)


def field_errors(callback_id: str, field: str | None, message: str) -> dict[str, str]:
    """``response_action: errors`` wants a block id; fall back to the first input when the field is unknown."""
    blocks = [b["block_id"] for b in (register_modal() if callback_id == REGISTER_ID else share_modal())["blocks"]]
    return {field if field in blocks else blocks[0]: error_text(message)}
