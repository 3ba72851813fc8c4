"""The shapes that cross the boundary between adapters and the core: requests in, replies out."""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, field

# A mention is carried inside reply text as a token between two private-use characters, so that
# adapters can turn it into a real platform mention while every other character stays inert text.
# User input never contains these characters: ``clean_input`` strips them, so text typed by a user
# can never forge a mention.
MENTION_OPEN = "\ue000"
MENTION_CLOSE = "\ue001"
MENTION_RE = re.compile(f"{MENTION_OPEN}([^{MENTION_CLOSE}]*){MENTION_CLOSE}")
_CONTROL_RE = re.compile(f"[{MENTION_OPEN}{MENTION_CLOSE}\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_input(text: str) -> str:
    """Drop control and reserved characters from user input (everything else is kept as typed)."""
    return _CONTROL_RE.sub("", text)


class Visibility(enum.StrEnum):
    CALLER = "caller"  # only the person who asked sees it (ephemeral)
    CHANNEL = "channel"  # posted for everyone in the channel


@dataclass(frozen=True)
class Actor:
    """Who is asking: one user on one platform and workspace/guild."""

    platform: str  # "slack" | "discord" | "console"
    workspace: str  # Slack team id, Discord guild id, "local" for the console
    user_id: str
    display_name: str
    secretariat_role: bool = False  # granted by the platform (console --secretariat, a Discord role)

    @property
    def key(self) -> str:
        return f"{self.platform}:{self.user_id}"


@dataclass(frozen=True)
class Place:
    """Where the request was made."""

    platform: str
    workspace: str
    channel_id: str
    is_direct: bool = False
    name: str = ""  # the channel's display name, when the platform gives it


@dataclass(frozen=True)
class MemberRef:
    """A member to mention or to notify, on their own platform."""

    platform: str
    workspace: str
    user_id: str
    display_name: str

    def mention(self) -> str:
        safe_name = clean_input(self.display_name).replace("|", "/")
        return f"{MENTION_OPEN}{self.platform}|{self.workspace}|{self.user_id}|{safe_name}{MENTION_CLOSE}"


def parse_mention(token: str) -> MemberRef:
    platform, workspace, user_id, name = token.split("|", 3)
    return MemberRef(platform, workspace, user_id, name)


@dataclass(frozen=True)
class ParsedCommand:
    """A command after parsing: its name (``theme add``), main argument and ``key: value`` options."""

    name: str
    main: str = ""
    options: dict[str, str] = field(default_factory=dict)

    def opt(self, key: str) -> str:
        return self.options.get(key, "").strip()


@dataclass(frozen=True)
class Request:
    actor: Actor
    place: Place
    command: ParsedCommand
    locale: str = "en"


@dataclass(frozen=True)
class Field:
    name: str
    value: str
    inline: bool = True


@dataclass(frozen=True)
class Item:
    """One row of a list: a city, a practice, a theme."""

    title: str
    text: str = ""
    link: str | None = None


@dataclass(frozen=True)
class Action:
    """A button the adapter may render; ``command`` is what clicking it runs (through the same grammar)."""

    label: str
    command: str
    style: str = "default"  # "primary" | "danger" | "default"
    action_id: str = ""


class NoticeTarget(enum.StrEnum):
    MEMBER = "member"  # a direct message to one member
    SECRETARIAT = "secretariat"  # the secretariat channel of every connected platform


@dataclass(frozen=True)
class Notice:
    """A message the core asks the runtime to deliver to someone other than the caller."""

    target: NoticeTarget
    reply: Reply
    member: MemberRef | None = None
    key: str = ""  # stable identity of the event (e.g. ``registration:12``) for de-duplication


@dataclass(frozen=True)
class Attachment:
    """A file that goes with a reply: a chart, a calendar, an export.

    Adapters upload it (Slack ``files_upload_v2``, a Discord attachment; the console saves it and prints
    the path). ``alt_text`` says in words what the file shows, for screen readers and for platforms
    where the upload is not possible.
    """

    filename: str  # e.g. "progress.png"; no directory part
    content: bytes
    mime_type: str  # e.g. "image/png", "text/calendar", "text/csv"
    alt_text: str = ""


@dataclass(frozen=True)
class Reply:
    """What a handler returns; each adapter renders it in its platform's own format."""

    text: str = ""
    title: str | None = None
    fields: tuple[Field, ...] = ()
    items: tuple[Item, ...] = ()
    footer: str | None = None
    visibility: Visibility = Visibility.CALLER
    actions: tuple[Action, ...] = ()
    notices: tuple[Notice, ...] = ()
    attachments: tuple[Attachment, ...] = ()  # files uploaded with the reply
    is_error: bool = False
    usage: str | None = None
    error_field: str | None = None  # with is_error: the option at fault, for inline form errors
    shareable: bool = False  # the same whoever asks: may be served from handlers.cache
    timely: bool = False  # with shareable: also depends on today's date, so cached only briefly

    def is_empty(self) -> bool:
        return not (self.text or self.title or self.fields or self.items)
