"""Fault tests: a real gunicorn server on loopback against its own database.

On PostgreSQL (DATABASE_URL set) the server gets a fresh database made for the test on the same
cluster, so killing it never disturbs the suite's own database; on SQLite, a fresh file.
"""
import pytest

from tests.support.live_server import fresh_database, running


@pytest.fixture
def server_database_url(db_url):
    """A fresh database URL for a live server (schema and missions, nothing else): a new PostgreSQL
    database, or None (the server gets a fresh SQLite file)."""
    with fresh_database(db_url) as url:
        yield url


@pytest.fixture
def fault_server(tmp_path, server_database_url):
    """A running gunicorn server (rate limits off) with its own database; stopped at the end."""
    with running(tmp_path, server_database_url, workers=2, threads=8) as server:
        yield server
