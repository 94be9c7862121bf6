"""Database helpers the features share: multi-row inserts that skip what already exists, a
transaction run again when PostgreSQL breaks a deadlock, and a read that need not wait for
SQLite's write lock; on SQLite and PostgreSQL alike."""
import random
import time
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache

from flask import has_request_context, request
from sqlalchemy import Table, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, instrumentation, make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value

from .extensions import db


@lru_cache(maxsize=None)
def _insert_new_statement(table: Table, dialect: str, returning: str):
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return insert(table).on_conflict_do_nothing().returning(table.c[returning])


def insert_new_rows(table: Table, rows: list[dict], returning: str) -> set:
    """Insert `rows` in one statement, skipping each row whose key (any unique one) is taken;
    the `returning` column (the table's key) of the rows stored.

    Nothing raises on a clash, so no savepoint is needed around it; on PostgreSQL a row whose
    key another transaction is inserting waits for that transaction and is skipped if it commits.
    """
    if not rows:
        return set()
    statement = _insert_new_statement(table, db.session.get_bind().dialect.name, returning)
    # In key order: two transactions inserting the same keys then take their locks in the same
    # order, so one waits for the other instead of both waiting for each other (a deadlock).
    rows = sorted(rows, key=lambda row: str(row[returning]))
    return set(db.session.scalars(statement, rows))


@lru_cache(maxsize=None)
def _columns(model) -> tuple[tuple[str, str], ...]:
    """(attribute, column) names of a model's columns."""
    return tuple((attr.key, attr.columns[0].key) for attr in db.inspect(model).column_attrs)


_HELD = "jembatan.held"


def hold_stored(model, rows: list[dict], **loaded) -> list:
    """Objects for rows just stored by a Core INSERT (insert_new_rows), put into the session as if
    read back: the rest of the request (the sync answer, a REST answer) finds them there and reads
    nothing again. A column the rows leave out is NULL, as stored (so the model's defaults must be
    in the rows); `loaded` sets relationships known to be so ({name: value or callable(row)}, e.g.
    a new request's empty messages). A rollback of the transaction that held them drops them.

    Every value must be as the database gives it back: UTC times, upper-case codes, as the rows hold
    (tests/sync/test_sync_dumping.py compares an answer from what was held with one read back)."""
    objects, manager = [], instrumentation.manager_of_class(model)
    for row in rows:
        # Made as the ORM makes what it reads (no constructor, no change events): its values as loaded.
        obj = manager.new_instance()
        obj.__dict__.update({attr: row.get(column) for attr, column in _columns(model)})
        make_transient_to_detached(obj)
        db.session.add(obj)
        for name, value in loaded.items():
            set_committed_value(obj, name, value(row) if callable(value) else value)
        objects.append(obj)
    # The session keeps unchanged objects by weak reference only: kept here, they last as long as it
    # (one request), or until their transaction is rolled back.
    session = db.session()
    transaction = session.get_nested_transaction() or session.get_transaction()
    session.info.setdefault(_HELD, []).append((transaction, objects))
    return objects


@event.listens_for(Session, "after_soft_rollback")
def _drop_held(session, rolled_back):
    """What was held in a transaction rolled back (a savepoint or the whole) is not stored: out of the
    session, so that nobody takes it for a stored record."""
    held = session.info.get(_HELD)
    if not held:
        return
    kept = []
    for transaction, objects in held:
        chain = transaction
        while chain is not None and chain is not rolled_back:
            chain = chain.parent
        if chain is None:
            kept.append((transaction, objects))
            continue
        for obj in objects:
            if obj in session:
                session.expunge(obj)
    session.info[_HELD] = kept


_READING_FIRST = "jembatan.reading_first"


@contextmanager
def read_before_writing():
    """A short read at the start of a write request (who is calling) in its own transaction.

    SQLite has one writer at a time, and a request that may write takes the write lock when
    its transaction begins (app._configure_sqlite). Reading the caller's identity inside that
    transaction would hold the lock while the body is parsed and validated; here the read
    runs in a deferred transaction, ended at once, so the lock is held only while writing.
    On PostgreSQL nothing changes. Inside a transaction already open, nothing changes either.
    """
    if not has_request_context() or db.session().in_transaction() \
            or db.session.get_bind().dialect.name != "sqlite":
        yield
        return
    request.environ[_READING_FIRST] = True
    try:
        yield
    finally:
        request.environ.pop(_READING_FIRST, None)
        commit_now()  # ends the read; objects stay usable (expire_on_commit is off)


def reading_first() -> bool:
    """Whether the transaction about to begin is read_before_writing's."""
    return has_request_context() and request.environ.get(_READING_FIRST, False)


_WRITING_ALONE = "jembatan.writing_alone"


@contextmanager
def write_transaction():
    """A write inside a request that otherwise only reads (a page GET): in its own transaction,
    committed at the end and rolled back on error.

    A GET reads in a deferred transaction on SQLite; turning that into a writer fails at once
    ("database is locked") when another connection wrote since it began. Here whatever was open
    ends first, and the new transaction begins as a writer (BEGIN IMMEDIATE, see
    app._configure_sqlite): it waits its turn and reads what the last writer left. On PostgreSQL
    it is simply a transaction of its own.
    """
    if db.session().in_transaction():
        commit_now()
    owns_flag = has_request_context() and not request.environ.get(_WRITING_ALONE)
    if owns_flag:
        request.environ[_WRITING_ALONE] = True
    try:
        yield
        commit_now()
    except BaseException:
        db.session.rollback()
        raise
    finally:
        if owns_flag:
            request.environ.pop(_WRITING_ALONE, None)


def writing_alone() -> bool:
    """Whether the transaction about to begin is write_transaction's."""
    return has_request_context() and request.environ.get(_WRITING_ALONE, False)


# PostgreSQL's answers when it fails a transaction to let another go on: deadlock detected,
# serialization failure. Both ask the client to run the whole transaction again.
RETRYABLE = {"40P01", "40001"}
RETRY_PAUSE = 0.025  # seconds; the pause before a run again is random, up to this × 2^attempt

# What is to happen once the running unit of work has committed (see after_commit).
_after_commit: ContextVar[list | None] = ContextVar("jembatan_after_commit", default=None)


def after_commit(callback) -> None:
    """Call `callback()` once the running unit of work has committed: a side effect outside the
    database (a text message) happens once, after the data it speaks of is stored, never for
    work rolled back or for each run of work run again. Outside a unit of work, at once."""
    pending = _after_commit.get()
    if pending is None:
        callback()
    else:
        pending.append(callback)


def committed(work, attempts: int = 3):
    """The unit of work: run `work()` and commit, once; on any error roll back everything it
    wrote and raise. When PostgreSQL fails the transaction to break a deadlock with a concurrent
    one, roll back and run it again after a short random pause (at most `attempts` times). Only for work that has answered
    nobody yet and keeps no state outside the database between runs (after_commit is for that).

    Every request's handler runs inside it (app.Jembatan.dispatch_request): the one place
    where a request commits. Callbacks given to after_commit run after the commit."""
    for attempt in range(1, attempts + 1):
        pending = []
        token = _after_commit.set(pending)
        try:
            result = work()
            db.session.commit()
        except DBAPIError as exc:
            db.session.rollback()
            if attempt == attempts or getattr(exc.orig, "sqlstate", None) not in RETRYABLE:
                raise
            # A moment of random length first: two requests that deadlocked on the same rows in
            # opposite orders, run again at once, would meet the same way again.
            time.sleep(random.uniform(0, RETRY_PAUSE * 2 ** attempt))
            continue
        except BaseException:
            db.session.rollback()
            raise
        finally:
            _after_commit.reset(token)
        for callback in pending:
            callback()
        return result


def commit_now() -> None:
    """End the open transaction of the running unit of work, keeping what it wrote, so that what
    follows begins a transaction of its own (read_before_writing, write_transaction)."""
    db.session.commit()
