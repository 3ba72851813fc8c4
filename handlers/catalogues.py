"""Keep the gettext catalogues in step with the code: ``python -m handlers.catalogues update|compile|check``.

``update`` (what ``make messages`` runs) extracts every marked string from ``handlers/`` and ``bot/``
(``babel.cfg``) into ``handlers/locales/messages.pot`` and merges it into each language's ``.po``:
new strings arrive with an empty ``msgstr`` to translate, removed ones are dropped. Files are written
sorted and without source locations, so two branches adding strings rarely touch the same lines.
``check`` lists what is missing (exit status 1 when anything is): untranslated or fuzzy entries,
plural forms left empty, ``{placeholders}`` dropped or added by a translation, a stale ``.pot``.
"""

from __future__ import annotations

import re
import sys
from datetime import UTC, datetime
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from handlers.i18n import DOMAIN, LANGUAGES, LOCALES_DIR, SOURCE_LANGUAGE

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = LOCALES_DIR / f"{DOMAIN}.pot"
# A fixed date keeps the headers from changing (and conflicting between branches) on every extraction.
STABLE_DATE = datetime(2026, 11, 24, tzinfo=UTC)
PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)(?:[:!][^}]*)?\}")
HOW_TO_FIX = (
    "Run `make messages` (re-extracts handlers/locales/messages.pot and adds new strings to every .po), "
    "then translate each entry listed here in handlers/locales/es/LC_MESSAGES/messages.po and "
    "handlers/locales/fr/LC_MESSAGES/messages.po (fill msgstr, or msgstr[0]/msgstr[1] for plurals; keep every "
    "{placeholder} exactly as in the English; remove any '#, fuzzy' line once checked)."
)


def po_path(language: str) -> Path:
    return LOCALES_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def translated_languages() -> tuple[str, ...]:
    return tuple(lang for lang in LANGUAGES if lang != SOURCE_LANGUAGE)


def extract() -> Catalog:
    """Every message marked in the code now, as a template catalogue."""
    method_map = [("handlers/**.py", "python"), ("bot/**.py", "python")]
    keywords = {"_": None, "N_": None, "gettext": None, "ngettext": (1, 2)}
    catalog = Catalog(domain=DOMAIN, project="hrc-bot", creation_date=STABLE_DATE, revision_date=STABLE_DATE)
    for filename, lineno, message, comments, context in extract_from_dir(
        str(ROOT), method_map=method_map, keywords=keywords, comment_tags=("TRANSLATORS:",), strip_comment_tags=True
    ):
        if "/tests/" in f"/{filename}" or filename.startswith(".venv"):
            continue
        catalog.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    # Each command's examples are shown translated by `help`: they are strings of the command table.
    from handlers.registry import load_all

    for spec in load_all().values():
        for example in spec.examples:
            catalog.add(example, None, [("handlers/registry.py", 0)], auto_comments=[
                f"Example of /hrc {spec.name}: use the command words and keys of handlers/words.py"
            ])
    return catalog


def _write(catalog: Catalog, path: Path, *, omit_header: bool = False) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    for message in catalog:
        # Messages use {braces}: a "%" in text ("5% of") is no printf placeholder for `pybabel compile` to check.
        message.flags.discard("python-format")
    with path.open("wb") as handle:
        write_po(handle, catalog, width=100, no_location=True, omit_header=omit_header, sort_output=True, ignore_obsolete=True)


def read(path: Path, language: str | None = None) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, locale=language, domain=DOMAIN)


def update() -> None:
    template = extract()
    _write(template, TEMPLATE, omit_header=True)
    for language in translated_languages():
        path = po_path(language)
        catalog = read(path, language) if path.exists() else Catalog(locale=language, domain=DOMAIN, project="hrc-bot")
        catalog.update(template, no_fuzzy_matching=True, update_creation_date=False)
        catalog.creation_date = catalog.revision_date = STABLE_DATE
        catalog.fuzzy = False  # the header: a fuzzy header would be left out of the compiled .mo
        catalog.last_translator = "hrc-bot maintainers"
        catalog.language_team = {"es": "Spanish", "fr": "French"}.get(language, language)
        _write(catalog, path)


def compile_all() -> None:
    """Write each language's ``.mo`` next to its ``.po`` (what ``make install`` runs).

    Babel's own ``pybabel compile`` would also do, but it reads any ``%`` followed by a letter as a printf
    placeholder ("5% of" / "5 % del") and refuses the catalogue; our messages use ``{braces}`` only, which
    ``check`` verifies instead.
    """
    for language in translated_languages():
        path = po_path(language)
        if path.exists():
            with path.with_suffix(".mo").open("wb") as handle:
                write_mo(handle, read(path, language))


def _ids(catalog: Catalog) -> set[tuple[str, ...]]:
    return {(m.id,) if isinstance(m.id, str) else tuple(m.id) for m in catalog if m.id}


def placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


def message_problems(message: Message, nplurals: int) -> list[str]:
    """What is wrong with one translated entry (empty list when it is fine)."""
    ids = [message.id] if isinstance(message.id, str) else list(message.id)
    strings = [message.string] if isinstance(message.string, str) else list(message.string or ())
    expected = set().union(*(placeholders(i) for i in ids))
    if message.fuzzy:
        return ["marked fuzzy (check it, then remove the '#, fuzzy' line)"]
    if len(ids) > 1 and len(strings) < nplurals:
        return [f"needs {nplurals} plural forms"]
    if not strings or any(not s for s in strings):
        return ["not translated"]
    problems = []
    for string in strings:
        found = placeholders(string)
        # A singular form may leave out {count} ("un punto focal"); it must not invent one.
        allowed_missing = {"count", "n"} if len(ids) > 1 else set()
        if found - expected:
            problems.append(f"adds {sorted(found - expected)}")
        if (expected - found) - allowed_missing:
            problems.append(f"drops {sorted((expected - found) - allowed_missing)}")
    return problems


def check() -> list[str]:
    """Every problem with the catalogues, one line each (``[]`` when all is complete and current)."""
    problems: list[str] = []
    current = extract()
    if not TEMPLATE.exists():
        return [f"{TEMPLATE.relative_to(ROOT)} is missing"]
    stale = _ids(current) ^ _ids(read(TEMPLATE))
    if stale:
        sample = ", ".join(repr(i[0]) for i in sorted(stale)[:5])
        problems.append(f"messages.pot is stale ({len(stale)} ids differ, e.g. {sample})")
    for language in translated_languages():
        path = po_path(language)
        if not path.exists():
            problems.append(f"{path.relative_to(ROOT)} is missing")
            continue
        catalog = read(path, language)
        nplurals = catalog.num_plurals
        by_id = {((m.id,) if isinstance(m.id, str) else tuple(m.id)): m for m in catalog if m.id}
        for message in current:
            if not message.id:
                continue
            key = (message.id,) if isinstance(message.id, str) else tuple(message.id)
            translated = by_id.get(key)
            if translated is None:
                problems.append(f"{language}: {key[0]!r}: missing from the .po")
                continue
            problems += [f"{language}: {key[0]!r}: {p}" for p in message_problems(translated, nplurals)]
    return problems


def main(argv: list[str]) -> int:
    if argv[:1] == ["update"]:
        update()
        return 0
    if argv[:1] == ["compile"]:
        compile_all()
        return 0
    if argv[:1] == ["check"]:
        problems = check()
        for line in problems:
            print(line)
        if problems:
            print(f"\n{len(problems)} problem(s). {HOW_TO_FIX}")
            return 1
        print("catalogues complete")
        return 0
    print("usage: python -m handlers.catalogues update|compile|check", file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
