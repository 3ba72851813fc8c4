"""An in-process PlatformSender that records what would be sent (a fake platform, not a mock)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from bot.outbound import PermanentError, RateLimited, TransientError
from handlers.types import MemberRef, Reply


@dataclass
class RecordingSender:
    platform: str
    posts: list[tuple[str, str, Reply, str | None]] = field(default_factory=list)  # (kind, target, reply, key)
    fail_next: list[str] = field(default_factory=list)  # "transient" | "permanent" | "ratelimit", in order
    fail_always: str | None = None  # every call fails this way (a platform that is down)
    copies: Counter[str] = field(default_factory=Counter)
    delivered_keys: set[str] = field(default_factory=set)
    calls: int = 0
    # Where the secretariat's messages go (as SLACK_/DISCORD_SECRETARIAT_CHANNEL): recorded as "secretariat".
    secretariat_channel: str = "SECRETARIAT"

    def _maybe_fail(self) -> None:
        self.calls += 1
        kind = self.fail_next.pop(0) if self.fail_next else self.fail_always
        if kind == "ratelimit":
            raise RateLimited("429 (test)", retry_after=0.01)
        if kind:
            raise (PermanentError if kind == "permanent" else TransientError)(f"{kind} failure (test)")

    def _record(self, key: str | None) -> None:
        if key:
            self.delivered_keys.add(key)

    async def was_delivered(self, kind: str, workspace: str, target: str, delivery_key: str) -> bool | None:
        return delivery_key in self.delivered_keys

    async def send_to_member(self, member: MemberRef, reply: Reply, *, delivery_key: str | None = None) -> str:
        self._maybe_fail()
        self.posts.append(("dm", member.user_id, reply, delivery_key))
        self._record(delivery_key)
        self.copies[f"dm:{member.user_id}:{reply.title}"] += 1
        return f"m{len(self.posts)}"

    async def send_to_channel(self, workspace: str, channel_id: str, reply: Reply, *, delivery_key: str | None = None) -> str:
        self._maybe_fail()
        if channel_id == self.secretariat_channel:
            self.posts.append(("secretariat", "", reply, delivery_key))
            self._record(delivery_key)
            self.copies[f"secretariat:{reply.title}"] += 1
            return f"m{len(self.posts)}"
        self.posts.append(("channel", channel_id, reply, delivery_key))
        self._record(delivery_key)
        self.copies[f"channel:{channel_id}:{reply.title}"] += 1
        return f"m{len(self.posts)}"

    async def send_to_secretariat(self, reply: Reply) -> None:
        self._maybe_fail()
        self.posts.append(("secretariat", "", reply, None))
        self.copies[f"secretariat:{reply.title}"] += 1

    def titles(self, kind: str, target: str = "") -> list[str]:
        return [r.title or "" for k, t, r, _ in self.posts if k == kind and (not target or t == target)]
