"""`hrc-bot`: run the bot, open the console, migrate the database, load demo data."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import logging
import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from bot import cli_data, redact
from bot.settings import Settings, SettingsError, load_settings

if TYPE_CHECKING:
    from handlers.i18n import Translator

logger = logging.getLogger("hrc_bot")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="hrc-bot",
        description="Community bot of the '10, 100, 1000 Human Rights Cities & Territories by 2030' campaign.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    sub.add_parser(
        "run",
        help="start Slack and/or Discord when their tokens are set; with none, the local console",
        description="Start every platform whose tokens are set (one process, one database). "
        "With no platform token, open the local console as a secretariat user.",
    )
    console = sub.add_parser(
        "console",
        help="type /hrc commands in the terminal (or pipe them in)",
        description="Read /hrc commands line by line from standard input and print one reply per command.",
    )
    console.add_argument("--user", default=None, help="who you are in the console (default: your login name)")
    console.add_argument("--secretariat", action="store_true", help="act with secretariat rights")
    console.add_argument(
        "--language", choices=("en", "es", "fr"), default=None,
        help="language of the replies, as a platform language (default: HRC_CONSOLE_LOCALE, else HRC_DEFAULT_LANGUAGE); "
             "a /hrc language choice still wins",
    )
    db = sub.add_parser("db", help="database maintenance", description="Database maintenance.")
    db_sub = db.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    db_sub.add_parser("upgrade", help="apply Alembic migrations up to the latest", description="Apply migrations.")
    sub.add_parser(
        "seed-demo",
        help="load the campaign's founding and example cities (marked as demo data)",
        description="Load the six founding cities and the cities the campaign's reports name for practices, "
        "marked as demo data. Safe to run twice.",
    )
    invite = sub.add_parser(
        "discord-invite",
        help="print the URL that adds the bot to a Discord server",
        description="Print the OAuth2 URL that adds the bot to a server, with exactly the scopes "
        "(bot, applications.commands) and permissions (view channels, send messages, embed links) it needs.",
    )
    invite.add_argument("application_id", type=int, help="the application id (Developer Portal, General Information)")
    days = sub.add_parser(
        "days",
        help="print every UN international day of a year (for reports)",
        description="Print every UN international day of a year: slug, name, date. Irregular days have no date. "
        "With --format ics, an iCalendar file (RFC 5545) whose yearly events start in that year, for a calendar app.",
    )
    days.add_argument("--year", type=int, required=True, help="the year, e.g. 2027")
    days.add_argument("--format", choices=("table", "csv", "ics"), default="table", help="table (default), csv or ics")
    days.add_argument("--lang", default="en", choices=("en", "es", "fr"),
                      help="language of the day names (text, ics) and of the calendar's descriptions: en (default), es or fr")
    cli_data.add_parsers(sub)
    return parser


def _print_days(year: int, fmt: str, lang: str = "en") -> int:
    import csv

    from handlers.calendar import un_days, year_listing

    if not 1900 <= year <= 2200:
        print("hrc-bot: --year must be between 1900 and 2200", file=sys.stderr)
        return 2
    if fmt == "ics":
        from datetime import UTC, datetime

        from handlers.ics import build_calendar, clean_lang

        sys.stdout.flush()
        sys.stdout.buffer.write(build_calendar(un_days(), now=datetime.now(UTC), locale=clean_lang(lang), since_year=year))
        sys.stdout.buffer.flush()
        return 0
    rows = year_listing(un_days(), year)
    if fmt == "csv":
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(["slug", "name", "date", "un"])
        for when, day in rows:
            writer.writerow([day.slug, day.name, when.isoformat() if when else "", "yes" if day.is_un else "no"])
        return 0
    from handlers.day_names import day_name
    from handlers.i18n import translator

    _ = translator(lang)
    irregular, not_un = _("(irregular)"), _("(not a UN day)")
    width = max(len(day.slug) for _when, day in rows)
    for when, day in rows:
        marker = "" if day.is_un else f"  {not_un}"
        print(f"{when.isoformat() if when else irregular:<11}  {day.slug:<{width}}  {day_name(day, _.language)}{marker}")
    return 0


async def _upgrade(settings: Settings) -> None:
    from storage.migrate import upgrade
    from storage.session import Database

    db = Database(settings.database_url)
    try:
        await upgrade(db)
    finally:
        await db.dispose()


async def _console(settings: Settings, user: str, secretariat: bool, language: str | None = None) -> int:
    from bot.broadcast import BroadcastWorker
    from bot.cache_watch import CacheWatch
    from bot.console import run_console
    from bot.scheduler import PromptScheduler
    from bot.shutdown import GRACE_SECONDS, on_stop_signals, settle
    from bot.wiring import build_runtime

    await _upgrade(settings)
    runtime = build_runtime(settings)
    scheduler = PromptScheduler(runtime)
    broadcasts: BroadcastWorker = runtime.outbox
    cache_watch = CacheWatch(runtime).start()
    stop = asyncio.Event()
    undo_signals = on_stop_signals(stop.set)  # SIGTERM / Ctrl-C: finish the command in hand, then stop
    try:
        # The broadcast worker runs as with Slack and Discord (bot/platforms.py), between commands, so a scheduled
        # announcement goes out at its time; and right after each command, so a piped session shows an
        # announcement sent now right after the command that confirms it.
        return await run_console(
            runtime, user, secretariat=secretariat, on_ready=scheduler.start, after_command=broadcasts.run_once,
            outbox=broadcasts, stop=stop,
            language=language or settings.console_language or settings.default_language,
        )
    finally:
        deadline = asyncio.get_running_loop().time() + GRACE_SECONDS
        scheduler.stop()
        await cache_watch.stop(grace=GRACE_SECONDS / 2)
        await settle(None, deadline)  # a scheduler tick still running: never cut off mid-query
        await runtime.close()  # the engine last
        undo_signals()


async def _seed(settings: Settings) -> int:
    from handlers.demo import seed_demo
    from storage.session import Database

    await _upgrade(settings)
    db = Database(settings.database_url)
    try:
        async with db.transaction() as session:
            cities, practices = await seed_demo(session)
    finally:
        await db.dispose()
    _ = _console_translator(settings)
    print(_("Demo data loaded: {cities} cities and {practices} practices added.").format(cities=cities, practices=practices))
    return 0


async def _run(settings: Settings) -> int:
    if settings.console_only:
        _ = _console_translator(settings)
        print(_("No Slack or Discord token set: opening the local console (see README, “Connect to Slack”)."))
        return await _console(settings, _default_user(), True)
    from bot.platforms import run_platforms

    await _upgrade(settings)
    return await run_platforms(settings)


def _console_translator(settings: Settings) -> Translator:
    """Messages for the person at the terminal, in the console's language (HRC_CONSOLE_LOCALE, else the default)."""
    from handlers.i18n import translator

    return translator(settings.console_language or settings.default_language)


def _default_user() -> str:
    try:
        return getpass.getuser()
    except Exception:
        return "local"


def main(argv: Sequence[str] | None = None) -> int:
    """The ``hrc-bot`` command; returns the exit status (0 when a reader such as ``head`` closed the pipe)."""
    try:
        status = _main(argv)
        sys.stdout.flush()
        return status
    except BrokenPipeError:
        # Python's documented way (signal module, "Note on SIGPIPE"): point stdout at devnull so the
        # interpreter's own flush at exit does not raise again; `hrc-bot progress | head` is not an error.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0


def _main(argv: Sequence[str] | None) -> int:
    args = _parser().parse_args(argv)
    try:
        settings = load_settings()
    except SettingsError as error:
        print(redact.redact(f"hrc-bot: bad setting {error}"), file=sys.stderr)
        return 2
    # `run` with no platform token is the console too (`make run` on a fresh machine): its level, not LOG_LEVEL.
    console = args.command == "console" or (args.command == "run" and settings.console_only)
    level = settings.console_log_level if console else settings.log_level
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    redact.install()
    logging.getLogger("alembic").setLevel(logging.WARNING)
    if args.command == "discord-invite":
        from bot.discord.service import invite_url

        print(invite_url(args.application_id))
        return 0
    if args.command == "days":
        return _print_days(args.year, args.format, args.lang)
    try:
        if args.command == "db":
            asyncio.run(_upgrade(settings))
            _ = _console_translator(settings)
            print(_("Database is up to date."))
            return 0
        if args.command == "seed-demo":
            return asyncio.run(_seed(settings))
        if args.command == "import":
            return asyncio.run(cli_data.run_import(settings, args))
        if args.command == "export":
            return asyncio.run(cli_data.run_export(settings, args.dataset, args.format, args.output))
        if args.command == "progress":
            return asyncio.run(cli_data.run_progress(settings, args.chart, args.locale))
        if args.command == "console":
            return asyncio.run(_console(settings, args.user or _default_user(), args.secretariat, args.language))
        return asyncio.run(_run(settings))
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        raise
    except ConnectionError as error:  # at start the bot dials out only to its database (platforms retry on their own)
        print(f"hrc-bot: cannot reach the database set in DATABASE_URL ({error})", file=sys.stderr)
        return 1
    except OSError as error:
        print(f"hrc-bot: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
