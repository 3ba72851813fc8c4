"""Personal prompts: members subscribe to themes to be told on the UN days linked to them."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from handlers.common import caller
from handlers.context import Context
from handlers.i18n import N_, Translate, translator
from handlers.registry import command
from handlers.types import Reply, Request
from handlers.vocab import find_theme, theme_name
from storage.queries import subscriptions as subs


def _listing(themes: list[str] | tuple[str, ...], _: Translate) -> str:
    if not themes:
        return _("You have no subscriptions.")
    return _("Your subscriptions: {themes}.").format(themes=", ".join(theme_name(t, _) for t in themes))


@command(
    "subscribe",
    summary=N_("Get a personal prompt on UN days linked to a theme"),
    usage=N_("subscribe THEME"),
    examples=("/hrc subscribe water", "/hrc subscribe gender"),
    main=N_("theme"),
    main_required=True,
    writes=True,
    limits=(("main", 80),),
)
async def subscribe(ctx: Context, request: Request, session: AsyncSession) -> Reply:
    _ = translator(request.locale)
    theme = find_theme(request.command.main, _)
    member = await caller(ctx, request, session)
    added = await subs.subscribe(session, member.id, theme.slug, ctx.now())
    head = (
        _("Subscribed to {theme}: I will write to you on the UN days linked to it.")
        if added
        else _("You were already subscribed to {theme}.")
    ).format(theme=_(theme.name))
    return Reply(text=head + "\n" + _listing(await subs.member_themes(session, member.id), _))


@command(
    "unsubscribe",
    summary=N_("Stop the prompts for a theme"),
    usage=N_("unsubscribe THEME"),
    examples=("/hrc unsubscribe water",),
    main=N_("theme"),
    main_required=True,
    writes=True,
    limits=(("main", 80),),
)
async def unsubscribe(ctx: Context, request: Request, session: AsyncSession) -> Reply:
    _ = translator(request.locale)
    theme = find_theme(request.command.main, _)
    member = await caller(ctx, request, session)
    removed = await subs.unsubscribe(session, member.id, theme.slug)
    head = (_("Unsubscribed from {theme}.") if removed else _("You were not subscribed to {theme}.")).format(
        theme=_(theme.name)
    )
    return Reply(text=head + "\n" + _listing(await subs.member_themes(session, member.id), _))
