"""Arabic and Hebrew found with or without their optional pointing (harakat, tatweel, niqqud)

``handlers.text.fold`` now drops Arabic's harakat, tanwin, superscript alef and tatweel, and
Hebrew's niqqud (``OPTIONAL_POINTING``): ``الرِّباط`` and ``الرباط`` are one city, ``مَدِينَة``
and ``مدينة`` one word. This migration

- re-keys the cities (``name_key``), their aliases (``name_key``) and the practices (``search_text``) whose text
  holds such a mark, with today's ``fold``; every other row's key is what ``fold`` gives it already. Nothing is
  merged or deleted: a city whose new key another city of its country already has is kept apart, parked under
  ``<key>#<id>`` as migration 0006 did, and reported as a warning for the secretariat to merge by hand (an
  alias likewise, under ``<key>#a<id>``);
- makes both full-text indexes hold titles and summaries without the marks (the search strips them from the
  words typed, ``handlers.practices.search_words``): on SQLite the FTS5 table is filled from a view
  ``practices_fts_source`` that strips them (``replace``: SQLite has no ``translate``), and its triggers
  index the rows as that view shows them; on PostgreSQL the generated ``search_vector`` is computed
  from ``translate(title, MARKS, '')`` and its GIN index made again. Both are refilled from every row.

The marks are written out here, as this migration's indexes strip them; a test checks they are still
``OPTIONAL_POINTING``'s.

Revision ID: 0020_names_pointing
Revises: 0019_calendar_outbox_expiry
Create Date: 2026-12-05
"""

from __future__ import annotations

import logging
import re
import unicodedata

import sqlalchemy as sa
from alembic import op

from handlers.text import fold

revision = "0020_names_pointing"
down_revision = "0019_calendar_outbox_expiry"
branch_labels = None
depends_on = None

logger = logging.getLogger("storage.migrations")
KEY_LENGTH = 100  # cities.name_key and city_aliases.name_key are VARCHAR(100)

# Hebrew niqqud and the shin and sin dots; Arabic tatweel, harakat (tanwin, shadda, sukun) and superscript alef.
RANGES = ((0x05B0, 0x05BD), (0x05BF, 0x05BF), (0x05C1, 0x05C2), (0x05C7, 0x05C7), (0x0640, 0x0640), (0x064B, 0x0652),
          (0x0670, 0x0670))
MARKS = "".join(chr(c) for start, end in RANGES for c in range(start, end + 1))
_MARK = re.compile(f"[{re.escape(MARKS)}]")

PREFIXES = "2 3 4 5 6 7 8"  # as 0016_scale_prefixes left them
FTS_TABLE = (
    "CREATE VIRTUAL TABLE practices_fts USING fts5(title, summary, content='{content}', content_rowid='id', "
    f"tokenize='unicode61 remove_diacritics 2', prefix='{PREFIXES}')"
)
FTS_RANK = "INSERT INTO practices_fts(practices_fts, rank) VALUES ('rank', 'bm25(4.0, 1.0)')"
FTS_REBUILD = "INSERT INTO practices_fts(practices_fts) VALUES ('rebuild')"
TRIGGERS = ("practices_fts_insert", "practices_fts_delete", "practices_fts_update", "practices_fts_update_old")
CHUNK = 14  # SQLite's parser takes ~25 nested calls in a statement: the replaces go in steps of 14, one subquery each


def sqlite_source() -> str:
    """The view the FTS5 table reads: practices with the marks stripped. SQLite has no ``translate``, so one
    ``replace`` per mark (2 s for 100,000 practices; each write does its own row only)."""
    source = "practices"
    for start in range(0, len(MARKS), CHUNK):
        title, summary = "title", "summary"
        for mark in MARKS[start:start + CHUNK]:
            title, summary = (f"replace({column}, char({ord(mark)}), '')" for column in (title, summary))
        source = f"(SELECT id, {title} AS title, {summary} AS summary FROM {source})"
    return f"CREATE VIEW practices_fts_source AS SELECT id, title, summary FROM {source}"


# The stripped text is read from the view: before a delete or an update (the row as it was, which the index's
# 'delete' must be given exactly as indexed) and after an insert or an update (the row as it is).
INDEXED = "SELECT id, title, summary FROM practices_fts_source WHERE id = {row}.id"
SQLITE_STRIPPED_TRIGGERS = [
    "CREATE TRIGGER practices_fts_insert AFTER INSERT ON practices BEGIN "
    f"INSERT INTO practices_fts(rowid, title, summary) {INDEXED.format(row='new')}; END",
    "CREATE TRIGGER practices_fts_delete BEFORE DELETE ON practices BEGIN "
    f"INSERT INTO practices_fts(practices_fts, rowid, title, summary) SELECT 'delete', * FROM ({INDEXED.format(row='old')}); "
    "END",
    "CREATE TRIGGER practices_fts_update_old BEFORE UPDATE OF title, summary ON practices BEGIN "
    f"INSERT INTO practices_fts(practices_fts, rowid, title, summary) SELECT 'delete', * FROM ({INDEXED.format(row='old')}); "
    "END",
    "CREATE TRIGGER practices_fts_update AFTER UPDATE OF title, summary ON practices BEGIN "
    f"INSERT INTO practices_fts(rowid, title, summary) {INDEXED.format(row='new')}; END",
]
# As 0005_scale made them.
SQLITE_PLAIN_TRIGGERS = [
    "CREATE TRIGGER practices_fts_insert AFTER INSERT ON practices BEGIN "
    "INSERT INTO practices_fts(rowid, title, summary) VALUES (new.id, new.title, new.summary); END",
    "CREATE TRIGGER practices_fts_delete AFTER DELETE ON practices BEGIN "
    "INSERT INTO practices_fts(practices_fts, rowid, title, summary) VALUES ('delete', old.id, old.title, old.summary); "
    "END",
    "CREATE TRIGGER practices_fts_update AFTER UPDATE OF title, summary ON practices BEGIN "
    "INSERT INTO practices_fts(practices_fts, rowid, title, summary) VALUES ('delete', old.id, old.title, old.summary); "
    "INSERT INTO practices_fts(rowid, title, summary) VALUES (new.id, new.title, new.summary); END",
]


def _sqlite_index(strip: bool) -> None:
    for trigger in TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    op.execute("DROP TABLE IF EXISTS practices_fts")
    op.execute("DROP VIEW IF EXISTS practices_fts_source")
    if strip:
        op.execute(sqlite_source())
    op.execute(FTS_TABLE.format(content="practices_fts_source" if strip else "practices"))
    op.execute(FTS_RANK)
    for statement in SQLITE_STRIPPED_TRIGGERS if strip else SQLITE_PLAIN_TRIGGERS:
        op.execute(statement)
    op.execute(FTS_REBUILD)


def _postgresql_index(strip: bool) -> None:
    def text(column: str) -> str:
        return f"translate({column}, '{MARKS}', '')" if strip else column

    op.execute("DROP INDEX IF EXISTS ix_practices_search_vector")
    op.execute("ALTER TABLE practices DROP COLUMN IF EXISTS search_vector")
    op.execute(
        "ALTER TABLE practices ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ("
        f"setweight(to_tsvector('hrc_search'::regconfig, {text('title')}), 'A') || "
        f"setweight(to_tsvector('hrc_search'::regconfig, {text('summary')}), 'B')) STORED"
    )
    op.execute("CREATE INDEX ix_practices_search_vector ON practices USING gin (search_vector)")


def pointed(text: str | None) -> bool:
    return bool(text) and _MARK.search(unicodedata.normalize("NFKC", text)) is not None


cities = sa.table(
    "cities", sa.column("id", sa.Integer), sa.column("name", sa.String), sa.column("name_key", sa.String),
    sa.column("country_key", sa.String),
)
aliases = sa.table(
    "city_aliases", sa.column("id", sa.Integer), sa.column("name", sa.String), sa.column("name_key", sa.String),
    sa.column("country_key", sa.String),
)
practices = sa.table(
    "practices", sa.column("id", sa.Integer), sa.column("title", sa.String), sa.column("summary", sa.Text),
    sa.column("search_text", sa.Text),
)


def _rekey(connection: sa.Connection, table: sa.TableClause, what: str, park: str) -> list[str]:
    """Re-key the rows of ``table`` (cities or aliases) whose name holds optional pointing; returns the report."""
    rows = connection.execute(
        sa.select(table.c.id, table.c.name, table.c.name_key, table.c.country_key).order_by(table.c.id)
    ).all()
    taken = {(key, country): row_id for row_id, _name, key, country in rows}
    report: list[str] = []
    for row_id, name, old_key, country in rows:
        if not pointed(name):
            continue
        suffix = old_key[old_key.index("#"):] if "#" in old_key else ""  # parked by 0006: stays parked
        key = fold(name)[: KEY_LENGTH - len(suffix)] + suffix
        if key == old_key:
            continue
        other = taken.get((key, country))
        if other is not None and other != row_id:
            report.append(
                f"{what} #{row_id} {name!r} ({country}) now has the same key as #{other}: "
                f"kept apart (key {key}#{park}{row_id}); merge them by hand"
            )
            tail = f"#{park}{row_id}"
            key = key[: KEY_LENGTH - len(tail)] + tail
        del taken[(old_key, country)]
        taken[(key, country)] = row_id
        connection.execute(sa.update(table).where(table.c.id == row_id).values(name_key=key))
    return report


def _rekey_practices(connection: sa.Connection) -> None:
    for practice_id, title, summary in connection.execute(sa.select(practices.c.id, practices.c.title, practices.c.summary)).all():
        if pointed(title) or pointed(summary):
            connection.execute(
                sa.update(practices).where(practices.c.id == practice_id).values(search_text=fold(f"{title} {summary}"))
            )


def upgrade() -> None:
    connection = op.get_bind()
    report = _rekey(connection, cities, "city", "") + _rekey(connection, aliases, "former name", "a")
    for line in report:
        logger.warning("migration 0020_names_pointing: %s", line)
    _rekey_practices(connection)
    if connection.dialect.name == "sqlite":
        _sqlite_index(strip=True)
    else:
        _postgresql_index(strip=True)


def downgrade() -> None:
    # Keys computed by the new fold still match the names they were computed from (as 0006's downgrade says).
    if op.get_bind().dialect.name == "sqlite":
        _sqlite_index(strip=False)
    else:
        _postgresql_index(strip=False)
