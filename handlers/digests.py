"""Digests and the words around personal prompts: parsing ``digest:``, ``lead:`` and pause lengths, the digest
message, and the "Stop these" button every personal message carries."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import date, timedelta

from handlers.calendar import Observance
from handlers.day_names import day_name, day_page
from handlers.errors import UserError
from handlers.i18n import Translate, translator
from handlers.text import fold
from handlers.types import Action, Item, Reply, Visibility
from handlers.vocab import theme_name
from storage.models import Digest

MAX_LEAD_DAYS = 30
MAX_PAUSE_DAYS = 366
# Units a pause may be given in, as people type them in the bot's three languages (input, not output).
_UNITS = {
    "day": 1, "days": 1, "d": 1, "dia": 1, "dias": 1, "jour": 1, "jours": 1, "j": 1,
    "week": 7, "weeks": 7, "w": 7, "semana": 7, "semanas": 7, "semaine": 7, "semaines": 7, "sem": 7,
    "month": 30, "months": 30, "mes": 30, "meses": 30, "mois": 30,
    "year": 365, "years": 365, "y": 365, "ano": 365, "anos": 365, "an": 365, "ans": 365, "annee": 365, "annees": 365,
}
_DURATION = re.compile(r"^(\d{1,12})\s*([a-z]+)$")
# Discord keeps a button's command in a 100-character custom id (bot/discord/views.py); a button in a DM
# also carries its server: "hrcm:" + a server id of up to 20 digits (19 for servers made since 2022) + ":".
MAX_BUTTON_COMMAND = 100 - len("hrcm:") - 20 - len(":")


def parse_digest(value: str, _: Translate, field: str = "digest") -> Digest:
    """``daily`` | ``weekly`` | ``off`` (also ``diario``/``semanal``, ``quotidien``/``hebdomadaire``)."""
    word = fold(value)
    aliases = {"diario": "daily", "quotidien": "daily", "semanal": "weekly", "hebdomadaire": "weekly",
               "no": "off", "none": "off", "non": "off"}
    try:
        return Digest(aliases.get(word, word))
    except ValueError:
        raise UserError(
            _("“{value}” is not a digest: use daily, weekly or off.").format(value=value), field=field
        ) from None


def parse_lead(value: str, _: Translate) -> int:
    """Days before a day for a reminder: 0 (none) to ``MAX_LEAD_DAYS``."""
    word = value.strip()
    if fold(word) in ("off", "no", "none"):
        return 0
    # "3 days" / "3 días" / "1 semaine", as the usage's DAYS invites; fold() drops signs, so "-1" is refused first.
    length = _DURATION.match(fold(word)) if word[:1].isdecimal() else None
    if length and length.group(2) in _UNITS:
        word = str(int(length.group(1)) * _UNITS[length.group(2)])
    if not word.isdecimal() or int(word) > MAX_LEAD_DAYS:
        raise UserError(
            _("“{value}” is not a lead time: give a number of days from 0 to {max}.").format(value=value, max=MAX_LEAD_DAYS),
            field="lead",
        )
    return int(word)


def parse_pause(value: str, _: Translate) -> timedelta:
    """``2 weeks``, ``10 days``, ``1 month`` (30 days) -> a timedelta of at most ``MAX_PAUSE_DAYS``."""
    # fold() drops signs, so "-1 week" must be caught before it: a length of time starts with its number.
    match = _DURATION.match(fold(value)) if value.strip()[:1].isdecimal() else None
    unit = _UNITS.get(match.group(2)) if match else None
    if not match or unit is None or int(match.group(1)) == 0:
        raise UserError(_("“{value}” is not a length of time: write e.g. 2 weeks, 10 days or 1 month.").format(value=value),
                        field="main")
    days = int(match.group(1)) * unit
    if days > MAX_PAUSE_DAYS:
        raise UserError(_("At most a year: for longer, `/hrc unsubscribe all`."), field="main")
    return timedelta(days=days)


def stop_action(themes: list[str] | tuple[str, ...], _: Translate) -> Action:
    """The "Stop these" button of a personal message: unsubscribes the themes that caused it."""
    command = "unsubscribe " + ", ".join(themes)
    if len(command) > MAX_BUTTON_COMMAND:
        command = STOP_ALL
    return Action(_("Stop these"), command, "danger", "stop")


STOP_ALL = "unsubscribe all"


def stop_themes(payload: str | None) -> frozenset[str] | None:
    """The themes a queued personal message's "Stop these" button (``stop_action``) names, read from its outbox
    payload (``bot.notify.reply_to_json``): empty for `unsubscribe all` (too many to name); None when it has
    no such button (not a personal message) or cannot be read."""
    try:
        actions = json.loads(payload or "{}").get("actions", [])
    except (ValueError, AttributeError):
        return None
    for action in actions if isinstance(actions, list) else []:
        command = action.get("command", "") if isinstance(action, dict) else ""
        if action.get("action_id") == "stop" and command.startswith("unsubscribe "):
            if command == STOP_ALL:
                return frozenset()
            return frozenset(theme.strip() for theme in command.removeprefix("unsubscribe ").split(","))
    return None


def undo_action(themes: list[str], _: Translate) -> tuple[Action, ...]:
    """The "Undo" button after unsubscribing (none when the command would not fit in a button)."""
    command = "subscribe " + ", ".join(themes)
    return (Action(_("Undo"), command, "default", "undo"),) if themes and len(command) <= MAX_BUTTON_COMMAND else ()


def _acting_line(names: list[str] | None, _: Translate) -> str:
    return "\n" + _("Cities acting: {cities}").format(cities=_.list(names)) if names else ""


def digest_reply(found: list[tuple[date, Observance]], period: Digest, start: date, locale: str,
                 acting: Mapping[tuple[str, date], list[str]] | None = None) -> Reply:
    """One message listing ``found`` (date, day) pairs: "Today: World Water Day" for one, else
    "Today: 3 days" or "This week: 5 days"; ``acting`` names
    the cities acting on a (day slug, date)."""
    from handlers.days import long_date

    _ = translator(locale)
    count = len(found)
    if count == 1:  # the day itself rather than "Today: 1 day", which reads as a length of time
        name = day_name(found[0][1], _.language)
        title = (_("This week: {name}") if period is Digest.WEEKLY else _("Today: {name}")).format(name=name)
    elif period is Digest.WEEKLY:
        title = _.ngettext("This week: {count} day", "This week: {count} days", count).format(count=count)
    else:
        title = _.ngettext("Today: {count} day", "Today: {count} days", count).format(count=count)
    items = tuple(
        Item(
            title=f"{_.label(long_date(when, locale, _))} {day_name(day, _.language)}",
            text=(_.list(theme_name(t, _) for t in day.themes) or _("campaign date")) + _acting_line((acting or {}).get((day.slug, when)), _),
            link=day_page(day, _.language) or None,
        )
        for when, day in found
    )
    intro = (
        _("The week of {date} on the campaign's calendar. Does your city act on one of them? Share it with `/hrc share`.")
        if period is Digest.WEEKLY
        else _("Today on the campaign's calendar. Does your city act on one of them? Share it with `/hrc share`.")
    ).format(date=_.date(start))
    return Reply(title=title, text=intro, items=items, footer=_("`/hrc day NAME` tells more about one day."),
                 visibility=Visibility.CHANNEL, language=_.language)
