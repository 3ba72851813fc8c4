"""`hrc-bot` as a newcomer runs it: a subprocess, a pipe, an embedded SQLite database."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

SESSION = """\
/hrc register city: Grenoble country: France region: Europe themes: participatory democracy
/hrc verify Grenoble
/hrc theme add housing, water
/hrc share title: Participatory housing budget themes: housing summary: Residents decide; @everyone welcome.
/hrc practices budget
/hrc who housing
/hrc themes
/hrc profile
/hrc progress
"""


def hrc_bot(args: list[str], tmp_path: Path, stdin: str = "", **env: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DISCORD_", "HRC_", "DATABASE_URL"))}
    environment.update({"DATABASE_URL": f"sqlite:///{tmp_path / 'hrc.db'}", "HOME": str(tmp_path), **env})
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        input=stdin, capture_output=True, text=True, cwd=tmp_path, env=environment, timeout=120,
    )


def test_piped_console_session_covers_the_whole_flow(tmp_path: Path) -> None:
    result = hrc_bot(["console", "--user", "ana", "--secretariat"], tmp_path, SESSION)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Thank you: Grenoble is registered" in out
    assert "→ secretariat channel:" in out and "[Verify: /hrc verify #1]" in out
    assert "Grenoble is verified" in out and "→ message to @ana:" in out
    assert "Grenoble now works on: Housing, Participatory democracy, Water & sanitation." in out
    assert "Participatory housing budget (Grenoble)" in out
    assert "Grenoble (France): @ana" in out
    assert "Verified local and regional governments: 1." in out
    assert "Traceback" not in out + result.stderr


def test_piped_console_answers_who_without_secretariat(tmp_path: Path) -> None:
    result = hrc_bot(["console", "--user", "ana"], tmp_path, "/hrc who housing\n")
    assert result.returncode == 0, result.stderr
    assert "No verified city works on Housing yet." in result.stdout


def test_member_refused_secretariat_command_in_console(tmp_path: Path) -> None:
    result = hrc_bot(["console", "--user", "bob"], tmp_path, "/hrc pending\n")
    assert "for the campaign secretariat" in result.stdout


def test_seed_demo_twice_then_who(tmp_path: Path) -> None:
    first = hrc_bot(["seed-demo"], tmp_path)
    assert first.returncode == 0, first.stderr
    assert "11 cities and 7 practices added" in first.stdout
    second = hrc_bot(["seed-demo"], tmp_path)
    assert "0 cities and 0 practices added" in second.stdout
    who = hrc_bot(["console", "--user", "ana"], tmp_path, "/hrc who water\n/hrc practices agua water\n/hrc profile Bogota\n")
    assert "Valparaíso (Chile)" in who.stdout and "Quilmes (Argentina)" in who.stdout
    assert "Defending the right to water" in who.stdout
    assert "Demo data" in who.stdout


@pytest.mark.parametrize(
    ("env", "setting"),
    [({"PORT": "abc"}, "PORT"), ({"HRC_TIMEZONE": "Mars/Olympus"}, "HRC_TIMEZONE"),
     ({"DATABASE_URL": "not a url"}, "DATABASE_URL"), ({"HRC_SECRETARIAT": "U123"}, "HRC_SECRETARIAT")],
)
def test_bad_setting_stops_with_one_line(tmp_path: Path, env: dict[str, str], setting: str) -> None:
    result = hrc_bot(["console", "--user", "ana"], tmp_path, "", **env)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"hrc-bot: bad setting {setting}:"), result.stderr


def test_dotenv_file_is_read_and_environment_wins(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("PORT=abc\n")
    assert "bad setting PORT" in hrc_bot(["db", "upgrade"], tmp_path).stderr
    fixed = hrc_bot(["db", "upgrade"], tmp_path, PORT="3001")
    assert fixed.returncode == 0 and "up to date" in fixed.stdout


def test_help_on_every_subcommand(tmp_path: Path) -> None:
    for args in (["--help"], ["run", "--help"], ["console", "--help"], ["db", "--help"], ["db", "upgrade", "--help"],
                 ["seed-demo", "--help"]):
        result = hrc_bot(args, tmp_path)
        assert result.returncode == 0 and "usage: hrc-bot" in result.stdout, args


def test_days_and_day_through_the_console(tmp_path: Path) -> None:
    result = hrc_bot(["console", "--user", "sec", "--secretariat"], tmp_path,
                     "/hrc days december\n/hrc day human rights day\n/hrc day nonsense words\n"
                     "/hrc days add name: Forum date: 2027-02-30\n")
    assert "Thu 10 Dec 2026: Human Rights Day" in result.stdout or "Fri 10 Dec 2027: Human Rights Day" in result.stdout
    assert "Human Rights Day\n================" in result.stdout and "A/RES/423 (V)" in result.stdout
    assert "I don't know a day called “nonsense words”." in result.stdout
    assert "2027-02-30 does not exist in the calendar." in result.stdout


def test_days_cli_prints_a_year_as_csv(tmp_path: Path) -> None:
    result = hrc_bot(["days", "--year", "2027", "--format", "csv"], tmp_path)
    lines = result.stdout.splitlines()
    assert lines[0] == "slug,name,date,un"
    assert "world-habitat-day,World Habitat Day,2027-10-04,yes" in lines
    assert "vesak,\"Vesak, the Day of the Full Moon\",,yes" in lines
    assert "idahobit,\"International Day against Homophobia, Biphobia and Transphobia (IDAHOBIT)\",2027-05-17,no" in lines
    assert len(lines) == 1 + 248 - 1  # World Statistics Day is not observed in 2027


def test_days_cli_lists_a_year_in_the_language_asked(tmp_path: Path) -> None:
    result = hrc_bot(["days", "--year", "2027", "--lang", "fr"], tmp_path)
    assert result.returncode == 0, result.stderr
    assert "2027-12-10   human-rights-day" in result.stdout and "Journée des droits de l'homme" in result.stdout
    assert "(variable)" in result.stdout and "(pas une journée de l’ONU)" in result.stdout
    assert "(irregular)" not in result.stdout and "Human Rights Day" not in result.stdout


@pytest.mark.parametrize("fmt", ["table", "ics"])
def test_days_cli_refuses_a_language_it_does_not_have(tmp_path: Path, fmt: str) -> None:
    # as --locale does: not English printed in silence for `--lang de`
    result = hrc_bot(["days", "--year", "2027", "--format", fmt, "--lang", "de"], tmp_path)
    assert result.returncode == 2 and result.stdout == "", result.stdout[:200]
    assert "--lang" in result.stderr and "invalid choice: 'de'" in result.stderr, result.stderr


def test_console_saves_a_replys_file_and_prints_its_path(tmp_path: Path) -> None:
    result = hrc_bot(["console", "--user", "ana"], tmp_path, "/hrc progress\n/hrc progress\n")
    assert result.returncode == 0, result.stderr
    first, second = tmp_path / "data" / "files" / "progress.png", tmp_path / "data" / "files" / "progress-2.png"
    assert f"📎 {first}" in result.stdout and f"📎 {second}" in result.stdout  # never overwrites
    assert first.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    assert "Chart of verified local and regional governments: 0." in result.stdout  # its alt text


def test_progress_chart_from_the_command_line(tmp_path: Path) -> None:
    result = hrc_bot(["progress", "--chart", "report.png"], tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Verified local and regional governments: 0." in result.stdout
    assert (tmp_path / "report.png").read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    wrong = hrc_bot(["progress", "--chart", "report.jpg"], tmp_path)
    assert wrong.returncode == 2 and "must name a .png file" in wrong.stderr


def test_console_saves_the_calendar_and_the_cli_prints_it(tmp_path: Path) -> None:
    result = hrc_bot(["console", "--user", "ana"], tmp_path, "/hrc days export theme: housing\n")
    assert result.returncode == 0, result.stderr
    saved = tmp_path / "data" / "files" / "hrc-days.ics"
    assert f"📎 {saved}" in result.stdout
    assert b"UID:world-habitat-day@hrc-bot.human-rights-cities" in saved.read_bytes()
    printed = hrc_bot(["days", "--year", "2027", "--format", "ics"], tmp_path)
    assert printed.returncode == 0 and "DTSTART;VALUE=DATE:20271004" in printed.stdout


def test_export_and_import_from_the_command_line(tmp_path: Path) -> None:
    (tmp_path / "latin1.csv").write_bytes("name,country,region\nBogotá,Colombia,Latin America\n".encode("latin-1"))
    refused = hrc_bot(["import", "cities", "latin1.csv"], tmp_path)
    assert refused.returncode == 1 and "is not UTF-8 text" in refused.stderr and "Traceback" not in refused.stderr
    (tmp_path / "in.csv").write_text("Ciudad,País,Región,Alcalde\nBogotá,Colombia,Latin America,x\nLima,Peru,Atlantis,y\n", encoding="utf-8")
    invalid = hrc_bot(["import", "cities", "in.csv"], tmp_path)
    assert invalid.returncode == 1
    assert "Unknown columns (ignored): Alcalde." in invalid.stdout and "row 3: " in invalid.stdout
    assert "1 row is invalid: nothing was written" in invalid.stdout
    assert "\x1b[" not in invalid.stdout + invalid.stderr  # piped: no progress bar
    skipped = hrc_bot(["import", "cities", "in.csv", "--skip-invalid"], tmp_path)
    assert skipped.returncode == 0 and "Imported: added 1, updated 0, unchanged 0." in skipped.stdout
    exported = hrc_bot(["export", "cities", "--output", "out.xlsx"], tmp_path)
    assert exported.returncode == 0 and (tmp_path / "out.xlsx").read_bytes().startswith(b"PK")
    as_csv = hrc_bot(["export", "cities"], tmp_path)
    assert as_csv.stdout.startswith("\ufeffname,country,region") and "Bogotá,Colombia,Latin America" in as_csv.stdout


def test_a_file_that_cannot_be_saved_is_said_so_and_the_session_goes_on(tmp_path: Path) -> None:
    from bot.console import attachment_lines
    from handlers.types import Attachment, Reply

    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the folder should be")
    reply = Reply(text="x", attachments=(Attachment("progress.png", b"png", "image/png", "42 cities"),), language="es")
    lines = attachment_lines(blocked / "files", reply)
    assert "No se pudo guardar progress.png" in lines and "HRC_FILES_DIR" in lines and "42 cities" in lines


def test_progress_reads_the_console_language_from_dotenv_and_refuses_an_unknown_one(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("HRC_CONSOLE_LOCALE=es\n")
    spanish = hrc_bot(["progress"], tmp_path)
    assert spanish.returncode == 0, spanish.stderr
    english = hrc_bot(["progress", "--locale", "en"], tmp_path)
    assert spanish.stdout != english.stdout  # the .env language, not English, without --locale
    assert hrc_bot(["progress", "--locale", "xx"], tmp_path).returncode == 2


@pytest.mark.parametrize("args", [["days", "--year", "2026"], ["progress"]])
def test_a_reader_that_closed_the_pipe_is_not_an_error(tmp_path: Path, args: list[str]) -> None:
    # `hrc-bot progress | head`: the reader is gone before the first write (its end closed here, so
    # the outcome does not depend on timing).
    assert hrc_bot(["db", "upgrade"], tmp_path).returncode == 0
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DISCORD_", "HRC_", "DATABASE_URL"))}
    environment.update({"DATABASE_URL": f"sqlite:///{tmp_path / 'hrc.db'}", "HOME": str(tmp_path)})
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        result = subprocess.run([sys.executable, "-m", "bot.cli", *args], stdout=write_end, stderr=subprocess.PIPE,
                                text=True, cwd=tmp_path, env=environment, timeout=120)
    finally:
        os.close(write_end)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr and "Broken pipe" not in result.stderr and "hrc-bot:" not in result.stderr


def test_console_act_and_local_times(tmp_path: Path) -> None:
    session = """\
/hrc register city: Grenoble country: France region: Europe themes: human rights timezone: Europe/Paris
/hrc verify Grenoble
/hrc act human rights day note: Open day <!channel>
/hrc day human rights day
/hrc acting human rights day
/hrc channel set days timezone: America/Bogota
"""
    result = hrc_bot(["console", "--user", "ana", "--secretariat"], tmp_path, session, HRC_TIMEZONE="Asia/Tokyo")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Recorded: Grenoble acts on Human Rights Day (" in out
    assert "Grenoble (France): Open day <!channel>" in out  # the console shows text as typed
    assert "Cities acting on Human Rights Day (" in out and "1 city acts." in out
    assert "Next post: " in out and "(Europe/Paris)." in out  # in the reader's city's zone, not the channel's
    assert "\ue000" not in out and "Traceback" not in out + result.stderr


def test_an_unreachable_database_is_named_in_one_line_without_its_password(tmp_path: Path) -> None:
    result = hrc_bot(["db", "upgrade"], tmp_path, DATABASE_URL="postgresql://hrc:s3cret@127.0.0.1:1/hrc")
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 1 and len(lines) == 1, result.stderr
    assert lines[0].startswith("hrc-bot: cannot reach the database set in DATABASE_URL (") and "s3cret" not in result.stderr


def test_run_without_tokens_is_the_console_and_keeps_info_logs_out_of_the_conversation(tmp_path: Path) -> None:
    assert hrc_bot(["db", "upgrade"], tmp_path).returncode == 0
    quiet = hrc_bot(["run"], tmp_path, "/hrc themes\n")
    assert quiet.returncode == 0 and "Campaign themes" in quiet.stdout, quiet.stderr
    assert " INFO " not in quiet.stdout + quiet.stderr  # "reply cache warmed" was an INFO line among the answers
    chatty = hrc_bot(["run"], tmp_path, "/hrc themes\n", HRC_CONSOLE_LOG_LEVEL="INFO")
    assert " INFO " in chatty.stdout + chatty.stderr  # the console's own setting still decides


async def test_a_message_written_while_the_prompt_waits_redraws_the_prompt_after_it() -> None:
    """The scheduler prints a day's prompt into an interactive console at any time: the prompt's line was
    cleared for it and drawn again only at the outbox's next pass, or never when no outbox ran."""
    import asyncio
    import io

    from bot.console import Screen

    out = io.StringIO()
    screen = Screen(out, "hrc> ")
    screen.prompting = True
    screen.write("→ post to #days:\n  Today: Human Rights Day\n")
    screen.write("→ post to #general:\n  Today: Human Rights Day\n")
    await asyncio.sleep(0)
    assert out.getvalue() == ("\r\x1b[K→ post to #days:\n  Today: Human Rights Day\n"
                              "→ post to #general:\n  Today: Human Rights Day\nhrc> ")
