"""The audit trail: every secretariat action and every change to a city's card, and `/hrc audit` to read it.

Handlers call ``record`` inside their own transaction, so an event is stored exactly when the change
it describes is. Rows are never updated or deleted (database triggers refuse it).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import UTC, datetime, time
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from handlers.common import reason_text, resolve_city, status_label
from handlers.context import Context
from handlers.countries import country_code, country_name
from handlers.errors import UserError
from handlers.i18n import N_, Translate, translations, translator
from handlers.registry import command
from handlers.types import Actor, Item, Reply, Request
from handlers.vocab import region_name, size_name, theme_name
from handlers.words import localized_command, localized_key
from storage.models import AuditEvent, City
from storage.queries import audit as audit_queries

PAGE_SIZE = 15  # items per page: well inside Slack's 50 blocks and Discord's 4,096-character description
VALUE_MAX = 200  # characters of one before/after value shown in chat (exports carry it whole)

Values = Mapping[str, Any]


def city_subject(city: City, locale: str = "en") -> str:
    """``Grenoble (France)``: the city as the trail names it (stored with the country's English name; shown
    with the name in ``locale``: ``Villaprueba (España)``)."""
    return f"{city.name} ({country_name(city.country, locale)})"


_PARENTHESISED = re.compile(r"\(([^()]+)\)")


def shown_subject(subject: str, locale: str) -> str:
    """A stored subject in the reader's words: each city's ``(Country)``, written with the country's English
    name (``city_subject``; a merge's ``Lodzh (Poland) → Łódź (Poland)`` has two), shows the country's name
    in ``locale``; anything else as stored."""

    def shown(match: re.Match[str]) -> str:
        code = country_code(match.group(1))
        return f"({country_name(code, locale)})" if code and country_name(code) == match.group(1) else match.group(0)

    return _PARENTHESISED.sub(shown, subject) if "(" in subject else subject


def event_values(
    ctx: Context, actor: Actor, action: str, *, city_id: int | None = None, subject: str = "",
    before: Values | None = None, after: Values | None = None,
) -> dict[str, Any]:
    """The columns of an audit row for ``action`` (the command's name) by ``actor`` now (bulk inserts)."""
    return {
        "at": ctx.now(), "actor_platform": actor.platform[:16], "actor_workspace": actor.workspace[:64],
        "actor_id": actor.user_id[:64], "actor_name": actor.display_name[:200], "action": action[:32],
        "city_id": city_id, "subject": subject[:300], "before": _json(before), "after": _json(after),
    }


def event(
    ctx: Context, actor: Actor, action: str, *, city: City | None = None, subject: str = "",
    before: Values | None = None, after: Values | None = None,
) -> AuditEvent:
    """An audit row for ``action`` by ``actor`` now; ``subject`` defaults to the city."""
    return AuditEvent(**event_values(
        ctx, actor, action, city_id=city.id if city is not None else None,
        subject=subject or (city_subject(city) if city is not None else ""), before=before, after=after,
    ))


async def record(
    ctx: Context, request: Request, session: AsyncSession, *, city: City | None = None, subject: str = "",
    before: Values | None = None, after: Values | None = None, action: str | None = None,
) -> None:
    """Append one event for this request (action: the command's name unless given) to the trail."""
    row = event(ctx, request.actor, action or request.command.name, city=city, subject=subject, before=before, after=after)
    audit_queries.append(session, [row])
    await session.flush()


def _json(values: Values | None) -> str:
    return json.dumps(dict(values or {}), ensure_ascii=False, sort_keys=True, default=str)


def changes(row: AuditEvent) -> list[tuple[str, Any, Any]]:
    """(key, before, after) for every key either side mentions, in key order (None where absent)."""
    before, after = json.loads(row.before or "{}"), json.loads(row.after or "{}")
    return [(key, before.get(key), after.get(key)) for key in sorted(before.keys() | after.keys())]


# The trail stores codes and slugs (exports keep them); chat shows them as the reader's words.
def _readable(key: str, value: Any, locale: str, _: Translate) -> Any:
    """A stored value as the reader says it: ``PL`` -> Pologne, ``europe`` -> Europa, theme slugs -> names,
    statuses translated, true/false as yes/no; anything else unchanged."""
    from handlers.announcements import STATUS_NAMES  # it records events here

    if isinstance(value, bool):  # `event:`, `dm:` (never "True" / "False" to a reader)
        return _("yes") if value else _("no")
    if not isinstance(value, (str, list)) or not value:
        return value
    if key == "country" and isinstance(value, str):
        return country_name(value, locale)
    if key == "region" and isinstance(value, str):
        return region_name(value, _)
    if key == "size" and isinstance(value, str):
        return size_name(value, _)
    if key == "themes":
        return [theme_name(slug, _) for slug in value] if isinstance(value, list) else value
    if key in ("focal point", "focal points"):  # "Ana (slack:U1): verified": the person as written, the state translated
        return [_focal_state(v, _) for v in value] if isinstance(value, list) else _focal_state(value, _)
    if key == "reason" and isinstance(value, str):
        return reason_text(value, _)
    if key == "status" and isinstance(value, str):
        if value in STATUS_NAMES:
            return _(STATUS_NAMES[value])  # type: ignore[index]
        return status_label(value, _)
    return value


# Actions recorded under a name that is not a command's (most are: ``verify``, ``theme add``).
ACTION_LABELS = {"register (join)": N_("register (join)"), "leave (withdraw request)": N_("leave (withdraw request)"),
                 "leave (withdraw registration)": N_("leave (withdraw registration)")}

# The focal point states the trail records after a person ("…: pending"), in the reader's words.
FOCAL_STATES = {"pending": N_("awaiting confirmation"), "verified": N_("confirmed"), "left": N_("left the city"),
                "declined": N_("declined"), "withdrawn": N_("withdrew their request to join"),
                "registration withdrawn": N_("withdrew the registration")}


def _focal_state(value: Any, _: Translate) -> Any:
    if not isinstance(value, str):
        return value
    who, colon, state = value.rpartition(": ")
    return f"{_.label(who)} {_(FOCAL_STATES[state])}" if colon and state in FOCAL_STATES else value


def _shown(value: Any) -> str:
    if value is None:
        return "—"
    text = ", ".join(map(str, value)) if isinstance(value, list) else str(value)
    text = text or "—"
    return text if len(text) <= VALUE_MAX else text[: VALUE_MAX - 1] + "…"


# Recorded keys that are not option keys (those are shown as the reader types them: ``temas``, ``zona``).
KEY_LABELS = {"status": N_("status"), "focal points": N_("focal points"), "focal point": N_("focal point"),
              "practice": N_("practice"), "send_at": N_("sending time"), "deliveries not sent": N_("deliveries not sent"),
              "merged city": N_("merged city"), "merged into": N_("merged into"), "alias": N_("alias"),
              "focal points moved": N_("focal points moved"), "practices moved": N_("practices moved"),
              "city_actions moved": N_("city actions moved"), "accounts": N_("accounts")}


def key_label(key: str, _: Translate) -> str:
    """A recorded key in the reader's words: ``status`` -> ``estado``, ``themes`` -> ``temas``."""
    return _(KEY_LABELS[key]) if key in KEY_LABELS else localized_key(key, _.language)


def _item(row: AuditEvent, locale: str, _: Translate) -> Item:
    when = row.at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [_("by {name} ({platform}:{id})").format(name=row.actor_name, platform=row.actor_platform, id=row.actor_id)]
    for key, old, new in changes(row):
        old, new = _readable(key, old, locale, _), _readable(key, new, locale, _)
        label = _.label(key_label(key, _))
        lines.append(f"{label} {_shown(old)} → {_shown(new)}" if old is not None and old != new else f"{label} {_shown(new)}")
    # The action is a command's name and the keys are the commands' own: shown in the reader's words
    # (``verificar``, ``temas``); the subject is the record as it was written, its values in the reader's words (``_readable``).
    action = _(ACTION_LABELS[row.action]) if row.action in ACTION_LABELS else localized_command(row.action, _.language) if row.action else ""
    return Item(title=" · ".join(part for part in (when, action, shown_subject(row.subject, locale)) if part),
                text="\n".join(lines))


def _since(value: str, _: Translate) -> datetime:
    from handlers.days import parse_iso_date

    try:
        return datetime.combine(parse_iso_date(value, _), time.min, tzinfo=UTC)
    except UserError as error:
        error.field = "since"
        raise


# A page asked for beyond this is read as this one (it is beyond the last page of any trail: "There are only N
# pages"): the offset stays inside a 64-bit integer, which both databases require.
PAGE_MAX = 1_000_000_000


def _page_number(value: str, _: Translate) -> int:
    """A page number of any size (one beyond the last is told how many pages there are), as at most PAGE_MAX."""
    if not value.isdecimal() or int(value) < 1:
        raise UserError(_("page: takes a page number, e.g. page: 2."), field="page")
    return min(int(value), PAGE_MAX)


@command(
    "audit",
    summary=N_("Who verified, rejected, announced or changed what, and when"),
    usage=N_("audit [CITY] [country: NAME] [since: YYYY-MM-DD] [page: N]"),
    examples=("/hrc audit", "/hrc audit Grenoble since: 2026-11-01", "/hrc audit page: 2"),
    keys=("since", "page", "country"),
    main=N_("city"),
    secretariat=True,
    limits=(("main", 100), ("since", 20), ("page", 40), ("country", 80)),
)
async def audit(ctx: Context, request: Request, session: AsyncSession) -> Reply:
    """The trail, newest first, PAGE_SIZE events a page; narrowed to one city and/or from a date (UTC)."""
    _ = translator(request.locale)
    ngettext = translations(request.locale).ngettext
    args = request.command
    city = await resolve_city(ctx, request, session, args.main, args.opt("country"), _) if args.main else None
    since = _since(args.opt("since"), _) if args.opt("since") else None
    number = _page_number(args.opt("page"), _) if args.opt("page") else 1
    city_ids = await audit_queries.with_merged(session, city.id) if city else None
    rows, total = await audit_queries.page(
        session, city_ids=city_ids, since=since, offset=(number - 1) * PAGE_SIZE, limit=PAGE_SIZE
    )
    about = city_subject(city, request.locale) if city else _("the whole campaign")
    if not total:
        if since is not None:  # there may be events before it: never "nothing yet"
            return Reply(text=_("The audit trail has nothing for {about} since {date}.").format(
                about=about, date=args.opt("since")), footer=_("Everything: `hrc-bot export audit`."))
        return Reply(text=_("The audit trail has nothing for {about} yet.").format(about=about))
    pages = -(-total // PAGE_SIZE)
    if not rows:
        raise UserError(ngettext("There is only {pages} page.", "There are only {pages} pages.", pages).format(pages=pages),
                        field="page")
    footer = ngettext("Page {page} of {pages} ({total} event).", "Page {page} of {pages} ({total} events).", total).format(
        page=number, pages=pages, total=total)
    if number < pages:
        footer += " " + _("Next: `/hrc audit {args}page: {next}`").format(
            args=(args.main + " " if args.main else "") + (f"since: {args.opt('since')} " if since else ""), next=number + 1
        )
    return Reply(
        title=_("Audit trail: {about}").format(about=about),
        items=tuple(_item(row, request.locale, _) for row in rows),
        footer=footer + " " + _("Everything: `hrc-bot export audit`."),
    )
