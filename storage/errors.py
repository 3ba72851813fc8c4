"""Tell "the database cannot be reached or written right now" apart from a bug in a query.

Both engines and both drivers report an outage differently: SQLite raises ``OperationalError``
(read-only file, disk full, locked past the busy timeout, file missing); asyncpg raises an ``OSError``
(connection refused, DNS) or a connection error at connect time, and SQLAlchemy wraps the ones that
happen mid-session in ``OperationalError`` / ``InterfaceError`` or flags them ``connection_invalidated``.
"""

from __future__ import annotations

from sqlalchemy import exc

try:  # asyncpg is installed with the project, but the classification must not depend on it
    from asyncpg.exceptions import InterfaceError as AsyncpgInterfaceError
    from asyncpg.exceptions import PostgresConnectionError, ReadOnlySQLTransactionError

    _DRIVER_OUTAGES: tuple[type[BaseException], ...] = (PostgresConnectionError, ReadOnlySQLTransactionError, AsyncpgInterfaceError)
except ImportError:  # pragma: no cover
    _DRIVER_OUTAGES = ()

_OUTAGES = (exc.OperationalError, exc.InterfaceError, exc.TimeoutError, OSError, TimeoutError, *_DRIVER_OUTAGES)


def is_unavailable(error: BaseException) -> bool:
    """True when ``error`` (or what caused it) means the database is down, unreachable or not writable.

    A retry later can succeed; nothing was committed (every unit of work is one transaction).
    """
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, exc.DBAPIError) and current.connection_invalidated:
            return True
        if isinstance(current, _OUTAGES):
            return True
        orig = getattr(current, "orig", None)
        current = orig if isinstance(orig, BaseException) else (current.__cause__ or current.__context__)
    return False


def describe(error: BaseException) -> str:
    """One short line for the log: the driver's own message, never the SQL or its parameters (user data)."""
    orig = getattr(error, "orig", None)
    inner = orig if isinstance(orig, BaseException) else error
    first_line = (str(inner).splitlines() or [""])[0]
    return f"{type(inner).__name__}: {first_line[:200]}"
