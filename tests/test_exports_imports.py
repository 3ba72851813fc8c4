"""Exports and imports of the directory: round trips on both engines, bad files refused row by row,
header mapping in three languages, idempotence, and `/hrc export` for the secretariat."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.import_report import report_lines
from handlers.context import Context
from handlers.exports import CITY_COLUMNS, dataset
from handlers.i18n import translator
from handlers.importer import import_cities
from handlers.tabular import Table, TableError, read_table, write_table
from handlers.types import Actor
from storage.models import AuditEvent, City
from storage.session import Database
from tests.conftest import Chat, FakeClock, make_database

_ = translator("en")
SEC = Actor("cli", "host", "secretariat", "Secretariat")
GOOD_CSV = (
    "\ufeffnombre,país,región,tamaño,zona horaria,idiomas,temas,población\r\n"
    "Valparaíso,Chile,Latin America,region,America/Santiago,es,water; housing,300000\r\n"
    "Saint-Denis,France,Europe,,Europe/Paris,\"fr, en\",culture,110000\r\n"
)


async def run_import(db: Database, clock: FakeClock, content: bytes, fmt: str = "csv", **options: bool):  # type: ignore[no-untyped-def]
    ctx = Context(db=db, clock=clock)
    async with db.transaction(write=not options.get("dry_run")) as session:
        return await import_cities(ctx, session, read_table(content, fmt), SEC, _, **options)


async def export(db: Database, name: str, fmt: str = "csv", *, secretariat: bool = True) -> bytes:
    async with db.transaction() as session:
        return write_table(await dataset(session, name, secretariat=secretariat), fmt, sheet=name)


async def city_count(db: Database) -> int:
    async with db.transaction() as session:
        return (await session.execute(select(func.count()).select_from(City))).scalar_one()


async def audit_count(db: Database) -> int:
    async with db.transaction() as session:
        return (await session.execute(select(func.count()).select_from(AuditEvent))).scalar_one()


async def directory(chat: Chat) -> None:
    """A small directory made through the commands: verified, pending, rejected, accents, a formula-like name."""
    for user, line in [
        ("ana", "/hrc register city: Valparaíso country: Chile region: Latin America themes: water, housing size: region timezone: America/Santiago languages: es"),
        ("bob", "/hrc register city: Gwangju country: Republic of Korea region: Asia-Pacific themes: human rights"),
        ("eve", "/hrc register city: =HYPERLINK(\"x\") country: Chile region: Europe"),
        ("joe", "/hrc register city: São Paulo country: Brasil region: Latin America languages: pt, es"),
    ]:
        assert not (await chat.say(user, line)).is_error
    for line in ("/hrc verify Valparaíso", "/hrc verify Gwangju", "/hrc reject #3 reason: test"):
        assert not (await chat.say("sec", line)).is_error


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
async def test_export_then_import_into_an_empty_directory_gives_the_same_export(
    chat: Chat, db: Database, clock: FakeClock, tmp_path: Path, fmt: str, request: pytest.FixtureRequest
) -> None:
    await directory(chat)
    original = await export(db, "cities", fmt)
    engine = "postgresql" if not db.is_sqlite else "sqlite"
    other, cleanup = await make_database(engine, tmp_path / "other")
    try:
        report = await run_import(other, clock, original, fmt)
        assert report.written and len(report.added) == 4 and not report.errors, report_lines(report, False, "en")
        again = await export(other, "cities", fmt)
        assert read_table(again, fmt) == read_table(original, fmt)
        if fmt == "csv":
            assert again == original
        second = await run_import(other, clock, original, fmt)  # the same file twice: nothing changes
        assert (len(second.added), len(second.updated), second.unchanged) == (0, 0, 4)
        assert await export(other, "cities", fmt) == again if fmt == "csv" else True
    finally:
        await cleanup()  # type: ignore[operator]


async def test_csv_is_utf8_with_bom_stable_columns_and_defused_formulas(chat: Chat, db: Database) -> None:
    await directory(chat)
    content = await export(db, "cities")
    assert content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert tuple(rows[0]) == CITY_COLUMNS
    by_name = {r[0]: dict(zip(CITY_COLUMNS, r, strict=True)) for r in rows[1:]}
    assert by_name["Valparaíso"]["themes"] == "Housing; Water & sanitation"
    assert by_name["Valparaíso"]["region"] == "Latin America" and by_name["Valparaíso"]["status"] == "verified"
    assert by_name["São Paulo"]["languages"] == "pt; es" and by_name["São Paulo"]["joined"] == ""
    assert "'=HYPERLINK(\"x\")" in by_name  # a spreadsheet shows it as text, never runs it
    as_json = json.loads(await export(db, "cities", "json"))
    assert as_json[0].keys() == set(CITY_COLUMNS) and {c["name"] for c in as_json} >= {"=HYPERLINK(\"x\")"}


async def test_members_platform_ids_only_for_the_secretariat(chat: Chat, db: Database) -> None:
    await directory(chat)
    full = read_table(await export(db, "members", "csv"), "csv")
    assert "user_id" in full.columns and "workspace" in full.columns
    assert "ana" in {row[full.columns.index("user_id")] for row in full.rows}
    public = read_table(await export(db, "members", "csv", secretariat=False), "csv")
    assert "user_id" not in public.columns and "workspace" not in public.columns
    assert {"ana", "bob"} <= {row[public.columns.index("name")].lower() for row in public.rows}
    with pytest.raises(PermissionError):
        await export(db, "audit", secretariat=False)


async def test_spanish_headers_unknown_columns_and_accents(db: Database, clock: FakeClock) -> None:
    report = await run_import(db, clock, GOOD_CSV.encode())
    assert report.written and report.unknown_columns == ["población"] and len(report.added) == 2
    exported = {r[0]: r for r in read_table(await export(db, "cities"), "csv").rows}
    assert exported["Valparaíso"][2:7] == ("Latin America", "Region", "America/Santiago", "es", "Housing; Water & sanitation")
    assert exported["Saint-Denis"][5] == "fr; en"
    french = "Ville,Pays,Région,Thèmes\nGrigny,France,Europe,housing\n"
    assert len((await run_import(db, clock, french.encode())).added) == 1


async def test_a_bad_file_reports_every_row_and_writes_nothing(db: Database, clock: FakeClock) -> None:
    await run_import(db, clock, b"name,country,region\nGrenoble,France,Europe\n")
    before = (await city_count(db), await audit_count(db))
    bad = (
        "name,country,region,timezone,themes\n"
        "Quilmes,Argentina,Latin America,America/Argentina/Buenos_Aires,water\n"  # row 2: fine
        "Atlantis,France,Mid-Atlantic,,\n"  # row 3: unknown region
        "Lyon,France,Europe,Europe/Lyon,\n"  # row 4: bad time zone
        ",France,Europe,,\n"  # row 5: missing name
        "\n"  # row 6: empty, skipped
        "quilmes,ARGENTINA,Latin America,,\n"  # row 7: duplicate of row 2
        "Grenoble,France,Africa,,\n"  # row 8: in the directory with other values
        "Rosario,Argentina,Latin America,,basket weaving\n"  # row 9: unknown theme
        "Mordor,Middle Earth,Europe,,\n"  # row 10: unknown country
    )
    report = await run_import(db, clock, bad.encode())
    lines = {e.line: e.message for e in report.errors}
    assert sorted(lines) == [3, 4, 5, 7, 8, 9, 10]
    assert "Mid-Atlantic" in lines[3] and "region" in lines[3]
    assert "Europe/Lyon" in lines[4] and "empty" in lines[5]
    assert "already on line 2 of this file" in lines[7]
    assert "already in the directory with other values (region)" in lines[8]
    assert "basket weaving" in lines[9] and "I don't know the country “Middle Earth”" in lines[10]
    assert not report.written and (await city_count(db), await audit_count(db)) == before
    printed = report_lines(report, False, "en")
    assert printed[0].startswith("row 3: ") and "7 rows are invalid: nothing was written" in printed[-1]

    dry = await run_import(db, clock, bad.encode(), dry_run=True)
    assert dry.added == ["Quilmes (Argentina)"] and len(dry.errors) == 7
    assert (await city_count(db), await audit_count(db)) == before

    skipped = await run_import(db, clock, bad.encode(), skip_invalid=True)
    assert skipped.written and skipped.added == ["Quilmes (Argentina)"]
    assert await city_count(db) == before[0] + 1

    updated = await run_import(db, clock, b"name,country,region\nGrenoble,France,Africa\n", update=True)
    assert updated.updated == ["Grenoble (France)"]


async def test_a_row_reports_all_its_problems_and_a_spelling_is_not_a_conflict(db: Database, clock: FakeClock) -> None:
    await run_import(db, clock, "name,country,region\nŁódź,Poland,Europe\n".encode())
    report = await run_import(db, clock, (
        b"name,country,region,timezone,themes\n"
        b"Lyon,Middle Earth,Mid-Atlantic,Europe/Lyon,basket weaving\n"  # four problems in one row
        b"LODZ,PL,Europe,,\n"  # the directory's Łódź, typed without its letters: the same, not a conflict
    ))
    (error,) = report.errors
    assert error.line == 2 and error.message.count("; ") == 3, error.message
    for part in ("Middle Earth", "Mid-Atlantic", "Europe/Lyon", "basket weaving"):
        assert part in error.message
    again = await run_import(db, clock, b"name,country,region\nLODZ,Poland,Europe\n")
    assert again.errors == [] and again.unchanged == 1 and again.updated == []


async def test_a_city_made_pending_by_an_update_exports_and_imports_again(
    db: Database, clock: FakeClock, tmp_path: Path
) -> None:
    await run_import(db, clock, "name,country,region,status\nBogotá,Colombia,Latin America,verified\n".encode())
    update = await run_import(db, clock, "name,country,region,status\nBogotá,Colombia,Latin America,pending\n".encode(),
                              update=True)
    assert update.updated == ["Bogotá (Colombia)"]
    exported = await export(db, "cities")
    assert not (await run_import(db, clock, exported)).errors
    (tmp_path / "fresh").mkdir()
    fresh, cleanup = await make_database("sqlite", tmp_path / "fresh")
    try:
        again = await run_import(fresh, clock, exported)
        assert again.errors == [] and again.added == ["Bogotá (Colombia)"]
    finally:
        await cleanup()  # type: ignore[operator]


async def test_missing_columns_and_wrong_encoding_are_refused_whole(db: Database, clock: FakeClock) -> None:
    missing = await run_import(db, clock, b"city,country\nGrenoble,France\n")
    assert missing.missing_columns == ["region"] and not missing.written
    assert "Missing columns: region. Nothing was written." in report_lines(missing, False, "en")[0]
    with pytest.raises(TableError) as latin1:
        read_table("name,country,region\nBogotá,Colombia,Latin America\n".encode("latin-1"), "csv")
    assert latin1.value.reason == "encoding"
    with pytest.raises(TableError):
        read_table(b"not a zip file", "xlsx")
    assert await city_count(db) == 0


def xlsx(*rows: list[object]) -> bytes:
    """A workbook as openpyxl writes it: formulas stored without a computed value (no spreadsheet program ran)."""
    from openpyxl import Workbook

    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


async def import_in(db: Database, clock: FakeClock, content: bytes, fmt: str, language: str):  # type: ignore[no-untyped-def]
    ctx = Context(db=db, clock=clock)
    async with db.transaction(write=False) as session:
        return await import_cities(ctx, session, read_table(content, fmt), SEC, translator(language), dry_run=True)


@pytest.mark.parametrize(("language", "expected"), [
    ("en", "row 2: the “Nombre” cell holds a formula without a computed value (=CONCAT(\"Cal\",\"i\")): open the file in "
           "Excel or LibreOffice and save it so that the values are stored, or paste the values in place of the formulas."),
    ("es", "fila 2: la celda «Nombre» tiene una fórmula sin valor calculado (=CONCAT(\"Cal\",\"i\")): abre el archivo "
           "en Excel o LibreOffice y guárdalo para que se guarden los valores, o pega los valores en lugar de las fórmulas."),
    ("fr", "ligne 2 : la cellule « Nombre » contient une formule sans valeur calculée (=CONCAT(\"Cal\",\"i\")) : ouvrez "
           "le fichier dans Excel ou LibreOffice et enregistrez-le pour que les valeurs soient stockées, ou collez les "
           "valeurs à la place des formules."),
])
async def test_an_xlsx_formula_without_a_computed_value_is_said_so_not_called_empty(
    db: Database, clock: FakeClock, language: str, expected: str
) -> None:
    content = xlsx(
        ["Nombre", "País", "Región", "Tamaño"],
        ['=CONCAT("Cal","i")', "Colombia", "Latin America", ""],  # row 2: the reviewer's file
        ["Bogotá", "Colombia", "Latin America", "=LOWER(\"REGION\")"],  # row 3: not a size left out in silence
        ["=A2", "=B2", "=C2", ""],  # row 4: only formulas, not an empty row to skip
        ["Medellín", "Colombia", "Latin America", ""],  # row 5: fine
    )
    report = await import_in(db, clock, content, "xlsx", language)
    lines = {e.line: e.message for e in report.errors}
    assert sorted(lines) == [2, 3, 4] and report.added == ["Medellín (Colombia)"]
    assert report_lines(report, True, language)[0] == expected
    assert "LOWER" in lines[3] and "Tamaño" in lines[3]
    assert lines[4].count("=") == 3 and "=C2" in lines[4]
    for message in lines.values():
        assert "empty" not in message and "vací" not in message and "vide" not in message, message


@pytest.mark.parametrize(("language", "expected"), [
    ("en", ["row 2: the name is empty; the country is empty; the region is empty.",
            "row 3: the name is longer than 100 characters."]),
    ("es", ["fila 2: el nombre está vacío; el país está vacío; la región está vacía.",
            "fila 3: el nombre tiene más de 100 caracteres."]),
    ("fr", ["ligne 2 : le nom est vide ; le pays est vide ; la région est vide.",
            "ligne 3 : le nom dépasse 100 caractères."]),
])
async def test_a_missing_or_long_value_reads_well_in_every_language(
    db: Database, clock: FakeClock, language: str, expected: list[str]
) -> None:
    # not "la columna el nombre está vacía" (a label with its article put in a sentence)
    content = ("name,country,region,note\n,,,x\n" + "L" * 101 + ",France,Europe,x\n").encode()
    report = await import_in(db, clock, content, "csv", language)
    assert report_lines(report, True, language)[1:3] == expected


async def test_import_leaves_an_audit_trail(db: Database, clock: FakeClock) -> None:
    await run_import(db, clock, GOOD_CSV.encode())
    async with db.transaction() as session:
        rows = (await session.execute(select(AuditEvent).order_by(AuditEvent.id))).scalars().all()
    assert [r.action for r in rows] == ["import", "import", "import"]
    assert rows[-1].subject == "cities file" and json.loads(rows[-1].after)["added"] == 2
    assert (rows[0].actor_platform, rows[0].actor_id) == ("cli", "secretariat")


async def test_export_in_chat_is_a_file_for_the_secretariat_only(chat: Chat) -> None:
    await directory(chat)
    reply = await chat.say("sec", "/hrc export cities format: xlsx")
    assert not reply.is_error
    (attachment,) = reply.attachments
    assert attachment.filename == "hrc-cities-20261124.xlsx" and attachment.content.startswith(b"PK")
    assert read_table(attachment.content, "xlsx").columns == CITY_COLUMNS
    assert "4 rows" in reply.text
    practices = await chat.say("sec", "/hrc export practices")
    assert practices.attachments[0].content.startswith(b"\xef\xbb\xbf")
    assert (await chat.say("ana", "/hrc export cities")).is_error
    wrong = await chat.say("sec", "/hrc export members")
    assert wrong.is_error and "hrc-bot export" in wrong.text
    assert (await chat.say("sec", "/hrc export cities format: pdf")).is_error


def test_table_round_trip_keeps_text_that_looks_like_formulas() -> None:
    table = Table(("a", "b"), (("=1+1", "-3"), ("@home", "plain")))
    for fmt in ("csv", "xlsx"):
        assert read_table(write_table(table, fmt), fmt).rows == table.rows


async def test_an_import_report_names_countries_in_its_own_language(db: Database, clock: FakeClock) -> None:
    """`hrc-bot import … --locale es`: the cities the report lists carry the country's Spanish name (not
    "Brazil"), for the rows added, the rows in conflict and a city twice in the file; the audit trail keeps
    the English names it records."""
    await run_import(db, clock, b"name,country,region\nCuritiba,Brazil,Latin America\n")
    content = ("nombre,país,región,tamaño\nSão Paulo,BR,América Latina,\nSAO PAULO,Brasil,América Latina,\n"
               "Curitiba,Brasil,América Latina,metrópolis\nGenève,CH,Europa,\n").encode()
    ctx = Context(db=db, clock=clock)

    async def report(locale: str, **options: bool):  # type: ignore[no-untyped-def]
        async with db.transaction(write=not options.get("dry_run")) as session:
            return await import_cities(ctx, session, read_table(content, "csv"), SEC, translator(locale),
                                       locale=locale, **options)

    dry = await report("es", dry_run=True)
    lines = report_lines(dry, True, "es")
    assert "  añadiría São Paulo (Brasil)" in lines and "  añadiría Genève (Suiza)" in lines, lines
    assert any(line.startswith("fila 3: SAO PAULO (Brasil) ya está en la línea 2") for line in lines), lines
    assert any(line.startswith("fila 4: Curitiba (Brasil) ya está en el directorio") for line in lines), lines
    done = await report("fr", skip_invalid=True)
    assert done.added == ["São Paulo (Brésil)", "Genève (Suisse)"], done.added
    async with db.transaction(write=False) as session:
        subjects = set((await session.execute(select(AuditEvent.subject))).scalars())
    assert {"São Paulo (Brazil)", "Genève (Switzerland)"} <= subjects and "São Paulo (Brésil)" not in subjects


@pytest.mark.parametrize(("locale", "ending"), [
    ("en", "Did you mean “Ecuador”?"), ("es", "¿Quisiste decir «Ecuador»?"), ("fr", "Vouliez-vous dire « Équateur » ?")])
async def test_a_row_ending_with_a_did_you_mean_has_no_stop_after_its_question_mark(
    db: Database, clock: FakeClock, locale: str, ending: str
) -> None:
    ctx = Context(db=db, clock=clock)
    async with db.transaction(write=False) as session:
        report = await import_cities(ctx, session, read_table(b"name,country,region\nQuito,Ecuadr,Latin America\n", "csv"),
                                     SEC, translator(locale), locale=locale, dry_run=True)
    (error,) = report.errors
    assert error.message.endswith(ending), error.message
