"""What every handler gets besides the request: the database, the clock, the secretariat list."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from handlers.cache import ReplyCache
from handlers.types import Actor
from storage.session import Database


def system_clock() -> datetime:
    return datetime.now(UTC)


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

    def is_secretariat(self, actor: Actor) -> bool:
        return actor.secretariat_role or actor.key in self.secretariat

    def now(self) -> datetime:
        return self.clock()
