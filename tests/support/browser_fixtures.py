"""Browser fixtures (a pytest plugin loaded by tests/conftest.py): the app served by gunicorn in its own process, and Debian's Chromium.

`live_server` runs `gunicorn wsgi:app` on 127.0.0.1 against a fresh SQLite file; a test may
`stop()` it (the phone loses the server) and `start()` it again on the same port, so the
browser keeps its origin, cookies, service worker and IndexedDB. `browser` is Chromium
driven by Playwright; `context` and `page` are fresh per test. Every wait is bounded.
"""

import pytest

from tests.support.browser import DEFAULT_TIMEOUT_MS, PHONE
from tests.support.live_server import fresh_database, running


def pytest_collection_modifyitems(items):
    """A browser test may be run twice more: on a shared 2-core machine Chromium's timing
    varies, while a real offline or sync bug fails every time (and reruns are reported)."""
    for item in items:
        if item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.flaky(reruns=2, reruns_delay=2))


@pytest.fixture
def live_server(tmp_path, db_url):
    """A running server with its own fresh database of the suite's kind (a new PostgreSQL database
    when DATABASE_URL names one, else a SQLite file): CI's PostgreSQL run drives the browser against
    PostgreSQL too. Stopped, and its database dropped, at the end whatever happened."""
    with fresh_database(db_url) as url, running(tmp_path, url) as server:
        yield server


@pytest.fixture(scope="session")
def browser(chromium_browser):
    """Debian's Chromium (never a downloaded browser), shared with every browser test."""
    return chromium_browser


@pytest.fixture
def context(browser, live_server):
    """A fresh profile (cookies, service worker, IndexedDB) pointed at the live server, on a worker's
    phone: 360×740 in Indonesian (issue 14's tests); the console's tests make their own contexts."""
    ctx = browser.new_context(base_url=live_server.url, service_workers="allow", locale="id-ID", viewport=PHONE)
    ctx.set_default_timeout(DEFAULT_TIMEOUT_MS)
    ctx.set_default_navigation_timeout(DEFAULT_TIMEOUT_MS)
    yield ctx
    ctx.close()


@pytest.fixture
def page(context):
    return context.new_page()


@pytest.fixture
def login(live_server):
    """login(page, phone_or_email, password): log in through the page form, wait for the redirect."""

    def do(page, identifier: str, password: str, target: str = "/login"):
        page.goto(target)
        page.fill("input[name=phone]", identifier)
        page.fill("input[name=password]", password)
        with page.expect_navigation():
            page.click("form[action='/login'] button[type=submit]")
        assert "/login" not in page.url, live_server.log()[-2000:]

    return do
