"""`/hrc help`: the list of commands, or one command's usage with examples."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from handlers.context import Context
from handlers.errors import UserError
from handlers.grammar import ENTRY, usage_line
from handlers.i18n import N_, translator
from handlers.registry import COMMANDS, command, groups
from handlers.text import suggest
from handlers.types import Field, Item, Reply, Request


@command(
    "help",
    summary=N_("List of commands, or how to use one"),
    usage=N_("help [COMMAND]"),
    examples=("/hrc help", "/hrc help register"),
    main=N_("command"),
    limits=(("main", 40),),
)
async def help_command(ctx: Context, request: Request, session: AsyncSession) -> Reply:
    _ = translator(request.locale)
    name = " ".join(request.command.main.lower().split()).removeprefix(ENTRY).strip()
    is_secretariat = ctx.is_secretariat(request.actor)
    if not name:
        items = tuple(
            Item(title=usage_line(spec, _), text=_(spec.summary) + (" " + _("(secretariat)") if spec.secretariat else ""))
            for spec in COMMANDS.values()
            if is_secretariat or not spec.secretariat
        )
        return Reply(
            title=_("Human Rights Cities bot: commands"),
            items=items,
            footer=_("`/hrc help COMMAND` shows examples. Options are written key: value."),
        )
    # "days" is both a command and the first word of "days add" / "days remove": show them all.
    specs = ([COMMANDS[name]] if name in COMMANDS else []) + groups().get(name, [])
    if not specs:
        close = suggest(name, [*COMMANDS, *groups()], n=1)
        hint = _("Did you mean “{choice}”?").format(choice=close[0]) if close else _("`/hrc help` lists every command.")
        raise UserError(_("There is no command “{name}”.").format(name=name), hint=hint)
    fields = []
    for spec in specs:
        lines = [_(spec.summary)]
        if spec.secretariat:
            lines.append(_("For the campaign secretariat."))
        lines += [_("Example: {example}").format(example=e) for e in spec.examples]
        fields.append(Field(usage_line(spec, _), "\n".join(lines), inline=False))
    return Reply(title=_("Help: {name}").format(name=name), fields=tuple(fields))
