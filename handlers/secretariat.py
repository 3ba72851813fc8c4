"""The secretariat's decisions on registrations: verify, reject, and the list of pending ones."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from handlers.audit import record
from handlers.common import WITHDRAWN_REASON, member_ref, resolve_city, short_date
from handlers.context import Context
from handlers.countries import country_name
from handlers.duplicates import near_matches, possibly_same
from handlers.errors import UserError
from handlers.i18n import N_, Translate, translator
from handlers.languages import recipient_language
from handlers.registry import command
from handlers.types import Action, Item, MemberRef, Notice, NoticeTarget, Reply, Request
from handlers.vocab import region_name, theme_name
from storage.models import City, CityStatus, FocalPoint, FocalStatus
from storage.queries import audit as audit_queries
from storage.queries import cities as city_queries
from storage.queries.cities import CityName


def _who(focal_points: list[FocalPoint]) -> list[str]:
    return [f"{fp.member.display_name} ({fp.member.platform}:{fp.member.user_id})" for fp in focal_points]


async def decided_by(session: AsyncSession, city: City, action: str, locale: str) -> tuple[str, str] | None:
    """(a mention of who last made ``action`` on the city, the date), from the audit trail; None when it
    has none (a city imported or seeded as verified)."""
    found = await audit_queries.last_decision(session, city.id, action)
    if found is None:
        return None
    who = MemberRef(found.actor_platform, found.actor_workspace, found.actor_id, found.actor_name)
    return who.mention(), short_date(found.at, locale)


def tell(ctx: Context, city: City, focal_points: list[FocalPoint], key: str,
          text: Callable[[Translate], str]) -> tuple[Notice, ...]:
    """A direct message to each focal point, in their own language (``text`` writes it for a translator)."""
    notices = []
    for fp in focal_points:
        _ = translator(recipient_language(ctx, fp.member, city.languages))
        notices.append(Notice(target=NoticeTarget.MEMBER, member=member_ref(fp.member), key=f"{key}:{fp.member_id}",
                              reply=Reply(text=text(_), language=_.language)))
    return tuple(notices)


@command(
    "verify",
    summary=N_("Verify a pending city (or its new focal points)"),
    usage=N_("verify CITY [country: NAME]"),
    examples=("/hrc verify Grenoble",),
    keys=("country",),
    main=N_("city"),
    main_required=True,
    secretariat=True,
    writes=True,
    limits=(("main", 100), ("country", 80)),
)
async def verify(ctx: Context, request: Request, session: AsyncSession) -> Reply:
    """Marks the city verified (joined today) and confirms its pending focal points; they are told."""
    _ = translator(request.locale)
    city = await resolve_city(ctx, request, session, request.command.main, request.command.opt("country"), _)
    waiting = [fp for fp in city.focal_points if fp.status == FocalStatus.PENDING]
    if city.status == CityStatus.REJECTED and city.reject_reason == WITHDRAWN_REASON:
        raise UserError(_("{city} was withdrawn by its only focal point, so nobody represents it now. It can be "
                          "verified when someone registers it again with `/hrc register`.").format(city=city.name))
    if city.status == CityStatus.REJECTED:
        # Declining freed its focal points: verifying now would list a city nobody represents or is told about.
        raise UserError(_("{city} was declined, so nobody represents it now. It can be verified when someone "
                          "registers it again with `/hrc register`.").format(city=city.name))
    if city.status == CityStatus.VERIFIED and not waiting:
        # Two of the secretariat on the same list: the second click is told who was first.
        if by := await decided_by(session, city, "verify", request.locale):
            return Reply(text=_("{city} was already verified by {who} on {date}; nothing to do.").format(
                city=city.name, who=by[0], date=by[1]))
        return Reply(text=_("{city} is already verified; nothing to do.").format(city=city.name))
    newly_verified = city.status != CityStatus.VERIFIED
    before = {"status": city.status, "focal points": _who(waiting)}
    now = ctx.now()
    if newly_verified:
        city.status, city.reject_reason = CityStatus.VERIFIED, None
        city.joined_at = city.joined_at or now
    for fp in waiting:
        fp.status = FocalStatus.VERIFIED
    await session.flush()
    await record(ctx, request, session, city=city, before=before,
                 after={"status": CityStatus.VERIFIED, "focal points": [f"{n}: {FocalStatus.VERIFIED}" for n in _who(waiting)]})
    if newly_verified:
        def message(_: Translate) -> str:
            return _("Welcome to the campaign! {city} is now a verified Human Rights City. "
                     "Share a practice with `/hrc share`.").format(city=city.name)
        done = _.ngettext("{city} is verified; {count} focal point told.", "{city} is verified; {count} focal points told.",
                          len(waiting)).format(city=city.name, count=len(waiting))
    else:
        def message(_: Translate) -> str:
            return _("The secretariat confirmed you as a focal point of {city}.").format(city=city.name)
        done = _.ngettext("{count} new focal point of {city} confirmed and told.",
                          "{count} new focal points of {city} confirmed and told.", len(waiting)).format(
            city=city.name, count=len(waiting))
    notices = tell(ctx, city, waiting if not newly_verified else list(city.focal_points), f"verified:{city.id}", message)
    return Reply(text=done, notices=notices)


@command(
    "reject",
    summary=N_("Decline a pending registration, with a reason"),
    usage=N_("reject CITY [reason: TEXT] [country: NAME]"),
    examples=("/hrc reject Atlantis reason: not a local government",),
    keys=("reason", "country"),
    main=N_("city"),
    main_required=True,
    secretariat=True,
    writes=True,
    limits=(("main", 100), ("reason", 500), ("country", 80)),
)
async def reject(ctx: Context, request: Request, session: AsyncSession) -> Reply:
    """Declines a pending city, or the pending focal points of a verified one; they are told why."""
    _ = translator(request.locale)
    city = await resolve_city(ctx, request, session, request.command.main, request.command.opt("country"), _)
    reason = request.command.opt("reason")
    waiting = [fp for fp in city.focal_points if fp.status == FocalStatus.PENDING]
    if city.status == CityStatus.REJECTED and city.reject_reason == WITHDRAWN_REASON:
        return Reply(text=_("{city} was withdrawn by its only focal point; nothing to decline.").format(city=city.name))
    if city.status == CityStatus.REJECTED:
        if by := await decided_by(session, city, "reject", request.locale):
            return Reply(text=_("{city} was already declined by {who} on {date}.").format(city=city.name, who=by[0], date=by[1]))
        return Reply(text=_("{city} was already declined.").format(city=city.name))
    if city.status == CityStatus.VERIFIED and not waiting:
        raise UserError(_("{city} is verified and nobody is waiting to join it; nothing to decline.").format(city=city.name))
    def because(_: Translate) -> str:
        return ("\n" + _("Reason: {reason}").format(reason=reason)) if reason else ""

    before = {"status": city.status, "focal points": _who(waiting)}
    if city.status == CityStatus.PENDING:
        city.status, city.reject_reason = CityStatus.REJECTED, reason or None

        def message(_: Translate) -> str:
            return _("The secretariat could not accept the registration of {city}.").format(city=city.name) + because(_)
        done = _.ngettext("{city} declined; {count} focal point told.", "{city} declined; {count} focal points told.",
                          len(waiting)).format(city=city.name, count=len(waiting))
    else:
        def message(_: Translate) -> str:
            return _("The secretariat could not confirm you as a focal point of {city}.").format(city=city.name) + because(_)
        done = _.ngettext("{count} request to join {city} declined.", "{count} requests to join {city} declined.",
                          len(waiting)).format(city=city.name, count=len(waiting))
    notices = tell(ctx, city, waiting, f"rejected:{city.id}", message)
    for fp in waiting:  # free them to register again
        await session.delete(fp)
    await session.flush()
    await record(ctx, request, session, city=city, before=before,
                 after={"status": city.status, "reason": reason or None, "focal points": [f"{n}: declined" for n in before["focal points"]]})
    return Reply(text=done, notices=notices)


def _pending_item(city: City, locale: str, near: Sequence[CityName] = (), *, named: str = "") -> Item:
    """One pending city; ``named``: how its buttons name it (its name, and its country when another
    city of the list has the same name)."""
    _ = translator(locale)
    named = named or city.name
    who = ", ".join(member_ref(fp.member).mention() for fp in city.focal_points) or "—"
    themes = ", ".join(theme_name(s, _) for s in city.theme_slugs) or "—"
    flag = possibly_same(near, locale, _)
    return Item(
        title=f"{city.name} ({country_name(city.country, locale)}, {region_name(city.region, _)})",
        text=_("Registered {date} by {who}. Themes: {themes}. `/hrc verify #{id}` or `/hrc reject #{id} reason: …`").format(
            date=short_date(city.registered_at, locale), who=who, themes=themes, id=city.id
        ) + (f"\n{flag}" if flag else ""),
        actions=(
            Action(_("Verify"), f"verify #{city.id}", style="primary", action_id=f"verify_{city.id}",
                   full_label=_("Verify {city}").format(city=named)),
            Action(_("Reject"), f"reject #{city.id}", style="danger", action_id=f"reject_{city.id}",
                   full_label=_("Reject {city}").format(city=named)),
        ),
    )


@command(
    "pending",
    summary=N_("Registrations awaiting a decision"),
    usage=N_("pending"),
    examples=("/hrc pending",),
    secretariat=True,
)
async def pending(ctx: Context, request: Request, session: AsyncSession) -> Reply:
    _ = translator(request.locale)
    cities = await city_queries.pending_cities(session)
    joiners = await city_queries.pending_focal_points_of_verified_cities(session)
    shown = cities[:20]
    others = await city_queries.city_names_in(session, [c.country for c in shown])
    repeated = {key for key, count in Counter(c.name_key for c in shown).items() if count > 1}
    items = [_pending_item(c, request.locale, near_matches(c.id, c.name_key, c.country, others),
                           named=f"{c.name} ({country_name(c.country, request.locale)})" if c.name_key in repeated else c.name)
             for c in shown]
    items += [
        Item(
            title=_("{who} asks to join {city}").format(who=member_ref(fp.member).mention(), city=fp.city.name),
            text=_("`/hrc verify #{id}` or `/hrc reject #{id}`").format(id=fp.city_id),
        )
        for fp in joiners[:10]
    ]
    if not items:
        return Reply(text=_("Nothing is waiting for a decision."))
    more = max(0, len(cities) - 20) + max(0, len(joiners) - 10)
    return Reply(
        title=_("Awaiting a decision ({count})").format(count=len(cities) + len(joiners)),
        items=tuple(items),
        # The oldest first: deciding on these brings the next ones into this list.
        footer=_.ngettext("…and {count} more, oldest first: decide on these and `/hrc pending` shows the next.",
                          "…and {count} more, oldest first: decide on these and `/hrc pending` shows the next ones.",
                          more).format(count=more) if more else None,
    )
