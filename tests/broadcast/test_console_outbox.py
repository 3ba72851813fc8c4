"""The console runs the broadcast worker while it is open: a scheduled announcement goes out at its time,
not after the next command typed, exactly once, and without breaking the prompt."""

from __future__ import annotations

import asyncio
import io
import queue
from collections.abc import Callable

from bot.broadcast import BroadcastWorker
from bot.console import Screen, run_console
from bot.settings import Settings
from bot.wiring import build_runtime
from storage.session import Database
from tests.conftest import FakeClock

POSTED = "→ post to #console:\n  | Forum\n"


class HeldInput:
    """Standard input that stays open: each line is given by the test; ``close`` ends it."""

    def __init__(self) -> None:
        self._lines: queue.Queue[str] = queue.Queue()

    def isatty(self) -> bool:
        return False

    def readline(self) -> str:
        return self._lines.get()  # blocks the console's reader thread, as a terminal would

    def type(self, line: str) -> None:
        self._lines.put(line + "\n")

    def close(self) -> None:
        self._lines.put("")


async def until(condition: Callable[[], bool], what: str) -> None:
    """Wait for ``condition`` (the console and its worker run on this loop), failing after a generous bound."""
    for _ in range(2000):
        if condition():
            return
        await asyncio.sleep(0.005)
    raise AssertionError(f"never happened: {what}")


async def test_a_scheduled_announcement_goes_out_at_its_time_while_the_console_waits(db: Database) -> None:
    clock = FakeClock()  # 2026-11-24 09:00 UTC
    runtime = build_runtime(Settings(), database=db)
    runtime.ctx.clock = clock
    worker: BroadcastWorker = runtime.outbox
    stdin, out = HeldInput(), io.StringIO()
    console = asyncio.create_task(run_console(runtime, "sec", secretariat=True, stdin=stdin, out=out,  # type: ignore[arg-type]
                                              after_command=worker.run_once, outbox=worker))
    stdin.type("/hrc channel set announcements")
    stdin.type("/hrc announce title: Forum text: Registrations are open. at: 2026-11-24 10:00 UTC")
    stdin.type("/hrc announce confirm 1")
    await until(lambda: "Announcement #1 is scheduled for" in out.getvalue(), "the confirmation")
    worker.wake()
    await until(lambda: not worker._wake.is_set(), "a background pass before the time")
    assert POSTED not in out.getvalue()  # not before its time

    clock.advance(hours=1)  # 10:00: no command is typed
    worker.wake()
    await until(lambda: POSTED in out.getvalue(), "the announcement at its time, with no command typed")
    await until(lambda: "→ message to @sec:" in out.getvalue(), "the report to its author")

    stdin.type("/hrc announce status 1")  # the after-command pass and the loop never send it twice
    await until(lambda: "Status: done." in out.getvalue(), "the status")
    stdin.close()
    assert await asyncio.wait_for(console, 30) == 0
    text = out.getvalue()
    assert text.count(POSTED) == 1, text
    assert text.index("Announcement #1 is scheduled for") < text.index(POSTED) < text.index("Status: done.")


async def test_an_announcement_sent_now_still_follows_its_confirmation_in_a_piped_session(db: Database) -> None:
    runtime = build_runtime(Settings(), database=db)
    runtime.ctx.clock = FakeClock()
    worker: BroadcastWorker = runtime.outbox
    out = io.StringIO()
    session = "/hrc channel set announcements\n/hrc announce title: Forum text: Open.\n/hrc announce confirm 1\n/hrc announcements\n"
    await run_console(runtime, "sec", secretariat=True, stdin=io.StringIO(session), out=out,
                      after_command=worker.run_once, outbox=worker)
    text = out.getvalue()
    confirmed = text.index("Announcement #1 is on its way.")
    assert text.count(POSTED) == 1 and confirmed < text.index(POSTED) < text.index("Recent announcements"), text


def test_what_arrives_while_the_prompt_waits_clears_it_then_draws_it_again() -> None:
    out = io.StringIO()
    screen = Screen(out, "hrc> ")
    screen.write("answer\n\n")  # no prompt on screen: written as it is
    screen.prompting = True
    out.write("hrc> ")  # what input() shows
    screen.write("→ post to #console:\n")
    screen.write("  | Forum\n")
    screen.restore()
    assert out.getvalue() == "answer\n\nhrc> \r\x1b[K→ post to #console:\n  | Forum\nhrc> "
    screen.line_read()
    screen.restore()  # nothing was written since: no second prompt
    assert out.getvalue().endswith("  | Forum\nhrc> ")
