"""Shared fixtures: one app and schema per run, a clean database for every test.

The database is real: a SQLite file by default, PostgreSQL when DATABASE_URL
names one (CI runs the suite on both).
"""
import contextvars
import os
import uuid
from datetime import datetime, timezone

import pytest
from sqlalchemy import text

from flask.testing import FlaskClient

from app import create_app
from app.extensions import db
from app.translations import compile_catalogs

# Browser fixtures (live_server, browser, context, page, login) for any test folder.
pytest_plugins = ["tests.support.browser_fixtures"]

# Reference tables loaded once per run and kept between tests.
REFERENCE_TABLES = {"missions", "jurisdictions"}


def database_url(tmp_path_factory) -> str:
    url = os.environ.get("DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"


def app_config(url: str, **extra) -> dict:
    return {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": url,
        # Limits stay on (their storage too) but high; tests that check them lower them.
        "RATELIMIT_ENABLED": True,
        "RATELIMIT_AUTH": "100000 per minute",
        "RATELIMIT_IDENTIFIER": "100000 per minute",
        "RATELIMIT_SYNC": "100000 per minute",
        # The same for a worker's new and open help requests; and device times from fixed dates of
        # 2026 are kept as written (accounts are made as of ACCOUNTS_SINCE). Tests of the clamp and
        # of the worker limits set the real values (tests/help/test_worker_limits.py).
        "WORKER_REQUESTS_PER_DAY": 100000,
        "WORKER_OPEN_REQUESTS": 100000,
        "OFFLINE_WINDOW_DAYS": 3650,
        "RATELIMIT_FAMILY": "100000 per minute",
        "RATELIMIT_FAMILY_REFERENCE": "100000 per minute",
        "SECRET_KEY": "test-secret-key-that-is-long-enough-0123456789",
        "JWT_SECRET_KEY": "test-jwt-key-that-is-long-enough-0123456789",
        # argon2id at its cheapest: the suite creates hundreds of accounts.
        "ARGON2_TIME_COST": 1,
        "ARGON2_MEMORY_COST": 1024,
        **extra,
    }


class IsolatedClient(FlaskClient):
    """Each request runs in its own contexts, as in production, not inside the test's app context."""

    def open(self, *args, **kwargs):
        return contextvars.Context().run(super().open, *args, **kwargs)


def pytest_collection_modifyitems(items):
    """A browser test may be run twice more: on a shared 2-core machine Chromium's timing
    varies, while a real offline or sync bug fails every time (and reruns are reported)."""
    for item in items:
        if item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.flaky(reruns=2, reruns_delay=2))


@pytest.fixture(scope="session")
def db_url(tmp_path_factory):
    return database_url(tmp_path_factory)


@pytest.fixture(scope="session")
def app(db_url, tmp_path_factory):
    compile_catalogs()
    # Uploaded files (app.attachments) go to a folder of this run, not to the checkout's instance folder.
    app = create_app(app_config(db_url, ATTACHMENTS_DIR=str(tmp_path_factory.mktemp("attachments"))))
    app.test_client_class = IsolatedClient
    with app.app_context():
        db.drop_all()
        db.create_all()
        from app.missions.services import seed_missions

        seed_missions()
        db.session.commit()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def wipe(exclude=REFERENCE_TABLES) -> None:
    """Empty every table but the reference ones."""
    names = [t.name for t in reversed(db.metadata.sorted_tables) if t.name not in exclude]
    if not names:
        return
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("TRUNCATE " + ", ".join(f'"{n}"' for n in names) + " CASCADE"))
    else:
        for name in names:
            db.session.execute(text(f'DELETE FROM "{name}"'))
    db.session.commit()


@pytest.fixture(autouse=True)
def app_ctx(app):
    """Every test runs in an app context and leaves an empty database behind."""
    with app.app_context():
        yield app
        db.session.rollback()
        db.session.remove()
        wipe()
        db.session.remove()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


# When the test accounts were made (device times may not go back before it; app.types.clamp_device_time).
ACCOUNTS_SINCE = datetime(2025, 1, 1, tzinfo=timezone.utc)


@pytest.fixture
def create_user(app):
    """Factory: create_user(role="worker", mission="KJRI-KOTAKINABALU", ..., created_at=ACCOUNTS_SINCE) → a committed User."""
    from app.accounts.services import create_user as make_user
    from app.missions.services import get_by_code

    def factory(role="worker", mission=None, phone=None, email=None, full_name="Test User",
                password="password123", language="id", created_at=ACCOUNTS_SINCE):
        if role == "worker" and phone is None and email is None:
            phone = "+6281" + str(uuid.uuid4().int)[:9]
        if role != "worker" and email is None:
            email = f"{role}-{uuid.uuid4().hex[:8]}@example.org"
        if role == "staff" and mission is None:
            mission = "KJRI-KOTAKINABALU"
        user = make_user(full_name=full_name, password=password, role=role, phone=phone, email=email,
                         language=language, mission=get_by_code(mission) if mission else None)
        if created_at is not None:
            user.created_at = created_at
        db.session.commit()
        return user

    return factory


@pytest.fixture
def tokens_for(app):
    """Factory: tokens_for(user) → {access_token, refresh_token} for a fresh login."""
    from app.accounts.services import issue_tokens

    def factory(user):
        tokens = issue_tokens(user)
        db.session.commit()
        return tokens

    return factory


@pytest.fixture
def auth(tokens_for):
    """Factory: auth(user) → request headers with a bearer access token."""

    def factory(user, **headers):
        return {"Authorization": f"Bearer {tokens_for(user)['access_token']}", **headers}

    return factory


@pytest.fixture(scope="session")
def chromium_browser():
    """One Playwright driver and one Chromium for the whole run (a second sync driver in the
    same process fails), shared by every browser test."""
    from playwright.sync_api import sync_playwright

    from tests.support.browser import CHROMIUM_ARGS, chromium_or_skip

    executable = chromium_or_skip()
    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, timeout=60_000)
        yield browser
        browser.close()
