"""A target the bot can no longer reach: pause it and tell the secretariat, once.

Called by the broadcast worker and the prompt scheduler when a delivery to a channel fails with
``TargetUnreachable`` (bot removed, channel archived or deleted, permission taken away). A paused channel
gets no prompts or announcements until `/hrc channel set` is run in it again (handlers/channels.py).
"""

from __future__ import annotations

import logging

from bot.outbound import DeliveryError, TargetUnreachable
from bot.wiring import Runtime
from handlers.channels import paused_notice
from storage.queries import channels as channel_queries

logger = logging.getLogger(__name__)


async def delivery_failed(runtime: Runtime, platform: str, kind: str, target: str, error: DeliveryError) -> None:
    """Pause the channel ``target`` when ``error`` says it is out of reach; other failures change nothing."""
    if kind not in ("channel", "prompt") or not isinstance(error, TargetUnreachable):
        return
    async with runtime.db.transaction() as session:
        paused = await channel_queries.pause(session, platform, target, error.reason, runtime.ctx.now())
        notice = paused_notice(paused, error.reason, runtime.ctx.default_language) if paused else None
    if notice is not None:
        logger.warning("%s channel %s paused: %s", platform, target, error.reason)
        await runtime.notices.deliver((notice,))
