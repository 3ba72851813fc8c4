"""Who a Slack user is, as Slack shows them: display name and language, from ``users.info``, cached.

Slack deprecated the ``user_name`` field of slash commands and payloads (it is the old handle, not the
name people see), so the name shown for a person comes from ``users.info``: the profile's display name,
else the real name. ``include_locale`` adds the person's Slack language (``es-ES``), for translation.
``users.info`` is Web API tier 4 (about 100 calls a minute, PLATFORM_FACTS.md): each person is looked
up once a day at most (``REFRESH``), and a failed lookup is not retried for ``RETRY_FAILED``.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from handlers.context import Context
from handlers.languages import reader_language
from handlers.types import Actor

logger = logging.getLogger(__name__)
REFRESH = 24 * 3600.0  # seconds a looked-up profile is kept
RETRY_FAILED = 600.0  # seconds before a failed lookup (missing scope, outage) is tried again
MAX_ENTRIES = 20_000
# Seconds a listener bound by Slack's 3 s (a trigger_id for views.open, a view submission's ack) spends on
# users.info before going on with what is known: the form opens, in the language the bot stored.
WITHIN_TRIGGER = 1.0


@dataclass(frozen=True)
class SlackUser:
    """A person as Slack shows them. ``locale`` is Slack's (``en-US``, ``es-ES``), None when unknown."""

    user_id: str
    display_name: str
    locale: str | None = None


def _name_of(user: dict[str, Any]) -> str:
    profile = user.get("profile")
    profile = profile if isinstance(profile, dict) else {}
    for candidate in (profile.get("display_name"), profile.get("real_name"), user.get("real_name"), user.get("name")):
        if isinstance(candidate, str) and candidate.strip():
            return candidate.strip()
    return ""


class SlackUsers:
    """A per-process cache of ``users.info`` answers, keyed by (team id, user id).

    ``clock`` returns seconds (monotonic); tests pass their own. ``get`` never raises: when Slack cannot
    tell (error, missing ``users:read``), the fallback name is used and the locale is None.
    """

    def __init__(self, client: AsyncWebClient, clock: Callable[[], float] = time.monotonic) -> None:
        self.client = client
        self.clock = clock
        self._entries: dict[tuple[str, str], tuple[float, SlackUser | None]] = {}
        self._late: set[asyncio.Future[Any]] = set()  # lookups that outlived their ``wait``, still filling the cache

    async def get(self, team_id: str, user_id: str, fallback_name: str = "", wait: float | None = None) -> SlackUser:
        """``wait``: seconds the caller can spare (a form must open within the trigger's 3 s); past them
        the answer is what is known already (the fallback name, no locale) and the lookup goes on to fill
        the cache. Under a burst of new people, ``users.info`` (about 100 a minute) answers 429s whose
        Retry-After the client honours."""
        now = self.clock()
        entry = self._entries.get((team_id, user_id))
        if entry is None or entry[0] <= now:
            lookup = asyncio.ensure_future(self._lookup(team_id, user_id, now))
            try:
                entry = await asyncio.wait_for(asyncio.shield(lookup), wait)
            except TimeoutError:
                self._late.add(lookup)
                lookup.add_done_callback(self._late.discard)
                if entry is None:
                    return SlackUser(user_id, fallback_name or user_id)
        user = entry[1]
        if user is None:
            return SlackUser(user_id, fallback_name or user_id)
        return user

    async def _lookup(self, team_id: str, user_id: str, now: float) -> tuple[float, SlackUser | None]:
        try:
            answer = await self.client.users_info(user=user_id, include_locale=True)
            data = answer.get("user") or {}
            name = _name_of(data)
            user = SlackUser(user_id, name or user_id, data.get("locale") or None) if data else None
        except Exception as error:  # noqa: BLE001 - a name is a nicety; never fail a command for it
            logger.warning("slack: users.info failed for %s: %s", user_id, type(error).__name__)
            user = None
        entry = (now + (REFRESH if user is not None else RETRY_FAILED), user)
        if len(self._entries) >= MAX_ENTRIES:
            self._entries.clear()
        self._entries[(team_id, user_id)] = entry
        return entry

    async def actor(self, team_id: str, user_id: str, fallback_name: str = "") -> Actor:
        """The ``Actor`` for a Slack user, named as Slack shows them."""
        return (await self.actor_and_locale(team_id, user_id, fallback_name))[0]

    async def actor_and_locale(self, team_id: str, user_id: str, fallback_name: str = "",
                               wait: float | None = None) -> tuple[Actor, str]:
        """The ``Actor`` and their Slack locale (``es-ES``; "" when Slack does not say), for ``Request.locale``."""
        user = await self.get(team_id, user_id, fallback_name, wait)
        return Actor(platform="slack", workspace=team_id, user_id=user_id, display_name=user.display_name), user.locale or ""

    async def actor_and_language(self, ctx: Context, team_id: str, user_id: str, fallback_name: str = "",
                                 wait: float | None = None) -> tuple[Actor, str]:
        """The ``Actor`` and the language (``en``, ``es``, ``fr``) to show them forms and App Home in: their
        ``/hrc language`` choice, else their Slack locale, else their city's, else the default
        (``handlers.languages.reader_language``, the order every answer follows)."""
        actor, locale = await self.actor_and_locale(team_id, user_id, fallback_name, wait)
        return actor, await reader_language(ctx, actor, locale)
