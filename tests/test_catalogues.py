"""The es and fr catalogues are complete and current, and what they show is what the grammar accepts."""

from __future__ import annotations

import re

import pytest

from handlers import catalogues
from handlers.grammar import parse
from handlers.i18n import translator
from handlers.registry import COMMANDS, load_all
from handlers.words import COMMAND_WORDS, command_word, key_spellings, option_key

load_all()
LANGUAGES = catalogues.translated_languages()
_KEY_IN_USAGE = re.compile(r"(?:^|[\s\[])([^\W\d]+):(?=\s|$)")


def test_every_message_is_translated_with_the_same_placeholders_and_the_template_is_current() -> None:
    problems = catalogues.check()
    assert not problems, (
        f"\n{len(problems)} catalogue problem(s):\n  " + "\n  ".join(problems[:60]) + f"\n\n{catalogues.HOW_TO_FIX}"
    )


def test_a_dropped_or_invented_placeholder_is_reported() -> None:
    from babel.messages.catalog import Message

    assert catalogues.message_problems(Message("Hello {name}", "Hola {nombre}"), 2) == ["adds ['nombre']", "drops ['name']"]
    assert catalogues.message_problems(Message("Hi", ""), 2) == ["not translated"]
    assert catalogues.message_problems(Message("Hi", "Hola", flags=["fuzzy"]), 2)
    plural = Message(("{count} city", "{count} cities"), ("una ciudad", "{count} ciudades", "{count} ciudades"))
    assert catalogues.message_problems(plural, 3) == []  # a singular may spell the one out
    assert catalogues.message_problems(Message(("{count} city", "{count} cities"), ("una", "")), 3)


@pytest.mark.parametrize("language", LANGUAGES)
def test_translated_usage_lines_use_words_the_grammar_accepts(language: str) -> None:
    _ = translator(language)
    for spec in COMMANDS.values():
        usage = _(spec.usage)
        words = usage.split()
        name_words = spec.name.split()
        shown = [command_word(w) for w in words[: len(name_words)]]
        assert shown == name_words, f"{language} usage of {spec.name!r} starts with {words[:len(name_words)]}: {usage!r}"
        for key in _KEY_IN_USAGE.findall(usage):
            assert (option_key(key, spec.keys) or key) in spec.keys, f"{language} usage of {spec.name!r} shows unknown key {key}:"


@pytest.mark.parametrize("language", LANGUAGES)
def test_translated_examples_run_the_same_command_with_the_same_options(language: str) -> None:
    _ = translator(language)
    for spec in COMMANDS.values():
        for example in spec.examples:
            english, translated = parse(example, translator("en")), parse(_(example), _)
            assert translated.name == english.name, f"{language}: {_(example)!r} is not /hrc {spec.name}"
            assert set(translated.options) == set(english.options), f"{language}: {_(example)!r} options differ"


def test_aliases_never_make_two_words_or_keys_ambiguous() -> None:
    for english, (spanish, french) in COMMAND_WORDS.items():
        for alias in (english, *spanish, *french):
            assert command_word(alias) == english, f"{alias!r} should mean {english!r}, means {command_word(alias)!r}"
    # A key's spelling may be another key's (``à``: ``at`` and ``to``) only where no command has both.
    for spec in COMMANDS.values():
        for english in spec.keys:
            for alias in key_spellings(english):
                found = option_key(alias, spec.keys)
                assert found == english, f"{spec.name}: {alias!r} should mean {english!r}, means {found!r}"


# Spanish addresses the reader as "tú" throughout ("te escribo en español", "Dime el tema"); a formal
# "usted" here and there reads as two voices. These are the usted forms the catalogue once mixed in.
_USTED = re.compile(r"\b(usted|le (?:escribiré|avisaré|traspasó)|[Pp]ida|[Pp]ruebe|[Ee]scriba|[Ee]scríbalo|[Qq]uiere|"
                    r"[Mm]encione|pídale|úsela|[Cc]omparta|[Dd]eje|[Rr]evíselo|busca \(|[Ss]us cuentas|su otra plataforma|"
                    r"su cuenta de|Ya no es|Es su último|Aquí representa|le dio|omítalo|úselo|sepárela|fusiónela|verifíquela|Su cuenta|Su código|Dé|"
                    r"sigue siendo punto|dele|^Representa a)\b")


def test_spanish_speaks_to_the_reader_as_tu_throughout() -> None:
    from babel.messages.pofile import read_po

    with open(catalogues.po_path("es"), "rb") as file:
        catalogue = read_po(file)
    formal = [text for message in catalogue if message.id
              for text in ([message.string] if isinstance(message.string, str) else message.string) if _USTED.search(text)]
    assert formal == []


# Typography: French writes the apostrophe ’ (never '), and both languages quote with « » (French with a
# space inside, « {name} »; Spanish without, «{name}»), never "…" or “…”. Code in `backticks` (commands
# the reader types) is left as it is.
_CODE = re.compile(r"`[^`]*`")
_STRAIGHT_QUOTES = {"es": re.compile(r"[\"“”]"), "fr": re.compile(r"[\"“”']")}


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_use_the_languages_own_apostrophe_and_quotation_marks(language: str) -> None:
    from babel.messages.pofile import read_po

    with open(catalogues.po_path(language), "rb") as file:
        catalogue = read_po(file)
    wrong = [text for message in catalogue if message.id
             for text in ([message.string] if isinstance(message.string, str) else message.string)
             if _STRAIGHT_QUOTES[language].search(_CODE.sub("", text))]
    assert wrong == []
