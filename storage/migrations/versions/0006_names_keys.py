"""matching keys that fold every script's letters; countries as ISO 3166 codes

Re-keys every city (``name_key``) and practice (``search_text``) with today's ``handlers.text.fold``
(invisible characters removed, letters transliterated: Łódź and Lodz share ``lodz``), and turns each
free-text country into its ISO 3166-1 code (``España`` → ``ES``; ``country_key`` is the code too).

Nothing is merged: two cities that now share a name key and a country are both kept, the later one
parked under the key ``<key>#<id>`` (still found by ``#id``, by its focal points and in ``pending``),
and each such pair is reported as a warning for the secretariat to merge by hand. A country that names
no ISO country is kept as typed (shown as it is) and reported too.

Revision ID: 0006_names
Revises: 0005_scale
Create Date: 2026-12-02
"""

from __future__ import annotations

import logging

import sqlalchemy as sa
from alembic import op

from handlers.countries import country_code
from handlers.text import fold

revision = "0006_names"
down_revision = "0005_scale"
branch_labels = None
depends_on = None

logger = logging.getLogger("storage.migrations")
KEY_LENGTH = 100  # cities.name_key is VARCHAR(100) (country_key: 80)

cities = sa.table(
    "cities",
    sa.column("id", sa.Integer),
    sa.column("name", sa.String),
    sa.column("name_key", sa.String),
    sa.column("country", sa.String),
    sa.column("country_key", sa.String),
)
practices = sa.table(
    "practices", sa.column("id", sa.Integer), sa.column("title", sa.String), sa.column("summary", sa.Text),
    sa.column("search_text", sa.Text),
)


def rekey_cities(connection: sa.Connection) -> list[str]:
    """Re-key every city; returns the report lines (also logged as warnings)."""
    rows = connection.execute(sa.select(cities.c.id, cities.c.name, cities.c.country).order_by(cities.c.id)).all()
    report: list[str] = []
    # First every key is made unique by id, so that no row's new key can collide with another's old one
    # while the rows are rewritten one by one.
    connection.execute(sa.update(cities).values(name_key="#" + sa.cast(cities.c.id, sa.String)))
    taken: dict[tuple[str, str], tuple[int, str]] = {}
    for city_id, name, country in rows:
        name_key = fold(name)[:KEY_LENGTH]
        code = country_code(country)
        if code is None:
            country_key = fold(country)[:80] or country[:80]
            report.append(f"city #{city_id} {name!r}: country {country!r} is not an ISO 3166 country; kept as typed")
        else:
            country, country_key = code, code
        first = taken.setdefault((name_key, country_key), (city_id, name))
        if first[0] != city_id:
            report.append(
                f"city #{city_id} {name!r} ({country}) has the same key as #{first[0]} {first[1]!r}: "
                f"kept apart (key {name_key}#{city_id}); merge them by hand"
            )
            suffix = f"#{city_id}"
            name_key = name_key[: KEY_LENGTH - len(suffix)] + suffix
        connection.execute(
            sa.update(cities).where(cities.c.id == city_id).values(name_key=name_key, country=country, country_key=country_key)
        )
    for line in report:
        logger.warning("migration 0006_names: %s", line)
    return report


def rekey_practices(connection: sa.Connection) -> None:
    rows = connection.execute(sa.select(practices.c.id, practices.c.title, practices.c.summary)).all()
    for practice_id, title, summary in rows:
        connection.execute(
            sa.update(practices).where(practices.c.id == practice_id).values(search_text=fold(f"{title} {summary}"))
        )


def upgrade() -> None:
    connection = op.get_bind()
    rekey_cities(connection)
    rekey_practices(connection)


def downgrade() -> None:
    # Keys computed by the new fold still match the names they were computed from; codes stay codes.
    pass
