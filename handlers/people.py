"""Focal points coming and going: `/hrc leave` (a focal point leaves their city) and `/hrc transfer`
(the secretariat hands a city to another person)."""

from __future__ import annotations

import re

from sqlalchemy.ext.asyncio import AsyncSession

from handlers.audit import record
from handlers.common import (
    WITHDRAWN_REASON,
    caller_if_known,
    confirmation,
    member_ref,
    own_focal_point,
    resolve_city,
)
from handlers.context import Context
from handlers.errors import UserError
from handlers.i18n import N_, Translate, translator
from handlers.languages import recipient_language
from handlers.registry import command
from handlers.text import fold
from handlers.types import Action, Actor, Notice, NoticeTarget, Reply, Request, parse_mention
from storage.models import City, CityStatus, FocalPoint, FocalStatus, Member
from storage.queries import cities as city_queries
from storage.queries.members import find_member, members_on, upsert_member

# A mention as the platforms write it: Slack's escaped ``<@U123|name>``, Discord's ``<@123>`` / ``<@!123>``
# (the Discord adapter passes a picked member as ``<@123|name>``); anything else is a name: ``@maria``.
_MENTION = re.compile(r"<@!?([A-Za-z0-9._@-]{1,64})(?:\|([^>]{0,200}))?>")


def _described(member: Member) -> str:
    return f"{member.display_name} ({member.platform}:{member.user_id})"


async def mentioned_member(session: AsyncSession, ctx: Context, text: str, actor: Actor, _: Translate) -> Member:
    """The member ``text`` names on the actor's platform and workspace: a mention (checked with
    ``parse_mention``: the id must have the platform's shape), or ``@name`` among the people the bot knows
    there (display name or user id, matched on the key). A mentioned person the bot has never seen
    becomes a member. Raises UserError (field ``to``) when it names nobody, or several people."""
    text = text.strip()
    match = _MENTION.fullmatch(text)
    if match:
        user_id, name = match.group(1), (match.group(2) or match.group(1)).replace("|", "/")
        ref = parse_mention(f"{actor.platform}|{actor.workspace}|{user_id}|{name}")
        if ref is None:
            raise UserError(_("“{text}” is not a person on this platform.").format(text=text), field="to")
        known = await find_member(session, ref.platform, ref.workspace, ref.user_id)
        return known or await upsert_member(session, ref.platform, ref.workspace, ref.user_id, name, ctx.now())
    name = text.removeprefix("@").strip()
    key = fold(name)
    if not key:  # `to: @` or signs only: nobody is named
        raise UserError(_("Name the person: `@name`, picked from the list."), field="to")
    found = list({m.id: m for m, shown, user_id in await members_on(session, actor.platform, actor.workspace)
                  if fold(shown) == key or user_id == name}.values())
    if len(found) == 1:
        return found[0]
    if len(found) > 1:
        raise UserError(_("Several people here are called “{name}”: mention the one you mean (@name, picked from "
                          "the list).").format(name=name), field="to")
    raise UserError(_("I don't know “{name}” here yet. Mention them (picked from the list), or ask them to use the "
                      "bot once (for example `/hrc subscribe` to a theme) so that I know them.").format(name=name),
                    field="to")


def _notice(ctx: Context, member: Member, key: str, languages: str, text: str, **values: str) -> Notice:
    """A direct message to ``member`` in their language; ``text`` is an N_-marked message with ``values``."""
    _ = translator(recipient_language(ctx, member, languages))
    return Notice(target=NoticeTarget.MEMBER, member=member_ref(member), key=f"{key}:{member.id}",
                  reply=Reply(text=_(text).format(**values)))


def _left(_: Translate, member: Member, city: str, city_id: int) -> str:
    """The secretariat's notice that a city's last confirmed focal point left."""
    return _("{who} left {city}, which has no confirmed focal point now. `/hrc transfer #{id} to: @person` hands it "
             "to someone.").format(who=member_ref(member).mention(), city=city, id=city_id)


@command(
    "leave",
    summary=N_("Stop being a focal point of your city"),
    usage=N_("leave [confirm: yes]"),
    examples=("/hrc leave", "/hrc leave confirm: yes"),
    keys=("confirm",),
    writes=True,
    limits=(("confirm", 10),),
)
async def leave(ctx: Context, request: Request, session: AsyncSession) -> Reply:
    """Asks first (with a button); with ``confirm: yes`` the caller stops being a focal point. The last
    confirmed focal point of a verified city is warned that the city stays in the directory without a
    contact, and the secretariat is told when it happens."""
    _ = translator(request.locale)
    member = await caller_if_known(request, session)
    focal = own_focal_point(member, _)
    assert member is not None
    city = await city_queries.city_by_id(session, focal.city_id) or focal.city
    remaining = [fp for fp in city.focal_points if fp.member_id != member.id]
    # Asked to join a verified city and not confirmed yet: leaving withdraws the request; the city's contacts
    # do not change, so nobody is warned and the secretariat is not told.
    joining = focal.status == FocalStatus.PENDING and city.status == CityStatus.VERIFIED
    last = not joining and city.status == CityStatus.VERIFIED and not any(
        fp.status == FocalStatus.VERIFIED for fp in remaining)
    confirmed = confirmation(request.command.opt("confirm"), _)
    if joining:
        return await _withdraw(ctx, request, session, member, focal, city, confirmed, _)
    if city.status == CityStatus.PENDING and not remaining:  # nobody else behind a registration not decided yet
        return await _withdraw_registration(ctx, request, session, member, focal, city, confirmed, _)
    if confirmed is False:
        return Reply(text=_("Nothing changed: you are still a focal point of {city}.").format(city=city.name))
    if confirmed is None:
        text = _("Do you want to stop being a focal point of {city}?").format(city=city.name)
        if last:
            text += "\n" + _("You are its last focal point: {city} stays in the directory, verified, but without a "
                             "contact until the secretariat hands it to someone.").format(city=city.name)
        return Reply(
            title=_("Leave {city}?").format(city=city.name),
            text=text,
            footer=_("Or type `/hrc leave confirm: yes`."),
            actions=(Action(_("Leave {city}").format(city=city.name), "leave confirm: yes", style="danger",
                            action_id="leave"),),
        )
    who = _described(member)
    await session.delete(focal)
    await session.flush()
    await record(ctx, request, session, city=city, before={"focal point": f"{who}: {focal.status}"},
                 after={"focal point": f"{who}: left"})
    text = _("You are no longer a focal point of {city}.").format(city=city.name)
    notices: tuple[Notice, ...] = ()
    if last or not remaining:
        text += " " + _("{city} has no confirmed focal point now; the secretariat was told.").format(city=city.name)
        notices = (Notice(target=NoticeTarget.SECRETARIAT, key=f"left:{city.id}:{member.id}:{int(ctx.now().timestamp())}",
                          reply=Reply(text=_left(translator(ctx.default_language), member, city.name, city.id))),)
    return Reply(text=text, notices=notices)


async def _withdraw(ctx: Context, request: Request, session: AsyncSession, member: Member, focal: FocalPoint,
                    city_row: City, confirmed: bool | None, _: Translate) -> Reply:
    """`/hrc leave` by someone who asked to join a verified city and was not confirmed yet."""
    city = city_row.name
    if confirmed is False:
        return Reply(text=_("Nothing changed: your request to join {city} still awaits the secretariat.").format(
            city=city))
    if confirmed is None:
        return Reply(
            title=_("Withdraw your request to join {city}?").format(city=city),
            text=_("You asked to join {city} as a focal point; the secretariat has not confirmed it yet. Do you "
                   "want to withdraw your request?").format(city=city),
            footer=_("Or type `/hrc leave confirm: yes`."),
            actions=(Action(_("Withdraw request"), "leave confirm: yes", style="danger", action_id="leave"),),
        )
    who = _described(member)
    await session.delete(focal)
    await session.flush()
    await record(ctx, request, session, city=city_row, action="leave (withdraw request)",
                 before={"focal point": f"{who}: {focal.status}"}, after={"focal point": f"{who}: withdrawn"})
    return Reply(text=_("You withdrew your request to join {city}.").format(city=city))


def _registration_withdrawn(_: Translate, member: Member, city: str, city_id: int) -> str:
    """The secretariat's notice that the only focal point of a pending city withdrew its registration."""
    return _("{who} withdrew the registration of {city} (#{id}): it no longer awaits a decision.").format(
        who=member_ref(member).mention(), city=city, id=city_id)


async def _withdraw_registration(ctx: Context, request: Request, session: AsyncSession, member: Member,
                                 focal: FocalPoint, city_row: City, confirmed: bool | None, _: Translate) -> Reply:
    """`/hrc leave` by the only focal point of a city the secretariat has not decided on: the registration is
    withdrawn. The city is declined as `/hrc reject` declines it (kept, so that its trail stays readable and
    registering it again reopens it), with the reason "withdrawn by the registrant"; the secretariat is told."""
    city = city_row.name
    if confirmed is False:
        return Reply(text=_("Nothing changed: the registration of {city} still awaits the secretariat.").format(city=city))
    if confirmed is None:
        return Reply(
            title=_("Withdraw the registration of {city}?").format(city=city),
            text=_("You are the only focal point of {city}, which the secretariat has not verified yet. Do you want "
                   "to withdraw its registration? It will no longer await a decision, and the secretariat will be "
                   "told.").format(city=city),
            footer=_("Or type `/hrc leave confirm: yes`."),
            actions=(Action(_("Withdraw registration"), "leave confirm: yes", style="danger", action_id="leave"),),
        )
    who = _described(member)
    before = {"status": city_row.status, "focal points": [f"{who}: {focal.status}"]}
    city_row.status, city_row.reject_reason = CityStatus.REJECTED, WITHDRAWN_REASON
    await session.delete(focal)
    await session.flush()
    await record(ctx, request, session, city=city_row, action="leave (withdraw registration)", before=before,
                 after={"status": city_row.status, "reason": WITHDRAWN_REASON,
                        "focal points": [f"{who}: registration withdrawn"]})
    notice = Notice(target=NoticeTarget.SECRETARIAT, key=f"withdrawn:{city_row.id}:{member.id}:{int(ctx.now().timestamp())}",
                    reply=Reply(text=_registration_withdrawn(translator(ctx.default_language), member, city, city_row.id)))
    return Reply(text=_("You withdrew the registration of {city}; the secretariat was told.").format(city=city),
                 notices=(notice,))


@command(
    "transfer",
    summary=N_("Hand a city to another person as its focal point"),
    usage=N_("transfer CITY to: @PERSON [country: NAME]"),
    examples=("/hrc transfer Grenoble to: @maria",),
    keys=("to", "country"),
    required=("to",),
    main=N_("city"),
    main_required=True,
    secretariat=True,
    writes=True,
    limits=(("main", 100), ("to", 300), ("country", 80)),
)
async def transfer(ctx: Context, request: Request, session: AsyncSession) -> Reply:
    """The person named becomes the city's focal point (confirmed when the city is verified) and its
    previous focal points stop being so; all of them are told."""
    _ = translator(request.locale)
    city = await resolve_city(ctx, request, session, request.command.main, request.command.opt("country"), _)
    if city.status == CityStatus.REJECTED:
        raise UserError(_("{city} was declined: there is nothing to hand over.").format(city=city.name))
    person = await mentioned_member(session, ctx, request.command.opt("to"), request.actor, _)
    held = person.focal_point
    if held is not None and held.city_id != city.id and held.status == FocalStatus.PENDING \
            and held.city.status == CityStatus.VERIFIED:  # only asked to join: not its focal point
        raise UserError(_("{who} asked to join {city} and is not confirmed yet: decline that request first "
                          "(`/hrc reject #{id}`), or they withdraw it with `/hrc leave`.").format(
            who=person.display_name, city=held.city.name, id=held.city_id))
    if held is not None and held.city_id != city.id:
        raise UserError(_("{who} already represents {city}: they must leave it first (`/hrc leave`).").format(
            who=person.display_name, city=held.city.name))
    status = FocalStatus.VERIFIED if city.status == CityStatus.VERIFIED else FocalStatus.PENDING
    previous = [fp for fp in city.focal_points if fp.member_id != person.id]
    if held is not None and held.status == status and not previous:  # nothing would change: nobody is told
        return Reply(text=_("{who} is already the only focal point of {city}: nothing to hand over.").format(
            who=member_ref(person).mention(), city=city.name))
    before = {"focal points": [f"{_described(fp.member)}: {fp.status}" for fp in city.focal_points]}
    notices = [_notice(ctx, fp.member, f"transfer:{city.id}:{person.id}", city.languages,
                       N_("The secretariat handed {city} over to {who}: you are no longer its focal point."),
                       city=city.name, who=member_ref(person).mention()) for fp in previous]
    for fp in previous:
        await session.delete(fp)
    await session.flush()
    if held is None:
        await city_queries.add_focal_point(session, person, city, status, ctx.now())
    else:
        held.status = status
    await session.flush()
    await record(ctx, request, session, city=city, before=before,
                 after={"focal points": [f"{_described(person)}: {status}"]})
    notices.append(_notice(ctx, person, f"transfer:{city.id}:{person.id}", city.languages,
                           N_("The secretariat handed {city} to you: you are now its focal point."), city=city.name))
    return Reply(
        text=(_.ngettext("{city} is now in the hands of {who}; the previous focal point was told.",
                         "{city} is now in the hands of {who}; the {count} previous focal points were told.", len(previous))
              if previous else _("{city} is now in the hands of {who}.")
              ).format(city=city.name, who=member_ref(person).mention(), count=len(previous)),
        notices=tuple(notices),
    )

