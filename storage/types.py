"""Column types for text, and the stored-length check that holds on every engine.

Text columns use ``CleanString`` / ``CleanText``: what is written and what is read back is passed
through the inbound sanitiser (``handlers.types.clean_input``), so a row that was stored before the
sanitiser existed (or written by hand) can never carry a mention marker, NUL or bidi override into a
reply. SQLite ignores ``VARCHAR(n)`` while PostgreSQL refuses longer values: ``check_lengths`` runs
before every flush and raises ``ValueTooLong`` on both engines alike, so what is accepted on one is
accepted on the other, with a message about the field rather than a database error.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import Dialect, String, Text, event, types
from sqlalchemy.orm import Session

from handlers.types import TO_CLEAN_RE, clean_input


class CleanString(types.TypeDecorator[str]):
    """``VARCHAR(length)`` whose values are sanitised on the way in and out."""

    impl = String
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: object) -> str | None:
        return clean_input(value) if isinstance(value, str) else value

    def process_result_value(self, value: str | None, dialect: object) -> str | None:
        return clean_input(value) if isinstance(value, str) else value

    def result_processor(self, dialect: Dialect, coltype: object) -> Callable[[str | None], str | None]:
        """``process_result_value`` as one call a value (SQLAlchemy's generic wrapper takes three): a
        `who` reads ~9,000 strings at the campaign's size. Text with nothing to clean is returned after one scan:
        for printable ASCII (most names and keys) ``str.isascii`` (constant time) and ``isprintable``, which
        rule out every character ``TO_CLEAN_RE`` matches, instead of the regex (5 % of a `who`)."""
        needs_cleaning = TO_CLEAN_RE.search

        def process(value: str | None) -> str | None:
            if value is None or (value.isascii() and value.isprintable()) or needs_cleaning(value) is None:
                return value
            return clean_input(value)

        return process


class CleanText(CleanString):
    """``TEXT`` whose values are sanitised on the way in and out."""

    impl = Text
    cache_ok = True


class ValueTooLong(Exception):
    """A value longer than its column allows. ``field`` names the user-facing option ("city", "title")."""

    def __init__(self, table: str, column: str, field: str, length: int, limit: int) -> None:
        super().__init__(f"{table}.{column}: {length} characters, at most {limit}")
        self.table, self.column, self.field, self.length, self.limit = table, column, field, length, limit


def field_of(column: Any) -> str:
    """The option a user typed for this column: ``info={"field": ...}`` on the column, else its name
    without a ``_key`` suffix (a folded search key belongs to the field it was folded from)."""
    explicit = column.info.get("field")
    if explicit:
        return str(explicit)
    name = str(column.name)
    return name[: -len("_key")] if name.endswith("_key") else name


@event.listens_for(Session, "before_flush")
def check_lengths(session: Session, _context: Any, _instances: Any) -> None:
    """Refuse any new or changed string longer than its column, on every engine (PostgreSQL's rule).

    Raises ValueTooLong for the first such value; the flush (and so the transaction) stops.
    """
    for obj in (*session.new, *session.dirty):
        table = getattr(obj, "__table__", None)
        if table is None:
            continue
        for column in table.columns:
            limit = getattr(column.type, "length", None)
            if not limit:
                continue
            value = getattr(obj, column.key, None)
            if isinstance(value, str) and len(value) > limit:
                raise ValueTooLong(table.name, column.name, field_of(column), len(value), limit)
