"""`/hrc help`: the list of commands, or one command's usage with examples.

On Discord, commands are written as the command tree shows them (``/secretariat announce send id:``),
so help lists them that way, accepts a place in the tree (``calendar``, ``secretariat announce``) as
well as a grammar name, and lists each command's options.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from handlers.context import Context
from handlers.errors import UserError
from handlers.grammar import ENTRY, suggest_command, usage_line
from handlers.i18n import LANGUAGES, N_, Translate, translator
from handlers.registry import COMMANDS, CommandSpec, command, groups
from handlers.text import suggest
from handlers.tree import describe_options, find, leaves
from handlers.types import Field, Item, Reply, Request
from handlers.words import command_word, tree_name

DISCORD = "discord"

# The list's order: what a focal point does first (register, describe the city, find others, share), then
# the calendar, personal prompts and settings; the secretariat's commands after everyone's. A command not
# named here goes last in its group.
HELP_ORDER = (
    "help", "register", "profile", "theme add", "theme remove", "themes", "who", "share", "practices",
    "days", "day", "days export", "act", "act remove", "subscribe", "unsubscribe", "pause", "resume",
    "language", "link", "unlink", "leave", "progress", "channels",
    "pending", "verify", "reject", "merge", "transfer", "announce", "announce confirm", "announce cancel",
    "announce status", "announcements", "channel set", "channel unset", "days add", "days remove", "acting",
    "export", "audit",
)


def _listed(spec: CommandSpec) -> tuple[bool, int]:
    return spec.secretariat, HELP_ORDER.index(spec.name) if spec.name in HELP_ORDER else len(HELP_ORDER)


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
    if request.actor.platform == DISCORD:
        return _tree_help(name, is_secretariat, _)
    if not name:
        items = tuple(
            Item(title=usage_line(spec, _), text=_(spec.summary) + (" " + _("(secretariat)") if spec.secretariat else ""))
            for spec in sorted(COMMANDS.values(), key=_listed)
            if is_secretariat or not spec.secretariat
        )
        return Reply(
            title=_("Human Rights Cities bot: commands"),
            items=items,
            footer=_("`/hrc help COMMAND` shows examples. Options are written key: value."),
        )
    typed, name = name, " ".join(command_word(word) for word in name.split())  # `ayuda quién` is `help who`
    # "days" is both a command and the first word of "days add" / "days remove": show them all.
    specs = _specs_named(name)
    if not specs:
        close = suggest_command(typed, _.language)
        hint = _("Did you mean “{choice}”?").format(choice=close) if close else _("`/hrc help` lists every command.")
        raise UserError(_("There is no command “{name}”.").format(name=typed), hint=hint)
    fields = []
    for spec in specs:
        lines = [_(spec.summary)]
        if spec.secretariat:
            lines.append(_("For the campaign secretariat."))
        lines += [_("Example: {example}").format(example=_(e)) for e in spec.examples]
        fields.append(Field(usage_line(spec, _), "\n".join(lines), inline=False))
    return Reply(title=_("Help: {name}").format(name=typed), fields=tuple(fields))


def _tree_help(name: str, is_secretariat: bool, _: Translate) -> Reply:
    """Help in the command tree's syntax: every command, or the ones at or under a place of the tree."""
    if not name:
        items = tuple(
            Item(title=usage_line(leaf.spec, _, DISCORD),
                 text=_(leaf.spec.summary) + (" " + _("(secretariat)") if leaf.spec.secretariat else ""))
            for leaf in sorted(leaves(), key=lambda leaf: leaf.path)
            if is_secretariat or not leaf.spec.secretariat
        )
        return Reply(
            title=_("Human Rights Cities bot: commands"),
            items=items,
            footer=_("`/help command:` shows a command's options."),
        )
    specs = [leaf.spec for leaf in find(name)] or _specs_named(name)
    if not specs:
        # Paths as a client in any language shows them, suggested as the reader's client does.
        paths = {" ".join(tree_name(word, language) for word in leaf.path): leaf.path
                 for leaf in leaves() for language in LANGUAGES}
        close = suggest(name.removeprefix("/"), list(paths), n=1)
        hint = (_("Did you mean “{choice}”?").format(choice="/" + " ".join(tree_name(w, _.language) for w in paths[close[0]]))
                if close else _("`/help` lists every command."))
        raise UserError(_("There is no command “{name}”.").format(name=name), hint=hint)
    fields = []
    for spec in specs:
        lines = [_(spec.summary)]
        if spec.secretariat:
            lines.append(_("For the campaign secretariat."))
        if options := describe_options(spec, _):
            lines.append(options)
        fields.append(Field(usage_line(spec, _, DISCORD), "\n".join(lines), inline=False))
    return Reply(title=_("Help: {name}").format(name="/" + name.removeprefix("/")), fields=tuple(fields))


def _specs_named(name: str) -> list[CommandSpec]:
    """A grammar name (``announce confirm``) or group (``days``), for those who know Slack's syntax."""
    return ([COMMANDS[name]] if name in COMMANDS else []) + groups().get(name, [])
