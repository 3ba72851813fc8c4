"""``INSERT … ON CONFLICT DO NOTHING`` as a statement SQLAlchemy compiles once.

SQLAlchemy 2.0 cannot cache its dialect inserts (``sqlite.insert(…).on_conflict_do_nothing()`` and
PostgreSQL's declare ``inherit_cache = False``): each was built and compiled again on every execution,
and every command that writes runs one (its key in the retry ledger, ``deliveries.claim``). The same SQL
text is valid on both engines, and a text statement is compiled once per engine.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

from sqlalchemy import Table, TextClause, bindparam, text
from sqlalchemy.ext.asyncio import AsyncSession


@functools.cache
def _statement(table: Table, columns: tuple[str, ...], conflict: tuple[str, ...]) -> TextClause:
    names = ", ".join(f'"{name}"' for name in columns)
    values = ", ".join(f":{name}" for name in columns)
    keys = ", ".join(f'"{name}"' for name in conflict)
    sql = f'INSERT INTO "{table.name}" ({names}) VALUES ({values}) ON CONFLICT ({keys}) DO NOTHING'
    # Each value typed by its column: sanitised text, UTC times, as an ORM or Core insert would bind them.
    return text(sql).bindparams(*(bindparam(name, type_=table.c[name].type) for name in columns))


async def insert_if_absent(session: AsyncSession, table: Table, values: Mapping[str, Any], conflict: tuple[str, ...]) -> bool:
    """Insert one row of ``values`` into ``table`` unless a row with the same ``conflict`` columns (a unique
    key) exists; True when inserted. Race-free between processes on both engines. Column defaults are not
    applied: ``values`` names every column to set. Pending ORM changes are flushed first, as an ORM
    statement would flush them (a text statement does not)."""
    statement = _statement(table, tuple(values), conflict)
    await session.flush()
    return bool((await session.execute(statement, dict(values))).rowcount)
