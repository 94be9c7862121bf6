"""Fault tests: a real gunicorn server on loopback against its own database.

On PostgreSQL (DATABASE_URL set) the server gets a fresh database made for the test on the same
cluster, so killing it never disturbs the suite's own database; on SQLite, a fresh file.
"""
import uuid

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tests.support.live_server import LiveServer


@pytest.fixture
def server_database_url(db_url):
    """A fresh, empty database URL for a live server: a new PostgreSQL database, or None (SQLite file)."""
    url = make_url(db_url)
    if url.get_backend_name() != "postgresql":
        yield None
        return
    name = f"jembatan_fault_{uuid.uuid4().hex[:12]}"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def fault_server(tmp_path, server_database_url):
    """A running gunicorn server (rate limits off) with its own database; stopped at the end."""
    server = LiveServer(tmp_path, database_url=server_database_url, workers=2, threads=8)
    server.setup_database()
    server.start()
    try:
        yield server
    finally:
        server.stop()
