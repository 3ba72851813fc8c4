"""Deliver the notices handlers return (registrant told, secretariat alerted) to the right platform."""

from __future__ import annotations

import logging

from bot.outbound import PlatformSender
from handlers.types import Notice, NoticeTarget

logger = logging.getLogger(__name__)


class NoticeRouter:
    """Each platform adapter registers its sender; a notice goes to its member's platform, or to every
    platform's secretariat channel. A failed delivery is logged and never fails the command."""

    def __init__(self) -> None:
        self.senders: dict[str, PlatformSender] = {}

    def register(self, sender: PlatformSender) -> None:
        self.senders[sender.platform] = sender

    async def deliver(self, notices: tuple[Notice, ...]) -> None:
        for notice in notices:
            try:
                await self._deliver_one(notice)
            except Exception:
                logger.exception("notice %s could not be delivered", notice.key or notice.target)

    async def _deliver_one(self, notice: Notice) -> None:
        if notice.target is NoticeTarget.SECRETARIAT:
            if not self.senders:
                logger.warning("notice %s: no platform connected for the secretariat", notice.key)
            for sender in list(self.senders.values()):
                await sender.send_to_secretariat(notice.reply)
            return
        assert notice.member is not None
        sender = self.senders.get(notice.member.platform)
        if sender is None:
            logger.warning("notice %s: %s is not connected; member not told", notice.key, notice.member.platform)
            return
        await sender.send_to_member(notice.member, notice.reply, delivery_key=notice.key or None)
