"""The one command grammar, parsed once for every platform.

``/hrc <command> [free words] [key: value]...``: a value runs to the next known key of that
command, or to the end of the line; surrounding quotes are optional. Slack hands the raw text
to ``parse``; Discord builds a ``ParsedCommand`` from typed options; both then go through
``validate`` so the rules are the same everywhere.
"""

from __future__ import annotations

import re

from handlers.errors import UserError
from handlers.i18n import Translate
from handlers.registry import COMMANDS, CommandSpec, groups
from handlers.text import suggest
from handlers.tree import discord_usage, options_of
from handlers.types import ParsedCommand, clean_input
from handlers.words import (
    command_word,
    key_spellings,
    localized_command,
    localized_key,
    option_key,
    tree_name,
)

ENTRY = "/hrc"
MAX_LINE = 6_000  # longer than any valid command (summary 2,000 + title 150 + options)
FREE_TEXT_KEYS = frozenset({"summary", "reason", "text", "title", "text_en", "text_es", "text_fr", "title_en", "title_es",
                            "title_fr"})
_QUOTES = {'"': '"', "'": "'", "“": "”", "«": "»", "‘": "’"}
_KEYLIKE = re.compile(r"(?:^|(?<=\s))([^\W\d]{2,20})\s*:(?=\s|$)")


def strip_quotes(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and _QUOTES.get(value[0]) == value[-1]:
        return value[1:-1].strip()
    return value


def _all_keys() -> set[str]:
    return {key for spec in COMMANDS.values() for key in spec.keys}


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
    second = command_word(words[1]) if len(words) > 1 else ""
    if second and f"{first} {second}" in COMMANDS:
        return COMMANDS[f"{first} {second}"], 2
    if first in COMMANDS:
        return COMMANDS[first], 1
    group = groups().get(first)
    if group:
        lines = "\n".join(usage_line(spec, _) for spec in group)
        raise UserError(_("“{word}” needs one more word:").format(word=words[0]) + "\n" + lines)
    names = [*COMMANDS, *groups()]
    close = suggest(first, names, n=2, cutoff=0.6)
    if close:
        message = _("I don't know the command “{word}”. Did you mean “{choice}”?").format(word=words[0], choice=close[0])
    else:
        message = _("I don't know the command “{word}”.").format(word=words[0])
    raise UserError(message, hint=_("`/hrc help` lists every command."))


def parse(text: str, _: Translate) -> ParsedCommand:
    line = clean_input(text).strip()
    if line[: len(ENTRY)].lower() == ENTRY and (len(line) == len(ENTRY) or line[len(ENTRY)].isspace()):
        line = line[len(ENTRY) :].strip()
    if not line:
        raise UserError(_("Type a command after /hrc."), hint=_("`/hrc help` lists every command."))
    if len(line) > MAX_LINE:
        raise UserError(_("That command is too long ({count} characters; at most {limit}).").format(count=len(line), limit=MAX_LINE))
    words = line.split()
    spec, used = find_spec(words, _)
    parts = line.split(None, used)
    rest = parts[used] if len(parts) > used else ""
    return ParsedCommand(spec.name, *_split_options(spec, rest.strip(), _))


def _key_of(word: str) -> str:
    """The English key for an option word in any language (``región`` -> ``region``)."""
    return option_key(word) or word.lower()


def _split_options(spec: CommandSpec, rest: str, _: Translate) -> tuple[str, dict[str, str]]:
    options: dict[str, str] = {}
    if spec.keys:
        spellings = [s for key in spec.keys for s in key_spellings(key)]
        pattern = re.compile(r"(?:^|(?<=\s))(" + "|".join(map(re.escape, spellings)) + r")\s*:", re.IGNORECASE)
        matches = [m for m in pattern.finditer(rest) if _key_of(m.group(1)) in spec.keys]
    else:
        matches = []
    main = rest[: matches[0].start()] if matches else rest
    _reject_unknown_keys(spec, main, _)
    for index, match in enumerate(matches):
        key = _key_of(match.group(1))
        end = matches[index + 1].start() if index + 1 < len(matches) else len(rest)
        value = rest[match.end() : end]
        if key in options:
            raise UserError(_("The option “{key}:” is given twice.").format(key=key), usage_of=spec.name)
        if key not in FREE_TEXT_KEYS:
            _reject_unknown_keys(spec, value, _)
        options[key] = strip_quotes(value)
    return strip_quotes(main), options


def _reject_unknown_keys(spec: CommandSpec, segment: str, _: Translate) -> None:
    """``contry: France`` or ``region:`` on a command without it: say so instead of swallowing it."""
    known_elsewhere = _all_keys()
    for match in _KEYLIKE.finditer(segment):
        word = match.group(1).lower()
        if _key_of(word) in spec.keys:
            continue
        # Suggested in the reader's words when the typo is closer to them (``regoin:`` -> ``region:``, ``regíon:`` -> ``región:``).
        spellings = sorted({*spec.keys, *(localized_key(key, _.language) for key in spec.keys)})
        close = suggest(word, spellings, n=1, cutoff=0.75) if spec.keys else []
        if close:
            raise UserError(
                _("Unknown option “{word}:”. Did you mean “{choice}:”?").format(word=word, choice=close[0]),
                usage_of=spec.name,
            )
        if _key_of(word) in known_elsewhere:
            raise UserError(
                _("“{command}” has no option “{word}:”.").format(command=localized_command(spec.name, _.language), word=word),
                usage_of=spec.name,
            )


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
        listed = ", ".join(f"{localized_key(key, _.language)}:" for key in missing)
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


def localized_line(line: str, language: str) -> str:
    """A command as the grammar writes it (``announce confirm 1``) with its command words in ``language``
    (``anunciar confirmar 1``), for text that shows commands (the console's buttons); a line that names no
    command is returned as it is."""
    words = line.split()
    if not words:
        return line
    try:
        spec, used = find_spec(words, str)  # type: ignore[arg-type]  # the identity: no message is shown
    except UserError:
        return line
    rest = line.split(None, used)[used] if len(words) > used else ""
    return " ".join(part for part in (localized_command(spec.name, language), rest) if part)


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
    identity: Translate = str
    try:
        spec, used = find_spec(words, identity)
        rest = quoted.split(None, used + 1)[used + 1] if len(quoted.split()) > used + 1 else ""
        if "[" in rest:
            return discord_usage(spec, language)
        main, options = _split_options(spec, rest.strip(), identity)
    except UserError:
        return quoted
    leaf = {option.key: option.name for option in options_of(spec)}
    parts = ["/" + " ".join(tree_name(word, language) for word in spec.place)]
    if main:
        parts.append(f"{tree_name(leaf.get('', 'main'), language)}: {main}")
    parts += [f"{tree_name(leaf.get(key, key), language)}: {value}" for key, value in options.items()]
    return " ".join(parts)
