"""The data version, and what each version changed: what lets every reply cache drop exactly the
answers a write affects.

Every commit that changes something a shared reply shows bumps a counter (``data_version``) and records
the **scopes** it touched (``data_changes``), worked out from the ORM objects flushed in it:

| scope | set by a change to | read by |
|---|---|---|
| ``city:ID`` | the city's row, its themes, focal points or practices | its card |
| ``name:KEY`` | a city row with that name key (a new city can make a name ambiguous) | cards asked by name |
| ``cities`` | any city row (status, name, region…) | `who`, `themes`, `progress` |
| ``theme:SLUG`` | a city taking or dropping that theme | `who SLUG` |
| ``themes`` | any city's themes | `themes` |
| ``focal`` | any focal point | `who` (it lists them) |
| ``members`` | a person's name, or a person removed | anything listing focal points |
| ``member:PLATFORM:USER|WORKSPACE`` | one person's row (language…) | that person's language |
| ``languages`` | any city row or focal point | everyone's language (a city's languages) |
| ``practices`` | any practice | practice listings |
| ``days`` | campaign dates, cities acting on a day | `days`, `day` |
| ``*`` | a bulk statement (``mark_changed``) | everything |

The local process drops the scopes at once after its own commit (``committed_scopes``); other
instances read them from ``data_changes`` (``bot/cache_watch.py``) and clear everything when the
versions they missed are no longer there.
"""

from __future__ import annotations

import json
import weakref
from collections.abc import Container, Iterable
from typing import Any

from sqlalchemy import Connection, Engine, delete, event, insert, inspect, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from storage.models import (
    CampaignDate,
    City,
    CityAction,
    CityTheme,
    DataChange,
    DataVersion,
    FocalPoint,
    Member,
    Practice,
    PracticeTheme,
)

SHOWN_IN_SHARED_REPLIES = (City, CityTheme, FocalPoint, Member, Practice, PracticeTheme, CampaignDate, CityAction)
EVERYTHING = "*"
KEPT_CHANGES = 1000  # data_changes rows kept; an instance further behind clears its whole cache
_SCOPES = "hrc_changed_scopes"
_COMMITTED = "hrc_committed_scopes"
_COMMITTED_VERSION = "hrc_committed_version"


def member_scope(platform: str, workspace: str, user_id: str) -> str:
    """The scope of one person's own row (the key the language cache uses too)."""
    return f"member:{platform}:{user_id}|{workspace}"


def _changed(obj: object, *names: str) -> bool:
    state = inspect(obj)
    return any(state.attrs[name].history.has_changes() for name in names)


def _scopes_of(session: Session) -> set[str]:
    """The scopes touched by the objects pending in ``session`` (new, changed, deleted)."""
    scopes: set[str] = set()
    new, deleted = set(map(id, session.new)), set(map(id, session.deleted))
    for obj in (*session.new, *session.dirty, *session.deleted):
        if not isinstance(obj, SHOWN_IN_SHARED_REPLIES):
            continue
        # A change to a collection alone (a city's themes, a theme row re-attached) marks an object dirty
        # without changing its row: that is the collection rows' own business.
        if id(obj) not in new and id(obj) not in deleted and not session.is_modified(obj, include_collections=False):
            continue
        if isinstance(obj, City):
            scopes |= {"cities", "languages", f"city:{obj.id}", f"name:{obj.name_key}"}
            old_keys = inspect(obj).attrs["name_key"].history.deleted or ()
            scopes |= {f"name:{key}" for key in old_keys}
        elif isinstance(obj, CityTheme):
            scopes |= {"themes", f"theme:{obj.theme}", f"city:{obj.city_id}"}
        elif isinstance(obj, FocalPoint):
            scopes |= {"focal", "languages", f"city:{obj.city_id}"}
        elif isinstance(obj, Member):
            scopes.add(member_scope(obj.platform, obj.workspace, obj.user_id))
            # A new person shows nowhere until they are a focal point (that change says so itself).
            if id(obj) in deleted or (id(obj) not in new and _changed(obj, "display_name", "platform", "workspace", "user_id")):
                scopes.add("members")
        elif isinstance(obj, Practice):
            scopes |= {"practices", f"city:{obj.city_id}"}
        elif isinstance(obj, PracticeTheme):
            scopes.add("practices")
        elif isinstance(obj, CampaignDate):
            scopes.add("days")
        elif isinstance(obj, CityAction):  # a city acting on a day: the day's card lists it
            scopes |= {"days", f"city:{obj.city_id}"}
    return scopes


_RECORDING: weakref.WeakKeyDictionary[Engine, bool] = weakref.WeakKeyDictionary()


def _records_changes(connection: Connection) -> bool:
    """Whether the database has ``data_changes`` (migration 0014_scale; a database at an older revision,
    as migration tests build, has not: other instances then drop everything, as before). Known once true."""
    if _RECORDING.get(connection.engine):
        return True
    found = inspect(connection).has_table(DataChange.__tablename__)
    if found:
        _RECORDING[connection.engine] = True
    return found


@event.listens_for(Session, "after_flush")
def _note_change(session: Session, _context: Any) -> None:
    # new/dirty/deleted still hold the pre-flush state here, and new rows have their ids.
    if scopes := _scopes_of(session):
        session.info.setdefault(_SCOPES, set()).update(scopes)


@event.listens_for(Session, "after_begin")
def _start_fresh(session: Session, _transaction: Any, _connection: Any) -> None:
    session.info.pop(_COMMITTED, None)
    session.info.pop(_COMMITTED_VERSION, None)


# Built once: every commit that changes something runs both.
_BUMP = update(DataVersion).where(DataVersion.id == 1).values(n=DataVersion.n + 1).returning(DataVersion.n)
_RECORD = insert(DataChange)


@event.listens_for(Session, "before_commit")
def _bump_on_commit(session: Session) -> None:
    # Flush what is pending first (so new rows have ids and every change is noted), then bump as the
    # last statements of the transaction: the version row stays locked only for the commit itself.
    if session.new or session.dirty or session.deleted:
        session.flush()
    scopes = session.info.pop(_SCOPES, None)
    if not scopes:
        return
    connection = session.connection()
    version = connection.execute(_BUMP).scalar_one_or_none()
    if version is not None and _records_changes(connection):
        connection.execute(_RECORD, {"version": version, "scopes": json.dumps(sorted(scopes))})
        if version % 100 == 0:  # pruned now and then, not on every commit
            connection.execute(delete(DataChange).where(DataChange.version <= version - KEPT_CHANGES))
    session.info[_COMMITTED] = frozenset(scopes)
    session.info[_COMMITTED_VERSION] = version


@event.listens_for(Session, "after_rollback")
def _forget_change(session: Session) -> None:
    session.info.pop(_SCOPES, None)
    session.info.pop(_COMMITTED, None)
    session.info.pop(_COMMITTED_VERSION, None)


def mark_changed(session: AsyncSession) -> None:
    """Bump the version at commit although no ORM object changed (bulk INSERT statements): every
    cache then drops everything."""
    session.info.setdefault(_SCOPES, set()).add(EVERYTHING)


def committed_scopes(session: AsyncSession) -> frozenset[str]:
    """The scopes the session's last commit changed (empty: nothing shared changed). Read it after the
    transaction block ends."""
    return session.info.get(_COMMITTED, frozenset())


def city_ids(scopes: Iterable[str]) -> set[int]:
    """The ids of the cities named in ``scopes`` (``city:ID``)."""
    return {int(scope[5:]) for scope in scopes if scope.startswith("city:") and scope[5:].isdecimal()}


def committed_version(session: AsyncSession) -> int | None:
    """The data version the session's last commit wrote (None: it changed nothing shared, or the database
    keeps no version row). Read it after the transaction block ends."""
    return session.info.get(_COMMITTED_VERSION)


async def current(session: AsyncSession) -> int:
    return (await session.execute(select(DataVersion.n).where(DataVersion.id == 1))).scalar_one_or_none() or 0


async def changes_since(session: AsyncSession, seen: int, upto: int,
                        skip: Container[int] = ()) -> set[str] | None:
    """The scopes changed by versions ``seen + 1 … upto``, leaving out the versions in ``skip`` (those whose
    scopes the caller already dropped); None when some of them are no longer recorded (the caller then
    drops everything)."""
    rows = (await session.execute(
        select(DataChange.version, DataChange.scopes).where(DataChange.version > seen, DataChange.version <= upto)
    )).all()
    if len(rows) != upto - seen:
        return None
    return set(_union(json.loads(scopes) for version, scopes in rows if version not in skip))


def _union(lists: Iterable[list[str]]) -> Iterable[str]:
    for scopes in lists:
        yield from scopes
