"""Forms for `/city register` and `/practices share` when required options are missing.

A Discord modal holds at most 5 inputs; the core validates every value, and an invalid one is answered
ephemerally naming the field and the fix, with what was typed echoed back so nothing is lost.

Submissions are handled by the modal's custom id (``hrc-form:NAME`` plus any options given with the
command that the form does not show), not by a discord.py view kept in memory: so a form submitted
after 15 minutes of writing, or after the bot restarted, is applied like any other.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlencode

import discord

from bot.discord.interactions import answer, send_reply
from handlers.i18n import N_, translator
from handlers.types import ParsedCommand, Reply

FORM_PREFIX = "hrc-form:"
CUSTOM_ID_MAX = 100  # Discord's limit for a custom id

# (option key, label, max length, paragraph?, required)
FORMS: dict[str, tuple[str, list[tuple[str, str, int, bool, bool]]]] = {
    "register": (N_("Register your city"), [
        ("city", N_("City or territory"), 100, False, True),
        ("country", N_("Country"), 80, False, True),
        ("region", N_("UCLG region (e.g. Europe, Latin America)"), 60, False, True),
        ("themes", N_("Themes (comma-separated)"), 600, False, False),
        ("timezone", N_("Time zone (e.g. Europe/Madrid)"), 64, False, False),
    ]),
    "share": (N_("Share a practice"), [
        ("title", N_("Title"), 150, False, True),
        ("themes", N_("Themes (comma-separated)"), 600, False, True),
        ("summary", N_("Summary"), 2000, True, True),
        ("link", N_("Link (https://…)"), 500, False, False),
    ]),
}


def form_custom_id(name: str, given: dict[str, str]) -> str | None:
    """``hrc-form:NAME`` with the given options the form does not show; None when they do not fit."""
    shown = {key for key, *_rest in FORMS[name][1]}
    extra = {key: value for key, value in given.items() if key not in shown and value}
    custom_id = FORM_PREFIX + name + (f"?{urlencode(extra)}" if extra else "")
    return custom_id if len(custom_id) <= CUSTOM_ID_MAX else None


class CommandModal(discord.ui.Modal):
    """The form of a command in the caller's language, its inputs filled with the options already given."""

    def __init__(self, name: str, given: dict[str, str], custom_id: str, locale: str = "en") -> None:
        _ = translator(locale)
        title, fields = FORMS[name]
        super().__init__(title=_(title)[:45], timeout=None, custom_id=custom_id)  # Discord: titles, labels ≤ 45
        for key, label, max_length, paragraph, required in fields:
            default = (given.get(key) or "")[:max_length] or None
            self.add_item(discord.ui.TextInput(
                label=_(label)[:45], custom_id=key, max_length=max_length, required=required, default=default,
                style=discord.TextStyle.paragraph if paragraph else discord.TextStyle.short,
            ))
        # Not kept in discord.py's view store (which forgets it after a timeout or a restart):
        # its submission is handled by custom id in ``on_form_submit``.
        self.stop()


def needs_form(name: str, options: dict[str, str]) -> bool:
    return name in FORMS and any(required and not options.get(key) for key, _l, _m, _p, required in FORMS[name][1])


async def open_form(interaction: discord.Interaction, name: str, given: dict[str, str]) -> None:
    """Send the form; when the given options cannot ride in its custom id, run the command as it is
    (the core then says what is missing, and the typed command stays in Discord's history)."""
    custom_id = form_custom_id(name, given)
    if custom_id is None:
        await answer(interaction, ParsedCommand(name, options=given))
        return
    await interaction.response.send_modal(CommandModal(name, given, custom_id, str(interaction.locale)))


def submitted_values(components: list[dict[str, Any]]) -> dict[str, str]:
    """Every input's value by its custom id, from action rows or labels (however deeply nested)."""
    values: dict[str, str] = {}
    for component in components:
        if "custom_id" in component and ("value" in component or "values" in component):
            value = component.get("value")
            values[component["custom_id"]] = value if value is not None else ", ".join(component.get("values") or [])
        for key in ("components", "component"):
            inner = component.get(key)
            if inner:
                values.update(submitted_values(inner if isinstance(inner, list) else [inner]))
    return values


def is_form_submission(interaction: discord.Interaction) -> bool:
    data: dict[str, Any] = interaction.data or {}  # type: ignore[assignment]
    return interaction.type is discord.InteractionType.modal_submit and str(data.get("custom_id", "")).startswith(FORM_PREFIX)


async def on_form_submit(interaction: discord.Interaction) -> None:
    """Run the command of a submitted form; when it fails, echo what was typed so nothing is lost."""
    data: dict[str, Any] = interaction.data or {}  # type: ignore[assignment]
    name, _sep, query = str(data["custom_id"]).removeprefix(FORM_PREFIX).partition("?")
    if name not in FORMS:
        return
    fields = FORMS[name][1]
    typed = submitted_values(data.get("components") or [])
    options = dict(parse_qsl(query))
    options.update({key: typed[key].strip() for key, *_rest in fields if typed.get(key, "").strip()})
    reply = await answer(interaction, ParsedCommand(name, options=options))
    if reply is not None and reply.is_error and typed:
        _ = translator(str(interaction.locale))
        echoed = "\n\n".join(f"{_(label)}:\n{typed[key]}" for key, label, *_rest in fields if typed.get(key, "").strip())
        await send_reply(interaction, Reply(title=_("What you typed (nothing was saved)"), text=echoed))
