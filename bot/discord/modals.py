"""Forms for `/city register` and `/practices share` when required options are missing.

Each input sits in a ``ui.Label``; region and size are selects and themes a multi-select in the register
form, so only names are typed. A Discord modal holds at most 5 labels; the core validates every value, and an invalid one is answered
ephemerally naming the field and the fix, with what was typed echoed back so nothing is lost.

Submissions are handled by the modal's custom id (``hrc-form:NAME`` plus any options given with the
command that the form does not show), not by a discord.py view kept in memory: so a form submitted
after 15 minutes of writing, or after the bot restarted, is applied like any other.
"""

from __future__ import annotations

import contextlib
import enum
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import parse_qsl, urlencode

import discord

from bot.discord.interactions import answer, dm_refusal, reader_language_of, send_reply
from handlers.dispatch import error_reply
from handlers.errors import UserError
from handlers.i18n import N_, Translate, translator
from handlers.text import split_list
from handlers.types import ParsedCommand, Reply, clean_input
from handlers.vocab import REGIONS, SIZES, THEMES, find_region, find_size, find_theme

FORM_PREFIX = "hrc-form:"
CUSTOM_ID_MAX = 100  # Discord's limit for a custom id

class Style(enum.Enum):
    SHORT = "short"
    PARAGRAPH = "paragraph"
    SELECT = "select"  # one of the option's terms (region, size)
    MULTI = "multi"  # any of the themes


@dataclass(frozen=True)
class FormField:
    key: str  # the grammar option it fills
    label: str  # N_-marked; Discord shows at most 45 characters
    style: Style = Style.SHORT
    required: bool = False
    max_length: int = 100  # text inputs only


FORMS: dict[str, tuple[str, tuple[FormField, ...]]] = {
    "register": (N_("Register your city"), (
        FormField("city", N_("City or territory"), required=True, max_length=100),
        FormField("country", N_("Country"), required=True, max_length=80),
        FormField("region", N_("UCLG world region"), Style.SELECT, required=True),
        FormField("size", N_("Kind of local government"), Style.SELECT),
        FormField("themes", N_("Themes"), Style.MULTI),
    )),
    "share": (N_("Share a practice"), (
        FormField("title", N_("Title"), required=True, max_length=150),
        FormField("themes", N_("Themes (comma-separated)"), required=True, max_length=600),
        FormField("summary", N_("Summary"), Style.PARAGRAPH, required=True, max_length=2000),
        FormField("link", N_("Link (https://…)"), max_length=500),
    )),
}
SELECT_TERMS = {"region": REGIONS, "size": SIZES, "themes": THEMES}


FINDERS = {"region": find_region, "size": find_size, "themes": find_theme}


def _picked(key: str, given: str) -> set[str]:
    """Slugs of the terms named in a given option (``water, housing``), for the select's defaults."""
    _ = translator("en")
    slugs = set()
    for word in split_list(given):
        with contextlib.suppress(UserError):
            slugs.add(FINDERS[key](word, _).slug)
    return slugs


def unknown_term(name: str, given: dict[str, str], _: Translate) -> Reply | None:
    """The core's refusal of a term given with the command that the form's selects cannot show (a theme
    it does not know: ``xyzzy``), "did you mean" included; None when every one is known. A select shows
    only known terms, so the form would drop it without a word."""
    for field in FORMS[name][1]:
        if field.style in (Style.SELECT, Style.MULTI) and given.get(field.key):
            try:
                for word in split_list(given[field.key]):
                    FINDERS[field.key](word, _)
            except UserError as error:
                error.usage_of, error.field = name, field.key
                return error_reply(error, _, "discord")
    return None


def form_item(field: FormField, given: str, _: Translate) -> discord.ui.Item[Any]:
    """The input of one field inside its label: a text input, or a select of the campaign's terms."""
    if field.style in (Style.SELECT, Style.MULTI):
        picked = _picked(field.key, given) if given else set()
        terms = SELECT_TERMS[field.key]
        component: discord.ui.Item[Any] = discord.ui.Select(
            custom_id=field.key, required=field.required, min_values=1 if field.required else 0,
            max_values=len(terms) if field.style is Style.MULTI else 1,
            options=[discord.SelectOption(label=_(t.name)[:100], value=t.slug, default=t.slug in picked) for t in terms],
        )
    else:
        component = discord.ui.TextInput(
            custom_id=field.key, max_length=field.max_length, required=field.required,
            default=given[: field.max_length] or None,
            style=discord.TextStyle.paragraph if field.style is Style.PARAGRAPH else discord.TextStyle.short,
        )
    return discord.ui.Label(text=_(field.label)[:45], component=component)


def form_custom_id(name: str, given: dict[str, str]) -> str | None:
    """``hrc-form:NAME`` with the given options the form does not show; None when they do not fit."""
    shown = {field.key for field in FORMS[name][1]}
    extra = {key: value for key, value in given.items() if key not in shown and value}
    custom_id = FORM_PREFIX + name + (f"?{urlencode(extra)}" if extra else "")
    return custom_id if len(custom_id) <= CUSTOM_ID_MAX else None


class CommandModal(discord.ui.Modal):
    """The form of a command in the caller's language, its inputs filled with the options already given."""

    def __init__(self, name: str, given: dict[str, str], custom_id: str, locale: str = "en") -> None:
        _ = translator(locale)
        title, fields = FORMS[name]
        super().__init__(title=_(title)[:45], timeout=None, custom_id=custom_id)  # Discord: titles, labels ≤ 45
        for field in fields:
            self.add_item(form_item(field, given.get(field.key) or "", _))
        # Not kept in discord.py's view store (which forgets it after a timeout or a restart):
        # its submission is handled by custom id in ``on_form_submit``.
        self.stop()


def needs_form(name: str, options: dict[str, str]) -> bool:
    return name in FORMS and any(field.required and not options.get(field.key) for field in FORMS[name][1])


async def open_form(interaction: discord.Interaction, name: str, given: dict[str, str]) -> None:
    """Send the form; when the given options cannot ride in its custom id, run the command as it is
    (the core then says what is missing, and the typed command stays in Discord's history). Where the
    command cannot run (a direct message), it is refused at once, before anything is written in a form."""
    if (refusal := await dm_refusal(interaction, ParsedCommand(name, options=given))) is not None:
        await send_reply(interaction, refusal)
        return
    custom_id = form_custom_id(name, given)
    if custom_id is None:
        await answer(interaction, ParsedCommand(name, options=given))
        return
    # In the language the bot answers this reader in (``/language`` wins over the Discord client's).
    language = await reader_language_of(interaction)
    if (unknown := unknown_term(name, given, translator(language))) is not None:
        await send_reply(interaction, replace(unknown, language=language))
        return
    await interaction.response.send_modal(CommandModal(name, given, custom_id, language))


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
    # Echoed back on failure, so cleaned here too (the core cleans what reaches it as a ParsedCommand).
    typed = {key: clean_input(value) for key, value in submitted_values(data.get("components") or []).items()}
    options = dict(parse_qsl(query))
    options.update({f.key: typed[f.key].strip() for f in fields if typed.get(f.key, "").strip()})
    reply = await answer(interaction, ParsedCommand(name, options=options))
    if reply is not None and reply.is_error and typed:
        _ = translator(reply.language or str(interaction.locale))
        echoed = "\n\n".join(f"{_(f.label)}:\n{typed[f.key]}" for f in fields if typed.get(f.key, "").strip())
        await send_reply(interaction, Reply(title=_("What you typed (nothing was saved)"), text=echoed))
