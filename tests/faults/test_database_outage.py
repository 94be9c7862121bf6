"""The database goes away for a moment: the API answers 503 in the JSON error shape, then recovers by itself.

The outage is real, not a mocked function: on PostgreSQL the database stops accepting
connections and its backends are terminated (`ALLOW_CONNECTIONS false` + `pg_terminate_backend`);
on SQLite the directory holding the file disappears, so no connection can be opened. A second
app instance, with its own pool, serves a database made for this test.
"""
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from app import create_app
from app.extensions import db
from app.missions.services import seed_missions
from tests.support.settings import app_config

SHAPE = {"code", "status", "message", "errors"}


class Outage:
    """Start and end an outage of the database at `url`."""

    def __init__(self, url: str):
        self.url = make_url(url)
        self.postgres = self.url.get_backend_name() == "postgresql"
        if self.postgres:
            self.admin = create_engine(self.url.set(database="postgres"), isolation_level="AUTOCOMMIT")
        else:
            self.directory = Path(self.url.database).parent
            self.away = self.directory.with_name(self.directory.name + "-away")

    def begin(self, engine) -> None:
        if self.postgres:
            name = self.url.database
            with self.admin.connect() as connection:
                connection.execute(text(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS false'))
                connection.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                        "WHERE datname = :name AND pid <> pg_backend_pid()"), {"name": name})
        else:
            self.directory.rename(self.away)
            # Open SQLite connections keep the old file; a crash of the server would drop them too.
            engine.dispose()

    def end(self) -> None:
        if self.postgres:
            with self.admin.connect() as connection:
                connection.execute(text(f'ALTER DATABASE "{self.url.database}" WITH ALLOW_CONNECTIONS true'))
        elif self.away.exists():
            self.away.rename(self.directory)

    def close(self) -> None:
        if self.postgres:
            self.admin.dispose()


@pytest.fixture
def outage_app(server_database_url, tmp_path):
    url = server_database_url or f"sqlite:///{tmp_path / 'outage' / 'outage.db'}"
    if not server_database_url:
        (tmp_path / "outage").mkdir()
    other = create_app(app_config(url))
    with other.app_context():
        db.create_all()
        seed_missions()
        db.session.commit()
        db.session.remove()
    outage = Outage(url)
    try:
        yield other, outage
    finally:
        outage.end()
        outage.close()
        with other.app_context():
            db.session.remove()
            db.engine.dispose()


def register(client, lang=None):
    body = {"phone": "+6281" + str(uuid.uuid4().int)[:9], "password": "password123", "full_name": "Siti"}
    return client.post("/api/v1/auth/register" + (f"?lang={lang}" if lang else ""), json=body)


def test_api_answers_503_while_the_database_is_away_and_recovers_without_restart(outage_app):
    other, outage = outage_app
    client = other.test_client()
    assert client.get("/api/v1/missions").status_code == 200
    assert register(client).status_code == 201

    with other.app_context():
        outage.begin(db.engine)
    try:
        for response in (client.get("/api/v1/missions"), register(client), register(client, lang="en")):
            assert response.status_code == 503, response.get_data(as_text=True)[:300]
            assert response.is_json and set(response.json) == SHAPE
            assert response.json["code"] == 503
            assert response.headers["Retry-After"].isdigit()
        # In the request's language (fresh clients: `?lang=` is remembered in a cookie).
        english, indonesian = register(other.test_client(), lang="en"), register(other.test_client())
        assert english.json["message"] == "The service is briefly unavailable. Please try again in a moment."
        assert indonesian.json["message"] != english.json["message"]
        page = client.get("/channels")
        assert page.status_code in (200, 503) and page.mimetype == "text/html"
    finally:
        outage.end()

    # The same process, the same pool: the next requests simply work again.
    assert client.get("/api/v1/missions").status_code == 200
    created = register(client)
    assert created.status_code == 201, created.json
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {created.json['access_token']}"}
                      ).status_code == 200
