"""Deliver the notices handlers return (registrant told, secretariat alerted) to the right platform."""

from __future__ import annotations

import logging
from typing import Protocol

from handlers.types import MemberRef, Notice, NoticeTarget, Reply

logger = logging.getLogger(__name__)


class NoticeSender(Protocol):
    platform: str

    async def send_to_member(self, member: MemberRef, reply: Reply) -> None: ...

    async def send_to_secretariat(self, reply: Reply) -> None: ...


class NoticeRouter:
    """Each platform adapter registers a sender; a notice goes to its member's platform, or to every
    platform's secretariat channel. A failed delivery is logged and never fails the command."""

    def __init__(self) -> None:
        self._senders: dict[str, NoticeSender] = {}

    def register(self, sender: NoticeSender) -> None:
        self._senders[sender.platform] = sender

    async def deliver(self, notices: tuple[Notice, ...]) -> None:
        for notice in notices:
            try:
                await self._deliver_one(notice)
            except Exception:
                logger.exception("notice %s could not be delivered", notice.key or notice.target)

    async def _deliver_one(self, notice: Notice) -> None:
        if notice.target is NoticeTarget.SECRETARIAT:
            if not self._senders:
                logger.warning("notice %s: no platform connected for the secretariat", notice.key)
            for sender in self._senders.values():
                await sender.send_to_secretariat(notice.reply)
            return
        assert notice.member is not None
        sender = self._senders.get(notice.member.platform)
        if sender is None:
            logger.warning("notice %s: %s is not connected, %s not told", notice.key, notice.member.platform, notice.member.user_id)
            return
        await sender.send_to_member(notice.member, notice.reply)
