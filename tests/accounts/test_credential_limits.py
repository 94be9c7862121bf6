"""Every call that checks a credential counts in one bucket per client address, and in one per
phone or email tried; a 429 says how long to wait, from the limiter's own clock."""
import pytest

from app import create_app
from app.extensions import limiter
from tests.support.forms import post_page_form
from tests.support.settings import app_config

PHONE = "+6281234567890"
WRONG = {"phone": PHONE, "password": "wrong-pass"}


@pytest.fixture
def limits(app, monkeypatch):
    """limits(auth=..., identifier=...) lowers the credential limits for one test."""

    def set_limits(auth="100000 per minute", identifier="100000 per minute"):
        monkeypatch.setitem(app.config, "RATELIMIT_AUTH", auth)
        monkeypatch.setitem(app.config, "RATELIMIT_IDENTIFIER", identifier)
        limiter.reset()

    yield set_limits
    limiter.reset()


def from_address(address):
    return {"environ_base": {"REMOTE_ADDR": address}}


def test_api_and_page_login_count_in_one_bucket_per_address(client, limits):
    limits(auth="3 per minute")
    assert client.post("/api/v1/auth/login", json=WRONG).status_code == 401
    assert post_page_form(client, "/login", WRONG).status_code == 401
    assert client.post("/api/v1/auth/login", json=WRONG).status_code == 401
    assert post_page_form(client, "/login", WRONG).status_code == 429
    assert client.post("/api/v1/auth/login", json=WRONG).status_code == 429
    # another address still has its own bucket
    assert client.post("/api/v1/auth/login", json=WRONG, **from_address("198.51.100.9")).status_code == 401


def test_register_refresh_and_password_reset_share_the_login_bucket(client, limits):
    limits(auth="5 per minute")
    body = {"phone": "+6281234567891", "password": "rahasia-123", "full_name": "Siti"}
    tokens = client.post("/api/v1/auth/register", json=body).json
    assert client.post("/api/v1/auth/refresh",
                       headers={"Authorization": f"Bearer {tokens['refresh_token']}"}).status_code == 200
    assert client.post("/api/v1/auth/password-reset", json={"phone": PHONE}).status_code == 202
    assert client.post("/api/v1/auth/login", json=WRONG).status_code == 401
    assert client.post("/session/refresh").status_code == 401
    for call in (lambda: client.post("/api/v1/auth/login", json=WRONG),
                 lambda: client.post("/api/v1/auth/register", json={**body, "phone": "+6281234567892"}),
                 lambda: client.post("/api/v1/auth/password-reset", json={"phone": PHONE}),
                 lambda: client.post("/api/v1/auth/password-reset/confirm",
                                     json={"phone": PHONE, "code": "123456", "password": "rahasia-456"}),
                 lambda: post_page_form(client, "/register", {**body, "phone": "+6281234567893"}),
                 lambda: client.post("/session/refresh")):
        assert call().status_code == 429


def test_one_phone_is_limited_whatever_the_address_and_however_it_is_written(client, limits):
    limits(identifier="3 per minute")
    spellings = ["+62 812-3456-7890", "081234567890", "+6281234567890"]
    for number, address in zip(spellings, ["203.0.113.1", "203.0.113.2", "203.0.113.3"]):
        answer = client.post("/api/v1/auth/login", json={"phone": number, "password": "x"}, **from_address(address))
        assert answer.status_code == 401
    limited = post_page_form(client, "/login", {"phone": "0812 3456 7890", "password": "x"}, **from_address("203.0.113.4"))
    assert limited.status_code == 429
    assert client.post("/api/v1/auth/password-reset", json={"phone": "0812-3456-7890"},
                       **from_address("203.0.113.5")).status_code == 429
    # another worker is not locked out by the attack on this one
    other = {"phone": "+6281234567899", "password": "x"}
    assert client.post("/api/v1/auth/login", json=other, **from_address("203.0.113.1")).status_code == 401


def test_one_email_is_limited_whatever_its_case(client, limits):
    limits(identifier="2 per minute")
    for email, address in (("Staf@Example.org", "203.0.113.1"), ("staf@example.org ", "203.0.113.2")):
        answer = client.post("/api/v1/auth/login", json={"email": email, "password": "x"}, **from_address(address))
        assert answer.status_code == 401
    assert client.post("/api/v1/auth/login", json={"email": "STAF@example.org", "password": "x"},
                       **from_address("203.0.113.3")).status_code == 429


def test_retry_after_is_the_limiters_real_reset(client, limits):
    limits(auth="3 per 5 second")
    for _ in range(3):
        client.post("/api/v1/auth/login", json=WRONG)
    limited = client.post("/api/v1/auth/login", json=WRONG)
    assert limited.status_code == 429
    assert 1 <= int(limited.headers["Retry-After"]) <= 5
    page = post_page_form(client, "/login", WRONG)
    assert page.status_code == 429 and 1 <= int(page.headers["Retry-After"]) <= 5


PRODUCTION = {"ENV_NAME": "production", "SMS_GATEWAY_URL": "http://127.0.0.1:9/sms",
              "DATA_KEY": "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="}


def test_production_refuses_to_start_with_rate_limits_but_no_redis(db_url):
    with pytest.raises(RuntimeError, match="REDIS_URL"):
        create_app(app_config(db_url, **PRODUCTION, REDIS_URL=None))


def test_production_starts_without_redis_when_rate_limits_are_off(db_url):
    try:
        assert create_app(app_config(db_url, **PRODUCTION, REDIS_URL=None, RATELIMIT_ENABLED=False))
    finally:
        # the limiter is one object: the next app test must find it on again
        create_app(app_config(db_url))
