"""`hrc-bot import cities`: the secretariat's spreadsheet into the directory, all or nothing.

Headers may be English, Spanish or French (``HEADERS``; matched without regard to case or accents);
unknown columns are reported and ignored. Each row is checked with the same functions that check
``/hrc register`` (region, size, themes, time zone, languages), plus status and dates. A city is
identified by its name and country (folded, as the directory's unique key); one already in the
directory is left alone when the file says the same, and is an error when the file says otherwise,
unless ``update`` is given. Nothing is written when any row is invalid, unless ``skip_invalid``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import TypeVar

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.audit import city_subject, event_values
from handlers.common import parse_languages, parse_themes, parse_timezone
from handlers.context import Context
from handlers.countries import country_name, find_country
from handlers.errors import UserError
from handlers.i18n import N_, Translate
from handlers.tabular import Table
from handlers.text import clean_name, fold
from handlers.types import Actor
from handlers.vocab import find_region, find_size
from storage.models import AuditEvent, City, CityStatus, CityTheme
from storage.queries import cities as city_queries
from storage.queries import exports as export_queries
from storage.queries.versions import mark_changed

T = TypeVar("T")

REQUIRED = ("name", "country", "region")
# Whole sentences, not "the {column} is empty.": each language words (and agrees) its own.
EMPTY = {"name": N_("the name is empty."), "country": N_("the country is empty."), "region": N_("the region is empty.")}
FORMULA_SHOWN = 60  # characters of a formula quoted in a report
NAME_MAX = 100  # the cities table's column (and /hrc register's limit)
# Folded header -> column. English first (the export's own names), then Spanish and French.
HEADERS: dict[str, str] = {fold(alias): column for column, aliases in {
    "name": ("name", "city", "city name", "local government", "nombre", "ciudad", "municipio", "gobierno local",
             "nom", "ville", "commune", "collectivite"),
    "country": ("country", "pais", "país", "pays"),
    "region": ("region", "uclg region", "región", "region cglu", "région", "region cglu"),
    "size": ("size", "type", "tamaño", "tamano", "tipo", "taille"),
    "timezone": ("timezone", "time zone", "zona horaria", "huso horario", "fuseau horaire", "fuseau"),
    "languages": ("languages", "language", "idiomas", "idioma", "lenguas", "langues", "langue"),
    "themes": ("themes", "theme", "temas", "tema", "thèmes", "thème", "thematiques"),
    "status": ("status", "estado", "statut"),
    "registered": ("registered", "registrada", "registrado", "fecha de registro", "inscrite", "inscrit",
                   "date d'inscription", "enregistree"),
    "joined": ("joined", "unida", "adhesion", "fecha de adhesion", "adhésion", "date d'adhésion", "membre depuis"),
    "demo": ("demo", "demostracion", "démonstration"),
}.items() for alias in aliases}
STATUSES = {fold(word): status for status, words in {
    CityStatus.VERIFIED: ("verified", "verificada", "verificado", "vérifiée", "vérifié"),
    CityStatus.PENDING: ("pending", "pendiente", "en attente"),
    CityStatus.REJECTED: ("rejected", "rechazada", "rechazado", "rejetée", "refusée"),
}.items() for word in words}
YES, NO = {"yes", "si", "sí", "oui", "true", "1"}, {"no", "non", "false", "0", ""}
_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")
FIELDS = ("name", "country", "region", "size", "timezone", "languages", "status", "registered_at", "joined_at",
          "is_demo")  # besides themes


@dataclass(frozen=True)
class RowError:
    line: int  # the row number a spreadsheet program shows (header: 1)
    message: str


@dataclass
class ImportReport:
    """What an import did (or, dry, would do). ``written``: the import was applied (false for a dry run,
    missing columns, or invalid rows without skip_invalid)."""

    added: list[str] = field(default_factory=list)  # "Name (Country)"
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    unknown_columns: list[str] = field(default_factory=list)
    missing_columns: list[str] = field(default_factory=list)
    rows: int = 0
    written: bool = False


@dataclass(frozen=True)
class CityRow:
    line: int
    values: dict[str, object]  # FIELDS present in the file, as the City model stores them
    key: tuple[str, str]  # folded name and country: the directory's unique key


def map_headers(columns: Sequence[str]) -> tuple[dict[int, str], list[str]]:
    """Column positions -> canonical names, and the headers not understood (in file order)."""
    mapping: dict[int, str] = {}
    unknown: list[str] = []
    for position, header in enumerate(columns):
        canonical = HEADERS.get(fold(header))
        if canonical is None or canonical in mapping.values():
            if header.strip():
                unknown.append(header)
            continue
        mapping[position] = canonical
    return mapping, unknown


def _date(value: str, _: Translate) -> datetime:
    match = _DATE.match(value.strip())
    try:
        if not match:
            raise ValueError
        day = date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        raise UserError(_("“{value}” is not a date: write it YYYY-MM-DD.").format(value=value)) from None
    return datetime.combine(day, time.min, tzinfo=UTC)


def _formula_problem(header: str, formula: str, _: Translate) -> str:
    shown = formula if len(formula) <= FORMULA_SHOWN else formula[: FORMULA_SHOWN - 1] + "…"
    return _("the “{column}” cell holds a formula without a computed value ({formula}): open the file in Excel or "
             "LibreOffice and save it so that the values are stored, or paste the values in place of the "
             "formulas.").format(column=header, formula=shown)


def parse_row(line: int, cells: dict[str, str], locale: str, _: Translate,
              formulas: Mapping[str, tuple[str, str]] | None = None) -> CityRow:
    """One row's values, checked like `/hrc register`'s: only the columns the file has, so that a column
    left out changes nothing. ``formulas``: column -> (its header in the file, the formula) for the cells
    holding a formula without a computed value (their text is empty). Raises UserError naming every
    problem of the row, joined by "; "."""
    problems: list[str] = []
    formulas = formulas or {}
    for header, formula in formulas.values():
        problems.append(_formula_problem(header, formula, _))

    def checked(parse: Callable[[], T]) -> T | None:
        try:
            return parse()
        except UserError as error:
            problems.append(error.message)
            return None

    name, country = clean_name(cells.get("name", "")), cells.get("country", "").strip()
    for column in REQUIRED:
        if not cells.get(column, "").strip() and column not in formulas:
            problems.append(_(EMPTY[column]))
    if name and not fold(name):
        problems.append(_("City and country need letters or digits."))
    if len(name) > NAME_MAX:
        problems.append(_("the name is longer than {limit} characters.").format(limit=NAME_MAX))
    # as /hrc register: an ISO 3166-1 code, the directory's key
    code = checked(lambda: find_country(country, locale, _)) if country else None
    region = checked(lambda: find_region(cells["region"], _).slug) if cells.get("region", "").strip() else None
    values: dict[str, object] = {"name": name, "country": code, "region": region}
    if "size" in cells:
        values["size"] = checked(lambda: find_size(cells["size"], _).slug) if cells["size"].strip() else None
    if "timezone" in cells:
        values["timezone"] = checked(lambda: parse_timezone(cells["timezone"].strip(), _)) if cells["timezone"].strip() else None
    if "languages" in cells:
        languages = checked(lambda: parse_languages(cells["languages"], _)) if cells["languages"].strip() else []
        values["languages"] = ",".join(languages or [])
    if "themes" in cells:
        themes = checked(lambda: parse_themes(cells["themes"], _)) if cells["themes"].strip() else []
        values["themes"] = [t.slug for t in themes or []]
    status = STATUSES.get(fold(cells.get("status", "")) or "verified")
    if status is None:
        problems.append(_("status “{value}” is not verified, pending or rejected.").format(value=cells["status"]))
    elif "status" in cells:
        values["status"] = status
    if cells.get("registered", "").strip():
        values["registered_at"] = checked(lambda: _date(cells["registered"], _))
    if cells.get("joined", "").strip():
        if status not in (CityStatus.VERIFIED, None):
            problems.append(_("only a verified city has a joined date."))
        values["joined_at"] = checked(lambda: _date(cells["joined"], _))
    if "demo" in cells:
        demo = fold(cells["demo"])
        if demo not in YES | NO:
            problems.append(_("demo takes yes or no."))
        values["is_demo"] = demo in YES
    if problems:
        # One sentence: "the name is empty; the country is empty." (each problem ends with its own full stop;
        # French spaces the semicolon).
        separator = _("{before}; {after}").format(before="", after="")
        text = separator.join(problem.rstrip(".") for problem in dict.fromkeys(problems))
        # A problem that ends with a question ("Did you mean “Ecuador”?") keeps it, without a stop after it.
        raise UserError(text if text.endswith(("?", "!", "…")) else text + ".")
    assert code is not None
    key = fold(name)[:NAME_MAX], code
    return CityRow(line, values, key)


def _current(city: City) -> dict[str, object]:
    return {"name": city.name, "country": city.country, "region": city.region, "size": city.size,
            "timezone": city.timezone, "languages": city.languages, "themes": list(city.theme_slugs),
            "status": city.status, "registered_at": city.registered_at, "joined_at": city.joined_at,
            "is_demo": city.is_demo}


def differences(city: City, row: CityRow) -> dict[str, tuple[object, object]]:
    """Field -> (in the directory, in the file), for the fields the file gives that differ."""
    current = _current(city)
    diff = {}
    for key, value in row.values.items():
        old = current[key]
        if key == "themes":
            same = sorted(old) == sorted(value)  # type: ignore[arg-type]
        elif key == "registered_at" and isinstance(old, datetime) and isinstance(value, datetime):
            same = old.date() == value.date()  # files carry days, the directory moments
        elif key == "joined_at" and isinstance(old, datetime) and isinstance(value, datetime):
            same = old.date() == value.date()
        elif key == "name":
            same = fold(str(old)) == fold(str(value))  # "LODZ" in a sheet is the directory's Łódź: keep its letters
        else:
            same = old == value
        if not same:
            diff[key] = (old, value)
    return diff


def _audit_value(value: object) -> object:
    return value.date().isoformat() if isinstance(value, datetime) else value


async def import_cities(
    ctx: Context, session: AsyncSession, table: Table, actor: Actor, _: Translate, *,
    dry_run: bool = False, skip_invalid: bool = False, update: bool = False, locale: str = "en",
    on_row: Callable[[int], None] | None = None,
) -> ImportReport:
    """Check every row of ``table``, then (unless ``dry_run``, and only when all rows are valid or
    ``skip_invalid``) add and update the cities in ``session``'s transaction, with one audit event per
    city changed and one for the import. ``on_row(n)`` is called as rows are checked (progress bars)."""
    report = ImportReport()
    mapping, report.unknown_columns = map_headers(table.columns)
    report.missing_columns = [c for c in REQUIRED if c not in mapping.values()]
    if report.missing_columns:
        return report
    now = ctx.now()
    existing = {(c.name_key, c.country_key): c for c in await export_queries.cities(session)}
    seen: dict[tuple[str, str], int] = {}
    valid: list[CityRow] = []
    for index, cells in enumerate(table.rows):
        line = table.first_row + index
        if on_row is not None:
            on_row(index + 1)
        formulas = {mapping[i]: (table.columns[i], table.formulas[index, i]) for i in mapping
                    if (index, i) in table.formulas}
        if not any(cell.strip() for cell in cells) and not formulas:
            continue
        report.rows += 1
        named = {mapping[i]: cells[i] for i in mapping}
        try:
            row = parse_row(line, named, locale, _, formulas)
        except UserError as error:
            report.errors.append(RowError(line, error.message))
            continue
        if row.key in seen:
            report.errors.append(RowError(line, _("{city} is already on line {line} of this file.").format(
                city=_row_subject(row, locale), line=seen[row.key])))
            continue
        seen[row.key] = line
        city = existing.get(row.key)
        if city is not None and (diff := differences(city, row)) and not update:
            changed = ", ".join(diff)
            report.errors.append(RowError(line, _("{city} is already in the directory with other values ({fields}); "
                                                  "--update changes it.").format(city=city_subject(city, locale), fields=changed)))
            continue
        valid.append(row)
    if dry_run or (report.errors and not skip_invalid):
        _tally(report, valid, existing, locale)
        return report
    events: list[dict[str, object]] = []
    added: list[CityRow] = []
    for row in valid:
        city = existing.get(row.key)
        if city is None:
            added.append(row)
            continue
        diff = differences(city, row)
        if not diff:
            report.unchanged += 1
            continue
        for key, (_old, new) in diff.items():
            if key == "themes":
                city_queries.set_themes(city, new)  # type: ignore[arg-type]
            else:
                setattr(city, key, new)
        if city.status == CityStatus.VERIFIED and city.joined_at is None:
            city.joined_at = now
        elif city.status != CityStatus.VERIFIED:
            city.joined_at = None  # only a verified city has joined (the file's own rule, so exports import again)
        city.name_key, city.country_key = row.key
        report.updated.append(city_subject(city, locale))
        events.append(event_values(ctx, actor, "import", city_id=city.id, subject=city_subject(city),
                                   before={k: _audit_value(o) for k, (o, _n) in diff.items()},
                                   after={k: _audit_value(n) for k, (_o, n) in diff.items()}))
    if added:
        events += await _insert_new(ctx, session, actor, added, report, locale)
    report.written = True  # applied (possibly changing nothing)
    if not events and not report.errors:
        return report  # the same file again: nothing changed, nothing to record
    summary = {"rows": report.rows, "added": len(report.added), "updated": len(report.updated),
               "unchanged": report.unchanged, "invalid rows skipped": len(report.errors)}
    events.append(event_values(ctx, actor, "import", subject=_("cities file"), after=summary))
    await session.flush()
    await session.execute(insert(AuditEvent), events)
    mark_changed(session)
    return report


def _tally(report: ImportReport, valid: list[CityRow], existing: dict[tuple[str, str], City], locale: str) -> None:
    """What a dry run (or a refused import) would do, the cities named in the report's language."""
    for row in valid:
        city = existing.get(row.key)
        if city is None:
            report.added.append(_row_subject(row, locale))
        elif differences(city, row):
            report.updated.append(city_subject(city, locale))
        else:
            report.unchanged += 1


async def _insert_new(
    ctx: Context, session: AsyncSession, actor: Actor, rows: list[CityRow], report: ImportReport, locale: str = "en"
) -> list[dict[str, object]]:
    """Insert new cities and their themes in a few multi-row statements (one INSERT per city through the
    ORM costs a round trip each: 1,000 rows took 9 s); returns their audit events."""
    values = [_new_city(row, ctx.now()) for row in rows]
    # No RETURNING: SQLite cannot keep its rows in parameter order, and SQLAlchemy then inserts row by
    # row; the unique (name_key, country_key) finds the new ids in one query instead.
    await session.execute(insert(City).execution_options(render_nulls=True), values)  # one key set: one executemany
    by_key = await city_queries.ids_by_key(session, [row.key for row in rows])
    ids = [by_key[row.key] for row in rows]
    themes = [{"city_id": city_id, "theme": slug} for city_id, row in zip(ids, rows, strict=True)
              for slug in row.values.get("themes", [])]  # type: ignore[attr-defined]
    if themes:
        await session.execute(insert(CityTheme), themes)
    events = []
    for city_id, row, city in zip(ids, rows, values, strict=True):
        subject = _row_subject(row)  # the trail's subject: the country's English name, as recorded
        report.added.append(_row_subject(row, locale))
        card = {k: _audit_value(city[k]) for k in FIELDS} | {"themes": row.values.get("themes", [])}
        events.append(event_values(ctx, actor, "import", city_id=city_id, subject=subject, after=card))
    return events


def _row_subject(row: CityRow, locale: str = "en") -> str:
    return f"{row.values['name']} ({country_name(str(row.values['country']), locale)})"


def _new_city(row: CityRow, now: datetime) -> dict[str, object]:
    """A new city's columns from a checked row; verified unless the file says otherwise, joined when registered."""
    v = row.values
    name_key, country_key = row.key
    status = v.get("status", CityStatus.VERIFIED)
    registered = v.get("registered_at") or now
    joined = v.get("joined_at") or (registered if status == CityStatus.VERIFIED else None)
    return {
        "name": v["name"], "name_key": name_key, "country": v["country"], "country_key": country_key,
        "region": v["region"], "size": v.get("size"), "timezone": v.get("timezone"), "languages": v.get("languages", ""),
        "status": status, "registered_at": registered, "joined_at": joined, "is_demo": v.get("is_demo", False),
        "reject_reason": None,
    }
