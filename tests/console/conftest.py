"""Console fixtures: for the browser tests, the app served by werkzeug in a thread against the test
database (logins, form posts and help requests come from tests/support/fixtures.py)."""
import threading

import pytest
from werkzeug.serving import make_server

from tests.support.browser import DEFAULT_TIMEOUT_MS


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

