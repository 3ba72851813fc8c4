"""Tables of the campaign directory, as typed SQLAlchemy models."""

from __future__ import annotations

import datetime as dt
import enum
from datetime import UTC, datetime

from sqlalchemy import (
    Date,
    DateTime,
    ForeignKey,
    Index,
    MetaData,
    SmallInteger,
    Text,
    UniqueConstraint,
    false,
    types,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from storage.types import CleanString, CleanText

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(types.TypeDecorator[datetime]):
    """Stores UTC, returns aware UTC datetimes on every engine (SQLite drops the offset)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


# The practices' full-text index is built by migration (0005_scale) outside the models: an FTS5 table (and
# its shadow tables) on SQLite, a generated column and its GIN index on PostgreSQL.
SEARCH_INDEX_NAMES = frozenset({"search_vector", "ix_practices_search_vector"})


def in_models(name: str | None, type_: str, parent_names: object) -> bool:
    """Alembic ``include_name`` hook: ``False`` for database objects the models do not describe."""
    return not (name and (name in SEARCH_INDEX_NAMES or (type_ == "table" and name.startswith("practices_fts"))))


class CityStatus(enum.StrEnum):
    PENDING = "pending"
    VERIFIED = "verified"
    REJECTED = "rejected"


class FocalStatus(enum.StrEnum):
    PENDING = "pending"
    VERIFIED = "verified"


class Member(Base):
    """A person on one platform: (platform, workspace/guild, user id)."""

    __tablename__ = "members"
    __table_args__ = (UniqueConstraint("platform", "workspace", "user_id", name="uq_members_identity"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(CleanString(16))
    workspace: Mapped[str] = mapped_column(CleanString(64))
    user_id: Mapped[str] = mapped_column(CleanString(64))
    display_name: Mapped[str] = mapped_column(CleanString(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    language: Mapped[str | None] = mapped_column(CleanString(8))  # chosen with `/hrc language`; None: not chosen
    # The language of the last command they ran that changed something: their direct messages use it.
    last_language: Mapped[str | None] = mapped_column(CleanString(8))

    focal_point: Mapped[FocalPoint | None] = relationship(back_populates="member", uselist=False)
    # The person's accounts on other platforms (``/hrc link``), loaded with the member wherever it is
    # loaded: mentions name the reader's platform's account (``handlers.common.member_ref``).
    accounts: Mapped[list[MemberAccount]] = relationship(
        back_populates="member", cascade="all, delete-orphan", order_by="MemberAccount.id", lazy="selectin"
    )


class MemberAccount(Base):
    """Another platform account of the same person (``/hrc link``): whoever uses it acts as ``member``,
    with the member's city, verification, language and subscriptions. An identity is either a member's
    own (``members``) or one of these, never both (linking folds the second member row into the first)."""

    __tablename__ = "member_accounts"
    __table_args__ = (UniqueConstraint("platform", "workspace", "user_id", name="uq_member_accounts_identity"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    platform: Mapped[str] = mapped_column(CleanString(16))
    workspace: Mapped[str] = mapped_column(CleanString(64))
    user_id: Mapped[str] = mapped_column(CleanString(64))
    display_name: Mapped[str] = mapped_column(CleanString(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    member: Mapped[Member] = relationship(back_populates="accounts")


class LinkCode(Base):
    """A one-time code from ``/hrc link`` (valid ``handlers.links.CODE_LIFETIME``, single use): typed on the
    other platform with ``/hrc link CODE`` it links that account to ``member``. Only a hash of the code is
    stored, so reading the table does not give a usable code."""

    __tablename__ = "link_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    code_hash: Mapped[str] = mapped_column(CleanString(64), unique=True)  # SHA-256, hex
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    platform: Mapped[str] = mapped_column(CleanString(16))  # where it was given: it must be typed elsewhere
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class City(Base):
    """A local or regional government in the directory."""

    __tablename__ = "cities"
    # AUTOINCREMENT: SQLite never gives a merged city's number to another (buttons name cities by number; 0018).
    __table_args__ = (UniqueConstraint("name_key", "country_key", name="uq_cities_name_country"), {"sqlite_autoincrement": True})

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(CleanString(100), info={"field": "city"})
    name_key: Mapped[str] = mapped_column(CleanString(100), index=True, info={"field": "city"})
    country: Mapped[str] = mapped_column(CleanString(80))
    country_key: Mapped[str] = mapped_column(CleanString(80))
    region: Mapped[str] = mapped_column(CleanString(32), index=True)
    size: Mapped[str | None] = mapped_column(CleanString(32))
    timezone: Mapped[str | None] = mapped_column(CleanString(64))
    languages: Mapped[str] = mapped_column(CleanString(64), default="")
    status: Mapped[str] = mapped_column(CleanString(16), default=CityStatus.PENDING, index=True)
    reject_reason: Mapped[str | None] = mapped_column(CleanString(500))
    registered_at: Mapped[datetime] = mapped_column(UTCDateTime())
    joined_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    is_demo: Mapped[bool] = mapped_column(default=False)

    themes: Mapped[list[CityTheme]] = relationship(
        back_populates="city", cascade="all, delete-orphan", order_by="CityTheme.theme"
    )
    focal_points: Mapped[list[FocalPoint]] = relationship(back_populates="city", order_by="FocalPoint.id")

    @property
    def theme_slugs(self) -> list[str]:
        return [t.theme for t in self.themes]


class CityAlias(Base):
    """Another name that finds a city: the name of a city merged into it (``/hrc merge``). Profile,
    register (as a request to join), autocomplete and every command naming a city find ``city`` by it."""

    __tablename__ = "city_aliases"
    __table_args__ = (UniqueConstraint("name_key", "country_key", name="uq_city_aliases_name_country"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    city_id: Mapped[int] = mapped_column(ForeignKey("cities.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(CleanString(100), info={"field": "city"})
    name_key: Mapped[str] = mapped_column(CleanString(100), info={"field": "city"})
    country_key: Mapped[str] = mapped_column(CleanString(80))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class CityTheme(Base):
    __tablename__ = "city_themes"

    city_id: Mapped[int] = mapped_column(ForeignKey("cities.id", ondelete="CASCADE"), primary_key=True)
    theme: Mapped[str] = mapped_column(CleanString(40), primary_key=True)

    city: Mapped[City] = relationship(back_populates="themes")


class FocalPoint(Base):
    """A member who represents a city; a member represents at most one city."""

    __tablename__ = "focal_points"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), unique=True)
    city_id: Mapped[int] = mapped_column(ForeignKey("cities.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(CleanString(16), default=FocalStatus.PENDING)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    member: Mapped[Member] = relationship(back_populates="focal_point")
    city: Mapped[City] = relationship(back_populates="focal_points")


class Practice(Base):
    """A local practice shared by a city.

    Its full-text index follows every write by itself (SQLite triggers, a PostgreSQL generated column).
    A SQLite batch migration that recreates this table drops those triggers: recreate them after it.
    """

    __tablename__ = "practices"

    id: Mapped[int] = mapped_column(primary_key=True)
    city_id: Mapped[int] = mapped_column(ForeignKey("cities.id", ondelete="CASCADE"), index=True)
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(CleanString(150))
    summary: Mapped[str] = mapped_column(CleanText())
    link: Mapped[str | None] = mapped_column(CleanString(500))
    search_text: Mapped[str] = mapped_column(CleanText())  # folded title + summary, for accent-insensitive search
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    is_demo: Mapped[bool] = mapped_column(default=False)

    city: Mapped[City] = relationship()
    themes: Mapped[list[PracticeTheme]] = relationship(
        back_populates="practice", cascade="all, delete-orphan", order_by="PracticeTheme.theme"
    )

    @property
    def theme_slugs(self) -> list[str]:
        return [t.theme for t in self.themes]


class PracticeTheme(Base):
    __tablename__ = "practice_themes"

    practice_id: Mapped[int] = mapped_column(ForeignKey("practices.id", ondelete="CASCADE"), primary_key=True)
    theme: Mapped[str] = mapped_column(CleanString(40), primary_key=True, index=True)

    practice: Mapped[Practice] = relationship(back_populates="themes")


class Subscription(Base):
    """A member's wish to be prompted on UN days linked to a theme."""

    __tablename__ = "subscriptions"

    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), primary_key=True)
    theme: Mapped[str] = mapped_column(CleanString(40), primary_key=True, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


# What `who` reads of each city on a theme and of its focal points, found in the index alone (covering
# indexes; migration 0017).
Index("ix_city_themes_theme_city", CityTheme.theme, CityTheme.city_id)
Index("ix_focal_points_city_status_member", FocalPoint.city_id, FocalPoint.status, FocalPoint.member_id)


def utcnow() -> datetime:
    return datetime.now(UTC)


class DeliveryStatus(enum.StrEnum):
    PENDING = "pending"  # recorded, not yet attempted
    SENDING = "sending"  # attempted; outcome unknown until marked (a crash leaves it here)
    SENT = "sent"
    FAILED = "failed"  # the last try failed; may be retried while attempts remain
    GAVE_UP = "gave_up"  # will not be retried (permanent error, or out of attempts)
    QUEUED = "queued"  # handed to the outbox (bot.broadcast), which delivers it exactly once


class Delivery(Base):
    """The exactly-once ledger: one row per thing sent on a schedule or to many targets.

    The key (e.g. ``prompt:human-rights-day:2026-12-10:slack:T1:C9``) is recorded before sending;
    its uniqueness is what prevents a second copy, across restarts and instances.
    """

    __tablename__ = "deliveries"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(CleanString(255), unique=True)
    kind: Mapped[str] = mapped_column(CleanString(32), index=True)
    status: Mapped[str] = mapped_column(CleanString(16), default=DeliveryStatus.PENDING, index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(CleanString(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ChannelPurpose(enum.StrEnum):
    DAYS = "days"  # day-of prompts for UN international days
    ANNOUNCEMENTS = "announcements"  # secretariat broadcasts


class Channel(Base):
    """A channel that opted in to a kind of post, with its own time zone."""

    __tablename__ = "channels"
    __table_args__ = (
        UniqueConstraint("platform", "workspace", "channel_id", "purpose", name="uq_channels_target_purpose"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(CleanString(16))
    workspace: Mapped[str] = mapped_column(CleanString(64))
    channel_id: Mapped[str] = mapped_column(CleanString(64))
    name: Mapped[str] = mapped_column(CleanString(200), default="")
    purpose: Mapped[str] = mapped_column(CleanString(32), index=True)
    timezone: Mapped[str] = mapped_column(CleanString(64), default="UTC")
    created_by: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # Days channels only: one post per day ("off"), or one digest a day / a week (Digest).
    digest: Mapped[str] = mapped_column(CleanString(8), default="off", server_default="off")
    themes: Mapped[str] = mapped_column(CleanString(600), default="", server_default="")  # ";"-slugs; "" = all themes
    # Set when a delivery failed for good (bot removed, channel archived or gone, permission taken away):
    # the channel gets nothing more until `/hrc channel set` is run in it again.
    paused_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    pause_reason: Mapped[str | None] = mapped_column(CleanString(200))
    language: Mapped[str | None] = mapped_column(CleanString(8))  # of its prompts and announcements; None: the default


class Digest(enum.StrEnum):
    OFF = "off"  # one message per day
    DAILY = "daily"  # one message listing the day's days
    WEEKLY = "weekly"  # one message on Monday listing the week's days


class MemberPrefs(Base):
    """How a member wants their personal prompts: digest, lead reminder, pause. No row: the defaults."""

    __tablename__ = "member_prefs"

    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), primary_key=True)
    digest: Mapped[str] = mapped_column(CleanString(8), default=Digest.OFF)
    lead_days: Mapped[int] = mapped_column(default=0)  # 0: no reminder before the day
    paused_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class CampaignDate(Base):
    """A date the secretariat adds to the calendar (World Human Rights Cities Forum, a wave launch)."""

    __tablename__ = "campaign_dates"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(CleanString(120), unique=True)
    name: Mapped[str] = mapped_column(CleanString(150))
    date: Mapped[dt.date] = mapped_column(Date, index=True)
    themes: Mapped[str] = mapped_column(CleanString(600), default="")  # ";"-separated theme slugs
    created_by: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    event: Mapped[bool] = mapped_column(default=False, server_default=false())  # also a Discord Scheduled Event


class CityAction(Base):
    """A city's word that it acts on one occurrence of a UN day or campaign date ("my city acts").

    One row per city, day and year: saying it again updates the note and link. ``practice_id`` is the
    outcome, a practice the city shared on the day's themes within a week after it.
    """

    __tablename__ = "city_actions"
    __table_args__ = (UniqueConstraint("city_id", "day_slug", "year", name="uq_city_actions_city_day_year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    city_id: Mapped[int] = mapped_column(ForeignKey("cities.id", ondelete="CASCADE"), index=True)
    day_slug: Mapped[str] = mapped_column(CleanString(120), index=True)
    year: Mapped[int] = mapped_column()
    day_date: Mapped[dt.date] = mapped_column(Date, index=True)  # the occurrence the city acts on
    note: Mapped[str | None] = mapped_column(CleanText())
    link: Mapped[str | None] = mapped_column(CleanString(500))
    practice_id: Mapped[int | None] = mapped_column(ForeignKey("practices.id", ondelete="SET NULL"))
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())

    city: Mapped[City] = relationship()
    practice: Mapped[Practice | None] = relationship()


class DiscordEvent(Base):
    """A Discord Scheduled Event mirroring a campaign date in one server. The row is written before the
    event is created (``event_id`` still empty), so two instances never both create it; it outlives the
    campaign date it mirrors until the event is deleted."""

    __tablename__ = "discord_events"
    __table_args__ = (UniqueConstraint("slug", "guild_id", name="uq_discord_events_slug_guild"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(CleanString(120))
    guild_id: Mapped[str] = mapped_column(CleanString(32))
    event_id: Mapped[str | None] = mapped_column(CleanString(32))
    name: Mapped[str] = mapped_column(CleanString(150))
    date: Mapped[dt.date] = mapped_column(Date)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class AnnouncementStatus(enum.StrEnum):
    DRAFT = "draft"  # previewed, waiting for Send
    QUEUED = "queued"  # confirmed; starts at send_at
    SENDING = "sending"  # outbox rows materialised, worker delivering
    DONE = "done"
    CANCELLED = "cancelled"


class Announcement(Base):
    """A secretariat broadcast to every announcement channel (and, with dm, to focal points)."""

    __tablename__ = "announcements"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(CleanString(150))
    text: Mapped[str] = mapped_column(CleanText())
    link: Mapped[str | None] = mapped_column(CleanString(500))
    region: Mapped[str | None] = mapped_column(CleanString(32))
    theme: Mapped[str | None] = mapped_column(CleanString(40))
    dm: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(CleanString(16), default=AnnouncementStatus.DRAFT, index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    send_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    author: Mapped[Member | None] = relationship()
    # The same announcement in other languages (``text_es:``…), each read by the channels and people of
    # that language; everyone else reads ``title`` and ``text``.
    versions: Mapped[list[AnnouncementVersion]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="AnnouncementVersion.language")


class AnnouncementVersion(Base):
    """An announcement's title and text in one language (``es``, ``fr``); ``title`` None: the main title."""

    __tablename__ = "announcement_versions"
    __table_args__ = (UniqueConstraint("announcement_id", "language", name="uq_announcement_versions_language"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    announcement_id: Mapped[int] = mapped_column(ForeignKey("announcements.id", ondelete="CASCADE"))
    language: Mapped[str] = mapped_column(CleanString(8))
    title: Mapped[str | None] = mapped_column(CleanString(150))
    text: Mapped[str | None] = mapped_column(CleanText())


class OutboxStatus(enum.StrEnum):
    PENDING = "pending"
    SENDING = "sending"  # committed before the API call: after a crash, the outcome is unknown
    SENT = "sent"
    FAILED = "failed"  # gave up; last_error says why
    CANCELLED = "cancelled"


class OutboxMessage(Base):
    """One delivery to one target, sent exactly once thanks to its unique key: of an announcement, or
    of a notice (registration, report) whose message is in ``payload`` (JSON) and has no announcement."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_claim", "status", "platform", "priority", "next_attempt_at", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    announcement_id: Mapped[int | None] = mapped_column(ForeignKey("announcements.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(CleanString(255), unique=True)
    platform: Mapped[str] = mapped_column(CleanString(16))
    workspace: Mapped[str] = mapped_column(CleanString(64))
    target_kind: Mapped[str] = mapped_column(CleanString(8))  # "channel" | "dm"
    target_id: Mapped[str] = mapped_column(CleanString(64))
    target_name: Mapped[str] = mapped_column(CleanString(200), default="")
    status: Mapped[str] = mapped_column(CleanString(16), default=OutboxStatus.PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_error: Mapped[str | None] = mapped_column(CleanString(300))
    message_id: Mapped[str | None] = mapped_column(CleanString(64))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    payload: Mapped[str | None] = mapped_column(Text)  # a notice's message (bot.notify.reply_to_json)
    # An announcement's row: the language its target reads (chosen when the rows are created, so a re-send
    # after a restart is the same version); None: the main text (rows created before languages).
    language: Mapped[str | None] = mapped_column(CleanString(8))
    # The last try failed in a way that may still have delivered it (5xx, timeout, connection cut): the
    # next try first asks the platform whether the key arrived. A 429 or a refusal leaves it False.
    in_doubt: Mapped[bool] = mapped_column(default=False, server_default=false())
    # A scheduled message's: the end of the local day it is for; still unsent then, it is dropped (not sent late).
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Claimed lowest first: 0 announcements and notices, 1 the scheduler's prompts (a big day's 25,000 wait behind).
    priority: Mapped[int] = mapped_column(SmallInteger, default=0, server_default="0")


class DataVersion(Base):
    """One row whose counter goes up with every commit that changes what shared replies show (cities,
    themes, focal points, members, practices, campaign dates): each instance's reply cache watches it."""

    __tablename__ = "data_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    n: Mapped[int] = mapped_column(default=0)


class DataChange(Base):
    """What one data version changed: the cache scopes it touched (JSON list, ``storage.queries.versions``),
    so that other instances drop only the replies that show it. Only the latest ~1,000 are kept."""

    __tablename__ = "data_changes"

    version: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    scopes: Mapped[str] = mapped_column(Text)


class AuditEvent(Base):
    """One secretariat action or change to a city's card: who, when, what, before and after.

    Append-only: no code path updates or deletes a row, and database triggers refuse it (migration
    0009_glance). ``city_id`` is a plain number, not a foreign key, so that the trail outlives the
    city and no cascade ever has to touch it; ``subject`` names what was acted on, as it was then.
    ``before`` / ``after`` are JSON objects (text), e.g. ``{"status": "pending"}``.
    """

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_city_at", "city_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    actor_platform: Mapped[str] = mapped_column(CleanString(16))
    actor_workspace: Mapped[str] = mapped_column(CleanString(64))
    actor_id: Mapped[str] = mapped_column(CleanString(64))
    actor_name: Mapped[str] = mapped_column(CleanString(200))
    action: Mapped[str] = mapped_column(CleanString(32), index=True)  # the command: "verify", "announce cancel"…
    city_id: Mapped[int | None] = mapped_column()
    subject: Mapped[str] = mapped_column(CleanString(300), default="")
    before: Mapped[str] = mapped_column(CleanText, default="{}")
    after: Mapped[str] = mapped_column(CleanText, default="{}")


class DmChannel(Base):
    """The direct-message channel the bot shares with one person (Slack D…, Discord DM channel id),
    learnt from the first message or open and reused, across restarts, instead of opening it again.

    Not shown in any reply: changing it never moves the data version (``storage.queries.versions``).
    """

    __tablename__ = "dm_channels"
    __table_args__ = (UniqueConstraint("platform", "workspace", "user_id", name="uq_dm_channels_identity"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(CleanString(16))
    workspace: Mapped[str] = mapped_column(CleanString(64))
    user_id: Mapped[str] = mapped_column(CleanString(64))
    channel_id: Mapped[str] = mapped_column(CleanString(64))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
