"""Reading and emptying the test database between and inside tests."""
from sqlalchemy import func, select, text

from app.extensions import db

# Reference tables loaded once per run and kept between tests.
REFERENCE_TABLES = {"missions", "jurisdictions"}


def wipe(exclude=REFERENCE_TABLES) -> None:
    """Empty every table but the reference ones, children first.

    DELETE, not TRUNCATE, on PostgreSQL too: a test leaves a few rows, and TRUNCATE gives every
    table a new file whether it held rows or not (a third of the PostgreSQL run's time went there)."""
    names = [t.name for t in reversed(db.metadata.sorted_tables) if t.name not in exclude]
    for name in names:
        db.session.execute(text(f'DELETE FROM "{name}"'))
    db.session.commit()


def count(model, **where) -> int:
    """Rows of `model` matching `where`, read afresh (the test's session forgets what it had)."""
    db.session.remove()
    return db.session.scalar(select(func.count()).select_from(model).filter_by(**where))
