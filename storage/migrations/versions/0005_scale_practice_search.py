"""full-text search of practices: FTS5 on SQLite, tsvector + GIN with unaccent on PostgreSQL

Both index the title (weighted above the summary) and the summary, accent- and case-insensitively,
and both are filled from the rows already there.

- SQLite: an external-content FTS5 table ``practices_fts`` (tokenizer ``unicode61 remove_diacritics 2``,
  which also folds accents that Unicode composes differently), kept in step with ``practices`` by three
  triggers, ranked by ``bm25`` with the title weighted 4 to 1.
- PostgreSQL: a text search configuration ``hrc_search`` copied from ``simple`` (no stemming and no stop
  words, so English, Spanish and French text are treated alike) whose words pass through ``unaccent``; a
  generated ``search_vector`` column (title weight A, summary B) with a GIN index. The ``unaccent``
  extension is created when missing (a trusted extension since PostgreSQL 13: the database owner may).

Revision ID: 0005_scale
Revises: 0004
Create Date: 2026-12-02
"""

from __future__ import annotations

from alembic import op

revision = '0005_scale'
down_revision = '0004'
branch_labels = None
depends_on = None

SQLITE_UP = [
    "CREATE VIRTUAL TABLE practices_fts USING fts5(title, summary, content='practices', content_rowid='id', "
    "tokenize='unicode61 remove_diacritics 2', prefix='2 3')",
    "INSERT INTO practices_fts(practices_fts, rank) VALUES ('rank', 'bm25(4.0, 1.0)')",
    "CREATE TRIGGER practices_fts_insert AFTER INSERT ON practices BEGIN "
    "INSERT INTO practices_fts(rowid, title, summary) VALUES (new.id, new.title, new.summary); END",
    "CREATE TRIGGER practices_fts_delete AFTER DELETE ON practices BEGIN "
    "INSERT INTO practices_fts(practices_fts, rowid, title, summary) VALUES ('delete', old.id, old.title, old.summary); "
    "END",
    "CREATE TRIGGER practices_fts_update AFTER UPDATE OF title, summary ON practices BEGIN "
    "INSERT INTO practices_fts(practices_fts, rowid, title, summary) VALUES ('delete', old.id, old.title, old.summary); "
    "INSERT INTO practices_fts(rowid, title, summary) VALUES (new.id, new.title, new.summary); END",
    "INSERT INTO practices_fts(practices_fts) VALUES ('rebuild')",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS practices_fts_update",
    "DROP TRIGGER IF EXISTS practices_fts_delete",
    "DROP TRIGGER IF EXISTS practices_fts_insert",
    "DROP TABLE IF EXISTS practices_fts",
]


def _unaccent_schema() -> str:
    """The schema holding the unaccent extension, creating the extension (in ``public``) when missing.

    Not in the current schema: a database shares one extension among all its schemas, and dropping
    the schema it lives in would take it away from the others.
    """
    conn = op.get_bind()
    # Two migrations running at once (tests, two instances) must not both try to create it.
    conn.exec_driver_sql("SELECT pg_advisory_xact_lock(hashtext('hrc-bot create extension unaccent'))")
    found = conn.exec_driver_sql(
        "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'unaccent'"
    ).scalar()
    if found:
        return str(found)
    conn.exec_driver_sql("CREATE EXTENSION unaccent SCHEMA public")
    return "public"


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for statement in SQLITE_UP:
            op.execute(statement)
        return
    schema = _unaccent_schema()
    op.execute("CREATE TEXT SEARCH CONFIGURATION hrc_search (COPY = pg_catalog.simple)")
    op.execute(
        "ALTER TEXT SEARCH CONFIGURATION hrc_search ALTER MAPPING FOR word, hword, hword_part "
        f'WITH "{schema}".unaccent, pg_catalog.simple'
    )
    # A stored generated column fills every existing row now and follows every later write.
    op.execute(
        "ALTER TABLE practices ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ("
        "setweight(to_tsvector('hrc_search'::regconfig, title), 'A') || "
        "setweight(to_tsvector('hrc_search'::regconfig, summary), 'B')) STORED"
    )
    op.execute("CREATE INDEX ix_practices_search_vector ON practices USING gin (search_vector)")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for statement in SQLITE_DOWN:
            op.execute(statement)
        return
    op.execute("DROP INDEX IF EXISTS ix_practices_search_vector")
    op.execute("ALTER TABLE practices DROP COLUMN IF EXISTS search_vector")
    op.execute("DROP TEXT SEARCH CONFIGURATION IF EXISTS hrc_search")
