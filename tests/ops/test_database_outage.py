"""Database outages (issue 18, item 7): a read-only SQLite file, PostgreSQL down, a read-only PostgreSQL.

Every command, on both platforms, answers that the database is unavailable and nothing was changed
(including the retry-ledger claim that runs before the command), logged once with an incident code,
never a traceback or an empty HTTP 500; `/healthz` answers 503 when the database cannot be written.
"""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.wiring import Runtime
from storage.session import Database
from tests.conftest import PG_URL, make_database
from tests.discord.conftest import DiscordBot, embed_text
from tests.fakes.discord_api import slash
from tests.slack.conftest import SlackBot

UNAVAILABLE = "the database is unavailable, so nothing was changed"
INCIDENT = re.compile(r"incident ([0-9a-f]{8})")


@pytest.fixture(params=["sqlite-read-only", "postgresql-down", "postgresql-read-only"])
async def broken(request: pytest.FixtureRequest, sqlite_db: Database, tmp_path: Path) -> AsyncIterator[tuple[str, Database]]:
    """A database the bot cannot write to, of the kind named by the parameter."""
    cleanup = None
    if request.param == "sqlite-read-only":
        # The same file opened read-only: SQLite answers "attempt to write a readonly database"
        # (chmod cannot show it here: the tests may run as root).
        db = Database(f"sqlite:///file:{sqlite_db.url.database}?mode=ro&uri=true")
    elif request.param == "postgresql-down":
        db = Database("postgresql://postgres@127.0.0.1:1/test")  # nothing listens there: connection refused
    else:
        migrated, cleanup = await make_database("postgresql", tmp_path)
        await migrated.dispose()
        # A standby, or a database set read-only by its operator.
        settings = migrated._options["connect_args"]["server_settings"] | {"default_transaction_read_only": "on"}  # type: ignore[index]
        db = Database(PG_URL, connect_args={"server_settings": settings})
    try:
        yield request.param, db
    finally:
        await db.dispose()
        if cleanup is not None:
            await cleanup()  # type: ignore[operator]


def use(runtime: Runtime, db: Database) -> None:
    runtime.db = db
    runtime.ctx.db = db


def assert_logged_once(caplog: pytest.LogCaptureFixture, text: str) -> None:
    code = INCIDENT.search(text)
    assert code, text
    records = [r for r in caplog.records if code.group(1) in r.getMessage()]
    assert len(records) == 1 and records[0].levelno == logging.ERROR and records[0].exc_info is None
    assert "Traceback" not in caplog.text


async def test_slack_commands_say_the_database_is_unavailable(
    slack: SlackBot, broken: tuple[str, Database], caplog: pytest.LogCaptureFixture
) -> None:
    kind, db = broken
    use(slack.runtime, db)
    # A write command: the retry-ledger claim is its transaction's first write.
    status, body = await slack.post(slack.command_body("theme add water"))
    assert status == 200 and UNAVAILABLE in body
    assert_logged_once(caplog, body)
    # A form submission and a button click: the same answer, never a 500.
    from bot.slack.modals import register_modal

    caplog.clear()
    view = register_modal() | {"private_metadata": "{}"}
    # Complete, so that it reaches the database (a form missing fields is answered from the form alone).
    values = {"city": {"value": {"type": "plain_text_input", "value": "Quilmes"}},
              "country": {"value": {"type": "plain_text_input", "value": "Argentina"}},
              "region": {"value": {"type": "static_select", "selected_option": {"value": "latin-america"}}}}
    status, body = await slack.interact(slack.submission(view, values))
    assert status == 200 and UNAVAILABLE in body
    before = len(slack.fake.responses)
    click = {
        "type": "block_actions", "team": {"id": "T1"}, "user": {"id": "USEC", "username": "sec", "team_id": "T1"},
        "channel": {"id": "CSEC"}, "container": {"type": "message", "message_ts": "5.1", "channel_id": "CSEC"},
        "response_url": f"{slack.fake.url}/response/click", "trigger_id": "t.click",
        "actions": [{"action_id": "hrc_action_verify", "value": "verify #1", "type": "button"}],
    }
    status, _ = await slack.interact(click)
    assert status == 200
    answered = await slack.fake.wait_for(lambda: slack.fake.responses[before:])
    assert UNAVAILABLE in str(answered[0])
    if kind == "postgresql-down":  # reads fail too
        status, body = await slack.post(slack.command_body("themes"))
        assert status == 200 and UNAVAILABLE in body
    async with slack.http.get(f"{slack.base}/healthz") as response:
        assert response.status == 503
        assert (await response.json())["database"] == ("unreachable" if kind == "postgresql-down" else "read-only")


async def test_healthz_is_ok_when_the_database_takes_writes(slack: SlackBot) -> None:
    async with slack.http.get(f"{slack.base}/healthz") as response:
        assert response.status == 200 and (await response.json()) == {"database": "ok"}


async def test_discord_commands_say_the_database_is_unavailable(
    discord_bot: DiscordBot, broken: tuple[str, Database], caplog: pytest.LogCaptureFixture
) -> None:
    _kind, db = broken
    use(discord_bot.runtime, db)
    iid, _ = await discord_bot.send(2, slash(["city", "register"], {"city": "Quilmes", "country": "Argentina", "region": "latin-america"}))
    answer = embed_text(await discord_bot.answer(iid))
    assert UNAVAILABLE in answer
    assert_logged_once(caplog, answer)
