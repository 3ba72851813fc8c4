"""The one command grammar, parsed once for every platform.

``/hrc <command> [free words] [key: value]...``: a value runs to the next key of that command (in any
of the three languages, ``handlers.words``), or to the end of the line; surrounding quotes are optional,
and a quoted value may hold ``word:`` as text. Any other ``word:`` is refused rather than kept inside
the value before it (``handlers.keys``). Slack hands the raw text
to ``parse``; Discord builds a ``ParsedCommand`` from typed options; both then go through
``validate`` so the rules are the same everywhere.
"""

from __future__ import annotations

import re

from handlers.errors import UserError
from handlers.i18n import Translate, translator
from handlers.keys import check_value, key_of, next_key
from handlers.options import is_free_text
from handlers.registry import COMMANDS, CommandSpec, groups
from handlers.text import strip_invisible, suggest
from handlers.tree import discord_usage, options_of
from handlers.types import ParsedCommand, clean_input
from handlers.words import command_spellings, command_word, localized_command, localized_key, tree_name

ENTRY = "/hrc"
MAX_LINE = 6_000  # longer than any valid command (summary 2,000 + title 150 + options)
_QUOTES = {'"': '"', "'": "'", "“": "”", "«": "»", "‘": "’"}


def strip_quotes(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and _QUOTES.get(value[0]) == value[-1]:
        return value[1:-1].strip()
    return value


def usage_line(spec: CommandSpec, _: Translate, platform: str = "") -> str:
    """How to write the command: the grammar's ``/hrc who THEME [region: REGION]``, or on Discord its
    place in the command tree with its options, ``/who theme: [region:]``."""
    if platform == "discord":
        return discord_usage(spec, _.language)
    return f"{ENTRY} {_(spec.usage)}"


def find_spec(words: list[str], _: Translate) -> tuple[CommandSpec, int]:
    """The command named by the first one or two words in any language, and how many words its name took.

    Raises ``UserError`` (with a suggestion) when no command has that name.
    """
    first = command_word(words[0])
    # ``announce confirm: 3`` is announce with a key, not ``announce confirm``.
    second = command_word(words[1]) if len(words) > 1 and not words[1].endswith(":") else ""
    if second and f"{first} {second}" in COMMANDS:
        return COMMANDS[f"{first} {second}"], 2
    if first in COMMANDS:
        return COMMANDS[first], 1
    group = groups().get(first)
    if group:
        lines = "\n".join(usage_line(spec, _) for spec in group)
        raise UserError(_("“{word}” needs one more word:").format(word=words[0]) + "\n" + lines)
    close = suggest_command(words[0], _.language)
    if close:
        message = _("I don't know the command “{word}”. Did you mean “{choice}”?").format(word=words[0], choice=close)
    else:
        message = _("I don't know the command “{word}”.").format(word=words[0])
    raise UserError(message, hint=_("`/hrc help` lists every command."))


def suggest_command(word: str, language: str) -> str | None:
    """The command or group (``theme``) that ``word`` looks like a typo of in any language, as ``language``
    writes it (``pausr`` -> ``pausar`` in Spanish); None when none is close."""
    names = {spelling: name for name in [*COMMANDS, *groups()] for spelling in command_spellings(name)}
    close = suggest(word, list(names), n=1, cutoff=0.6)
    return localized_command(names[close[0]], language) if close else None


def parse(text: str, _: Translate) -> ParsedCommand:
    line = clean_input(text).strip()
    if line[: len(ENTRY)].lower() == ENTRY and (len(line) == len(ENTRY) or line[len(ENTRY)].isspace()):
        line = line[len(ENTRY) :].strip()
    if not strip_invisible(line).strip():  # nothing, or only zero-width characters
        raise UserError(_("Type a command after /hrc."), hint=_("`/hrc help` lists every command."))
    if len(line) > MAX_LINE:
        raise UserError(_("That command is too long ({count} characters; at most {limit}).").format(count=len(line), limit=MAX_LINE))
    words = line.split()
    spec, used = find_spec(words, _)
    parts = line.split(None, used)
    rest = parts[used] if len(parts) > used else ""
    return ParsedCommand(spec.name, *split_options(spec, rest.strip(), _))


def split_options(spec: CommandSpec, rest: str, _: Translate) -> tuple[str, dict[str, str]]:
    """The free words and the ``key: value`` options of ``rest``, each value as typed (quotes stripped).

    Raises ``UserError`` for an option given twice and for a ``word:`` that is not a key of the command
    (``handlers.keys``): it is never kept as part of the value before it.
    """
    main, options = "", {}
    previous: str | None = None
    for key, value, quoted in _pieces(spec, rest):
        if not quoted:
            check_value(spec, key, value, _)
        if key is None:
            main = strip_quotes(value)
            continue
        if key in options:
            # Most often the key's word inside a text before it ("summary: In summary: …"): quotes keep it there.
            hint = _("If the colon is part of your text, put the text in quotes: `{example}`.").format(
                example=f'{localized_key(previous, _.language)}: "…"') if previous and is_free_text(spec.name, previous) else None
            raise UserError(_("The option “{key}:” is given twice.").format(key=localized_key(key, _.language)),
                            usage_of=spec.name, hint=hint)
        options[key] = strip_quotes(value)
        previous = key
    return main, options


def _pieces(spec: CommandSpec, rest: str) -> list[tuple[str | None, str, bool]]:
    """``rest`` cut at the keys of ``spec``: (its English key, None for the free words; the value; whether the
    value is in quotes). A value opening with a quote runs to the closing quote that ends it (followed by the
    end or by a key), so a ``key:`` inside quotes is part of it."""
    pieces: list[tuple[str | None, str, bool]] = []
    key, start = None, 0
    while True:
        closed = _quoted_end(spec, rest, start)
        following = next_key(spec, rest, closed if closed is not None else start,
                             in_prose=closed is None and is_free_text(spec.name, key))
        stop = following.start() if following else len(rest)
        pieces.append((key, rest[start:stop], closed is not None))
        if following is None:
            return pieces
        key, start = key_of(spec, following.group(1)), following.end()


def _quoted_end(spec: CommandSpec, rest: str, start: int) -> int | None:
    """Where the quoted value starting at ``start`` ends (after its closing quote); None when it is not quoted."""
    opening = len(rest) - len(rest[start:].lstrip())
    closing = _QUOTES.get(rest[opening : opening + 1])
    if closing is None:
        return None
    end = rest.find(closing, opening + 1)
    while end != -1:
        after = end + 1
        if not rest[after:].strip():
            return after
        following = next_key(spec, rest, after) if rest[after].isspace() else None
        if following is not None and not rest[after : following.start()].strip():
            return after
        end = rest.find(closing, after)
    return None


def validate(spec: CommandSpec, parsed: ParsedCommand, _: Translate) -> None:
    """Checks shared by every platform: required options, free words, length limits."""
    if spec.main is None and parsed.main:
        raise UserError(
            _("“{command}” takes no free words (got “{words}”).").format(
                command=localized_command(spec.name, _.language), words=parsed.main[:60]),
            usage_of=spec.name,
        )
    if spec.main_required and not parsed.main:
        label = _(spec.main) if spec.main else ""
        prompt = _(spec.main_prompt) if spec.main_prompt else _("Tell me the {what}.").format(what=label)
        raise UserError(prompt, usage_of=spec.name, field="main")
    missing = [key for key in spec.required if not parsed.opt(key)]
    if missing:
        listed = _.list(f"`{localized_key(key, _.language)}:`" for key in missing)  # `país:` y `región:`
        raise UserError(_("Missing: {options}").format(options=listed), usage_of=spec.name, field=missing[0])
    for key, limit in spec.limits:
        value = parsed.main if key == "main" else parsed.opt(key)
        if len(value) > limit:
            # The label without its colon: the message's own colon follows it in every language.
            label = (_(spec.main) if spec.main else "") if key == "main" else localized_key(key, _.language)
            raise UserError(
                _("{label}: too long, {count} characters, at most {limit}.").format(
                    label=label, count=len(value), limit=limit
                ),
                usage_of=spec.name,
                field=key,
            )


_QUOTED_COMMAND = re.compile(r"`(/hrc(?:[ \t][^`\n]*)?)`")


def as_tree_syntax(text: str, language: str = "en") -> str:
    """Commands quoted in the bot's own text (```/hrc who housing```) as the command tree writes them
    (```/who theme: housing```), for platforms that show the tree (Discord). A quote that does not
    parse as a command is left as it is; usage-like quotes (with ``[…]``) become the tree's usage."""
    return _QUOTED_COMMAND.sub(lambda match: f"`{_tree_command(match.group(1), language)}`", text)


def _tree_command(quoted: str, language: str = "en") -> str:
    words = quoted.split()[1:]
    if not words:
        return "/help"
    identity = translator("en")  # no message is shown
    try:
        spec, used = find_spec(words, identity)
        rest = quoted.split(None, used + 1)[used + 1] if len(quoted.split()) > used + 1 else ""
        if "[" in rest:
            return discord_usage(spec, language)
        main, options = split_options(spec, rest.strip(), identity)
    except UserError:
        return quoted
    leaf = {option.key: option.name for option in options_of(spec)}
    parts = ["/" + " ".join(tree_name(word, language) for word in spec.place)]
    if main:
        parts.append(f"{tree_name(leaf.get('', 'main'), language)}: {main}")
    parts += [f"{tree_name(leaf.get(key, key), language)}: {value}" for key, value in options.items()]
    return " ".join(parts)
