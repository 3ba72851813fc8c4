"""A city's number is never given to another city (SQLite)

Buttons and typed commands name a city by its number (`verify #57`, `merge #57 into: #12`). SQLite gives a
new row the highest number in the table plus one, so after the newest city was merged away (deleted) the
next city registered got its number, and a registration notice's Verify button for the merged duplicate
verified that new city. ``AUTOINCREMENT`` makes SQLite never reuse a number
(https://www.sqlite.org/autoinc.html); it can only be declared when the table is made, so `cities` is
rebuilt (Alembic batch mode: copy, drop, rename; every row, index and constraint kept). Numbers already
freed before this migration are found in the audit trail, which keeps merged cities' numbers, and in the
secretariat's registration notices (outbox keys ``notice:registration:CITY:MEMBER:…``), and the counter starts above them all.
PostgreSQL's sequences never give a number twice: nothing to do there.

Revision ID: 0018_names_city_numbers
Revises: 0017_scale_who
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0018_names_city_numbers"
down_revision = "0017_scale_who"
branch_labels = None
depends_on = None


def _highest_number_ever(bind: sa.engine.Connection) -> int:
    highest = bind.execute(sa.text("SELECT max(id) FROM cities")).scalar() or 0
    highest = max(highest, bind.execute(sa.text("SELECT max(city_id) FROM audit_log")).scalar() or 0)
    for (key,) in bind.execute(sa.text("SELECT key FROM outbox WHERE key LIKE 'notice:registration:%'")):
        number = key.split(":")[2]
        if number.isdecimal():
            highest = max(highest, int(number))
    return highest


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return
    with op.batch_alter_table("cities", recreate="always", table_kwargs={"sqlite_autoincrement": True}):
        pass
    highest = _highest_number_ever(bind)
    bind.execute(sa.text("DELETE FROM sqlite_sequence WHERE name = 'cities'"))
    bind.execute(sa.text("INSERT INTO sqlite_sequence (name, seq) VALUES ('cities', :seq)"), {"seq": highest})


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    with op.batch_alter_table("cities", recreate="always", table_kwargs={"sqlite_autoincrement": False}):
        pass
