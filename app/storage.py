"""Multi-row inserts that skip what already exists, on SQLite and PostgreSQL alike."""
from functools import lru_cache

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite

from .extensions import db


@lru_cache(maxsize=None)
def _insert_new_statement(table: Table, dialect: str, returning: str):
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return insert(table).on_conflict_do_nothing().returning(table.c[returning])


def insert_new_rows(table: Table, rows: list[dict], returning: str) -> set:
    """Insert `rows` in one statement, skipping each row whose key (any unique one) is taken;
    the `returning` column of the rows stored.

    Nothing raises on a clash, so no savepoint is needed around it; on PostgreSQL a row whose
    key another transaction is inserting waits for that transaction and is skipped if it commits.
    """
    if not rows:
        return set()
    statement = _insert_new_statement(table, db.session.get_bind().dialect.name, returning)
    return set(db.session.scalars(statement, rows))
