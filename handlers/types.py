"""The shapes that cross the boundary between adapters and the core: requests in, replies out."""

from __future__ import annotations

import enum
import functools
import re
from dataclasses import dataclass, field

from handlers.text import strip_invisible

# A mention is carried inside reply text as a token between two private-use characters, so that
# adapters can turn it into a real platform mention while every other character stays inert text.
# No user text ever contains these characters: every inbound string is cleaned by ``clean_input`` when
# it becomes an Actor, a Place or a ParsedCommand (the one inbound boundary), stored text is cleaned
# again when read back (storage.types), and renderers accept only well-formed tokens (``parse_mention``).
MENTION_OPEN = "\ue000"
MENTION_CLOSE = "\ue001"
MENTION_RE = re.compile(f"{MENTION_OPEN}([^{MENTION_CLOSE}]*){MENTION_CLOSE}")

# What inbound text may not carry, and why:
# - private-use characters (U+E000–U+F8FF and planes 15–16): the core's own mention markers live there;
# - NUL and the other C0/C1 control characters except tab and newline: PostgreSQL refuses NUL, the
#   others garble chat formatting and terminals;
# - lone surrogates (U+D800–U+DFFF, which JSON can carry): not encodable as UTF-8, so unstorable;
# - bidirectional embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069): they reorder the
#   text around them (the "Trojan Source" trick), e.g. the rest of a shared `who` line.
# Unicode sources: UAX #9 (bidi controls), Unicode chapter 23.5 (private use).
_FORBIDDEN_RE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff\ue000-\uf8ff"
    "\U000f0000-\U0010ffff]"
)
_NEWLINES_RE = re.compile("\r\n?|[\u2028\u2029]")
# Anything either of the two would change: most text has none, and is returned after one scan.
TO_CLEAN_RE = re.compile(f"{_FORBIDDEN_RE.pattern}|[\r\u2028\u2029]")


def clean_input(text: str) -> str:
    """The inbound sanitiser: ``text`` with forbidden characters removed and line breaks made ``\n``.

    Everything else (letters of every script, emoji, zero-width joiners) is kept as typed. Idempotent,
    so applying it to already-clean text changes nothing.
    """
    # Printable ASCII holds none of the characters above: one constant-time check and one scan instead of the regex.
    if not text or (text.isascii() and text.isprintable()) or TO_CLEAN_RE.search(text) is None:
        return text
    return _FORBIDDEN_RE.sub("", _NEWLINES_RE.sub("\n", text))


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

    def __post_init__(self) -> None:
        for name in ("workspace", "user_id", "display_name"):
            object.__setattr__(self, name, clean_input(getattr(self, name)))

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
    # Can the bot post here? The adapter says so when it knows (Slack: the bot is a member of the
    # channel; Discord: the interaction's app_permissions); None when it did not check.
    can_post: bool | None = None

    def __post_init__(self) -> None:
        for name in ("workspace", "channel_id", "name"):
            object.__setattr__(self, name, clean_input(getattr(self, name)))


@dataclass(frozen=True)
class MemberRef:
    """A member to mention or to notify, on their own platform; ``accounts``: the same person's other
    platform accounts (``/hrc link``), as (platform, workspace, user id), so that each platform's
    renderer mentions the account it knows (``on``)."""

    platform: str
    workspace: str
    user_id: str
    display_name: str
    accounts: tuple[tuple[str, str, str], ...] = ()

    def mention(self) -> str:
        """The token renderers turn into a mention: ``platform|workspace|user id[;platform|workspace|user id…]|name``."""
        return mention_token(self.platform, self.workspace, self.user_id, self.display_name, self.accounts)

    def on(self, platform: str, workspace: str | None = None) -> MemberRef:
        """The person's account on ``platform`` (in ``workspace`` when given) as a ref of its own; the
        ref itself when they have none there."""
        for account in ((self.platform, self.workspace, self.user_id), *self.accounts):
            if account[0] == platform and (workspace is None or account[1] == workspace):
                return MemberRef(*account, self.display_name)
        return self


def mention_token(platform: str, workspace: str, user_id: str, name: str, accounts: tuple[tuple[str, str, str], ...] = ()) -> str:
    """``MemberRef(platform, workspace, user_id, name, accounts).mention()`` without making the ref (a `who`
    at 10,000 cities writes ~1,300 of them)."""
    safe_name = clean_input(name).replace("|", "/").replace("\n", " ")
    ids = f"{platform}|{workspace}|{user_id}"
    if accounts:
        ids = ";".join([ids, *("|".join(account) for account in accounts)])
    return f"{MENTION_OPEN}{ids}|{safe_name}{MENTION_CLOSE}"


# What a real member id looks like on each platform: anything else in a token is not ours.
_MEMBER_ID = {
    "slack": re.compile(r"[UW][A-Z0-9]{2,30}"),
    "discord": re.compile(r"[0-9]{15,21}"),
    "console": re.compile(r"[\w.@-]{1,64}"),
}
_WORKSPACE_ID = re.compile(r"[\w.-]{1,64}")


def parse_mention(token: str) -> MemberRef | None:
    """The member a mention token names, or None when the token is not well formed.

    ``token`` is the text between MENTION_OPEN and MENTION_CLOSE, ``platform|workspace|user id|name``,
    where a linked person's other accounts follow the first as ``;platform|workspace|user id``
    (``MemberRef.mention``). Every account must have its platform's id shape. Renderers show a None as
    inert text: a forged or damaged token can never become a ping.
    """
    if "|" not in token:
        return None
    ids, name = token.rsplit("|", 1)
    accounts = []
    for account in ids.split(";"):
        parts = account.split("|")
        if len(parts) != 3:
            return None
        platform, workspace, user_id = parts
        pattern = _MEMBER_ID.get(platform)
        if pattern is None or not pattern.fullmatch(user_id) or not _WORKSPACE_ID.fullmatch(workspace):
            return None
        accounts.append((platform, workspace, user_id))
    return MemberRef(*accounts[0], name, accounts=tuple(accounts[1:]))


@dataclass(frozen=True)
class ChannelRef:
    """A channel to link to, on its own platform (Slack shows ``<#C…>`` as a live channel link)."""

    platform: str
    workspace: str
    channel_id: str
    name: str = ""

    def link(self) -> str:
        """A token like ``MemberRef.mention``'s, marked with ``#``; adapters render it (never a ping)."""
        safe_name = clean_input(self.name).replace("|", "/").replace("\n", " ")
        return f"{MENTION_OPEN}#{self.platform}|{self.workspace}|{self.channel_id}|{safe_name}{MENTION_CLOSE}"

    def plain(self) -> str:
        return f"#{self.name or self.channel_id}"


# What a real channel id looks like on each platform (Slack: C public, G private, D direct).
_CHANNEL_ID = {"slack": re.compile(r"[CGD][A-Z0-9]{2,30}"), "discord": re.compile(r"[0-9]{15,21}")}


@dataclass(frozen=True)
class Moment:
    """An instant that each reader's platform shows in their own time zone (``handlers.moments`` makes them).

    Carried in reply text as a token like a mention's (``@time|UNIX|STYLE|fallback``): Discord renders
    ``<t:UNIX:F>`` (style ``FR``: also ``<t:UNIX:R>``, "in 3 days"), Slack ``<!date^UNIX^…|fallback>``, the
    console and plain fallbacks ``fallback`` (the time in the reader's zone, in their language).
    """

    unix: int  # seconds since 1970-01-01 UTC
    style: str = "F"  # "F": date and time; "FR": also relative, where the platform can say it
    fallback: str = ""

    def token(self) -> str:
        safe = clean_input(self.fallback).replace("|", "/").replace("\n", " ")
        return f"{MENTION_OPEN}{MOMENT_PREFIX}{self.unix}|{self.style}|{safe}{MENTION_CLOSE}"

    @property
    def relative(self) -> bool:
        return self.style == "FR"


MOMENT_PREFIX = "@time|"
_MOMENT_STYLES = frozenset({"F", "FR"})
_UNIX = re.compile(r"[0-9]{1,11}")


def parse_moment(token: str) -> Moment | None:
    """The instant a ``@time|UNIX|STYLE|fallback`` token names, or None when it is not well formed."""
    parts = token.split("|", 3)
    if len(parts) != 4 or f"{parts[0]}|" != MOMENT_PREFIX or not _UNIX.fullmatch(parts[1]) or parts[2] not in _MOMENT_STYLES:
        return None
    return Moment(int(parts[1]), parts[2], parts[3])


@functools.lru_cache(maxsize=32768)
def parse_token(token: str) -> MemberRef | ChannelRef | Moment | None:
    """What a token between MENTION_OPEN and MENTION_CLOSE names: a member (``parse_mention``), a
    channel (``ChannelRef.link``: ``#platform|workspace|channel id|name``), an instant (``Moment.token``),
    or None when not well formed. Remembered (what it returns is immutable): a focal point's token comes
    back in the `who` of each of their city's themes, in each language and on each platform."""
    if token.startswith(MOMENT_PREFIX):
        return parse_moment(token)
    if not token.startswith("#"):
        return parse_mention(token)
    parts = token[1:].split("|", 3)
    if len(parts) != 4:
        return None
    platform, workspace, channel_id, name = parts
    pattern = _CHANNEL_ID.get(platform)
    if not _WORKSPACE_ID.fullmatch(workspace) or (pattern is not None and not pattern.fullmatch(channel_id)):
        return None
    return ChannelRef(platform, workspace, channel_id, name)


def unparsed_label(token: str) -> str:
    """What to show for a token ``parse_mention`` refused: its last part (where the name would be), as
    plain text for the renderer to escape like any other user text."""
    return inert_markers(token.rsplit("|", 1)[-1])


def inert_markers(text: str) -> str:
    """``text`` with any stray mention marker removed (what is left of a token that did not parse)."""
    return text.replace(MENTION_OPEN, "").replace(MENTION_CLOSE, "")


def _given(value: str) -> str:
    """``value`` cleaned (``clean_input``), or "" when nothing in it shows: only spaces and invisible
    characters (``handlers.text.INVISIBLE``: zero-width spaces, joiners…) count as not given, so a title of
    two zero-width spaces is "missing", never stored as a blank."""
    value = clean_input(value)
    return value if not value or value.isascii() or strip_invisible(value).strip() else ""


@dataclass(frozen=True)
class ParsedCommand:
    """A command after parsing: its name (``theme add``), main argument and ``key: value`` options."""

    name: str
    main: str = ""
    options: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "name", clean_input(self.name))
        object.__setattr__(self, "main", _given(self.main))
        object.__setattr__(self, "options", {clean_input(k): _given(v) for k, v in self.options.items()})

    def opt(self, key: str) -> str:
        return self.options.get(key, "").strip()


@dataclass(frozen=True)
class Request:
    actor: Actor
    place: Place
    command: ParsedCommand
    locale: str = ""  # the platform's language for the person ("" when it gives none); resolved by the core


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
    actions: tuple[Action, ...] = ()  # buttons for this row (adapters that can, show them with it)


@dataclass(frozen=True)
class Action:
    """A button the adapter may render; ``command`` is what clicking it runs (through the same grammar)."""

    label: str
    command: str
    style: str = "default"  # "primary" | "danger" | "default"
    action_id: str = ""
    # An item's button where it stands apart from its row (Discord draws a list's buttons under the
    # whole list): a label that says what it acts on ("Verify Grenoble"); ``label`` when empty.
    full_label: str = ""


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
    usage_label: str = "Usage:"  # shown before ``usage``, in the reader's language
    language: str = ""  # the reader's language (en, es, fr), set by the core; renderers localize command names with it
    error_field: str | None = None  # with is_error: the option at fault, for inline form errors
    shareable: bool = False  # the same whoever asks: may be served from handlers.cache
    timely: bool = False  # with shareable: also depends on today's date, so cached only briefly
    # With shareable: the data it shows (handlers.cache, storage.queries.versions); None: everything.
    cache_scopes: frozenset[str] | None = None
    # Messages shown exactly as they will be delivered, before this reply (an announcement's preview):
    # adapters render each as they render a delivered message, then this reply under them.
    preview: tuple[Reply, ...] = ()

    def is_empty(self) -> bool:
        return not (self.text or self.title or self.fields or self.items or self.preview)
