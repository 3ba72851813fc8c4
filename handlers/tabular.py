"""Tables to files and back: CSV (UTF-8 with BOM), JSON, xlsx (openpyxl).

A ``Table`` is a list of column names and rows of strings (``""`` for empty). Text that a spreadsheet
program would run as a formula (starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return;
OWASP, "CSV Injection") is written with a leading apostrophe in CSV and stored as plain text in xlsx;
``read_table`` removes that apostrophe again, so an export read back is what was exported.

An xlsx cell holding a formula that was never computed (a file written by a program, not saved by
Excel or LibreOffice) has no value to read: it reads as ``""`` and ``Table.formulas`` keeps its formula,
so that the importer can say so rather than call the cell empty.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

FORMATS = ("csv", "json", "xlsx")
MIME_TYPES = {
    "csv": "text/csv",
    "json": "application/json",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class TableError(ValueError):
    """A file that cannot be read as a table: ``reason`` is one of "encoding", "empty", "format"."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason, self.detail = reason, detail


@dataclass(frozen=True)
class Table:
    """Column names and rows of text, each row as long as ``columns``. ``first_row`` is the row number
    (as a spreadsheet program shows it, the header being row 1 when at the top) of ``rows[0]``.
    ``formulas``: (index in ``rows``, column position) -> the formula of an xlsx cell without a computed
    value (its text in ``rows`` is ``""``)."""

    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    first_row: int = 2
    formulas: Mapping[tuple[int, int], str] = field(default_factory=dict)

    def as_dicts(self) -> list[dict[str, str]]:
        return [dict(zip(self.columns, row, strict=True)) for row in self.rows]


def _defused(value: str) -> str:
    return "'" + value if value.startswith(_FORMULA_START) else value


def _restored(value: str) -> str:
    return value[1:] if value.startswith("'") and value[1:].startswith(_FORMULA_START) else value


def write_table(table: Table, fmt: str, *, sheet: str = "data") -> bytes:
    """The table as a file in ``fmt`` (one of FORMATS). Raises ValueError for another format.

    CSV: UTF-8 with a byte-order mark (so Excel shows accents), comma-separated, CRLF line ends
    (RFC 4180). JSON: a list of objects, one per row, keys in column order, UTF-8. xlsx: one sheet
    named ``sheet``, the header row in bold and frozen.
    """
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(table.columns)
        writer.writerows([_defused(v) for v in row] for row in table.rows)
        return buffer.getvalue().encode("utf-8-sig")
    if fmt == "json":
        return (json.dumps(table.as_dicts(), ensure_ascii=False, indent=1) + "\n").encode()
    if fmt == "xlsx":
        return _write_xlsx(table, sheet)
    raise ValueError(f"unknown format {fmt!r}: use one of {', '.join(FORMATS)}")


def _write_xlsx(table: Table, sheet: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    book = Workbook(write_only=True)  # streams rows: constant time per row
    ws = book.create_sheet(sheet[:31])
    ws.freeze_panes = "A2"
    bold = Font(bold=True)

    def header(value: str) -> WriteOnlyCell:
        cell = WriteOnlyCell(ws, value=value)
        cell.font = bold
        return cell

    def text(value: str) -> WriteOnlyCell | str:
        if not value.startswith("="):
            return value
        cell = WriteOnlyCell(ws, value=value)
        cell.data_type = "s"  # openpyxl would otherwise store it as a formula
        return cell

    ws.append([header(c) for c in table.columns])
    for row in table.rows:
        ws.append([text(v) for v in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def read_table(content: bytes, fmt: str) -> Table:
    """Read a CSV (UTF-8, with or without BOM) or xlsx file (its first sheet) into a Table.

    The first non-empty row is the header; rows are padded or cut to the header's length; empty
    rows are kept (callers skip them) so that row numbers stay those a spreadsheet program shows. Raises TableError with
    reason "encoding" (not UTF-8: e.g. a Latin-1 export), "empty" or "format" (unreadable file).
    """
    formulas: dict[tuple[int, int], str] = {}
    if fmt == "csv":
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise TableError("encoding", f"byte {error.start}") from None
        raw = list(csv.reader(io.StringIO(text, newline="")))
    elif fmt == "xlsx":
        raw, formulas = _read_xlsx(content)
    else:
        raise ValueError(f"unknown format {fmt!r}: use csv or xlsx")
    return _tidy(raw, formulas)


def _read_xlsx(content: bytes) -> tuple[list[list[str]], dict[tuple[int, int], str]]:
    """The first sheet's cell texts (its stored values), and (row, column) -> formula for the cells that
    hold a formula but no stored value: openpyxl (and other libraries) write formulas without computing
    them; only a spreadsheet program stores their values. Two passes over the sheet: values, formulas."""
    from zipfile import BadZipFile

    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        formula_book = load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    except (BadZipFile, KeyError, OSError, ValueError) as error:
        raise TableError("format", type(error).__name__) from None
    rows: list[list[str]] = []
    formulas: dict[tuple[int, int], str] = {}
    pairs = zip(book.worksheets[0].iter_rows(values_only=True),
                formula_book.worksheets[0].iter_rows(values_only=True), strict=False)
    for r, (values, written) in enumerate(pairs):
        rows.append(["" if v is None else _cell_text(v) for v in values])
        for c, (value, formula) in enumerate(zip(values, written, strict=False)):
            if value is None and formula is not None:
                text = getattr(formula, "text", formula)  # ArrayFormula: its text
                if isinstance(text, str) and text.startswith("="):
                    formulas[r, c] = text
    book.close()
    formula_book.close()
    return rows, formulas


def _cell_text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        text = value.isoformat()  # type: ignore[attr-defined]
        return text[:10] if text.endswith("T00:00:00") else text
    return str(value)


def _tidy(raw: Sequence[Sequence[str]], formulas: Mapping[tuple[int, int], str] | None = None) -> Table:
    header_at = next((i for i, row in enumerate(raw) if any(cell.strip() for cell in row)), None)
    if header_at is None:
        raise TableError("empty")
    columns = tuple(cell.strip() for cell in raw[header_at])
    width = len(columns)
    rows = []
    for row in raw[header_at + 1 :]:
        cells = [_restored(cell) for cell in row][:width]
        rows.append(tuple(cells + [""] * (width - len(cells))))
    kept = {(r - header_at - 1, c): f for (r, c), f in (formulas or {}).items() if r > header_at and c < width}
    return Table(columns, tuple(rows), first_row=header_at + 2, formulas=kept)
