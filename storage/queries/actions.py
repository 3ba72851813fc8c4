"""Cities' actions on UN days and campaign dates ("my city acts")."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from storage.models import City, CityAction, CityStatus, Practice


def _with_city_and_practice():  # type: ignore[no-untyped-def]
    return (selectinload(CityAction.city), selectinload(CityAction.practice))


async def action_of(session: AsyncSession, city_id: int, day_slug: str, year: int) -> CityAction | None:
    """The city's action on the day's occurrence in ``year``, or None."""
    stmt = select(CityAction).where(
        CityAction.city_id == city_id, CityAction.day_slug == day_slug, CityAction.year == year
    ).options(*_with_city_and_practice())
    return (await session.execute(stmt)).scalar_one_or_none()


async def add_action(session: AsyncSession, action: CityAction) -> CityAction:
    session.add(action)
    await session.flush()
    return action


async def remove_action(session: AsyncSession, action: CityAction) -> None:
    # Through the ORM: the data-version hook (queries/versions.py) sees ORM deletes only.
    await session.delete(action)
    await session.flush()


async def acting_on(session: AsyncSession, day_slug: str, when: date) -> Sequence[CityAction]:
    """The verified cities' actions on one occurrence (``day_slug`` on ``when``), by city name."""
    stmt = (
        select(CityAction)
        .join(City, City.id == CityAction.city_id)
        .where(CityAction.day_slug == day_slug, CityAction.day_date == when, City.status == CityStatus.VERIFIED)
        .order_by(City.name_key, City.country)
        .options(*_with_city_and_practice())
    )
    return (await session.execute(stmt)).scalars().all()


async def acting_between(session: AsyncSession, start: date, end: date) -> Sequence[CityAction]:
    """The verified cities' actions on occurrences from ``start`` to ``end`` (inclusive), by date and city."""
    stmt = (
        select(CityAction)
        .join(City, City.id == CityAction.city_id)
        .where(CityAction.day_date >= start, CityAction.day_date <= end, City.status == CityStatus.VERIFIED)
        .order_by(CityAction.day_date, CityAction.day_slug, City.name_key)
        .options(*_with_city_and_practice())
    )
    return (await session.execute(stmt)).scalars().all()


# Built once (every `share` runs it): building a statement costs more CPU than running this one.
_DAYS_ACTED_ON = (
    select(CityAction.day_slug, CityAction.day_date)
    .join(City, City.id == CityAction.city_id)
    .where(CityAction.city_id == bindparam("city_id"), CityAction.day_date >= bindparam("start"),
           CityAction.day_date <= bindparam("end"), City.status == CityStatus.VERIFIED)
)


async def days_acted_on(session: AsyncSession, city_id: int, start: date, end: date) -> set[tuple[str, date]]:
    """(day slug, date) of the occurrences from ``start`` to ``end`` (inclusive) the city said it acts on,
    if it is verified (as ``acting_between`` lists them): plain values, without the actions' cities and practices."""
    rows = await session.execute(_DAYS_ACTED_ON, {"city_id": city_id, "start": start, "end": end})
    return {(slug, when) for slug, when in rows.all()}


async def practice_with_themes(session: AsyncSession, practice_id: int) -> Practice | None:
    stmt = select(Practice).where(Practice.id == practice_id).options(selectinload(Practice.themes))
    return (await session.execute(stmt)).scalar_one_or_none()
