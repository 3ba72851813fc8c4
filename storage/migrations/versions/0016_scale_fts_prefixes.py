"""practice search on SQLite: prefix indexes for prefixes of 2 to 8 characters (were 2 and 3)

The last word of a search matches as a prefix (``public`` finds "publique", "públicos"). FTS5 answers
``"public"*`` from a prefix index only when one of exactly that length exists; otherwise it merges the
entries of every word starting so, and ranks every match with them. At 100,000 practices
``éclairage public`` took 8.6 ms in the index with prefixes of 2 and 3, 4.3 ms with 2 to 8 (the index
grows from 30 to 60 MB; bench/README.md, fourth pass). A longer last word is merged as before.

FTS5 fixes its prefix indexes when the table is created: the table is made again and filled from
``practices`` (external content: nothing is lost, ``rebuild`` reads every row). The triggers that keep it in
step live on ``practices`` and name the table, so they keep working. PostgreSQL: nothing to do (its GIN
index answers ``word:*`` from the words it holds).

Revision ID: 0016_scale_prefixes
Revises: 0015_names
Create Date: 2026-12-03
"""

from __future__ import annotations

from alembic import op

revision = "0016_scale_prefixes"
down_revision = "0015_names"
branch_labels = None
depends_on = None


def _recreate(prefixes: str) -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for statement in (
        "DROP TABLE practices_fts",
        "CREATE VIRTUAL TABLE practices_fts USING fts5(title, summary, content='practices', content_rowid='id', "
        f"tokenize='unicode61 remove_diacritics 2', prefix='{prefixes}')",
        "INSERT INTO practices_fts(practices_fts, rank) VALUES ('rank', 'bm25(4.0, 1.0)')",
        "INSERT INTO practices_fts(practices_fts) VALUES ('rebuild')",
    ):
        op.execute(statement)


def upgrade() -> None:
    _recreate("2 3 4 5 6 7 8")


def downgrade() -> None:
    _recreate("2 3")
