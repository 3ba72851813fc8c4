"""`hrc-bot progress`: the campaign's figures (and chart) from the command line, for reports."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from pathlib import Path

from bot.settings import Settings


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    progress = sub.add_parser(
        "progress",
        help="print the progress toward 10 > 100 > 1000; --chart writes the PNG chart",
        description="Print the campaign's progress (verified cities, by region and year) as /hrc progress shows it.",
    )
    progress.add_argument("--chart", metavar="FILE.png", type=Path, help="also write the chart (800 px wide PNG) to FILE.png")
    progress.add_argument("--locale", default=None, help="language of the labels: en, es or fr (default: HRC_CONSOLE_LOCALE)")


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
        reply = await runtime.answer_text(actor, place, "progress", locale or os.environ.get("HRC_CONSOLE_LOCALE", "en"))
    finally:
        await runtime.close()
    print(render_text(reply))
    if reply.is_error:
        return 1
    if chart is not None:
        png = next(a for a in reply.attachments if a.mime_type == "image/png")
        await asyncio.to_thread(chart.write_bytes, png.content)
        print(f"Chart written to {chart} ({len(png.content):,} bytes).")
    return 0
