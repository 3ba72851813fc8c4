"""`hrc-bot progress`, `export` and `import`: the campaign's figures and directory from the command line."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from bot.settings import Settings
from handlers.exports import DATASETS
from handlers.i18n import translator
from handlers.tabular import FORMATS


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    progress = sub.add_parser(
        "progress",
        help="print the progress toward 10 > 100 > 1000; --chart writes the PNG chart",
        description="Print the campaign's progress (verified cities, by region and year) as /hrc progress shows it.",
    )
    progress.add_argument("--chart", metavar="FILE.png", type=Path, help="also write the chart (800 px wide PNG) to FILE.png")
    progress.add_argument("--locale", default=None, choices=("en", "es", "fr"), help="language of the labels: en, es or fr (default: HRC_CONSOLE_LOCALE)")
    export = sub.add_parser(
        "export",
        help="write cities, practices, members, deliveries or the audit trail as CSV, JSON or xlsx",
        description="Write one table of the directory to a file (or standard output). Columns are listed in "
        "README, 'Exports'. CSV is UTF-8 with a byte-order mark so spreadsheet programs show accents.",
    )
    export.add_argument("dataset", choices=DATASETS, help="what to export")
    export.add_argument("--format", choices=FORMATS, default=None, help="csv (default, or from --output's extension), json or xlsx")
    export.add_argument("--output", "-o", metavar="FILE", type=Path, default=None, help="file to write (default: standard output)")
    imp = sub.add_parser(
        "import",
        help="add or update cities from a CSV or xlsx file (English, Spanish or French headers)",
        description="Read cities from FILE.csv (UTF-8) or FILE.xlsx and add them to the directory. Every row is "
        "checked first; nothing is written when any row is invalid (unless --skip-invalid). Importing the same "
        "file twice changes nothing. Columns: README, 'Import'.",
    )
    imp.add_argument("dataset", choices=("cities",), help="what to import (cities)")
    imp.add_argument("file", type=Path, help="FILE.csv or FILE.xlsx")
    imp.add_argument("--dry-run", action="store_true", help="check and report what would change, write nothing")
    imp.add_argument("--skip-invalid", action="store_true", help="write the valid rows even when some are invalid")
    imp.add_argument("--update", action="store_true", help="change cities already in the directory when the file differs")
    imp.add_argument("--locale", default=None, choices=("en", "es", "fr"), help="language of the report: en, es or fr (default: HRC_CONSOLE_LOCALE)")


async def run_progress(settings: Settings, chart: Path | None, locale: str | None) -> int:
    """Print ``/hrc progress`` and, with ``chart``, write its PNG there. Returns the exit status."""
    from bot.cli import _upgrade
    from bot.console import console_actor
    from bot.render_text import render_text
    from bot.wiring import build_runtime

    if chart is not None and chart.suffix.lower() != ".png":
        print(f"hrc-bot: --chart must name a .png file, got {chart}", file=sys.stderr)
        return 2
    await _upgrade(settings)
    runtime = build_runtime(settings)
    try:
        actor, place = console_actor("cli", secretariat=False)
        reply = await runtime.answer_text(actor, place, "progress", locale or settings.console_language or settings.default_language)
    finally:
        await runtime.close()
    print(render_text(reply))
    if reply.is_error:
        return 1
    if chart is not None:
        png = next(a for a in reply.attachments if a.mime_type == "image/png")
        await asyncio.to_thread(chart.write_bytes, png.content)
        _ = translator(locale or settings.console_language or settings.default_language)
        print(_("Chart written to {file} ({size} bytes).").format(file=chart, size=_.number(len(png.content))))
    return 0


def export_format(fmt: str | None, output: Path | None) -> str:
    """The format asked for, else the output file's extension when it is one, else csv."""
    if fmt:
        return fmt
    suffix = output.suffix.lower().lstrip(".") if output else ""
    return suffix if suffix in FORMATS else "csv"


async def run_export(settings: Settings, dataset: str, fmt: str | None, output: Path | None) -> int:
    """Write ``dataset`` to ``output`` (or standard output). Members come with their platform ids:
    whoever runs the command line has the database itself."""
    from handlers.exports import dataset as build
    from handlers.tabular import write_table
    from storage.session import Database

    chosen = export_format(fmt, output)
    if output is None and chosen == "xlsx" and sys.stdout.isatty():
        print("hrc-bot: an xlsx file is binary: give --output FILE.xlsx", file=sys.stderr)
        return 2
    from bot.cli import _upgrade

    await _upgrade(settings)
    db = Database(settings.database_url)
    try:
        async with db.transaction() as session:
            table = await build(session, dataset, secretariat=True)
    finally:
        await db.dispose()
    content = write_table(table, chosen, sheet=dataset)
    if output is None:
        sys.stdout.buffer.write(content)
        sys.stdout.flush()
        return 0
    await asyncio.to_thread(output.write_bytes, content)
    _ = translator(settings.console_language or settings.default_language)
    print(_.ngettext("{count} row of {dataset} written to {file} ({format}).",
                     "{count} rows of {dataset} written to {file} ({format}).", len(table.rows)).format(
        count=_.number(len(table.rows)), dataset=dataset, file=output, format=chosen), file=sys.stderr)
    return 0


async def run_import(settings: Settings, args: argparse.Namespace) -> int:
    """Import the file and print the report; 0 when written (or a clean dry run), 1 when rows are invalid."""
    from bot.cli import _upgrade
    from bot.import_report import import_file

    await _upgrade(settings)
    return await import_file(settings, args.file, dry_run=args.dry_run, skip_invalid=args.skip_invalid,
                             update=args.update, locale=args.locale or settings.console_language or settings.default_language)
