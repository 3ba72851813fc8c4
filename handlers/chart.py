"""The progress chart: verified cities over time against 10 / 100 / 1000, and a bar per UCLG region.

Drawn with matplotlib's object API on the Agg canvas (no display, no pyplot global state, so it can
run in a worker thread). Readable at phone width: 800 px wide at 100 dpi, every text at least 11 pt
(15 px); colours from the Okabe-Ito palette (Okabe & Ito, "Color Universal Design", 2008), safe for
the common colour-vision deficiencies, and milestones also told apart by line style and label.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from handlers.i18n import Translate

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

WIDTH_PX, HEIGHT_PX, DPI = 800, 900, 100
MIN_FONT_PT = 11  # 11 pt at 100 dpi = 15.3 px
BLUE, ORANGE, GREEN, VERMILLION, SKY, GREY = "#0072B2", "#E69F00", "#009E73", "#D55E00", "#56B4E9", "#555555"
MILESTONE_STYLE = {10: (GREEN, ":"), 100: (ORANGE, "--"), 1000: (VERMILLION, "-.")}


@dataclass(frozen=True)
class ProgressData:
    """What the chart (and its alt text) show; the same numbers as ``/hrc progress``.

    ``joined``: when each verified city joined (aware datetimes, any order); ``regions``: (region
    name in the reader's language, verified cities) in the order to draw; ``pending``: cities
    awaiting verification.
    """

    joined: Sequence[datetime]
    regions: Sequence[tuple[str, int]]
    pending: int

    @property
    def total(self) -> int:
        return len(self.joined)


def alt_text(data: ProgressData, milestones: Sequence[int], _: Translate) -> str:
    """The chart in words, for screen readers and where images are not shown."""
    parts = [_("Chart of verified local and regional governments: {total}.").format(total=data.total)]
    for m in milestones:
        parts.append(_("Milestone {milestone}: {count}/{milestone}.").format(milestone=m, count=min(data.total, m)))
    regions = ", ".join(f"{name} {count}" for name, count in data.regions)
    if regions:
        parts.append(_("By region: {list}.").format(list=regions))
    parts.append(_("Awaiting verification: {count}.").format(count=data.pending))
    return " ".join(parts)


def render_png(data: ProgressData, milestones: Sequence[int], _: Translate) -> bytes:
    """A PNG of WIDTH_PX × HEIGHT_PX pixels. Raises nothing on an empty directory: the time panel
    then says that no city is verified yet, and the milestones are still drawn."""
    buffer = io.BytesIO()
    build_figure(data, milestones, _).savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    return buffer.getvalue()


def build_figure(data: ProgressData, milestones: Sequence[int], _: Translate) -> Figure:
    """The chart as a matplotlib Figure on an Agg canvas (what ``render_png`` saves)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(WIDTH_PX / DPI, HEIGHT_PX / DPI), dpi=DPI, layout="constrained")
    FigureCanvasAgg(figure)
    over_time, by_region = figure.subplots(2, 1, height_ratios=(3, 2))
    _draw_over_time(over_time, data, milestones, _)
    _draw_regions(by_region, data, _)
    figure.suptitle(_("10, 100, 1000 Human Rights Cities & Territories by 2030"), fontsize=15, fontweight="bold")
    return figure


def _style(axes: Axes) -> None:
    axes.tick_params(labelsize=MIN_FONT_PT)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)


def _draw_over_time(ax: Axes, data: ProgressData, milestones: Sequence[int], _: Translate) -> None:
    import matplotlib.dates as mdates

    _style(ax)
    ax.set_yscale("log")
    top = max(milestones) * 1.6
    ax.set_ylim(0.8, top)
    ax.set_title(_("Verified cities over time"), fontsize=13, loc="left")
    ax.set_ylabel(_("verified cities (log scale)"), fontsize=MIN_FONT_PT)
    dates = sorted(data.joined)
    if dates:
        counts = list(range(1, len(dates) + 1))
        ax.step(dates, counts, where="post", color=BLUE, linewidth=2.5, label=_("verified cities"))
        ax.plot(dates[-1:], counts[-1:], "o", color=BLUE, markersize=7)
        ax.annotate(str(len(dates)), (dates[-1], len(dates)), textcoords="offset points", xytext=(6, 6),
                    fontsize=MIN_FONT_PT + 1, color=BLUE, fontweight="bold")
        if dates[-1] - dates[0] < timedelta(days=30):  # one city, or a few on close days: a month's window
            ax.set_xlim(dates[0] - timedelta(days=15), dates[-1] + timedelta(days=15))
        ax.margins(x=0.08)
        locator = mdates.AutoDateLocator(minticks=3, maxticks=7)
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
        ax.xaxis.get_offset_text().set_fontsize(MIN_FONT_PT)
    else:
        ax.set_xticks([])
        ax.text(0.5, 0.25, _("No verified city yet"), transform=ax.transAxes, ha="center",
                fontsize=14, color=GREY)
    for m in milestones:
        colour, style = MILESTONE_STYLE.get(m, (GREY, "--"))
        ax.axhline(m, color=colour, linestyle=style, linewidth=1.8)
        ax.text(0.01, m * 1.08, _("milestone {milestone}").format(milestone=m), transform=ax.get_yaxis_transform(),
                color=colour, fontsize=MIN_FONT_PT, va="bottom", fontweight="bold", zorder=5,
                bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.85, "pad": 1})
    ax.set_yticks([1, *milestones], labels=[str(v) for v in (1, *milestones)])
    ax.minorticks_off()


def _draw_regions(ax: Axes, data: ProgressData, _: Translate) -> None:
    _style(ax)
    ax.set_title(_("Verified cities by UCLG region"), fontsize=13, loc="left")
    names = [name for name, _count in data.regions]
    counts = [count for _name, count in data.regions]
    positions = list(range(len(names)))
    bars = ax.barh(positions, counts, color=SKY, edgecolor=BLUE, linewidth=1.2)
    ax.set_yticks(positions, labels=names, fontsize=MIN_FONT_PT)
    ax.invert_yaxis()
    ax.bar_label(bars, labels=[str(c) for c in counts], padding=4, fontsize=MIN_FONT_PT)
    ax.set_xlim(0, max([*counts, 1]) * 1.15)
    ax.xaxis.get_major_locator().set_params(integer=True)
