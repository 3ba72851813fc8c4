"""`/hrc language`: the language the bot uses with you."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from handlers.common import caller
from handlers.context import Context
from handlers.i18n import N_, translator
from handlers.languages import AUTONYMS, choices, parse_language
from handlers.registry import command
from handlers.types import Reply, Request


@command(
    "language",
    summary=N_("The language the bot uses with you: en, es or fr"),
    usage=N_("language [en|es|fr]"),
    examples=("/hrc language es", "/hrc language"),
    main=N_("language"),
    writes=True,
    limits=(("main", 30),),
)
async def language(ctx: Context, request: Request, session: AsyncSession) -> Reply:
    """With a language: stores it and answers in it. Without: says which language is used and why it can change."""
    _ = translator(request.locale)
    if not request.command.main:
        return Reply(
            text=_("I write to you in {language}.").format(language=AUTONYMS[_.language]),
            footer=_("Choose another with `/hrc language CODE`: {choices}.").format(choices=choices()),
        )
    chosen = parse_language(request.command.main, _)
    member = await caller(ctx, request, session)
    member.language = chosen
    _ = translator(chosen)
    return Reply(text=_("From now on I write to you in {language}.").format(language=AUTONYMS[chosen]))
