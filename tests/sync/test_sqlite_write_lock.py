"""On SQLite one writer holds the lock at a time: a write request must not hold it, nor wait
for it, while it only reads who is calling and validates what was sent."""
import sqlite3

import pytest

from tests.builders import envelope, help_data, mutation


@pytest.fixture
def lock_database(db_url):
    """lock_database() opens another process's write transaction until the test ends."""
    if not db_url.startswith("sqlite"):
        pytest.skip("PostgreSQL has no database-wide write lock")
    other = sqlite3.connect(db_url[len("sqlite:///"):], isolation_level=None, timeout=0)
    yield lambda: other.execute("BEGIN IMMEDIATE")
    if other.in_transaction:
        other.execute("ROLLBACK")
    other.close()


def test_invalid_input_is_refused_while_another_writer_holds_the_lock(client, auth, worker, lock_database):
    headers = auth(worker)  # the login itself writes, so it comes first
    lock_database()
    r = client.post("/api/v1/sync", json={"device_id": "not-a-uuid", "mutations": []}, headers=headers)
    assert r.status_code == 422 and "device_id" in r.get_json()["errors"]
    too_many = envelope(*[mutation("help_request.create", help_data())] * 101)
    assert client.post("/api/v1/sync", json=too_many, headers=headers).status_code == 422
