"""The migrations build exactly the schema the models describe, and take it down again."""
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from app.extensions import db

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def empty_database(db_url, tmp_path):
    """A brand-new, empty database on the same server as the test database."""
    url = make_url(db_url)
    if url.get_backend_name() == "sqlite":
        yield f"sqlite:///{tmp_path / 'migrations.db'}"
        return
    name = f"jembatan_mig_{uuid.uuid4().hex[:8]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield url.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def flask_db(url: str, *args: str) -> None:
    env = {**os.environ, "DATABASE_URL": url, "RATELIMIT_ENABLED": "false"}
    result = subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "db", *args], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]


def test_upgrade_to_head_matches_models_and_downgrade_removes_everything(empty_database):
    flask_db(empty_database, "upgrade")
    engine = create_engine(empty_database)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), db.metadata)
    assert diff == [], f"migrations and models differ; run `flask db migrate`: {diff}"
    flask_db(empty_database, "downgrade", "base")
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    engine.dispose()
