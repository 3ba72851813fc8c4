"""Practices shared by cities, and their search."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from storage.models import Practice, PracticeTheme


async def add_practice(session: AsyncSession, practice: Practice) -> Practice:
    session.add(practice)
    await session.flush()
    return practice


async def find_practices(
    session: AsyncSession,
    *,
    any_words: Sequence[str] = (),
    theme: str | None = None,
    city_id: int | None = None,
    limit: int | None = None,
) -> tuple[Sequence[Practice], int]:
    """Practices matching the filters (newest first) and how many match in all.

    ``any_words`` are folded words; a practice matches when its folded text contains at least one.
    Ranking by relevance is the caller's job (it needs the text anyway).
    """
    stmt = select(Practice).options(selectinload(Practice.city), selectinload(Practice.themes))
    count = select(func.count()).select_from(Practice)
    filters = []
    if any_words:
        filters.append(or_(*(Practice.search_text.contains(w, autoescape=True) for w in any_words)))
    if theme:
        filters.append(Practice.id.in_(select(PracticeTheme.practice_id).where(PracticeTheme.theme == theme)))
    if city_id is not None:
        filters.append(Practice.city_id == city_id)
    if filters:
        stmt = stmt.where(*filters)
        count = count.where(*filters)
    stmt = stmt.order_by(Practice.created_at.desc(), Practice.id.desc())
    if limit is not None:
        stmt = stmt.limit(limit)
    total = int((await session.execute(count)).scalar_one())
    return (await session.execute(stmt)).scalars().all(), total
