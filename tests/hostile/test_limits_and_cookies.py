"""Rate limits on sync (per worker, 429 with Retry-After) and the flags on every cookie we set."""
import uuid

import pytest

from app import create_app
from app.extensions import limiter
from tests.support.forms import post_page_form
from tests.support.settings import app_config

SHAPE = {"code", "status", "message", "errors"}


def envelope() -> dict:
    return {"device_id": str(uuid.uuid4()), "cursor": None, "mutations": []}


@pytest.fixture
def sync_limit_of_three(app, monkeypatch):
    monkeypatch.setitem(app.config, "RATELIMIT_SYNC", "3 per minute")
    limiter.reset()
    yield
    limiter.reset()


def test_sync_is_limited_per_worker_with_retry_after(app, client, create_user, auth, sync_limit_of_three):
    first, second = create_user(), create_user()
    first_headers, second_headers = auth(first), auth(second)
    codes = [client.post("/api/v1/sync", json=envelope(), headers=first_headers).status_code for _ in range(3)]
    assert codes == [200, 200, 200]

    limited = client.post("/api/v1/sync?lang=en", json=envelope(), headers=first_headers)
    assert limited.status_code == 429
    assert limited.is_json and set(limited.json) == SHAPE and limited.json["code"] == 429
    assert limited.json["message"] == "Too many requests. Please wait a moment and try again."
    assert int(limited.headers["Retry-After"]) > 0
    # In the request's language: Indonesian by default (a fresh client has no `lang` cookie).
    indonesian = app.test_client().post("/api/v1/sync", json=envelope(), headers=first_headers)
    assert indonesian.status_code == 429 and indonesian.json["message"] != limited.json["message"]

    # Another worker from the same address is not held back: the limit follows the account.
    assert client.post("/api/v1/sync", json=envelope(), headers=second_headers).status_code == 200


def test_sync_limit_is_off_when_rate_limits_are_disabled(app, client, create_user, auth, sync_limit_of_three,
                                                         monkeypatch):
    monkeypatch.setattr(limiter, "enabled", False)
    headers = auth(create_user())
    assert {client.post("/api/v1/sync", json=envelope(), headers=headers).status_code for _ in range(6)} == {200}


def test_anonymous_sync_is_401_not_counted(client, sync_limit_of_three):
    assert {client.post("/api/v1/sync", json=envelope()).status_code for _ in range(5)} == {401}


def cookies_of(response) -> dict[str, str]:
    """name → the whole Set-Cookie header, lower-cased for flag checks."""
    return {header.split("=", 1)[0]: header.lower() for header in response.headers.getlist("Set-Cookie")}


def login_with_form(client, user_phone):
    return post_page_form(client, "/login?lang=en", {"phone": user_phone, "password": "password123"})


@pytest.fixture
def production_app(db_url, monkeypatch):
    monkeypatch.setenv("JEMBATAN_ENV", "production")
    monkeypatch.delenv("COOKIE_SECURE", raising=False)
    # Production needs REDIS_URL and SMS_GATEWAY_URL (checked at start); the counts stay in memory here.
    app = create_app(app_config(db_url, ENV_NAME="production",
                                DATA_KEY="MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=",
                                REDIS_URL="redis://127.0.0.1:6379/0", RATELIMIT_STORAGE_URI="memory://",
                                SMS_GATEWAY_URL="http://127.0.0.1:9/sms"))
    yield app
    from app.extensions import db

    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_production_cookies_are_secure_httponly_and_samesite(production_app, create_user):
    worker = create_user(phone="+6281299887766")
    response = login_with_form(production_app.test_client(), worker.phone)
    assert response.status_code in (302, 303), response.get_data(as_text=True)[:300]
    cookies = cookies_of(response)
    assert {"access_token_cookie", "refresh_token_cookie", "lang"} <= set(cookies)
    for name, header in cookies.items():
        assert "; secure" in header, header
        assert "samesite=lax" in header or "samesite=strict" in header, header
        if not name.startswith("csrf_"):  # the CSRF twins must be readable by the page's script
            assert "; httponly" in header, header


def test_development_cookies_are_httponly_and_samesite_but_not_secure(client, create_user):
    worker = create_user(phone="+6281299887767")
    cookies = cookies_of(login_with_form(client, worker.phone))
    assert "access_token_cookie" in cookies
    for name, header in cookies.items():
        assert "; secure" not in header  # plain http://127.0.0.1 in development must still work
        assert "samesite=lax" in header
        if not name.startswith("csrf_"):
            assert "; httponly" in header


def test_behind_a_trusted_proxy_https_is_seen_and_gets_hsts(db_url):
    proxied = create_app(app_config(db_url, PROXY_HOPS=1)).test_client()
    response = proxied.get("/offline", headers={"X-Forwarded-Proto": "https"})
    assert "max-age=" in response.headers["Strict-Transport-Security"]


def test_behind_a_trusted_proxy_login_limits_follow_the_client_address(db_url):
    proxied = create_app(app_config(db_url, PROXY_HOPS=1, RATELIMIT_AUTH="2 per minute"))
    limiter.reset()
    try:
        client = proxied.test_client()
        body = {"phone": "+6281234567890", "password": "wrong-pass"}

        def login(address):
            return client.post("/api/v1/auth/login", json=body, headers={"X-Forwarded-For": address}).status_code

        assert [login("203.0.113.7") for _ in range(3)] == [401, 401, 429]
        assert login("198.51.100.9") == 401  # another phone behind the same proxy is not locked out
    finally:
        limiter.reset()
