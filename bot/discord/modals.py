"""Forms for `/hrc register` and `/hrc share` when required options are missing.

A Discord modal holds at most 5 text inputs; the core validates every value, and an invalid one
is answered ephemerally naming the field and the fix.
"""

from __future__ import annotations

import discord

from bot.discord.interactions import answer
from handlers.types import ParsedCommand

# (option key, label, max length, paragraph?, required)
FORMS: dict[str, tuple[str, list[tuple[str, str, int, bool, bool]]]] = {
    "register": ("Register your city", [
        ("city", "City or territory", 100, False, True),
        ("country", "Country", 80, False, True),
        ("region", "UCLG region (e.g. Europe, Latin America)", 60, False, True),
        ("themes", "Themes (comma-separated)", 600, False, False),
        ("timezone", "Time zone (e.g. Europe/Madrid)", 64, False, False),
    ]),
    "share": ("Share a practice", [
        ("title", "Title", 150, False, True),
        ("themes", "Themes (comma-separated)", 600, False, True),
        ("summary", "Summary", 2000, True, True),
        ("link", "Link (https://…)", 500, False, False),
    ]),
}


class CommandModal(discord.ui.Modal):
    def __init__(self, name: str, given: dict[str, str]) -> None:
        title, fields = FORMS[name]
        super().__init__(title=title, timeout=15 * 60)
        self.name = name
        self.given = given
        self.inputs: dict[str, discord.ui.TextInput[CommandModal]] = {}
        for key, label, max_length, paragraph, required in fields:
            text_input: discord.ui.TextInput[CommandModal] = discord.ui.TextInput(
                label=label[:45], max_length=max_length, required=required, default=given.get(key) or None,
                style=discord.TextStyle.paragraph if paragraph else discord.TextStyle.short,
            )
            self.inputs[key] = text_input
            self.add_item(text_input)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        options = dict(self.given)
        options.update({key: item.value.strip() for key, item in self.inputs.items() if item.value and item.value.strip()})
        await answer(interaction, ParsedCommand(self.name, options=options))


def needs_form(name: str, options: dict[str, str]) -> bool:
    return name in FORMS and any(required and not options.get(key) for key, _l, _m, _p, required in FORMS[name][1])
