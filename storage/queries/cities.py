"""Cities, their themes and focal points."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import Select, String, bindparam, func, inspect, select, type_coerce
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from handlers.types import clean_input
from storage.models import (
    City,
    CityAlias,
    CityStatus,
    CityTheme,
    FocalPoint,
    FocalStatus,
    Member,
    MemberAccount,
    Practice,
)


def _with_details(stmt: Select[tuple[City]]) -> Select[tuple[City]]:
    # One round trip: joined loads (callers apply .unique()); each query costs a thread hop on aiosqlite.
    return stmt.options(
        joinedload(City.themes),
        joinedload(City.focal_points).joinedload(FocalPoint.member),
    )


async def city_by_id(session: AsyncSession, city_id: int) -> City | None:
    return (await session.execute(_with_details(select(City).where(City.id == city_id)))).unique().scalar_one_or_none()


async def cities_by_name_key(session: AsyncSession, name_key: str) -> Sequence[City]:
    """Cities named ``name_key``, or carrying it as an alias (the name of a city merged into them)."""
    # Two indexed lookups in one: "name_key = ? OR id IN (aliases)" made both engines read every city.
    ids = select(City.id).where(City.name_key == name_key).union(select(CityAlias.city_id).where(CityAlias.name_key == name_key))
    stmt = _with_details(select(City).where(City.id.in_(ids)).order_by(City.id))
    return (await session.execute(stmt)).unique().scalars().all()


async def city_by_name_and_country(session: AsyncSession, name_key: str, country_key: str) -> City | None:
    """The city of that name (or alias) in that country, or None."""
    stmt = _with_details(select(City).where(City.name_key == name_key, City.country_key == country_key))
    city = (await session.execute(stmt)).unique().scalar_one_or_none()
    if city is not None:
        return city
    aliased = select(CityAlias.city_id).where(CityAlias.name_key == name_key, CityAlias.country_key == country_key)
    stmt = _with_details(select(City).where(City.id.in_(aliased)))
    return (await session.execute(stmt)).unique().scalar_one_or_none()


async def cities_parked_under(session: AsyncSession, name_key: str) -> Sequence[City]:
    """Cities kept apart by the 0006 migration under ``<key>#<id>`` because another city had their key."""
    stmt = select(City).where(City.name_key.startswith(name_key + "#", autoescape=True)).order_by(City.id)
    return (await session.execute(stmt)).scalars().all()


async def city_names(session: AsyncSession, *, verified_only: bool) -> Sequence[str]:
    """Every city's name (or only verified ones'), for "did you mean"."""
    stmt = select(City.name).order_by(City.name)
    if verified_only:
        stmt = stmt.where(City.status == CityStatus.VERIFIED)
    return (await session.execute(stmt)).scalars().all()


@dataclass(frozen=True)
class CityName:
    """A city's identity as plain values: to compare names without loading cards."""

    id: int
    name: str
    name_key: str
    country: str
    status: str


async def city_names_in(session: AsyncSession, countries: Sequence[str]) -> list[CityName]:
    """Every city that is not rejected in the given countries (ISO codes), oldest first; then the same
    cities again under each of their aliases (``name_key`` the alias's, ``name`` the city's)."""
    if not countries:
        return []
    wanted = (City.country.in_(sorted(set(countries))), City.status != CityStatus.REJECTED)
    stmt = select(City.id, City.name, City.name_key, City.country, City.status).where(*wanted).order_by(City.id)
    aliased = (
        select(City.id, City.name, CityAlias.name_key, City.country, City.status)
        .join(CityAlias, CityAlias.city_id == City.id).where(*wanted).order_by(CityAlias.id)
    )
    return [CityName(*row) for query in (stmt, aliased) for row in (await session.execute(query)).all()]


async def add_city(session: AsyncSession, city: City) -> City:
    session.add(city)
    await session.flush()
    return city


async def first_focal_point_id(session: AsyncSession, city_id: int) -> int | None:
    """The id of the city's earliest focal point row (the one who registered it), None when it has none."""
    return await session.scalar(select(func.min(FocalPoint.id)).where(FocalPoint.city_id == city_id))


async def add_focal_point(
    session: AsyncSession, member: Member, city: City, status: FocalStatus, now: datetime
) -> FocalPoint:
    focal = FocalPoint(member_id=member.id, city_id=city.id, status=status, created_at=now)
    session.add(focal)
    await session.flush()
    await session.refresh(city, ["focal_points"])
    await session.refresh(member, ["focal_point"])
    return focal


# Built once (every `theme add` / `theme remove` runs it), in the order of ``City.themes``.
_CITY_THEMES = select(CityTheme).where(CityTheme.city_id == bindparam("city_id")).order_by(CityTheme.theme)


async def load_themes(session: AsyncSession, city: City) -> None:
    """Load ``city.themes`` (and nothing else of the city: not its focal points and their people), for
    ``set_themes``; a city whose themes are loaded already is left as it is."""
    if "themes" in inspect(city).unloaded:
        rows = await session.execute(_CITY_THEMES, {"city_id": city.id})
        set_committed_value(city, "themes", list(rows.scalars()))


def set_themes(city: City, slugs: Sequence[str]) -> None:
    """Replace the city's themes, keeping rows that stay (no delete-and-reinsert)."""
    wanted = list(dict.fromkeys(slugs))
    city.themes[:] = [t for t in city.themes if t.theme in wanted]
    have = {t.theme for t in city.themes}
    city.themes.extend(CityTheme(theme=slug) for slug in wanted if slug not in have)


async def verified_theme_counts(session: AsyncSession) -> dict[str, int]:
    stmt = (
        select(CityTheme.theme, func.count())
        .join(City, City.id == CityTheme.city_id)
        .where(City.status == CityStatus.VERIFIED)
        .group_by(CityTheme.theme)
    )
    return {theme: count for theme, count in (await session.execute(stmt)).all()}


async def practices_count(session: AsyncSession, city_id: int) -> int:
    stmt = select(func.count()).select_from(Practice).where(Practice.city_id == city_id)
    return int((await session.execute(stmt)).scalar_one())


async def pending_cities(session: AsyncSession) -> Sequence[City]:
    stmt = _with_details(select(City).where(City.status == CityStatus.PENDING).order_by(City.registered_at, City.id))
    return (await session.execute(stmt)).unique().scalars().all()


async def pending_focal_points_of_verified_cities(session: AsyncSession) -> Sequence[FocalPoint]:
    stmt = (
        select(FocalPoint)
        .join(City, City.id == FocalPoint.city_id)
        .where(FocalPoint.status == FocalStatus.PENDING, City.status == CityStatus.VERIFIED)
        .options(selectinload(FocalPoint.member), selectinload(FocalPoint.city))
        .order_by(FocalPoint.created_at, FocalPoint.id)
    )
    return (await session.execute(stmt)).scalars().all()


async def verified_counts_by_region(session: AsyncSession) -> dict[str, int]:
    stmt = select(City.region, func.count()).where(City.status == CityStatus.VERIFIED).group_by(City.region)
    return {region: count for region, count in (await session.execute(stmt)).all()}


async def verified_join_dates(session: AsyncSession) -> Sequence[datetime]:
    stmt = select(City.joined_at).where(City.status == CityStatus.VERIFIED, City.joined_at.is_not(None))
    return (await session.execute(stmt)).scalars().all()


async def city_count_by_status(session: AsyncSession) -> dict[str, int]:
    stmt = select(City.status, func.count()).group_by(City.status)
    return {status: count for status, count in (await session.execute(stmt)).all()}


async def city_names_starting(session: AsyncSession, folded_prefix: str, limit: int) -> Sequence[str]:
    """Verified city names whose folded name starts with the prefix (all when it is empty)."""
    stmt = select(City.name).where(City.status == CityStatus.VERIFIED).order_by(City.name_key).limit(limit)
    if folded_prefix:
        stmt = stmt.where(City.name_key.startswith(folded_prefix, autoescape=True))
    return (await session.execute(stmt)).scalars().all()


async def verified_cities_on(
    session: AsyncSession, themes: Sequence[str], limit: int
) -> tuple[list[tuple[str, str]], int]:
    """``(name, country code)`` of the verified cities working on any of ``themes`` (first ``limit``), and their number."""
    if not themes:
        return [], 0
    ids = select(CityTheme.city_id).where(CityTheme.theme.in_(themes)).distinct()
    base = select(City).where(City.status == CityStatus.VERIFIED, City.id.in_(ids))
    total = int((await session.execute(select(func.count()).select_from(base.subquery()))).scalar_one())
    rows = (await session.execute(base.order_by(City.name_key).limit(limit))).scalars().all()
    return [(c.name, c.country) for c in rows], total


class CityLine(NamedTuple):
    """A verified city and its confirmed focal points, as plain values (no ORM objects: `who` is hot; a
    named tuple is built ~4 times faster than a frozen dataclass, ~1,300 of them a `who`).

    ``name``, ``country`` and ``region`` are cleaned (``handlers.types.clean_input``; the code and the slug
    once per distinct value). The focal points are as stored: ``mention_token`` makes them into tokens,
    cleaning the name, and renderers accept only ids of each platform's shape (``parse_mention``). Their
    cleaning as read was ~5,000 calls a `who` at 10,000 cities."""

    name: str
    country: str
    region: str
    # (platform, workspace, user_id, display_name, the person's linked accounts as (platform, workspace, user_id))
    focal_points: tuple[tuple[str, str, str, str, tuple[tuple[str, str, str], ...]], ...]


async def who_works_on(
    session: AsyncSession, theme: str, region: str | None, limit: int
) -> tuple[list[CityLine], int]:
    """Verified cities on a theme (first ``limit`` by region and name) with their focal points, and the total.

    One query, one sort (a row per city and focal point, ~1,300 for a theme at 10,000 cities): the cities
    past ``limit`` are only counted. Plain columns through the Core connection: no ORM loading machinery.
    A second query reads the shown focal points' linked accounts (``/hrc link``), when there are any.
    """
    rows, total = await _theme_lines(session, theme, region=region, limit=limit)
    return [line for _key, _id, line in rows], total


RosterKey = tuple[str, str, int]  # (region, name key, city id): `who`'s order


async def theme_roster(
    session: AsyncSession, theme: str, ids: Collection[int] | None = None
) -> list[tuple[RosterKey, int, CityLine]]:
    """Every verified city on ``theme`` (only those among ``ids`` when given: a city not listed has left
    the theme or is no longer verified) as (its place in `who`'s order, city id, line), in that order.
    ``handlers.roster`` keeps these per theme and re-reads only the cities a change touched."""
    rows, _total = await _theme_lines(session, theme, ids=ids)
    return rows


def _raw(column: Any) -> Any:
    """``column`` read as stored, without ``CleanString``'s cleaning."""
    return type_coerce(column, String)


def _theme_rows(region: bool, ids: bool) -> Select[Any]:
    """The statement behind `who`: a row per verified city on the theme (``theme``) and confirmed focal
    point, optionally only in ``region`` or among ``ids`` (expanding). No ORDER BY: cities and focal
    points are sorted in Python (a third of the query's time in SQLite)."""
    stmt = (
        # Only the city's name is cleaned as it is read (CleanString); the other text columns are read as stored
        # and cleaned once per distinct value or where they are shown: see ``CityLine``.
        select(City.id, City.name, _raw(City.name_key), _raw(City.country), _raw(City.region), FocalPoint.id, Member.id,
               _raw(Member.platform), _raw(Member.workspace), _raw(Member.user_id), _raw(Member.display_name))
        .join(CityTheme, CityTheme.city_id == City.id)
        .outerjoin(FocalPoint, (FocalPoint.city_id == City.id) & (FocalPoint.status == FocalStatus.VERIFIED))
        .outerjoin(Member, Member.id == FocalPoint.member_id)
        .where(City.status == CityStatus.VERIFIED, CityTheme.theme == bindparam("theme"))
    )
    if region:
        stmt = stmt.where(City.region == bindparam("region"))
    if ids:
        stmt = stmt.where(City.id.in_(bindparam("ids", expanding=True)))
    return stmt


# Built once (a `who` at 10,000 cities is hot; building and keying the statement was ~1 ms of it).
_THEME_ROWS = {(region, ids): _theme_rows(region, ids) for region in (False, True) for ids in (False, True)}
# The linked accounts (``/hrc link``) of the theme's confirmed focal points, in the order linked, found through
# the same joins rather than an IN list of ~1,300 member ids (compiling that list cost more than the query).
# Each account comes once: a person is the focal point of one city at most, and a city has a theme once.
_LINKED = (
    select(MemberAccount.member_id, MemberAccount.platform, MemberAccount.workspace, MemberAccount.user_id)
    .join(FocalPoint, (FocalPoint.member_id == MemberAccount.member_id) & (FocalPoint.status == FocalStatus.VERIFIED))
    .join(CityTheme, (CityTheme.city_id == FocalPoint.city_id) & (CityTheme.theme == bindparam("theme")))
    .order_by(MemberAccount.id)
)
# The same for a few cities re-read after a change (``theme_roster`` with ids): by their focal points' ids.
_LINKED_OF = (
    select(MemberAccount.member_id, MemberAccount.platform, MemberAccount.workspace, MemberAccount.user_id)
    .where(MemberAccount.member_id.in_(bindparam("members", expanding=True))).order_by(MemberAccount.id)
)


async def _theme_lines(
    session: AsyncSession, theme: str, *, region: str | None = None, ids: Collection[int] | None = None,
    limit: int | None = None,
) -> tuple[list[tuple[RosterKey, int, CityLine]], int]:
    params: dict[str, object] = {"theme": theme}
    if region:
        params["region"] = region
    if ids is not None:
        params["ids"] = sorted(ids)
    connection = await session.connection()
    rows = (await connection.execute(_THEME_ROWS[bool(region), ids is not None], params)).all()  # at once: not row by row
    if not rows:
        return [], 0
    linked: dict[int, list[tuple[str, str, str]]] = {}
    if ids is None:
        accounts = await connection.execute(_LINKED, {"theme": theme})
    else:  # a few cities: their focal points' accounts, not a join through the theme's ~1,300 (~1 ms)
        members = sorted({row[6] for row in rows if row[6] is not None})
        accounts = await connection.execute(_LINKED_OF, {"members": members}) if members else ()  # type: ignore[assignment]
    for member_id, platform, workspace, user_id in accounts:
        linked.setdefault(member_id, []).append((platform, workspace, user_id))
    found: dict[int, tuple[RosterKey, str, str, str, list[tuple[int, int, str, str, str, str]]]] = {}
    cleaned: dict[str, str] = {}  # country codes and region slugs, read as stored: cleaned once each
    for city_id, name, name_key, country, city_region, focal_id, member_id, platform, workspace, user_id, display_name in rows:
        entry = found.get(city_id)
        if entry is None:
            country = cleaned.get(country) or cleaned.setdefault(country, clean_input(country))
            city_region = cleaned.get(city_region) or cleaned.setdefault(city_region, clean_input(city_region))
            entry = found[city_id] = ((city_region, name_key, city_id), name, country, city_region, [])
        if user_id is not None:
            entry[4].append((focal_id, member_id, platform, workspace, user_id, display_name))
    # Cities in code-point order of their keys whatever the database's collation (PostgreSQL's may put
    # "saint denis" after "saint-denis"): the rosters insert a changed city by this order. Focal points stay
    # in the order they were confirmed (by id). Cities past the limit are only counted.
    ordered = sorted(found.values(), key=_first)
    out: list[tuple[RosterKey, int, CityLine]] = []
    for key, n, c, r, fps in ordered[:limit] if limit is not None else ordered:
        if not fps:
            people: tuple[tuple[str, str, str, str, tuple[tuple[str, str, str], ...]], ...] = ()
        elif len(fps) == 1 and fps[0][1] not in linked:
            _f, _m, p, w, u, d = fps[0]
            people = ((p, w, u, d, ()),)
        else:
            fps.sort()
            people = tuple([(p, w, u, d, tuple(linked.get(m, ()))) for _f, m, p, w, u, d in fps])
        out.append((key, key[2], CityLine(n, c, r, people)))
    return out, len(found)


def _first(entry: tuple[RosterKey, object, object, object, object]) -> RosterKey:
    return entry[0]


async def verified_cities_after(session: AsyncSession, after_id: int, limit: int, ids: Sequence[int] | None = None) -> Sequence[City]:
    """The next ``limit`` verified cities by id (among ``ids`` when given), with their themes and focal
    points (to warm the card cache page by page: between pages the event loop serves commands)."""
    stmt = select(City).where(City.status == CityStatus.VERIFIED, City.id > after_id).order_by(City.id).limit(limit)
    if ids is not None:
        stmt = stmt.where(City.id.in_(ids))
    stmt = _with_details(stmt)
    return (await session.execute(stmt)).unique().scalars().all()


async def practice_counts(session: AsyncSession, ids: Sequence[int] | None = None) -> dict[int, int]:
    """Practices per city id (of the cities ``ids`` when given)."""
    stmt = select(Practice.city_id, func.count()).group_by(Practice.city_id)
    if ids is not None:
        stmt = stmt.where(Practice.city_id.in_(ids))
    return {city_id: count for city_id, count in (await session.execute(stmt)).all()}


async def name_keys_in_use(session: AsyncSession, name_keys: Sequence[str] | None = None) -> dict[str, int]:
    """How many cities (any status) carry each folded name: a name shared by two is ambiguous to someone."""
    stmt = select(City.name_key, func.count()).group_by(City.name_key)
    if name_keys is not None:
        stmt = stmt.where(City.name_key.in_(name_keys))
    return {key: count for key, count in (await session.execute(stmt)).all()}


async def ids_by_key(session: AsyncSession, keys: Sequence[tuple[str, str]]) -> dict[tuple[str, str], int]:
    """City ids by (name_key, country_key), for the given keys (read 500 names at a time)."""
    names = sorted({name for name, _country in keys})
    wanted = set(keys)
    found: dict[tuple[str, str], int] = {}
    for start in range(0, len(names), 500):
        stmt = select(City.id, City.name_key, City.country_key).where(City.name_key.in_(names[start : start + 500]))
        for city_id, name_key, country_key in (await session.execute(stmt)).all():
            if (name_key, country_key) in wanted:
                found[(name_key, country_key)] = city_id
    return found
