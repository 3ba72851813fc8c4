"""What every platform adapter offers for messages the bot sends on its own (not replies to a command):
notices, scheduled prompts, broadcasts. The Slack, Discord and console adapters implement it.

Errors are classified so that callers (the notice router, the scheduler, the broadcast worker) can
decide to retry, wait or give up without knowing the platform.
"""

from __future__ import annotations

from typing import Protocol

from handlers.types import MemberRef, Reply


class DeliveryError(Exception):
    """A send that did not go through. ``retry_after`` is set when the platform said when to retry."""

    permanent = False

    def __init__(self, reason: str, *, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after


class RateLimited(DeliveryError):
    """HTTP 429: wait ``retry_after`` seconds, then try again."""


class TransientError(DeliveryError):
    """5xx, timeouts, connection errors: try again later with backoff."""


class PermanentError(DeliveryError):
    """Will never succeed as is (channel not found, bot not in channel, user blocks DMs)."""

    permanent = True


class TargetUnreachable(PermanentError):
    """The target itself is out of reach (bot removed from the channel, channel archived or deleted,
    permission taken away, DMs refused): the channel is paused until someone fixes it."""


class PlatformSender(Protocol):
    platform: str

    async def send_to_member(self, member: MemberRef, reply: Reply, *, delivery_key: str | None = None) -> str:
        """Direct message; returns the platform's message id."""
        ...

    async def send_to_channel(
        self, workspace: str, channel_id: str, reply: Reply, *, delivery_key: str | None = None
    ) -> str:
        """Post to a channel; with ``delivery_key`` the platform copy carries it (Slack metadata,
        Discord nonce) so that a re-send after a crash can be recognised. Returns the message id."""
        ...

    async def send_to_secretariat(self, reply: Reply) -> None:
        """Post to this platform's secretariat channel (no-op when none is configured)."""
        ...
