"""What each command option is, platform-neutrally: its kind, a one-line description, where suggestions come from.

The grammar treats every option as text (``key: value``). Platforms with typed options (Discord's
application commands) read this table to offer integers, yes/no, fixed choices, channels and
suggestions while the value still reaches the core as the same text. An option is named by its
grammar key; a command's free words (its main argument) are named by ``CommandSpec.main``.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from handlers.i18n import N_
from handlers.vocab import REGIONS, SIZES

# The Discord channel a command acts on (``channel set``): on Slack and the console it is always the
# channel the command was typed in, so it is not a grammar key; typed platforms may offer it.
PLACE_KEY = "@channel"

MONTHS = (N_("January"), N_("February"), N_("March"), N_("April"), N_("May"), N_("June"), N_("July"),
          N_("August"), N_("September"), N_("October"), N_("November"), N_("December"))


class Kind(enum.StrEnum):
    TEXT = "text"
    INTEGER = "integer"  # reaches the grammar as its decimal digits
    BOOLEAN = "boolean"  # reaches the grammar as "yes" / "no"
    CHOICE = "choice"  # one of ``choices``; the value reaches the grammar
    CHANNEL = "channel"  # a channel of the server (only with PLACE_KEY)
    MEMBER = "member"  # a person of the server; reaches the grammar as a mention, ``<@ID|name>``


class Source(enum.StrEnum):
    """Where typed platforms take suggestions from (``handlers.suggest`` answers each)."""

    THEME = "theme"  # one theme
    THEMES = "themes"  # a comma-separated list of themes: the last entry is completed
    CITY = "city"  # cities the caller may see, with their country; the value identifies the city (#ID)
    PENDING_CITY = "pending city"  # cities (or new focal points) waiting for the secretariat
    ANY_CITY = "any city"  # every city whatever its status (the secretariat's merge), valued #ID
    DAY = "day"  # UN days and campaign dates
    CAMPAIGN_DATE = "campaign date"  # campaign dates only (the ones that can be removed)
    TIMEZONE = "timezone"  # IANA names, matched on the city part as well
    COUNTRY = "country"
    ANNOUNCEMENT = "announcement"  # any announcement, newest first
    DRAFT = "draft"  # announcements previewed and not sent yet
    CANCELLABLE = "cancellable"  # announcements not yet done: drafts, scheduled, sending
    COMMAND = "command"  # command names, for help


@dataclass(frozen=True)
class OptionInfo:
    """One option's kind and description (``description`` is N_-marked, at most 100 characters).

    ``free_text``: prose (a summary, an announcement's text), where a ``word:`` may be part of the text;
    in any other value a ``word:`` that is not a key of the command is refused (``handlers.keys``).
    """

    description: str
    kind: Kind = Kind.TEXT
    source: Source | None = None
    choices: tuple[tuple[str, str], ...] = ()  # (N_-marked label, value), at most 25
    min_value: int | None = None
    free_text: bool = False


def _terms(terms: tuple) -> tuple[tuple[str, str], ...]:
    return tuple((t.name, t.slug) for t in terms)


BY_KEY: dict[str, OptionInfo] = {
    "city": OptionInfo(N_("City or territory"), source=Source.CITY),
    "country": OptionInfo(N_("Country"), source=Source.COUNTRY),
    "region": OptionInfo(N_("UCLG world region"), Kind.CHOICE, choices=_terms(REGIONS)),
    "size": OptionInfo(N_("Kind of local government"), Kind.CHOICE, choices=_terms(SIZES)),
    "theme": OptionInfo(N_("A campaign theme"), source=Source.THEME),
    "themes": OptionInfo(N_("Themes, comma-separated"), source=Source.THEMES),
    "timezone": OptionInfo(N_("IANA time zone, e.g. Europe/Madrid"), source=Source.TIMEZONE),
    "languages": OptionInfo(N_("Language codes, e.g. en, es")),
    # Each language under its own name (autonym), whatever the reader's language.
    "language": OptionInfo(N_("The language the bot uses: en, es or fr"), Kind.CHOICE,
                           choices=(("English", "en"), ("Español", "es"), ("Français", "fr"))),
    "title": OptionInfo(N_("Title"), free_text=True),
    "summary": OptionInfo(N_("Summary"), free_text=True),
    "text": OptionInfo(N_("The text members will read"), free_text=True),
    "text_en": OptionInfo(N_("The text in English, for English channels and readers"), free_text=True),
    "text_es": OptionInfo(N_("The text in Spanish, for Spanish channels and readers"), free_text=True),
    "text_fr": OptionInfo(N_("The text in French, for French channels and readers"), free_text=True),
    "title_en": OptionInfo(N_("The title in English"), free_text=True),
    "title_es": OptionInfo(N_("The title in Spanish"), free_text=True),
    "title_fr": OptionInfo(N_("The title in French"), free_text=True),
    "link": OptionInfo(N_("A full https:// link")),
    "reason": OptionInfo(N_("Why (shown to the registrant)"), free_text=True),
    "words": OptionInfo(N_("Words to search in titles and summaries")),
    "command": OptionInfo(N_("A command"), source=Source.COMMAND),
    "month": OptionInfo(N_("A month"), Kind.CHOICE, choices=tuple((m, str(i)) for i, m in enumerate(MONTHS, 1))),
    "name": OptionInfo(N_("Name")),
    "day name": OptionInfo(N_("A UN day or campaign date"), source=Source.DAY),
    "date": OptionInfo(N_("Date, YYYY-MM-DD")),
    "at": OptionInfo(N_("When to send: YYYY-MM-DD HH:MM and a time zone")),
    "dm": OptionInfo(N_("Also a direct message to every verified focal point"), Kind.BOOLEAN),
    "id": OptionInfo(N_("The announcement's number"), Kind.INTEGER, source=Source.ANNOUNCEMENT, min_value=1),
    "what": OptionInfo(N_("What the channel gets"), Kind.CHOICE,
                       choices=((N_("UN-day prompts"), "days"), (N_("announcements"), "announcements"))),
    "digest": OptionInfo(N_("One message a day or a week instead of one per UN day"), Kind.CHOICE,
                         choices=((N_("weekly (Mondays)"), "weekly"), (N_("daily"), "daily"), (N_("off: one per day"), "off"))),
    "lead": OptionInfo(N_("Also a reminder this many days before (0: none)"), Kind.INTEGER, min_value=0),
    "duration": OptionInfo(N_("How long, e.g. 2 weeks, 10 days, 1 month")),
    "event": OptionInfo(N_("Also a Scheduled Event in the campaign's Discord server"), Kind.BOOLEAN),
    PLACE_KEY: OptionInfo(N_("The channel (this one when left out)"), Kind.CHANNEL),
    "note": OptionInfo(N_("What your city does that day, in a sentence"), free_text=True),
    "practice": OptionInfo(N_("The number of a practice your city shared"), Kind.INTEGER, min_value=1),
    "into": OptionInfo(N_("The city that stays"), source=Source.ANY_CITY),
    "to": OptionInfo(N_("The person who takes over"), Kind.MEMBER),
    "confirm": OptionInfo(N_("Yes: really do it"), Kind.BOOLEAN),
    "code": OptionInfo(N_("The code /hrc link gave you on your other platform (leave out to get one)")),
    "since": OptionInfo(N_("From this day on, YYYY-MM-DD (UTC)")),
    "page": OptionInfo(N_("Page number"), Kind.INTEGER, min_value=1),
    "format": OptionInfo(N_("File format"), Kind.CHOICE,
                         choices=((N_("CSV (spreadsheets)"), "csv"), (N_("JSON"), "json"), (N_("Excel (xlsx)"), "xlsx"))),
}

# Where one command's option differs from the key's general meaning.
BY_COMMAND: dict[tuple[str, str], OptionInfo] = {
    ("verify", "city"): OptionInfo(N_("A city waiting for verification"), source=Source.PENDING_CITY),
    ("reject", "city"): OptionInfo(N_("A city waiting for verification"), source=Source.PENDING_CITY),
    ("register", "city"): OptionInfo(N_("Your city or territory")),
    ("merge", "city"): OptionInfo(N_("The duplicate, merged into the other"), source=Source.ANY_CITY),
    ("theme add", "theme"): OptionInfo(N_("Themes, comma-separated"), source=Source.THEMES),
    ("theme remove", "theme"): OptionInfo(N_("Themes, comma-separated"), source=Source.THEMES),
    ("days add", "name"): OptionInfo(N_("Name of the campaign date")),
    ("announce confirm", "id"): OptionInfo(N_("A previewed announcement"), Kind.INTEGER, Source.DRAFT, min_value=1),
    ("announce cancel", "id"): OptionInfo(N_("An announcement not sent yet"), Kind.INTEGER, Source.CANCELLABLE, min_value=1),
    ("act", "link"): OptionInfo(N_("A full https:// link to your city's event or page")),
    ("days remove", "name"): OptionInfo(N_("A campaign date"), source=Source.CAMPAIGN_DATE),
    ("days export", "theme"): OptionInfo(N_("Only days of these themes, comma-separated"), source=Source.THEMES),
    ("subscribe", "theme"): OptionInfo(N_("Themes, comma-separated"), source=Source.THEMES),
    ("unsubscribe", "theme"): OptionInfo(N_("Themes, comma-separated, or all"), source=Source.THEMES),
    ("channel set", "themes"): OptionInfo(N_("Only days of these themes (comma-separated), or all"), source=Source.THEMES),
    ("export", "what"): OptionInfo(N_("What to export"), Kind.CHOICE,
                                   choices=((N_("cities"), "cities"), (N_("practices"), "practices"))),
}


def is_free_text(command: str, key: str | None) -> bool:
    """Whether the option ``key`` of ``command`` is prose (None: the command's free words, which never are)."""
    return key is not None and option_info(command, key).free_text


def option_info(command: str, key: str) -> OptionInfo:
    """The option ``key`` (a grammar key or a main-argument label) of ``command``.

    Raises KeyError when the option is in neither table: every option must be described.
    """
    return BY_COMMAND.get((command, key)) or BY_KEY[key]
