"""The DM channels the bot shares with people, remembered in the database so a direct message costs
one call, across restarts.

Slack: a message posted with a user id as ``channel`` lands in the bot's DM with that person with no
``conversations.open`` (Tier 3, ~50/min); the post's answer names the DM channel (D…), kept here for
the check after a crash (``conversations.history`` needs the D… id). Discord: a DM needs its channel
(``POST /users/@me/channels``); it is opened once per person and reused.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import UTC, datetime

from storage.errors import describe
from storage.queries import dm_channels as queries
from storage.session import Database

logger = logging.getLogger(__name__)


class DmChannels:
    """Per platform, {(workspace, user id): DM channel id}: read from the database once, then kept in
    memory; a new or changed channel is written through. A write that fails is logged and the channel
    stays known to this process (it is an optimisation: without it, the next start opens again)."""

    def __init__(self, db: Database, clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self.db = db
        self.clock = clock
        self._known: dict[str, dict[tuple[str, str], str]] = {}
        self._loading: dict[str, asyncio.Lock] = {}

    async def _of(self, platform: str) -> dict[tuple[str, str], str]:
        known = self._known.get(platform)
        if known is not None:
            return known
        async with self._loading.setdefault(platform, asyncio.Lock()):
            if platform not in self._known:
                async with self.db.transaction(write=False) as session:
                    self._known[platform] = await queries.all_of(session, platform)
        return self._known[platform]

    async def get(self, platform: str, workspace: str, user_id: str) -> str | None:
        """The stored DM channel id, or None when the bot never learnt it."""
        return (await self._of(platform)).get((workspace, user_id))

    async def put(self, platform: str, workspace: str, user_id: str, channel_id: str) -> None:
        known = await self._of(platform)
        if not channel_id or known.get((workspace, user_id)) == channel_id:
            return
        known[(workspace, user_id)] = channel_id
        try:
            async with self.db.transaction() as session:
                await queries.store(session, platform, workspace, user_id, channel_id, self.clock())
        except Exception as error:  # noqa: BLE001 - see the class docstring
            logger.warning("DM channel of %s:%s not stored (%s)", platform, user_id, describe(error))

    async def forget(self, platform: str, workspace: str, user_id: str) -> None:
        """Drop a channel the platform no longer knows (Discord 10003 Unknown Channel)."""
        (await self._of(platform)).pop((workspace, user_id), None)
        try:
            async with self.db.transaction() as session:
                await queries.forget(session, platform, workspace, user_id)
        except Exception as error:  # noqa: BLE001
            logger.warning("DM channel of %s:%s not forgotten (%s)", platform, user_id, describe(error))
