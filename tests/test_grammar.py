"""The one grammar: command names, key: value options, quotes, unknown keys, limits."""

from __future__ import annotations

import pytest

from handlers.errors import UserError
from handlers.grammar import parse, validate
from handlers.i18n import translator
from handlers.registry import COMMANDS, load_all

load_all()
_ = translator("en")


def test_options_run_to_the_next_known_key() -> None:
    cmd = parse("/hrc register city: Mexico City country: Mexico region: latin america themes: housing, water", _)
    assert cmd.name == "register"
    assert cmd.options == {
        "city": "Mexico City", "country": "Mexico", "region": "latin america", "themes": "housing, water",
    }


def test_free_words_fill_the_main_argument_and_keys_are_case_insensitive() -> None:
    cmd = parse("/hrc who  right to the city  REGION: Europe", _)
    assert (cmd.name, cmd.main, cmd.options) == ("who", "right to the city", {"region": "Europe"})


def test_two_word_commands_and_optional_entry() -> None:
    assert parse("theme add housing", _).name == "theme add"
    assert parse("/HRC theme remove water", _).main == "water"


def test_quotes_are_optional() -> None:
    cmd = parse('/hrc share title: "Water: a right" themes: water summary: “Kiosks, with: colons”', _)
    assert cmd.options["title"] == "Water: a right"
    assert cmd.options["summary"] == "Kiosks, with: colons"


def test_links_are_not_mistaken_for_keys() -> None:
    cmd = parse("/hrc share title: T themes: water summary: S link: https://example.org/a:b", _)
    assert cmd.options["link"] == "https://example.org/a:b"


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("", "Type a command after /hrc"),
        ("/hrc", "Type a command after /hrc"),
        ("/hrc \u200b\u2060", "Type a command after /hrc"),  # it echoed the invisible characters as a command
        ("/hrc registr city: X", "Did you mean “register”"),
        ("/hrc register city: X contry: Y", "Did you mean “country:”"),
        ("/hrc practices water region: Europe", "has no option “region:”"),
        ("/hrc who housing region: Europe region: Africa", "given twice"),
        ("/hrc theme", "needs one more word"),
    ],
)
def test_bad_lines_explain_themselves(line: str, expected: str) -> None:
    with pytest.raises(UserError) as error:
        parse(line, _)
    assert expected in error.value.message


def test_a_key_repeated_inside_a_text_is_told_to_quote_the_text() -> None:
    """`summary: In summary: fine` repeats `summary:`; the refusal says how to keep the words (quotes), and
    the quoted text then holds them. A short value's repeat gets no such hint."""
    with pytest.raises(UserError) as error:
        parse("/hrc share title: C themes: housing summary: In summary: fine", _)
    assert "given twice" in error.value.message and error.value.hint is not None
    assert '`summary: "…"`' in error.value.hint, error.value.hint
    spanish = translator("es")
    with pytest.raises(UserError) as error:
        parse("/hrc compartir título: F temas: vivienda resumen: En resumen: bien", spanish)
    assert error.value.hint is not None and '`resumen: "…"`' in error.value.hint, error.value.hint
    assert parse('/hrc share title: C themes: housing summary: "In summary: fine"', _).options["summary"] == "In summary: fine"
    with pytest.raises(UserError) as error:
        parse("/hrc who housing region: Europe region: Africa", _)
    assert error.value.hint is None


def test_validate_required_main_limits_and_free_words() -> None:
    spec = COMMANDS["share"]
    with pytest.raises(UserError) as missing:
        validate(spec, parse("/hrc share title: x", _), _)
    assert "`themes:` and `summary:`" in missing.value.message and missing.value.field == "themes"
    with pytest.raises(UserError) as too_long:
        validate(spec, parse(f"/hrc share title: {'x' * 151} themes: water summary: s", _), _)
    assert "151 characters, at most 150" in too_long.value.message
    with pytest.raises(UserError) as stray:
        validate(COMMANDS["themes"], parse("/hrc themes please", _), _)
    assert "takes no free words" in stray.value.message


def test_every_command_has_usage_summary_and_an_example_that_parses() -> None:
    for spec in COMMANDS.values():
        assert spec.usage and spec.summary and spec.examples, spec.name
        for example in spec.examples:
            parsed = parse(example, _)
            assert parsed.name == spec.name, example
            validate(spec, parsed, _)


async def test_help_for_a_word_that_is_a_command_and_a_group_lists_both(chat) -> None:  # type: ignore[no-untyped-def]
    from bot.render_text import render_text

    text = render_text(await chat.say("sec", "/hrc help days"))
    assert "/hrc days [MONTH]" in text and "/hrc days add name:" in text and "/hrc days remove NAME" in text


@pytest.mark.parametrize(("language", "line", "said", "usage"), [
    ("en", "/hrc channel set", "Say what this channel gets: “days” (UN-day prompts) or “announcements”",
     "/hrc channel set days|announcements"),
    ("en", "/hrc export", "Say what to export: “cities” or “practices”.", "/hrc export cities|practices"),
    ("en", "/hrc announce confirm", "Give the announcement's number, e.g. 12", "/hrc announce confirm ID"),
    ("es", "/hrc canal activar", "Indica qué recibe este canal: «días»", "/hrc canal activar días|anuncios"),
    ("es", "/hrc exportar", "Indica qué exportar: «ciudades» o «prácticas».", "/hrc exportar ciudades|prácticas"),
    ("fr", "/hrc annoncer annuler", "Indiquez le numéro de l’annonce", "/hrc annoncer annuler NUMÉRO"),
    ("fr", "/hrc qui", "Indiquez le thème.", "/hrc qui THÈME"),
])
async def test_a_missing_main_argument_is_asked_for_in_the_users_words_with_the_usage(
    chat, language: str, line: str, said: str, usage: str  # type: ignore[no-untyped-def]
) -> None:
    reply = await chat.say("sec", line, language, secretariat=True)
    assert reply.is_error and said in reply.text, reply.text
    assert reply.usage and reply.usage.startswith(usage), reply.usage
    assert "Tell me the what" not in reply.text and "Tell me the id" not in reply.text


def test_option_errors_name_the_command_in_the_readers_words() -> None:
    with pytest.raises(UserError) as error:
        parse("/hrc qui logement pays: France", translator("fr"))
    assert "« qui » n’a pas d’option « pays: »." in error.value.message
    with pytest.raises(UserError) as error:
        validate(COMMANDS["themes"], parse("/hrc temas agua", translator("es")), translator("es"))
    assert error.value.message.startswith("«temas»"), error.value.message


async def test_help_lists_every_command_once_members_first_in_a_deliberate_order(chat) -> None:  # type: ignore[no-untyped-def]
    from handlers.help import HELP_ORDER
    from handlers.registry import COMMANDS

    assert sorted(HELP_ORDER) == sorted(COMMANDS)  # a new command is placed on purpose
    member = await chat.say("bob", "/hrc help")
    assert [i.title.split()[1] for i in member.items[:4]] == ["help", "register", "profile", "theme"]
    assert not any("(secretariat)" in i.text for i in member.items)
    secretariat = await chat.say("sec", "/hrc help")
    marks = ["(secretariat)" in i.text for i in secretariat.items]
    assert len(marks) == len(COMMANDS) and marks == sorted(marks)  # everyone's commands, then the secretariat's
    assert secretariat.items[marks.index(True)].title.startswith("/hrc pending")


@pytest.mark.parametrize(("line", "name"), [
    ("/hrc annoncer statut 5", "announce status"),  # the French reader's other word for état
    ("/hrc journal", "audit"),  # the catalogue's own "journal d'audit"
    ("/hrc pendiente", "pending"),
])
def test_the_words_a_reader_guesses_first_name_the_command(line: str, name: str) -> None:
    assert parse(line, translator("fr")).name == name
