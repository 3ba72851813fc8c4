"""The data version: a counter bumped by every commit that changes what shared replies show.

Reply caches (one per instance) compare it with the version they were filled at, so a change
made by another instance, or by a CLI command, reaches every cache within one poll.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from storage.models import (
    CampaignDate,
    City,
    CityAction,
    CityTheme,
    DataVersion,
    FocalPoint,
    Member,
    Practice,
    PracticeTheme,
)

SHOWN_IN_SHARED_REPLIES = (City, CityTheme, FocalPoint, Member, Practice, PracticeTheme, CampaignDate, CityAction)
_CHANGED = "hrc_shared_data_changed"


def _touches_shared_data(session: Session) -> bool:
    return any(isinstance(o, SHOWN_IN_SHARED_REPLIES) for o in (*session.new, *session.dirty, *session.deleted))


@event.listens_for(Session, "after_flush")
def _note_change(session: Session, _context: Any) -> None:
    # new/dirty/deleted still hold the pre-flush state here.
    if _touches_shared_data(session):
        session.info[_CHANGED] = True


@event.listens_for(Session, "before_commit")
def _bump_on_commit(session: Session) -> None:
    # Last statement of the transaction (commit flushes after this hook, so look at pending objects
    # too): the version row stays locked only for the commit itself, never while other rows are taken.
    if session.info.pop(_CHANGED, False) or _touches_shared_data(session):
        session.connection().execute(update(DataVersion).where(DataVersion.id == 1).values(n=DataVersion.n + 1))


@event.listens_for(Session, "after_rollback")
def _forget_change(session: Session) -> None:
    session.info.pop(_CHANGED, None)


def mark_changed(session: AsyncSession) -> None:
    """Bump the version at commit although no ORM object changed (bulk INSERT statements)."""
    session.info[_CHANGED] = True


async def current(session: AsyncSession) -> int:
    return (await session.execute(select(DataVersion.n).where(DataVersion.id == 1))).scalar_one_or_none() or 0
