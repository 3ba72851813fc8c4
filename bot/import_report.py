"""`hrc-bot import cities FILE`: read the file, run the import in one transaction, print the report.

A progress bar (rich) shows on a terminal for long files and stays quiet when output is piped.
"""

from __future__ import annotations

import asyncio
import getpass
import socket
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from bot.settings import Settings
from handlers.context import Context
from handlers.i18n import Translate, translations, translator
from handlers.importer import ImportReport, import_cities
from handlers.tabular import TableError, read_table
from handlers.types import Actor
from storage.session import Database

PROGRESS_FROM_ROWS = 200  # shorter files are done before a bar would be seen


def cli_actor() -> Actor:
    """Who runs the command line, as the audit trail records it: the login name on this host."""
    try:
        user = getpass.getuser()
    except Exception:
        user = "unknown"
    return Actor(platform="cli", workspace=socket.gethostname()[:64], user_id=user[:64], display_name=user)


def report_lines(report: ImportReport, dry_run: bool, locale: str) -> list[str]:
    """The report as printed: problems with their row numbers first, then what changed (or would)."""
    _ = translator(locale)
    ngettext = translations(locale).ngettext
    lines = []
    if report.unknown_columns:
        lines.append(_("Unknown columns (ignored): {columns}.").format(columns=", ".join(report.unknown_columns)))
    if report.missing_columns:
        lines.append(_("Missing columns: {columns}. Nothing was written.").format(columns=", ".join(report.missing_columns)))
        lines.append(_("The file needs name, country and region columns (in English, Spanish or French)."))
        return lines
    lines += [_("row {line}: {problem}").format(line=e.line, problem=e.message) for e in report.errors]
    counts = _("added {added}, updated {updated}, unchanged {unchanged}").format(
        added=len(report.added), updated=len(report.updated), unchanged=report.unchanged)
    if dry_run:
        lines.append(_("Dry run, nothing written. Would have: {counts}.").format(counts=counts))
        lines += [_("  would add {city}").format(city=c) for c in report.added[:50]]
        lines += [_("  would update {city}").format(city=c) for c in report.updated[:50]]
    elif report.written:
        lines.append(_("Imported: {counts}.").format(counts=counts))
        if report.errors:
            lines.append(ngettext("{count} invalid row skipped.", "{count} invalid rows skipped.", len(report.errors))
                         .format(count=len(report.errors)))
    else:
        lines.append(ngettext("{count} row is invalid: nothing was written. Fix it, or use --skip-invalid.",
                              "{count} rows are invalid: nothing was written. Fix them, or use --skip-invalid.",
                              len(report.errors)).format(count=len(report.errors)))
    return lines


def _file_problem(error: TableError, path: Path, _: Translate) -> str:
    if error.reason == "encoding":
        return _("{file} is not UTF-8 text ({detail}). Save it as “CSV UTF-8” (or as .xlsx) and import it again.").format(
            file=path, detail=error.detail)
    if error.reason == "empty":
        return _("{file} is empty.").format(file=path)
    return _("{file} cannot be read as a spreadsheet.").format(file=path)


async def import_file(settings: Settings, path: Path, *, dry_run: bool, skip_invalid: bool, update: bool, locale: str) -> int:
    _ = translator(locale)
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in ("csv", "xlsx"):
        print("hrc-bot: " + _("import reads .csv or .xlsx files, not {file}.").format(file=path), file=sys.stderr)
        return 2
    try:
        content = await asyncio.to_thread(path.read_bytes)
        table = read_table(content, fmt)
    except FileNotFoundError:
        print("hrc-bot: " + _("There is no file {file}.").format(file=path), file=sys.stderr)
        return 2
    except IsADirectoryError:
        print("hrc-bot: " + _("{file} is a folder, not a file.").format(file=path), file=sys.stderr)
        return 2
    except PermissionError:
        print("hrc-bot: " + _("I may not read {file}.").format(file=path), file=sys.stderr)
        return 2
    except OSError as error:
        print("hrc-bot: " + _("{file} cannot be read ({reason}).").format(file=path, reason=error.strerror or error),
              file=sys.stderr)
        return 2
    except TableError as error:
        print("hrc-bot: " + _file_problem(error, path, _), file=sys.stderr)
        return 1
    db = Database(settings.database_url)
    ctx = Context(db=db, timezone=settings.timezone)
    try:
        with progress_bar(len(table.rows), _("Checking rows")) as advance:
            async with db.transaction(write=not dry_run) as session:
                report = await import_cities(ctx, session, table, cli_actor(), _, dry_run=dry_run,
                                             skip_invalid=skip_invalid, update=update, locale=locale, on_row=advance)
    finally:
        await db.dispose()
    for line in report_lines(report, dry_run, locale):
        print(line)
    ok = not report.missing_columns and (not report.errors or (report.written and skip_invalid))
    return 0 if ok else 1


@contextmanager
def progress_bar(total: int, label: str) -> Iterator[Callable[[int], None]]:
    """``advance(n)`` for a rich progress bar on stderr when it is a terminal and the file is long;
    otherwise a function that does nothing (piped output stays clean)."""
    if total < PROGRESS_FROM_ROWS or not sys.stderr.isatty():
        yield lambda _n: None
        return
    from rich.console import Console
    from rich.progress import Progress

    with Progress(console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(label, total=total)
        yield lambda n: bar.update(task, completed=n)
