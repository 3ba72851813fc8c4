"""Merging one city into another: everything that points at the first moves to the second.

Every table with a foreign key to ``cities.id`` is covered: the ones this module knows (focal points,
themes, practices, aliases) are moved with their rules; any other (a table added later) has its rows
re-pointed as they are, so that deleting the merged city never cascades away someone's data. City
actions (one per city, day and year) keep the target's where both cities act on the same occurrence.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Column, Table, delete, exists, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from storage.models import Base, City, CityAction, CityAlias, CityStatus, Practice
from storage.queries.cities import set_themes
from storage.queries.versions import mark_changed

# (table, column) pairs moved by their own rules below; every other reference to cities.id is re-pointed.
KNOWN = frozenset({("focal_points", "city_id"), ("city_themes", "city_id"), ("practices", "city_id"),
                   ("city_aliases", "city_id"), ("city_actions", "city_id")})


@dataclass(frozen=True)
class Moved:
    """What a merge moved: counts of rows, and the themes the target gained."""

    focal_points: int
    practices: int
    themes: tuple[str, ...]
    aliases: int
    other: dict[str, int] = field(default_factory=dict)  # table -> rows re-pointed


def city_references() -> list[tuple[Table, Column]]:
    """Every (table, column) of the models with a foreign key to ``cities.id``."""
    found = []
    for table in Base.metadata.sorted_tables:
        for column in table.columns:
            if any(fk.column.table.name == "cities" and fk.column.name == "id" for fk in column.foreign_keys):
                found.append((table, column))
    return found


async def merge_cities(
    session: AsyncSession, source: City, target: City, alias: tuple[str, str] | None, now: datetime
) -> Moved:
    """Move everything of ``source`` to ``target`` and delete ``source``; both loaded with their details
    (``cities.city_by_id``). ``alias``: (name, key) under which ``target`` is found from now on (None: no
    alias, e.g. the name already has ``target``'s key). ``target`` becomes verified if either was, keeps
    the earlier joining date and takes the source's size, time zone and languages where it has none."""
    source_id, source_country = source.id, source.country_key
    moving = list(source.focal_points)
    for focal in moving:
        focal.city = target  # the back-reference moves it between the two loaded collections
    gained = tuple(slug for slug in source.theme_slugs if slug not in target.theme_slugs)
    set_themes(target, [*target.theme_slugs, *gained])
    practices = (await session.execute(
        update(Practice).where(Practice.city_id == source_id).values(city_id=target.id))).rowcount
    aliases = (await session.execute(
        update(CityAlias).where(CityAlias.city_id == source_id).values(city_id=target.id))).rowcount
    # One action per city, day and year: where both cities act on the same occurrence, the target's stays.
    theirs = aliased(CityAction)
    await session.execute(delete(CityAction).where(CityAction.city_id == source_id, exists().where(
        theirs.city_id == target.id, theirs.day_slug == CityAction.day_slug, theirs.year == CityAction.year)))
    actions = (await session.execute(
        update(CityAction).where(CityAction.city_id == source_id).values(city_id=target.id))).rowcount
    other: dict[str, int] = {"city_actions": actions} if actions else {}
    for table, column in city_references():
        if (table.name, column.name) in KNOWN:
            continue
        count = (await session.execute(table.update().where(column == source_id).values({column.name: target.id}))).rowcount
        if count:
            other[table.name] = count
    if source.status == CityStatus.VERIFIED and target.status != CityStatus.VERIFIED:
        target.status, target.reject_reason = CityStatus.VERIFIED, None
    joined = [moment for moment in (target.joined_at, source.joined_at) if moment is not None]
    target.joined_at = min(joined) if joined else None
    target.size = target.size or source.size
    target.timezone = target.timezone or source.timezone
    target.languages = target.languages or source.languages
    await session.delete(source)
    await session.flush()
    if alias is not None:
        name, key = alias
        await session.execute(delete(CityAlias).where(CityAlias.name_key == key, CityAlias.country_key == source_country))
        session.add(CityAlias(city_id=target.id, name=name, name_key=key, country_key=source_country, created_at=now))
        await session.flush()
    mark_changed(session)
    return Moved(len(moving), practices, gained, aliases, other)


async def alias_names(session: AsyncSession, city_ids: Sequence[int]) -> dict[int, list[tuple[str, str]]]:
    """The other names that find each of these cities (their aliases), oldest first, each with the country
    it is kept for (a city merged from another country keeps its name there); cities without any are left out."""
    if not city_ids:
        return {}
    stmt = (select(CityAlias.city_id, CityAlias.name, CityAlias.country_key)
            .where(CityAlias.city_id.in_(list(city_ids))).order_by(CityAlias.id))
    found: dict[int, list[tuple[str, str]]] = {}
    for city_id, name, country in (await session.execute(stmt)).all():
        found.setdefault(city_id, []).append((name, country))
    return found
