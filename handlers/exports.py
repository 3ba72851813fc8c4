"""The directory as files: cities, practices, members, deliveries, audit; and `/hrc export` for the secretariat.

Column names are stable (README, "Exports"): English, lower case, the same in every format. Regions,
sizes, themes and countries are written with their English names, so a file reads the same whoever exported it
and ``hrc-bot import cities`` reads it back. Dates are ISO 8601 (UTC): ``YYYY-MM-DD`` for days,
``YYYY-MM-DDTHH:MM:SS+00:00`` for moments.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from handlers.context import Context
from handlers.countries import country_name
from handlers.errors import UserError
from handlers.i18n import N_, translations, translator
from handlers.registry import command
from handlers.tabular import FORMATS, MIME_TYPES, Table, write_table
from handlers.text import fold
from handlers.types import Attachment, Reply, Request
from handlers.vocab import REGION_BY_SLUG, SIZE_BY_SLUG, THEME_BY_SLUG, Term
from storage.models import CityStatus
from storage.queries import audit as audit_queries
from storage.queries import exports as queries

CITY_COLUMNS = ("name", "country", "region", "size", "timezone", "languages", "themes", "status", "registered", "joined", "demo")
PRACTICE_COLUMNS = ("title", "city", "country", "themes", "summary", "link", "shared", "shared_by", "demo")
MEMBER_COLUMNS = ("name", "platform", "city", "country", "focal_point", "subscriptions", "since")
MEMBER_ID_COLUMNS = ("workspace", "user_id")  # secretariat only, after "platform"
DELIVERY_COLUMNS = ("key", "kind", "status", "attempts", "last_error", "created", "updated")
AUDIT_COLUMNS = ("at", "action", "subject", "city_id", "actor_name", "actor_platform", "actor_workspace", "actor_id",
                 "before", "after")
LIST_SEPARATOR = "; "  # inside a cell: themes, languages, subscriptions
DATASETS = ("cities", "practices", "members", "deliveries", "audit")
CHAT_DATASETS = ("cities", "practices")  # what `/hrc export` offers; the rest only from the command line
# Their names in the three languages, folded: `/hrc exportar ciudades`, `/hrc exporter pratiques`.
DATASET_WORDS = {"cities": "cities", "ciudades": "cities", "villes": "cities",
                 "practices": "practices", "practicas": "practices", "pratiques": "practices"}


def day(moment: datetime | None) -> str:
    return moment.astimezone(UTC).date().isoformat() if moment else ""


def moment_text(moment: datetime | None) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds") if moment else ""


def _names(slugs: list[str], table: Mapping[str, Term]) -> str:
    return LIST_SEPARATOR.join(table[s].name if s in table else s for s in slugs)


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"


async def cities_table(session: AsyncSession) -> Table:
    rows = tuple(
        (
            c.name, country_name(c.country), REGION_BY_SLUG[c.region].name if c.region in REGION_BY_SLUG else c.region,
            SIZE_BY_SLUG[c.size].name if c.size in SIZE_BY_SLUG else (c.size or ""), c.timezone or "",
            LIST_SEPARATOR.join(x for x in c.languages.split(",") if x), _names(c.theme_slugs, THEME_BY_SLUG),
            c.status, day(c.registered_at), day(c.joined_at) if c.status == CityStatus.VERIFIED else "", _yes(c.is_demo),
        )
        for c in await queries.cities(session)
    )
    return Table(CITY_COLUMNS, rows)


async def practices_table(session: AsyncSession) -> Table:
    authors = await queries.practice_authors(session)
    rows = tuple(
        (
            p.title, p.city.name, country_name(p.city.country), _names(p.theme_slugs, THEME_BY_SLUG), p.summary, p.link or "",
            day(p.created_at), authors.get(p.member_id or 0, ""), _yes(p.is_demo),
        )
        for p in await queries.practices(session)
    )
    return Table(PRACTICE_COLUMNS, rows)


async def members_table(session: AsyncSession, *, with_ids: bool) -> Table:
    """Members; their workspace and platform user id only ``with_ids`` (the secretariat)."""
    subscriptions = await queries.subscriptions(session)
    columns = MEMBER_COLUMNS[:2] + (MEMBER_ID_COLUMNS if with_ids else ()) + MEMBER_COLUMNS[2:]
    rows = []
    for m in await queries.members(session):
        focal = m.focal_point
        # A person with linked accounts (`/hrc link`): one row per account, each with the person's city.
        for name, platform, workspace, user_id, since in ((m.display_name, m.platform, m.workspace, m.user_id, m.created_at),
                                                         *((a.display_name, a.platform, a.workspace, a.user_id, a.created_at)
                                                           for a in m.accounts)):
            ids = (workspace, user_id) if with_ids else ()
            rows.append((
                name, platform, *ids, focal.city.name if focal else "", country_name(focal.city.country) if focal else "",
                focal.status if focal else "", _names(subscriptions.get(m.id, []), THEME_BY_SLUG), day(since),
            ))
    return Table(columns, tuple(rows))


async def deliveries_table(session: AsyncSession) -> Table:
    rows = tuple(
        (d.key, d.kind, d.status, str(d.attempts), d.last_error or "", moment_text(d.created_at), moment_text(d.updated_at))
        for d in await queries.deliveries(session)
    )
    return Table(DELIVERY_COLUMNS, rows)


async def audit_table(session: AsyncSession) -> Table:
    rows = []
    async for e in audit_queries.every_event(session):
        rows.append((moment_text(e.at), e.action, e.subject, "" if e.city_id is None else str(e.city_id), e.actor_name,
                     e.actor_platform, e.actor_workspace, e.actor_id, e.before, e.after))
    return Table(AUDIT_COLUMNS, tuple(rows))


async def dataset(session: AsyncSession, name: str, *, secretariat: bool) -> Table:
    """The table called ``name`` (one of DATASETS). Raises ValueError for another name, and
    PermissionError for members, deliveries or audit when ``secretariat`` is false."""
    builders: dict[str, Callable[[], Awaitable[Table]]] = {
        "cities": lambda: cities_table(session),
        "practices": lambda: practices_table(session),
        "members": lambda: members_table(session, with_ids=secretariat),
        "deliveries": lambda: deliveries_table(session),
        "audit": lambda: audit_table(session),
    }
    if name not in builders:
        raise ValueError(f"unknown dataset {name!r}: use one of {', '.join(DATASETS)}")
    if name in ("deliveries", "audit") and not secretariat:
        raise PermissionError(name)
    return await builders[name]()


@command(
    "export",
    summary=N_("The directory's cities or practices as a file (CSV, JSON or Excel)"),
    usage=N_("export cities|practices [format: csv|json|xlsx]"),
    examples=("/hrc export cities", "/hrc export practices format: xlsx"),
    keys=("format",),
    main=N_("what"),
    main_required=True,
    main_prompt=N_("Say what to export: “cities” or “practices”."),
    secretariat=True,
    limits=(("main", 20), ("format", 10)),
)
async def export(ctx: Context, request: Request, session: AsyncSession) -> Reply:
    """Sends the file as an attachment (on Slack, in the caller's direct messages)."""
    _ = translator(request.locale)
    what = DATASET_WORDS.get(fold(request.command.main), "")
    fmt = (request.command.opt("format") or "csv").lower()
    if what not in CHAT_DATASETS:
        raise UserError(_("I can export “cities” or “practices”, not “{what}”.").format(what=request.command.main),
                        hint=_("Members, deliveries and the audit trail: `hrc-bot export` on the server."), field="main")
    if fmt not in FORMATS:
        raise UserError(_("format: takes csv, json or xlsx."), field="format")
    table = await dataset(session, what, secretariat=True)
    stamp = ctx.now().astimezone(UTC).strftime("%Y%m%d")
    filename = f"hrc-{what}-{stamp}.{fmt}"
    # Building the file is pure Python (xlsx: ~0.5 s for 1,000 cities): on a thread, so the event loop
    # keeps answering, and the platform's 3 s acknowledgement is sent in time (bot/deadline.py).
    content = await asyncio.to_thread(write_table, table, fmt, sheet=what)
    summary = translations(request.locale).ngettext(
        "{count} row, columns: {columns}.", "{count} rows, columns: {columns}.", len(table.rows)
    ).format(count=len(table.rows), columns=", ".join(table.columns))
    return Reply(
        text=_("Here is the export: {file}.").format(file=filename) + " " + summary,
        attachments=(Attachment(filename, content, MIME_TYPES[fmt], alt_text=summary),),
    )
