"""The matching key (handlers.text.fold): letters of every script, invisible characters, idempotence."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from handlers.text import INVISIBLE, fold, strip_invisible, strip_pointing

SAME = [
    ("Łódź", "Lodz"), ("Diyarbakır", "Diyarbakir"), ("Tromsø", "Tromso"), ("Đà Nẵng", "Da Nang"),
    ("Zü\u200brich", "Zürich"), ("Zürich", "Zurich"), ("São Paulo", "Sao Paulo"), ("Straße", "Strasse"),
    ("Ærøskøbing", "Aeroskobing"), ("İzmir", "izmir"), ("Львів", "Lviv"), ("Αθήνα", "Athina"),
    ("Bo\u00adgo\u00adtá", "Bogota"), ("\u202eGrenoble\u202c", "Grenoble"), ("\u2067Quito\u2069", "Quito"),
    ("Mont\ufeffréal", "Montreal"), ("Saint-Étienne", "saint etienne"), ("Water & sanitation", "water and sanitation"),
]


@pytest.mark.parametrize(("written", "plain"), SAME)
def test_spellings_of_one_name_share_a_key(written: str, plain: str) -> None:
    assert fold(written) == fold(plain)


def test_keys_are_ascii_letters_digits_and_single_spaces_except_han() -> None:
    assert fold("  Đà   Nẵng!! ") == "da nang"
    assert fold("北京") == "北京" and fold("山西") != fold("陕西")  # ideographs kept: tones matter
    assert fold("Paris 🇫🇷") == "paris" and fold("") == ""


def test_different_places_keep_different_keys() -> None:
    assert fold("Lodz") != fold("Lódzka")
    assert fold("San José") != fold("San Juan")


# Text of every kind: letters with marks, Turkish dotless i, ligatures, Han, emoji, bidi controls, spaces.
names = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",)) | st.sampled_from(list("ŁłıØøĐđßæÆŒœİ&é\u0301 \u200b\u202e")),
    max_size=40,
)
invisibles = st.sampled_from(["\u00ad", "\u200b", "\u200c", "\u200d", "\u200e", "\u202e", "\u2066", "\u2069", "\ufeff", "\ufe0f", "\u2060"])


@given(names)
def test_the_key_is_idempotent(name: str) -> None:
    assert fold(fold(name)) == fold(name)


@given(names, st.lists(st.tuples(st.integers(min_value=0, max_value=40), invisibles), max_size=6))
def test_invisible_characters_never_change_the_key(name: str, inserts: list[tuple[int, str]]) -> None:
    spoofed = name
    for at, char in inserts:
        spoofed = spoofed[:at] + char + spoofed[at:]
    assert fold(spoofed) == fold(name)


@given(names)
def test_names_that_look_identical_get_one_key(name: str) -> None:
    """Composed and decomposed forms (é vs e + U+0301), compatibility forms and invisible characters."""
    visible = strip_invisible(name)
    for form in ("NFC", "NFD", "NFKC", "NFKD"):
        assert fold(unicodedata.normalize(form, visible)) == fold(name)


def test_invisible_set_is_what_unicode_calls_default_ignorable() -> None:
    for char in ("\u00ad", "\u034f", "\u061c", "\u115f", "\u180e", "\u200b", "\u200f", "\u202a", "\u2064", "\u2069",
                 "\u3164", "\ufe0f", "\ufeff", "\U000e0041"):
        assert INVISIBLE.fullmatch(char), hex(ord(char))
    for char in ("a", " ", "ß", "\u0301", "\u00a0"):
        assert not INVISIBLE.fullmatch(char)


# Optional pointing: Arabic's harakat, tanwin, shadda, sukun, superscript alef and tatweel, Hebrew's niqqud and
# shin/sin dots are mostly left out in writing; a name with them is the name without them.
POINTED = [
    ("الرِّباط", "الرباط"), ("مَدِينَة حُقُوق الإنسان", "مدينة حقوق الإنسان"), ("كِتَابٌ", "كتاب"), ("هٰذا", "هذا"),
    ("مـديـنة", "مدينة"), ("قُرْآن", "قرآن"), ("תֵּל אָבִיב", "תל אביב"), ("שָׁלוֹם", "שלום"), ("\ufb2aלום", "שלום"),
    ("יְרוּשָׁלַיִם", "ירושלים"),
]


@pytest.mark.parametrize(("pointed", "plain"), POINTED)
def test_arabic_and_hebrew_optional_pointing_is_not_part_of_the_key(pointed: str, plain: str) -> None:
    assert fold(pointed) == fold(plain)
    assert strip_pointing(unicodedata.normalize("NFKC", pointed)) == plain


@pytest.mark.parametrize(
    ("word", "key"),
    # Vowel signs and other marks that are part of the word: kept, as before (the keys the old fold gave).
    [("हिंदी", "himdi"), ("नमस्ते", "nmste"), ("आवास", "avas"), ("ภาษาไทย", "phasaaithy"), ("ไม่", "aim"),
     ("বাংলা", "bamla"), ("தமிழ்", "tmil"), ("آب", "ab"), ("أحمد", "hmd")],
)
def test_vowel_signs_that_belong_to_the_word_are_kept(word: str, key: str) -> None:
    assert strip_pointing(word) == word
    assert fold(word) == key


def test_the_full_text_indexes_strip_the_same_marks_as_the_key() -> None:
    """Migration 0019 writes the marks out for the indexes; the search strips ``OPTIONAL_POINTING`` from the words."""
    import importlib

    migration = importlib.import_module("storage.migrations.versions.0020_names_optional_pointing")
    every = "".join(map(chr, range(0x0590, 0x0900)))
    assert set(every) - set(strip_pointing(every)) == set(migration.MARKS)
