"""Graceful stop, the same on every exit path (SIGTERM from systemd/Docker/Kubernetes, SIGINT/Ctrl-C,
end of input in the console).

The order: stop taking work (the broadcast worker claims nothing new and finishes or releases what it
holds; platforms stop listening), let what is running finish, stop the background tasks, and only then
dispose of the database engine. Everything within ``GRACE_SECONDS``; the process then exits 0.
A task cancelled in the middle of a query would leave SQLAlchemy resetting a connection under a
cancelled task ("Exception during reset", a traceback ending in CancelledError): hence waiting first.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Callable

logger = logging.getLogger(__name__)
GRACE_SECONDS = 10.0  # systemd's and Docker's default stop timeouts are 90 s and 10 s: fit the smaller


def on_stop_signals(callback: Callable[[], None]) -> Callable[[], None]:
    """Call ``callback`` (in the event loop) on SIGTERM or SIGINT instead of dying; returns the undo.

    Where the loop cannot take signal handlers (not the main thread, Windows), nothing is installed.
    """
    loop = asyncio.get_running_loop()
    installed = []
    for sig in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
            loop.add_signal_handler(sig, callback)
            installed.append(sig)

    def undo() -> None:
        for sig in installed:
            with contextlib.suppress(Exception):
                loop.remove_signal_handler(sig)

    return undo


async def settle(tasks: set[asyncio.Task[object]] | None, deadline: float) -> None:
    """Let ``tasks`` (default: every other task of the loop: command handlers still answering, a
    scheduler tick) finish until ``deadline`` (loop time); then cancel the rest and wait for them."""
    current = asyncio.current_task()
    pending = {t for t in (tasks if tasks is not None else asyncio.all_tasks()) if t is not current and not t.done()}
    if not pending:
        return
    timeout = max(deadline - asyncio.get_running_loop().time(), 0.0)
    _done, late = await asyncio.wait(pending, timeout=timeout)
    for task in late:
        logger.warning("stopping: %s did not finish in time; cancelled", task.get_name())
        task.cancel()
    if late:
        await asyncio.wait(late, timeout=1.0)
