"""An in-process PlatformSender that records what would be sent (a fake platform, not a mock)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from bot.outbound import PermanentError, TransientError
from handlers.types import MemberRef, Reply


@dataclass
class RecordingSender:
    platform: str
    posts: list[tuple[str, str, Reply, str | None]] = field(default_factory=list)  # (kind, target, reply, key)
    fail_next: list[str] = field(default_factory=list)  # "transient" | "permanent", consumed in order
    copies: Counter[str] = field(default_factory=Counter)

    def _maybe_fail(self) -> None:
        if self.fail_next:
            kind = self.fail_next.pop(0)
            raise (PermanentError if kind == "permanent" else TransientError)(f"{kind} failure (test)")

    async def send_to_member(self, member: MemberRef, reply: Reply, *, delivery_key: str | None = None) -> str:
        self._maybe_fail()
        self.posts.append(("dm", member.user_id, reply, delivery_key))
        self.copies[f"dm:{member.user_id}:{reply.title}"] += 1
        return f"m{len(self.posts)}"

    async def send_to_channel(self, workspace: str, channel_id: str, reply: Reply, *, delivery_key: str | None = None) -> str:
        self._maybe_fail()
        self.posts.append(("channel", channel_id, reply, delivery_key))
        self.copies[f"channel:{channel_id}:{reply.title}"] += 1
        return f"m{len(self.posts)}"

    async def send_to_secretariat(self, reply: Reply) -> None:
        self._maybe_fail()
        self.posts.append(("secretariat", "", reply, None))
        self.copies[f"secretariat:{reply.title}"] += 1

    def titles(self, kind: str, target: str = "") -> list[str]:
        return [r.title or "" for k, t, r, _ in self.posts if k == kind and (not target or t == target)]
