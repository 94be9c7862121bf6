"""app.storage.committed: a transaction PostgreSQL fails to break a deadlock is run again, whole."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError, OperationalError

from app.accounts.models import RevokedToken
from app.extensions import db
from app.storage import committed
from app.types import utcnow


class DriverError(Exception):
    """What the driver raises, with the SQLSTATE PostgreSQL sent."""

    def __init__(self, sqlstate):
        super().__init__(sqlstate)
        self.sqlstate = sqlstate


def _store_then_fail(failures: list, runs: list, jti: str):
    def work():
        runs.append(1)
        db.session.add(RevokedToken(jti=jti, expires_at=utcnow() + timedelta(days=1)))
        db.session.flush()
        if failures:
            raise OperationalError("INSERT ...", {}, DriverError(failures.pop(0)))
        return "done"
    return work


def _stored(jti: str) -> int:
    return db.session.scalar(select(func.count()).select_from(RevokedToken).where(RevokedToken.jti == jti))


@pytest.mark.parametrize("sqlstate", ["40P01", "40001"])  # deadlock detected, serialization failure
def test_a_transaction_failed_to_break_a_deadlock_runs_again_and_commits_once(app, sqlstate):
    runs = []
    with app.test_request_context():
        assert committed(_store_then_fail([sqlstate, sqlstate], runs, "jti-retry")) == "done"
        assert len(runs) == 3 and _stored("jti-retry") == 1


def test_it_gives_up_after_three_attempts_and_keeps_nothing(app):
    runs = []
    with app.test_request_context():
        with pytest.raises(OperationalError):
            committed(_store_then_fail(["40P01"] * 3, runs, "jti-giving-up"))
        assert len(runs) == 3 and _stored("jti-giving-up") == 0


def test_other_errors_are_not_run_again(app):
    runs = []
    with app.test_request_context():
        with pytest.raises(OperationalError):
            committed(_store_then_fail(["08006"], runs, "jti-connection-lost"))  # connection failure
        assert len(runs) == 1 and _stored("jti-connection-lost") == 0

        def clash():
            runs.append(1)
            raise IntegrityError("INSERT ...", {}, DriverError("23505"))
        with pytest.raises(IntegrityError):
            committed(clash)
        assert len(runs) == 2
