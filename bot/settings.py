"""Settings from the environment and `.env`, typed and validated once at start.

Precedence: real environment variables win over `.env` (python-dotenv does not override).
A bad value raises ``SettingsError`` naming the setting; the CLI prints that one line and exits.
Secrets are kept out of ``repr`` so they never reach a log.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from dotenv import dotenv_values
from sqlalchemy import make_url
from sqlalchemy.exc import ArgumentError

from bot.redact import redact
from handlers.zones import UnknownZone, canonical_zone

DEFAULT_DATABASE_URL = "sqlite:///./data/hrc.db"


class SettingsError(Exception):
    def __init__(self, name: str, problem: str) -> None:
        super().__init__(f"{name}: {problem}")
        self.name = name


@dataclass(frozen=True)
class SlackSettings:
    bot_token: str = field(default="", repr=False)
    signing_secret: str = field(default="", repr=False)
    app_token: str = field(default="", repr=False)
    api_url: str = "https://slack.com/api/"
    secretariat_channel: str = ""
    # Workspaces (T…) and Enterprise Grid organisations (E…) served; empty: the bot token's own team.
    team_ids: tuple[str, ...] = ()
    posts_per_minute: int = 500  # SLACK_POSTS_PER_MINUTE: the workspace-wide chat.postMessage cap paced under

    @property
    def enabled(self) -> bool:
        return bool(self.bot_token)

    @property
    def socket_mode(self) -> bool:
        return bool(self.app_token)


@dataclass(frozen=True)
class DiscordSettings:
    token: str = field(default="", repr=False)
    guild_ids: tuple[int, ...] = ()
    secretariat_channel: str = ""
    secretariat_role: str = ""
    api_url: str = "https://discord.com/api/v10"

    @property
    def enabled(self) -> bool:
        return bool(self.token)


@dataclass(frozen=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    secretariat: frozenset[str] = frozenset()
    timezone: str = "UTC"
    prompt_hour: int = 9
    lead_days: int = 7
    host: str = "0.0.0.0"
    port: int = 3000
    public_url: str = ""  # where HOST:PORT is reached from outside, for the calendar feed's address
    log_level: str = "INFO"
    # HRC_CONSOLE_LOG_LEVEL: the console's own (its log lines would interleave with the conversation)
    console_log_level: str = "WARNING"
    files_dir: str = "./data/files"  # where the console saves the files that come with replies
    default_language: str = "en"  # HRC_DEFAULT_LANGUAGE: when nothing else says which language someone reads
    console_language: str = ""  # HRC_CONSOLE_LOCALE: the console's language ("" = the default)
    slack: SlackSettings = SlackSettings()
    discord: DiscordSettings = DiscordSettings()

    @property
    def console_only(self) -> bool:
        """No Slack or Discord token: ``hrc-bot run`` opens the local console instead."""
        return not (self.slack.enabled or self.discord.enabled)


def _int(env: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(name, f"expected a whole number, got {raw!r}") from None
    if not low <= value <= high:
        raise SettingsError(name, f"must be between {low} and {high}, got {value}")
    return value


def _url(env: Mapping[str, str], name: str, default: str) -> str:
    raw = env.get(name, "").strip() or default
    if not raw.startswith(("http://", "https://")):
        raise SettingsError(name, f"expected an http(s) URL, got {redact(raw)!r}")
    return raw


def _database_url(env: Mapping[str, str]) -> str:
    raw = env.get("DATABASE_URL", "").strip() or DEFAULT_DATABASE_URL
    try:
        url = make_url(raw)
    except ArgumentError:
        raise SettingsError("DATABASE_URL", "not a database URL (e.g. sqlite:///./data/hrc.db or postgresql://user@host/db)") from None
    if url.get_backend_name() not in ("sqlite", "postgresql"):
        raise SettingsError("DATABASE_URL", f"unsupported database {url.get_backend_name()!r}: use sqlite or postgresql")
    return raw


def _secretariat(env: Mapping[str, str]) -> frozenset[str]:
    entries = [e.strip() for e in env.get("HRC_SECRETARIAT", "").split(",") if e.strip()]
    for entry in entries:
        platform, _, user = entry.partition(":")
        if platform not in ("slack", "discord", "console") or not user:
            raise SettingsError("HRC_SECRETARIAT", f"expected platform:user_id entries (slack:U123, discord:4567), got {entry!r}")
    return frozenset(entries)


def _timezone(env: Mapping[str, str], name: str, default: str) -> str:
    raw = env.get(name, "").strip() or default
    try:
        return canonical_zone(raw)
    except UnknownZone:
        raise SettingsError(name, f"unknown time zone {raw!r} (use an IANA name such as Europe/Madrid)") from None


def _role_id(env: Mapping[str, str]) -> str:
    raw = env.get("DISCORD_SECRETARIAT_ROLE", "").strip()
    if raw and not (raw.isascii() and raw.isdigit()):
        raise SettingsError(
            "DISCORD_SECRETARIAT_ROLE",
            f"expected the role's numeric id (Server Settings → Roles → ⋯ → Copy Role ID), got {raw!r}: "
            "a role name would match a role of the same name in any server",
        )
    return raw


def _team_ids(env: Mapping[str, str]) -> tuple[str, ...]:
    ids = tuple(part.strip() for part in env.get("SLACK_TEAM_IDS", "").split(",") if part.strip())
    for team in ids:
        if not re.fullmatch(r"[TE][A-Z0-9]{2,30}", team):
            raise SettingsError("SLACK_TEAM_IDS", f"expected comma-separated team (T…) or organisation (E…) ids, got {team!r}")
    return ids


def _language(env: Mapping[str, str], name: str, default: str) -> str:
    from handlers.i18n import LANGUAGES, language_of

    raw = env.get(name, "").strip()
    if not raw:
        return default
    language = language_of(raw)
    if language is None:
        raise SettingsError(name, f"unsupported language {raw!r} (use one of {', '.join(LANGUAGES)})")
    return language


def _guild_ids(env: Mapping[str, str]) -> tuple[int, ...]:
    ids = []
    for part in env.get("DISCORD_GUILD_IDS", "").split(","):
        if part.strip():
            if not (part.strip().isascii() and part.strip().isdigit()):
                raise SettingsError("DISCORD_GUILD_IDS", f"expected comma-separated numeric ids, got {part.strip()!r}")
            ids.append(int(part.strip()))
    return tuple(ids)


def load_settings(env: Mapping[str, str] | None = None, env_file: str | Path | None = ".env") -> Settings:
    """Read settings from ``env`` (default: the process environment over the `.env` file)."""
    if env is None:
        merged: dict[str, str] = {}
        if env_file and Path(env_file).is_file():
            merged.update({k: v for k, v in dotenv_values(env_file).items() if v is not None})
        merged.update(os.environ)
        env = merged
    log_level = env.get("LOG_LEVEL", "INFO").strip().upper() or "INFO"
    if log_level not in ("DEBUG", "INFO", "WARNING", "ERROR"):
        raise SettingsError("LOG_LEVEL", f"expected DEBUG, INFO, WARNING or ERROR, got {log_level!r}")
    console_log_level = env.get("HRC_CONSOLE_LOG_LEVEL", "WARNING").strip().upper() or "WARNING"
    if console_log_level not in ("DEBUG", "INFO", "WARNING", "ERROR"):
        raise SettingsError("HRC_CONSOLE_LOG_LEVEL", f"expected DEBUG, INFO, WARNING or ERROR, got {console_log_level!r}")
    slack = SlackSettings(
        bot_token=env.get("SLACK_BOT_TOKEN", "").strip(),
        signing_secret=env.get("SLACK_SIGNING_SECRET", "").strip(),
        app_token=env.get("SLACK_APP_TOKEN", "").strip(),
        api_url=_url(env, "SLACK_API_URL", "https://slack.com/api/"),
        secretariat_channel=env.get("SLACK_SECRETARIAT_CHANNEL", "").strip(),
        team_ids=_team_ids(env),
        posts_per_minute=_int(env, "SLACK_POSTS_PER_MINUTE", 500, 10, 100_000),
    )
    if slack.bot_token and not slack.bot_token.startswith("xoxb-"):
        raise SettingsError("SLACK_BOT_TOKEN", "expected a bot token starting with xoxb-")
    if slack.app_token and not slack.app_token.startswith("xapp-"):
        raise SettingsError("SLACK_APP_TOKEN", "expected an app-level token starting with xapp-")
    if slack.bot_token and not slack.app_token and not slack.signing_secret:
        raise SettingsError("SLACK_SIGNING_SECRET", "required in HTTP mode (set it, or SLACK_APP_TOKEN for Socket Mode)")
    discord = DiscordSettings(
        token=env.get("DISCORD_TOKEN", "").strip(),
        guild_ids=_guild_ids(env),
        secretariat_channel=env.get("DISCORD_SECRETARIAT_CHANNEL", "").strip(),
        secretariat_role=_role_id(env),
        api_url=_url(env, "DISCORD_API_URL", "https://discord.com/api/v10"),
    )
    return Settings(
        database_url=_database_url(env),
        secretariat=_secretariat(env),
        timezone=_timezone(env, "HRC_TIMEZONE", "UTC"),
        prompt_hour=_int(env, "HRC_PROMPT_HOUR", 9, 0, 23),
        lead_days=_int(env, "HRC_LEAD_DAYS", 7, 0, 60),
        host=env.get("HOST", "").strip() or "0.0.0.0",
        port=_int(env, "PORT", 3000, 0, 65535),
        public_url=_url(env, "HRC_PUBLIC_URL", "https://-").rstrip("/") if env.get("HRC_PUBLIC_URL", "").strip() else "",
        log_level=log_level,
        console_log_level=console_log_level,
        files_dir=env.get("HRC_FILES_DIR", "").strip() or "./data/files",
        default_language=_language(env, "HRC_DEFAULT_LANGUAGE", "en"),
        console_language=_language(env, "HRC_CONSOLE_LOCALE", ""),
        slack=slack,
        discord=discord,
    )
