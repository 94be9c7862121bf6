"""Shared fixtures (a pytest plugin loaded by tests/conftest.py): one app and schema per run, a
clean database for every test, accounts, logins and help requests made through the API.

The builders these hand out are plain functions in tests/builders.py.
"""
import contextvars
from datetime import timedelta

import pytest
from flask.testing import FlaskClient
from playwright.sync_api import sync_playwright

from app import create_app
from app.extensions import db
from app.help import deadlines
from app.missions.services import seed_missions
from app.translations import compile_catalogs
from app.types import utcnow
from tests.builders import auth_headers, help_body, new_user, presence_body, tokens
from tests.support.browser import CHROMIUM_ARGS, chromium_or_skip
from tests.support.database import wipe
from tests.support.forms import csrf, post_page_form
from tests.support.settings import app_config, database_url
from tests.support.sms_gateway import SmsGateway


class IsolatedClient(FlaskClient):
    """Each request runs in its own contexts, as in production, not inside the test's app context."""

    def open(self, *args, **kwargs):
        return contextvars.Context().run(super().open, *args, **kwargs)


# ---------------------------------------------------------------- the app and its database

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
        seed_missions()
        db.session.commit()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


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


@pytest.fixture
def gateway():
    """A real HTTP SMS gateway on 127.0.0.1 for the test: give its `url` as SMS_GATEWAY_URL."""
    gateway = SmsGateway().start()
    yield gateway
    gateway.stop()


# ---------------------------------------------------------------- accounts and logins

@pytest.fixture
def create_user(app):
    """Factory: create_user(role="worker", mission="KJRI-KOTAKINABALU", ..., created_at=ACCOUNTS_SINCE) → a committed User."""
    return new_user


@pytest.fixture
def tokens_for(app):
    """Factory: tokens_for(user) → {access_token, refresh_token} for a fresh login."""
    return tokens


@pytest.fixture
def auth(app):
    """Factory: auth(user, **headers) → request headers with a bearer access token."""
    return auth_headers


@pytest.fixture
def login_client(app):
    """login_client(user, password="password123") → a test client holding the user's login cookies."""

    def factory(user, password="password123"):
        client = app.test_client()
        response = post_page_form(client, "/login", {"phone": user.email or user.phone, "password": password})
        assert response.status_code == 302, response.text
        return client

    return factory


@pytest.fixture
def post_form():
    """post_form(client, url, **fields) → the response of a form post carrying the CSRF token."""

    def do(client, url, **fields):
        return client.post(url, data={"csrf_token": csrf(client), **fields})

    return do


# ---------------------------------------------------------------- help requests and presence

@pytest.fixture
def create_request(client, create_user, auth):
    """create_request(worker=None, presence=False, **fields) → (worker, help request json) through the API."""

    def factory(worker=None, presence=False, **fields):
        worker = worker or create_user(full_name="Siti Aminah")
        if presence:
            response = client.put("/api/v1/presence", json=presence_body(), headers=auth(worker))
            assert response.status_code == 201, response.json
        response = client.post("/api/v1/help-requests", json=help_body(**fields), headers=auth(worker))
        assert response.status_code == 201, response.json
        return worker, response.json

    return factory


class Clock:
    """The clock deadlines are read against (app.help.deadlines.now), held by a test."""

    def __init__(self):
        self.at = None

    def set(self, at):
        self.at = at
        return at

    def forward(self, **delta):
        self.at = (self.at or utcnow()) + timedelta(**delta)
        return self.at


@pytest.fixture
def clock(monkeypatch):
    """clock.set(datetime) / clock.forward(hours=3): staff actions, overdue and stats read this time."""
    held = Clock()
    monkeypatch.setattr(deadlines, "utcnow", lambda: held.at or utcnow())
    return held


# ---------------------------------------------------------------- the browser

@pytest.fixture(scope="session")
def chromium_browser():
    """One Playwright driver and one Chromium for the whole run (a second sync driver in the
    same process fails), shared by every browser test."""
    executable = chromium_or_skip()
    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, timeout=60_000)
        yield browser
        browser.close()
