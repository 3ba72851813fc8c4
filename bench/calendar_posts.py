"""How many messages a UN-days channel and a subscriber get in a year, per delivery mode.

Runs the real scheduler (``bot.scheduler.PromptScheduler``) on a temporary SQLite database, ticking once
a day at the prompt hour (UTC channels and members) against a recording sender, and counts what went out.

    .venv/bin/python -m bench.calendar_posts [--year 2026]
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from bot.scheduler import PromptScheduler
from bot.settings import Settings
from bot.wiring import build_runtime
from handlers.types import Actor, Place
from storage.migrate import upgrade
from storage.session import Database
from tests.fakes.recording_sender import RecordingSender

MODES = ("off", "daily", "weekly")


async def count(year: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        db = Database(f"sqlite:///{Path(tmp) / 'bench.db'}")
        await upgrade(db)
        runtime = build_runtime(Settings(secretariat=frozenset({"slack:sec"}), lead_days=0), database=db)
        clock = {"now": datetime(year, 1, 1, 9, tzinfo=UTC)}
        runtime.ctx.clock = lambda: clock["now"]
        sender = RecordingSender("slack")
        runtime.notices.register(sender)
        sec = Actor("slack", "W1", "sec", "Sec")
        for mode in MODES:
            await runtime.answer_text(sec, Place("slack", "W1", f"ALL-{mode}"), f"/hrc channel set days timezone: UTC digest: {mode}")
            await runtime.answer_text(sec, Place("slack", "W1", f"WATER-{mode}"),
                                      f"/hrc channel set days timezone: UTC digest: {mode} themes: water, housing")
            person = Actor("slack", "W1", f"hr-{mode}", "P")
            await runtime.answer_text(person, Place("slack", "W1", "D"), f"/hrc subscribe human rights digest: {mode}")
        scheduler = PromptScheduler(runtime)
        day = date(year, 1, 1)
        while day.year == year:
            clock["now"] = datetime(day.year, day.month, day.day, 9, tzinfo=UTC)
            await scheduler.tick()
            day += timedelta(days=1)
        print(f"Messages in {year} (one tick a day at 09:00 UTC, real scheduler):")
        print("| target | one per day | daily digest | weekly digest |")
        print("|---|---|---|---|")
        for label, kind, prefix in (("UN-days channel, all themes", "channel", "ALL"),
                                    ("UN-days channel, themes: water, housing", "channel", "WATER"),
                                    ("person subscribed to human rights", "dm", "hr")):
            counts = [sum(1 for k, t, _r, _key in sender.posts if k == kind and t == f"{prefix}-{m}") for m in MODES]
            print(f"| {label} | " + " | ".join(str(c) for c in counts) + " |")
        await db.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--year", type=int, default=2026)
    asyncio.run(count(parser.parse_args().year))


if __name__ == "__main__":
    main()
