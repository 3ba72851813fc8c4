"""The progress chart: a real PNG for an empty, a 12-city and a 1,000-city directory, readable, with alt text
that says the same numbers as `/hrc progress`."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime, timedelta

import pytest
from matplotlib.text import Text
from PIL import Image

from handlers.chart import DPI, HEIGHT_PX, WIDTH_PX, ProgressData, build_figure
from handlers.context import Context
from handlers.directory import MILESTONES
from handlers.i18n import translator
from handlers.text import fold
from handlers.types import Reply
from handlers.vocab import REGIONS
from storage.models import City, CityStatus
from storage.session import Database
from tests.conftest import Chat, FakeClock

BLUE = (0x00, 0x72, 0xB2)


async def seed_cities(db: Database, verified: int, pending: int = 0) -> None:
    start = datetime(2024, 5, 1, tzinfo=UTC)
    async with db.transaction() as session:
        for n in range(verified + pending):
            joined = start + timedelta(days=n * 900 // max(verified, 1)) if n < verified else None
            session.add(City(
                name=f"Ciudad {n}", name_key=fold(f"Ciudad {n}"), country="ES", country_key="ES",
                region=REGIONS[n % len(REGIONS)].slug, status=CityStatus.VERIFIED if n < verified else CityStatus.PENDING,
                registered_at=start, joined_at=joined,
            ))


def chart_of(reply: Reply) -> tuple[Image.Image, str]:
    (attachment,) = reply.attachments
    assert attachment.filename == "progress.png" and attachment.mime_type == "image/png"
    image = Image.open(io.BytesIO(attachment.content))
    image.load()
    return image.convert("RGB"), attachment.alt_text


def coloured_pixels(image: Image.Image, box: tuple[int, int, int, int]) -> int:
    """Pixels of the box that are not (nearly) white."""
    return sum(1 for r, g, b in image.crop(box).get_flattened_data() if min(r, g, b) < 200)


def near(colour: tuple[int, int, int], target: tuple[int, int, int]) -> bool:
    return all(abs(a - b) < 30 for a, b in zip(colour, target, strict=True))


@pytest.fixture
def sqlite_ctx(sqlite_db: Database) -> Context:
    return Context(db=sqlite_db, clock=FakeClock(), secretariat=frozenset({"console:sec"}))


@pytest.mark.parametrize(("verified", "pending"), [(0, 0), (12, 2), (1000, 5)])
async def test_chart_of_the_directory(sqlite_db: Database, sqlite_ctx: Context, verified: int, pending: int) -> None:
    await seed_cities(sqlite_db, verified, pending)
    reply = await Chat(sqlite_ctx).say("bob", "/hrc progress")
    image, alt = chart_of(reply)
    assert image.size == (WIDTH_PX, HEIGHT_PX)
    plot_area = (200, 60, 790, 500)  # the time panel, right of the axis labels
    assert coloured_pixels(image, plot_area) > 2000  # milestone lines at least, even with no city
    blue = sum(1 for pixel in image.crop(plot_area).get_flattened_data() if near(pixel, BLUE))
    assert (blue > 100) == (verified > 0)  # the line of verified cities over time

    # The alt text says the numbers /hrc progress says.
    assert f"verified local and regional governments: {verified}." in alt
    assert f"Awaiting verification: {pending}." in alt
    by_region_field = next(f.value for f in reply.fields if f.name == "By region")
    for line in filter(None, by_region_field.replace("—", "").splitlines()):
        name, count = line.rsplit(": ", 1)
        assert f"{name} {count}" in alt
    assert f"Verified local and regional governments: {verified}." in reply.text
    for milestone in MILESTONES:
        assert f"Milestone {milestone}: {min(verified, milestone)}/{milestone}." in alt
    assert sum(int(n) for n in re.findall(r"(?:Africa|Asia-Pacific|Eurasia|Europe|Latin America|Middle East & West Asia|North America) (\d+)", alt)) == verified


@pytest.mark.parametrize("joined", [0, 1, 12, 1000])
def test_every_text_is_at_least_12_px_at_800_px_wide(joined: int) -> None:
    start = datetime(2025, 1, 1, tzinfo=UTC)
    data = ProgressData([start + timedelta(hours=7 * n) for n in range(joined)], [(r.name, 3) for r in REGIONS], 1)
    figure = build_figure(data, MILESTONES, translator("en"))
    figure.canvas.draw()  # tick labels exist once drawn
    assert figure.get_size_inches()[0] * DPI == WIDTH_PX
    texts = [t for t in figure.findobj(Text) if t.get_visible() and t.get_text().strip()]
    assert len(texts) > 15
    for text in texts:
        assert text.get_fontsize() * DPI / 72 >= 12, text.get_text()
