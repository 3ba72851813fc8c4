"""Persistence: SQLAlchemy 2.0 typed models, async sessions, queries and Alembic migrations.

Engine-neutral: SQLite (embedded default) and PostgreSQL (multi-instance) run the same code.
"""
