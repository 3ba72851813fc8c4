"""Small, indexed look-ups for suggestions while someone types (Discord autocomplete): cities, countries,
announcements. Each returns at most ``limit`` rows, so an answer stays well within Discord's 3 s."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Select, exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Announcement, City, CityAlias, CityStatus, FocalPoint, FocalStatus


@dataclass(frozen=True)
class CityRow:
    id: int
    name: str
    country: str
    status: str
    waiting: bool  # a focal point waits for the secretariat
    alias: str = ""  # the other name it was found by (a city merged into it), "" when found by its own


def _matching(stmt: Select, folded: str, limit: int) -> tuple[Select, ...]:
    """Names starting with ``folded``, then names containing it elsewhere (all names when it is empty)."""
    if not folded:
        return (stmt.limit(limit),)
    starts = stmt.where(City.name_key.startswith(folded, autoescape=True)).limit(limit)
    inside = stmt.where(
        City.name_key.contains(folded, autoescape=True), ~City.name_key.startswith(folded, autoescape=True)
    ).limit(limit)
    return starts, inside


async def cities_like(session: AsyncSession, folded: str, limit: int, *, waiting_only: bool = False,
                      statuses: Sequence[str] = (CityStatus.VERIFIED,)) -> list[CityRow]:
    """Cities whose folded name starts with (then contains) ``folded``, by name then country.

    ``waiting_only``: only pending cities and verified ones with a pending focal point (what
    ``verify``/``reject`` act on); otherwise cities in ``statuses``.
    """
    waiting = exists().where(FocalPoint.city_id == City.id, FocalPoint.status == FocalStatus.PENDING)
    stmt = select(City.id, City.name, City.country, City.status, waiting.label("waiting"))
    if waiting_only:
        stmt = stmt.where((City.status == CityStatus.PENDING) | ((City.status == CityStatus.VERIFIED) & waiting))
    else:
        stmt = stmt.where(City.status.in_(list(statuses)))
    stmt = stmt.order_by(City.name_key, City.country_key, City.id)
    rows: list[CityRow] = []
    for part in _matching(stmt, folded, limit):
        rows += [CityRow(*row) for row in (await session.execute(part)).all()]
    if folded and len(rows) < limit:  # names of cities merged into others find those
        found = {row.id for row in rows}
        aliased = (
            stmt.add_columns(CityAlias.name).join(CityAlias, CityAlias.city_id == City.id)
            .where(CityAlias.name_key.startswith(folded, autoescape=True)).limit(limit)
        )
        rows += [CityRow(*row) for row in (await session.execute(aliased)).all() if row[0] not in found]
    return rows[:limit]


async def directory_countries(session: AsyncSession) -> list[str]:
    """The countries (ISO codes) of the directory's cities, each once."""
    return list((await session.execute(select(City.country).distinct())).scalars().all())


async def announcements_by_status(session: AsyncSession, statuses: Sequence[str], limit: int) -> Sequence[Announcement]:
    """Announcements in ``statuses``, newest first."""
    stmt = (
        select(Announcement)
        .where(Announcement.status.in_(list(statuses)))
        .order_by(Announcement.id.desc())
        .limit(limit)
    )
    return (await session.execute(stmt)).scalars().all()
