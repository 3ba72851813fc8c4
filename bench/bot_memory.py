"""`hrc-bot` with a memory report on demand, for ``bench/bot_process.py --memory-report``.

    python -m bench.bot_memory run      # as `hrc-bot run`; SIGUSR1 writes the report: the event loop's
                                        # tasks, objects by type, and allocations by line when traced

Environment: ``HRC_BENCH_MEMORY_REPORT`` (the file the report goes to, written whole then renamed) and
``HRC_BENCH_TRACEMALLOC`` (frames per allocation; 0 or unset: no tracemalloc, only the object counts).
tracemalloc starts before the bot's first import, so the modules' own memory is counted too; it slows
the process and adds its own bookkeeping to the RSS, so figures of a traced run are not the bot's.
"""

from __future__ import annotations

import asyncio
import gc
import os
import signal
import sys
import tracemalloc
from collections import Counter
from types import FrameType

TOP = 30
REPORTED = "memory report written:"


def _object_counts() -> list[str]:
    """Objects the cyclic GC tracks, by type: count and shallow size (containers only; str and bytes
    are not tracked, tracemalloc shows them)."""
    gc.unfreeze()  # the start-up heap was frozen (bot/platforms.py): get_objects skips frozen objects
    counts: Counter[str] = Counter()
    sizes: Counter[str] = Counter()
    for obj in gc.get_objects():
        name = type(obj).__qualname__
        counts[name] += 1
        sizes[name] += sys.getsizeof(obj)
    lines = [f"gc-tracked objects: {sum(counts.values()):,}, shallow {sum(sizes.values()) / 2**20:.1f} MiB"]
    lines += [f"  {name:40s} {counts[name]:>10,} {sizes[name] / 2**20:8.1f} MiB" for name, _ in sizes.most_common(TOP)]
    return lines


def _tasks() -> list[str]:
    """The event loop's tasks by coroutine and the line each is waiting at (tasks hold what they refer to)."""
    try:
        tasks = asyncio.all_tasks()
    except RuntimeError:  # no loop running in this thread
        return []
    where: Counter[str] = Counter()
    for task in tasks:
        stack = task.get_stack()
        frame = f"{stack[-1].f_code.co_filename}:{stack[-1].f_lineno}" if stack else "?"
        owner = stack[0].f_locals.get("self") if stack else None  # whose method the task runs
        of = f" of {type(owner).__module__}.{type(owner).__qualname__}" if owner is not None else ""
        where[f"{task.get_coro().__qualname__}{of} at {frame}"] += 1  # type: ignore[union-attr]
    return [f"asyncio tasks: {len(tasks)}"] + [f"  {count:>6,}  {name}" for name, count in where.most_common(15)]


def _traced() -> list[str]:
    snapshot = tracemalloc.take_snapshot().filter_traces([tracemalloc.Filter(False, tracemalloc.__file__)])
    current, peak = tracemalloc.get_traced_memory()
    lines = [f"tracemalloc: {current / 2**20:.1f} MiB traced now, peak {peak / 2**20:.1f} MiB"]
    for group in ("filename", "lineno"):
        stats = snapshot.statistics(group)
        lines.append(f"by {group}:")
        lines += [f"  {stat.size / 2**20:8.1f} MiB {stat.count:>9,}  {stat.traceback[0]}" for stat in stats[:TOP]]
    if tracemalloc.get_traceback_limit() > 1:
        lines.append("by traceback (top 10):")
        for stat in snapshot.statistics("traceback")[:10]:
            lines.append(f"  {stat.size / 2**20:8.1f} MiB {stat.count:>9,}")
            lines += [f"      {frame}" for frame in stat.traceback.format(limit=8)]
    return lines


def _report(_signum: int, _frame: FrameType | None) -> None:
    target = os.environ["HRC_BENCH_MEMORY_REPORT"]
    lines = _tasks() + _object_counts()
    if tracemalloc.is_tracing():
        lines += _traced()
    with open(target + ".part", "w", encoding="utf-8") as out:
        out.write("\n".join(lines) + "\n")
    os.replace(target + ".part", target)
    print(f"{REPORTED} {target}", file=sys.stderr, flush=True)


def main() -> int:
    frames = int(os.environ.get("HRC_BENCH_TRACEMALLOC", "0") or 0)
    if frames:
        tracemalloc.start(frames)
    signal.signal(signal.SIGUSR1, _report)
    from bot.cli import main as cli_main

    return cli_main(sys.argv[1:])


if __name__ == "__main__":
    sys.exit(main())
