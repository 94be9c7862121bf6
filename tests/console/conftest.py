"""Console fixtures: cookie logins through /login, help requests and presence made through the API,
and (for the browser test) the app served by werkzeug in a thread against the test database."""
import threading
import uuid

import pytest
from werkzeug.serving import make_server

from tests.help.conftest import help_body
from tests.presence.conftest import presence_body

from tests.support.browser import DEFAULT_TIMEOUT_MS
from tests.support.forms import post_page_form


def csrf(client) -> str:
    """The CSRF token a page form carries (the double-submit cookie set at login)."""
    cookie = client.get_cookie("csrf_access_token")
    assert cookie is not None, "not logged in"
    return cookie.value


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


class LiveServer:
    """The app served by werkzeug in a background thread (same process, same test database)."""

    def __init__(self, app):
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)

    def start(self):
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.thread.join(timeout=10)
        self.server.server_close()


@pytest.fixture
def live_server(app):
    server = LiveServer(app)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def browser_page(chromium_browser, live_server):
    """A fresh browser profile pointed at the live server; every wait bounded."""
    # The worker app's service worker (registered from /login) has no part in the console.
    context = chromium_browser.new_context(base_url=live_server.url, locale="en-GB", service_workers="block")
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    context.set_default_navigation_timeout(DEFAULT_TIMEOUT_MS)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def unique():
    return lambda prefix="": f"{prefix}{uuid.uuid4().hex[:8]}"
