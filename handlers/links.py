"""`/hrc link` and `/hrc unlink`: one person on Slack and Discord is one member.

`/hrc link` on one platform gives a one-time code; `/hrc link CODE` on the other platform accepts it, and
the second account becomes another account of the same member: same city and verification, language,
subscriptions and preferences; each platform mentions that platform's account, and direct messages go to
the member's first account. A code lasts ``CODE_LIFETIME``, works once, only on another platform than the
one it was given on; only its SHA-256 is stored. `/hrc unlink` separates the accounts again.
"""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from handlers.audit import record
from handlers.common import caller, caller_if_known
from handlers.context import CODE_ALPHABET, CODE_LENGTH, Context
from handlers.errors import UserError
from handlers.grammar import as_tree_syntax
from handlers.i18n import N_, Translate, translator
from handlers.registry import command
from handlers.types import Reply, Request
from storage.models import FocalStatus, Member
from storage.queries import links as queries

CODE_LIFETIME = timedelta(minutes=10)
LINKABLE = {"slack": "Slack", "discord": "Discord"}  # platforms whose accounts can be linked (not the console)
_NOT_CODE = re.compile(r"[\s\-_.]+")


def shown(code: str) -> str:
    """``K7PMQ2XH`` → ``K7PM-Q2XH``: easier to read and to type."""
    return f"{code[:4]}-{code[4:]}"


def code_hash(typed: str) -> str:
    """The stored form of a code as typed (case, spaces and dashes ignored): SHA-256, hex."""
    return hashlib.sha256(_NOT_CODE.sub("", typed).upper().encode()).hexdigest()


def _other(platform: str) -> str:
    return next(key for key in LINKABLE if key != platform)


def _typed_on(platform: str, code: str, language: str) -> str:
    """How to write `/hrc link CODE` on ``platform``: Discord's command tree there (``/account link code:``),
    the grammar elsewhere, quoted so that no renderer rewrites it for the platform showing it."""
    typed = f"`/hrc link {shown(code)}`"
    return as_tree_syntax(typed, language) if platform == "discord" else f"“{typed.strip('`')}”"


def _accounts(member: Member) -> list[str]:
    names = [f"{LINKABLE.get(member.platform, member.platform)} ({member.display_name})"]
    return names + [f"{LINKABLE.get(a.platform, a.platform)} ({a.display_name})" for a in member.accounts]


def _check_platform(request: Request, _: Translate) -> None:
    if request.actor.platform not in LINKABLE:
        raise UserError(_("Linking joins your Slack and Discord accounts: run it on Slack or Discord."))


@command(
    "link",
    summary=N_("Link your Slack and Discord accounts: one member, one city"),
    usage=N_("link [CODE]"),
    examples=("/hrc link", "/hrc link K7PM-Q2XH"),
    main=N_("code"),
    writes=True,
    limits=(("main", 20),),
)
async def link(ctx: Context, request: Request, session: AsyncSession) -> Reply:
    """Without a code: a one-time code to type on the other platform. With one: links this account to the
    account that asked for it."""
    _ = translator(request.locale)
    _check_platform(request, _)
    if request.command.main:
        return await _accept(ctx, request, session, request.command.main, _)
    member = await caller(ctx, request, session)
    if member.accounts:  # two platforms, so one link at most
        raise UserError(_("Your Slack and Discord accounts are already linked. `/hrc unlink` separates them."))
    code = ctx.code()
    now = ctx.now()
    await queries.add_code(session, member, request.actor.platform, code_hash(code), now, now + CODE_LIFETIME)
    minutes = int(CODE_LIFETIME.total_seconds() // 60)
    return Reply(
        title=_("Your code: {code}").format(code=shown(code)),
        text=_("On {other}, type {command} within {minutes} minutes. The code works once; keep it to "
               "yourself.").format(other=LINKABLE[_other(request.actor.platform)], minutes=minutes,
                                   command=_typed_on(_other(request.actor.platform), code, _.language)),
    )


async def _accept(ctx: Context, request: Request, session: AsyncSession, typed: str, _: Translate) -> Reply:
    actor, now = request.actor, ctx.now()
    again = _("Ask for a new one with `/hrc link` on your other platform.")
    bare = _NOT_CODE.sub("", typed).upper()
    well_formed = len(bare) == CODE_LENGTH and set(bare) <= set(CODE_ALPHABET)
    found = await queries.code_by_hash(session, code_hash(typed)) if well_formed else None
    if found is None:
        raise UserError(_("“{code}” is not a code I gave. Check it, or ask for a new one.").format(code=typed), hint=again)
    if found.used_at is not None:
        raise UserError(_("This code was already used: each code works once."), hint=again)
    if now >= found.expires_at:
        raise UserError(_("This code has expired: codes last {minutes} minutes.").format(
            minutes=int(CODE_LIFETIME.total_seconds() // 60)), hint=again)
    if found.platform == actor.platform:
        raise UserError(_("This code was given on {platform}: type it on your other platform, with the account to "
                          "link.").format(platform=LINKABLE.get(found.platform, found.platform)))
    keep = await queries.member_by_id(session, found.member_id)
    assert keep is not None  # the code row goes with its member (ON DELETE CASCADE)
    drop = await caller_if_known(request, session)
    if drop is not None and drop.id == keep.id:
        raise UserError(_("These accounts are already linked."))
    if any(a.platform == actor.platform for a in keep.accounts):
        raise UserError(_("That member already has a {platform} account linked: `/hrc unlink` it first.").format(
            platform=LINKABLE[actor.platform]))
    if drop is not None:
        if drop.accounts:
            raise UserError(_("This account is linked to another one already: `/hrc unlink` it first."))
        here, there = drop.focal_point, keep.focal_point
        if here is not None and there is not None:
            if here.city_id != there.city_id:
                raise UserError(_("You represent {here} here and {there} on {platform}: a person represents one city. "
                                  "Leave one of them first (`/hrc leave`).").format(
                    here=here.city.name, there=there.city.name, platform=LINKABLE.get(keep.platform, keep.platform)))
            if here.status == FocalStatus.VERIFIED:
                there.status = FocalStatus.VERIFIED
            await session.delete(here)
            await session.flush()
            await session.refresh(drop, ["focal_point"])
    if not await queries.use_code(session, found, now):
        raise UserError(_("This code was already used: each code works once."), hint=again)
    before = _accounts(keep)
    if drop is not None:
        await queries.fold_member(session, keep, drop)
    await queries.add_account(session, keep, actor.platform, actor.workspace, actor.user_id, actor.display_name, now)
    city = keep.focal_point.city if keep.focal_point is not None else None
    await record(ctx, request, session, city=city, subject=keep.display_name,
                 before={"accounts": before}, after={"accounts": _accounts(keep)})
    text = _("Your {here} and {there} accounts are now one member: same city, verification, language and "
             "subscriptions. Each platform mentions its own account; direct messages go to {first}.").format(
        here=LINKABLE[actor.platform], there=LINKABLE.get(keep.platform, keep.platform),
        first=LINKABLE.get(keep.platform, keep.platform))
    if city is not None:
        text += " " + _("You represent {city}.").format(city=city.name)
    return Reply(title=_("Accounts linked"), text=text)


@command(
    "unlink",
    summary=N_("Separate your linked Slack and Discord accounts again"),
    usage=N_("unlink"),
    examples=("/hrc unlink",),
    writes=True,
)
async def unlink(ctx: Context, request: Request, session: AsyncSession) -> Reply:
    """Each account becomes a member of its own again. The city stays with the first account; the other
    keeps a copy of the language, subscriptions and preferences."""
    _ = translator(request.locale)
    member = await caller_if_known(request, session)
    if member is None or not member.accounts:
        raise UserError(_("Your account is not linked to another one."), hint=_("`/hrc link` links your Slack and Discord accounts."))
    actor = request.actor
    own = (member.platform, member.workspace, member.user_id) == (actor.platform, actor.workspace, actor.user_id)
    leaving = list(member.accounts) if own else [
        a for a in member.accounts if (a.platform, a.workspace, a.user_id) == (actor.platform, actor.workspace, actor.user_id)]
    before = _accounts(member)
    await queries.split_accounts(session, member, leaving, ctx.now())
    city = member.focal_point.city if member.focal_point is not None else None
    await record(ctx, request, session, city=city, subject=member.display_name,
                 before={"accounts": before}, after={"accounts": _accounts(member)})
    first = LINKABLE.get(member.platform, member.platform)
    text = _("Your accounts are separate members again; each keeps the language and subscriptions.")
    if city is not None:
        text += " " + _("{city} stays with your {platform} account.").format(city=city.name, platform=first)
    return Reply(title=_("Accounts unlinked"), text=text)
