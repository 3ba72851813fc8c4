"""One bot instance's broadcast worker, run as its own process by tests/ops/test_broadcast_instances.py.

    python -m tests.ops.broadcast_instance POSTGRES_SCHEMA FAKE_SLACK_URL LEASE_SECONDS

It sends through the real Slack client (slack_sdk, with the bot's retry handlers) to the fake Slack,
on the shared PostgreSQL schema, until every outbox row is settled; exit code 0 when it got there.
"""

from __future__ import annotations

import asyncio
import logging
import sys
from datetime import timedelta

from sqlalchemy import func, select

from bot.broadcast import BroadcastWorker
from bot.settings import Settings, SlackSettings
from bot.slack.sender import SlackSender
from bot.slack.service import web_client
from bot.wiring import build_runtime
from storage.models import OutboxMessage, OutboxStatus
from storage.session import Database
from tests.conftest import PG_URL


async def main(schema: str, fake_url: str, lease: float) -> int:
    db = Database(PG_URL, connect_args={"server_settings": {"search_path": schema}})
    settings = Settings(slack=SlackSettings(bot_token="xoxb-test", api_url=f"{fake_url}/api/"))
    runtime = build_runtime(settings, database=db)
    runtime.notices.register(SlackSender(web_client(runtime), "", dm_channels=runtime.dm_channels))
    worker = BroadcastWorker(runtime, lease=timedelta(seconds=lease))
    try:
        async with asyncio.timeout(120):
            while True:
                await worker.run_once()
                async with db.transaction(write=False) as session:
                    open_rows = (await session.execute(select(func.count()).select_from(OutboxMessage).where(
                        OutboxMessage.status.in_([OutboxStatus.PENDING, OutboxStatus.SENDING])))).scalar_one()
                    total = (await session.execute(select(func.count()).select_from(OutboxMessage))).scalar_one()
                if total and not open_rows:
                    return 0
                await asyncio.sleep(0.2)
    finally:
        await runtime.close()


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING)
    sys.exit(asyncio.run(main(sys.argv[1], sys.argv[2], float(sys.argv[3]))))
