"""Deliver the notices handlers return (registrant told, secretariat alerted) to the right platform.

Through the outbox (the table of broadcasts): each notice becomes one row per target, with a unique
key, right after the command; the broadcast worker sends it at once, and retries it like any broadcast
(429, 5xx, network) until it is sent, exactly once. The console prints its own notices directly.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import asdict
from datetime import datetime
from typing import TYPE_CHECKING, Any

from bot.outbound import PlatformSender
from handlers.types import Action, Field, Item, Notice, NoticeTarget, Reply, Visibility

if TYPE_CHECKING:
    from storage.session import Database

logger = logging.getLogger(__name__)
DIRECT_PLATFORMS = frozenset({"console"})  # printed in-process: nothing to retry


def reply_to_json(reply: Reply) -> str:
    """The parts of a Reply a notice uses (no notices, no files), as JSON for ``outbox.payload``."""
    return json.dumps({
        "text": reply.text, "title": reply.title, "footer": reply.footer, "visibility": str(reply.visibility),
        "fields": [asdict(f) for f in reply.fields], "items": [asdict(i) for i in reply.items],
        "actions": [asdict(a) for a in reply.actions], "language": reply.language,
    })


def reply_from_json(payload: str) -> Reply:
    data: dict[str, Any] = json.loads(payload)
    return Reply(
        text=data.get("text", ""), title=data.get("title"), footer=data.get("footer"),
        visibility=Visibility(data.get("visibility", Visibility.CALLER)),
        fields=tuple(Field(**f) for f in data.get("fields", [])),
        items=tuple(Item(**{**i, "actions": tuple(Action(**a) for a in i.get("actions", []))}) for i in data.get("items", [])),
        actions=tuple(Action(**a) for a in data.get("actions", [])),
        language=data.get("language", ""),  # the reader's: Discord writes the commands it quotes in that language
    )


class NoticeRouter:
    """Each platform adapter registers its sender. A notice goes to its member's platform, or to every
    connected platform's secretariat channel. A failed delivery never fails the command."""

    def __init__(self, db: Database | None = None, clock: Callable[[], datetime] | None = None) -> None:
        self.senders: dict[str, PlatformSender] = {}
        self.db = db
        self.clock = clock
        # Set by the broadcast worker: send these outbox rows now (they are retried later if this fails).
        self.send_now: Callable[[list[int]], Awaitable[None]] | None = None

    def register(self, sender: PlatformSender) -> None:
        self.senders[sender.platform] = sender

    async def deliver(self, notices: tuple[Notice, ...]) -> None:
        rows: list[dict[str, str]] = []
        for notice in notices:
            try:
                rows += await self._route(notice)
            except Exception:
                logger.exception("notice %s could not be delivered", notice.key or notice.target)
        if not rows:
            return
        try:
            ids = await self._enqueue(rows)
        except Exception:
            logger.exception("notices %s could not be queued", ", ".join(r["key"] for r in rows))
            return
        if ids and self.send_now is not None:
            try:
                await self.send_now(ids)
            except Exception:  # noqa: BLE001 - the rows stay in the outbox; the worker retries them
                logger.exception("notices could not be sent at once; left to the outbox")

    async def _route(self, notice: Notice) -> list[dict[str, str]]:
        """Deliver console notices now; return outbox rows for the others."""
        identity = notice.key or uuid.uuid4().hex
        payload = reply_to_json(notice.reply)
        rows = []
        if notice.target is NoticeTarget.SECRETARIAT:
            if not self.senders:
                logger.warning("notice %s: no platform connected for the secretariat", notice.key)
            for sender in list(self.senders.values()):
                channel = getattr(sender, "secretariat_channel", "")
                if self.db is None or sender.platform in DIRECT_PLATFORMS:
                    await sender.send_to_secretariat(notice.reply)
                elif channel:
                    rows.append({"key": f"notice:{identity}:{sender.platform}:secretariat", "platform": sender.platform,
                                 "workspace": "", "kind": "channel", "target": channel, "name": "secretariat",
                                 "payload": payload})
            return rows
        assert notice.member is not None
        member = notice.member
        sender = self.senders.get(member.platform)
        if self.db is None or member.platform in DIRECT_PLATFORMS:
            if sender is None:
                logger.warning("notice %s: %s is not connected; member not told", notice.key, member.platform)
                return []
            await sender.send_to_member(member, notice.reply, delivery_key=notice.key or None)
            return []
        # Queued even while the platform is not connected: sent when it is.
        return [{"key": f"notice:{identity}:{member.platform}:dm:{member.user_id}", "platform": member.platform,
                 "workspace": member.workspace, "kind": "dm", "target": member.user_id, "name": member.display_name,
                 "payload": payload}]

    async def _enqueue(self, rows: list[dict[str, str]]) -> list[int]:
        from storage.queries import announcements as queries

        assert self.db is not None and self.clock is not None
        async with self.db.transaction() as session:
            return await queries.enqueue(session, rows, self.clock())
