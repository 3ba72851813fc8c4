"""Practices shared by cities, and their full-text search.

The search indexes are built by migration ``0005_scale``: FTS5 (``practices_fts``) on SQLite, a
generated ``search_vector`` column with a GIN index on PostgreSQL; since ``0020_names_pointing`` both hold the
text without Arabic's and Hebrew's optional pointing (on SQLite read through the view ``practices_fts_source``). Neither is in the ORM model; this
module is the only place that queries them.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from datetime import datetime
from functools import lru_cache
from typing import NamedTuple

from sqlalchemy import (
    ColumnElement,
    Integer,
    Select,
    bindparam,
    column,
    func,
    literal_column,
    select,
    table,
    type_coerce,
)
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.text import strip_pointing
from storage.models import City, Practice, PracticeTheme
from storage.types import CleanText


def search_tokens(text: str) -> list[str]:
    r"""``text``'s words as both engines' tokenizers cut them, case-folded: runs of letters and digits with the
    marks written on them (Devanagari's and Thai's vowel signs: ``आवास``, not ``आव`` and ``स``; Python's ``\w``
    leaves marks out), each starting with a letter or digit. Arabic's and Hebrew's optional pointing is left
    out, as the indexes leave it out (migration 0020): ``مَدِينَة`` is ``مدينة``."""
    tokens: list[str] = []
    current: list[str] = []
    for char in strip_pointing(text.casefold()):
        if char.isalnum() or (current and unicodedata.category(char)[0] == "M"):
            current.append(char)
        elif current:
            tokens.append("".join(current))
            current = []
    if current:
        tokens.append("".join(current))
    return tokens
_FTS = table("practices_fts", column("rowid"), column("rank"))
_VECTOR = literal_column("practices.search_vector")
MAX_TERMS = 12


async def add_practice(session: AsyncSession, practice: Practice) -> Practice:
    session.add(practice)
    await session.flush()
    return practice


_SAME_PRACTICE = (  # built once: every `share` runs it
    select(Practice.id).where(Practice.city_id == bindparam("city_id"), Practice.search_text == bindparam("search_text"))
    .limit(1)
)


async def same_practice(session: AsyncSession, city_id: int, search_text: str) -> int | None:
    """The id of the city's practice with this folded title and summary (``Practice.search_text``), if it
    shared one."""
    return await session.scalar(_SAME_PRACTICE, {"city_id": city_id, "search_text": search_text})


def _filters(theme: bool, city: bool) -> list[ColumnElement[bool]]:
    """The filters on practices, with their values as parameters ``theme`` and ``city_id``."""
    filters: list[ColumnElement[bool]] = []
    if theme:
        filters.append(Practice.id.in_(select(PracticeTheme.practice_id).where(PracticeTheme.theme == bindparam("theme"))))
    if city:
        filters.append(Practice.city_id == bindparam("city_id"))
    return filters


def _filter_values(theme: str | None, city_id: int | None) -> dict[str, object]:
    values: dict[str, object] = {}
    if theme:
        values["theme"] = theme
    if city_id is not None:
        values["city_id"] = city_id
    return values


class PracticeLine(NamedTuple):
    """A practice as a search or a list shows it: plain values, no ORM objects (a page is 50 practices,
    each with its city and themes; as ORM objects they were a third of a search's time)."""

    id: int
    title: str
    summary: str
    link: str | None
    created_at: datetime
    city_name: str
    theme_slugs: tuple[str, ...]


# Built once (building it was ~0.3 ms of a search). A practice's themes come in the same row, joined by commas
# (theme slugs hold none), rather than from a second query.
_LINES = (
    select(
        Practice.id, Practice.title, Practice.summary, Practice.link, Practice.created_at, City.name,
        type_coerce(
            select(func.aggregate_strings(PracticeTheme.theme, ",")).where(PracticeTheme.practice_id == Practice.id)
            .scalar_subquery(), CleanText(),
        ),
    )
    .join(City, City.id == Practice.city_id).where(Practice.id.in_(bindparam("ids", expanding=True)))
)


async def _load(session: AsyncSession, ids: Sequence[int]) -> list[PracticeLine]:
    """The practices with these ids, with their city's name and their themes (sorted), in the order given:
    one query."""
    if not ids:
        return []
    by_id = {
        practice_id: PracticeLine(practice_id, *rest, tuple(sorted(themes.split(","))) if themes else ())
        for practice_id, *rest, themes in await session.execute(_LINES, {"ids": list(ids)})
    }
    return [by_id[i] for i in ids if i in by_id]


async def find_practices(
    session: AsyncSession,
    *,
    theme: str | None = None,
    city_id: int | None = None,
    limit: int | None = None,
) -> tuple[list[PracticeLine], int]:
    """Practices matching the filters, newest first (at most ``limit``), and how many match in all."""
    filters, values = _filters(bool(theme), city_id is not None), _filter_values(theme, city_id)
    stmt = select(Practice.id).where(*filters).order_by(Practice.created_at.desc(), Practice.id.desc())
    if limit is not None:
        stmt = stmt.limit(limit)
    total = int((await session.execute(select(func.count()).select_from(Practice).where(*filters), values)).scalar_one())
    ids = list((await session.execute(stmt, values)).scalars())
    return await _load(session, ids), total


Word = str | tuple[str, ...]  # a word, or the spellings of one word any of which may match


def search_terms(words: Sequence[Word]) -> list[tuple[str, ...]]:
    """The words both engines index, each as its spellings (``("привет", "privet")``): letters and digits
    only, so no query syntax can get through. A plain word whose letters split (``l'eau``) gives a term
    for each part; so does a group whose spellings do not each make one term."""
    terms: list[tuple[str, ...]] = []
    for word in words:
        spellings = [search_tokens(w) for w in ((word,) if isinstance(word, str) else word)]
        if len(spellings) > 1 and all(len(tokens) == 1 for tokens in spellings):
            terms.append(tuple(dict.fromkeys(tokens[0] for tokens in spellings)))
        else:
            terms += [(token,) for token in spellings[0]]
    return terms[:MAX_TERMS]


def _sqlite_query(terms: Sequence[tuple[str, ...]], every: bool) -> str:
    last = len(terms) - 1
    parts = [" OR ".join(f'"{t}"' + ("*" if n == last else "") for t in term) for n, term in enumerate(terms)]
    return (" AND " if every else " OR ").join(f"({p})" if len(term) > 1 else p for p, term in zip(parts, terms, strict=True))


def _postgresql_query(terms: Sequence[tuple[str, ...]], every: bool) -> str:
    last = len(terms) - 1
    parts = [" | ".join(t + (":*" if n == last else "") for t in term) for n, term in enumerate(terms)]
    return (" & " if every else " | ").join(f"({p})" if len(term) > 1 else p for p, term in zip(parts, terms, strict=True))


@lru_cache(maxsize=8)
def _ranked(dialect: str, theme: bool, city: bool) -> tuple[Select[tuple[int]], Select[tuple[int]]]:
    """(ids of the best matches, best first; the count of all matches) for one engine, with or without the
    theme and city filters. Built once each: the search words (``q``, in the engine's query syntax), the
    filters' values and ``limit`` are parameters."""
    filters = _filters(theme, city)
    limit = bindparam("limit", type_=Integer)
    newest = (Practice.created_at.desc(), Practice.id.desc())
    if dialect == "sqlite":
        match = literal_column("practices_fts").op("MATCH")(bindparam("q"))
        # rank is bm25 with the title weighted 4 to 1 (set in the migration); lower is better.
        if filters:
            ids = (
                select(Practice.id).join(_FTS, _FTS.c.rowid == Practice.id).where(match, *filters)
                .order_by(_FTS.c.rank, *newest).limit(limit)
            )
        else:  # ranked inside the index alone (a third of the time): ids grow with time, so ties go to the newest
            ids = select(_FTS.c.rowid).where(match).order_by(_FTS.c.rank, _FTS.c.rowid.desc()).limit(limit)
        count = select(func.count()).select_from(_FTS)
        if filters:
            count = count.join(Practice, _FTS.c.rowid == Practice.id)
        return ids, count.where(match, *filters)
    # The query is parsed once, in a subquery (an InitPlan): asyncpg prepares statements, and PostgreSQL's
    # generic plan for them, used after five runs, called to_tsquery (the unaccent dictionary with it) again
    # for every match in the recheck and in ts_rank: 5,438 matches 50 → 31 ms (EXPLAIN ANALYZE).
    tsquery = select(func.to_tsquery(literal_column("'hrc_search'::regconfig"), bindparam("q"))).scalar_subquery()
    match = _VECTOR.op("@@")(tsquery)
    # The total rides along (a window count over the same matches): one pass over them instead of two.
    ids = (
        select(Practice.id, func.count().over()).where(match, *filters)
        .order_by(func.ts_rank(_VECTOR, tsquery).desc(), *newest).limit(limit)
    )
    return ids, select(func.count()).select_from(Practice).where(match, *filters)


async def search_practices(
    session: AsyncSession,
    words: Sequence[Word],
    *,
    theme: str | None = None,
    city_id: int | None = None,
    limit: int = 10,
) -> tuple[list[PracticeLine], int]:
    """Practices matching ``words`` in title or summary, best first (at most ``limit``), and the match count.

    Case and accents are ignored; the last word also matches as a prefix (``budg`` finds "budget").
    Practices holding every word are returned; when none does, those holding any of them. Ranking is
    BM25 on SQLite and ``ts_rank`` on PostgreSQL, a title match weighing more than a summary match;
    ties go to the newest. ``words`` with no letter or digit match nothing: ``([], 0)``. A word given as
    a tuple matches any of its spellings (the indexes hold titles and summaries as written, so a word in
    Cyrillic or Arabic script is found by its own letters, and typed in Latin ones by its transliteration
    only where the index holds that).
    """
    terms = search_terms(words)
    if not terms:
        return [], 0
    dialect = session.get_bind().dialect.name
    ids_stmt, count_stmt = _ranked(dialect, bool(theme), city_id is not None)
    syntax = _sqlite_query if dialect == "sqlite" else _postgresql_query
    for every in (True, False) if len(terms) > 1 else (True,):
        values = {"q": syntax(terms, every), **_filter_values(theme, city_id)}
        rows = (await session.execute(ids_stmt, {**values, "limit": limit})).all()
        ids = [row[0] for row in rows]
        if ids:
            if len(row := rows[0]) > 1:  # PostgreSQL: the window count
                total = int(row[1])
            else:
                total = len(ids) if len(ids) < limit else int((await session.execute(count_stmt, values)).scalar_one())
            return await _load(session, ids), total
    return [], 0
