"""What every handler gets besides the request: the database, the clock, randomness, the secretariat list."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from handlers.cache import ReplyCache
from handlers.types import Actor
from storage.session import Database


def system_clock() -> datetime:
    return datetime.now(UTC)


# One-time codes (`/hrc link`): letters and digits that cannot be mistaken for one another (no 0/O, 1/I/L).
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8  # 31**8 ≈ 8.5e11 codes, of which a handful are valid for 10 minutes at a time


def random_code() -> str:
    """A fresh one-time code of ``CODE_LENGTH`` characters of ``CODE_ALPHABET``, from ``secrets``."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


@dataclass
class Context:
    db: Database
    clock: Callable[[], datetime] = system_clock
    secretariat: frozenset[str] = field(default_factory=frozenset)  # "platform:user_id"
    timezone: str = "UTC"  # default for channels and members without their own
    prompt_hour: int = 9  # local hour of UN-day prompts
    lead_days: int = 7  # days before a UN day that the secretariat is reminded
    public_url: str = ""  # where the bot's HTTP server is reached (the calendar feed), "" when not public
    cache: ReplyCache | None = None  # replies shared by every caller (handlers/cache.py); None: no caching
    default_language: str = "en"  # when neither the person, their platform nor their city says (en, es, fr)
    # Discord servers where `days add … event: yes` becomes a Scheduled Event (bot/discord/events.py); False
    # when the bot does not run on Discord with DISCORD_GUILD_IDS, so the reply promises no event.
    discord_events: bool = False
    code: Callable[[], str] = random_code  # one-time codes (`/hrc link`); tests give their own

    def is_secretariat(self, actor: Actor) -> bool:
        return actor.secretariat_role or actor.key in self.secretariat

    def now(self) -> datetime:
        return self.clock()
