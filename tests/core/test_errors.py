"""One JSON error shape for every /api/ failure, in the request's language."""
import pytest

from app import create_app
from app.extensions import limiter

SHAPE = {"code", "status", "message", "errors"}


def assert_error(response, code):
    assert response.status_code == code
    assert response.is_json, response.get_data(as_text=True)[:200]
    assert set(response.json) == SHAPE
    assert response.json["code"] == code
    assert isinstance(response.json["message"], str) and response.json["message"]


def test_malformed_json_is_400(client):
    assert_error(client.post("/api/v1/auth/login", data="{not json", content_type="application/json"), 400)


def test_wrong_types_and_unknown_fields_are_422_with_field_errors(client):
    response = client.post("/api/v1/auth/login", json={"phone": ["x"], "password": 5, "extra": True})
    assert_error(response, 422)
    assert set(response.json["errors"]) == {"phone", "password", "extra"}


def test_json_body_that_is_not_an_object_is_422(client):
    assert_error(client.post("/api/v1/auth/login", json=["a", "b"]), 422)


def test_five_megabyte_body_is_413(client):
    assert_error(client.post("/api/v1/auth/register", data=b"{" + b" " * (5 * 1024 * 1024) + b"}",
                             content_type="application/json"), 413)


def test_unknown_api_path_is_json_404_and_page_404_is_html(client):
    assert_error(client.get("/api/v1/no-such-thing"), 404)
    page = client.get("/no-such-page")
    assert page.status_code == 404 and page.mimetype == "text/html"


def test_wrong_method_is_405_json(client):
    assert_error(client.delete("/api/v1/missions"), 405)


def test_unexpected_error_is_json_500(client, monkeypatch):
    def boom(*_args):
        raise RuntimeError("boom")

    monkeypatch.setattr("app.missions.api.route", boom)
    response = client.get("/api/v1/missions/route?country=MY")
    assert_error(response, 500)
    assert "boom" not in response.get_data(as_text=True)


def test_messages_follow_accept_language_and_lang(client):
    id_msg = client.get("/api/v1/me").json["message"]
    en_msg = client.get("/api/v1/me", headers={"Accept-Language": "en-GB,en;q=0.9"}).json["message"]
    query_msg = client.get("/api/v1/me?lang=en").json["message"]
    assert en_msg == query_msg == "Please log in first."
    assert id_msg != en_msg  # Indonesian is the default


def test_field_messages_are_translated(client):
    body = {"password": "x"}
    id_errors = client.post("/api/v1/auth/login", json=body).json["errors"]
    en_errors = client.post("/api/v1/auth/login?lang=en", json=body).json["errors"]
    assert en_errors["phone"] == ["Give a phone number or an email address."]
    assert id_errors["phone"] != en_errors["phone"]


@pytest.fixture
def rate_limits_on(app, monkeypatch):
    monkeypatch.setitem(app.config, "RATELIMIT_AUTH", "10 per minute")
    limiter.reset()
    yield
    limiter.reset()


def test_login_is_rate_limited_with_retry_after(client, rate_limits_on):
    codes = [client.post("/api/v1/auth/login", json={"phone": "+6281234567890", "password": "wrong-pass"}).status_code
             for _ in range(12)]
    assert codes[0] == 401 and codes[-1] == 429
    response = client.post("/api/v1/auth/login", json={"phone": "+6281234567890", "password": "wrong-pass"})
    assert_error(response, 429)
    assert int(response.headers["Retry-After"]) > 0


def test_production_refuses_default_secrets(db_url):
    with pytest.raises(RuntimeError, match="default secrets"):
        create_app({"ENV_NAME": "production", "SQLALCHEMY_DATABASE_URI": db_url,
                    "SECRET_KEY": "dev-only-secret-change-me-before-production"})


@pytest.mark.parametrize("body", [
    '{"phone": "+6281234567890", "phone": "+6281234567891", "password": "x"}',
    '{"phone": NaN, "password": "x"}',
    '{"phone": Infinity, "password": "x"}',
])
def test_duplicated_keys_and_non_json_numbers_are_malformed(client, body):
    assert_error(client.post("/api/v1/auth/login", data=body, content_type="application/json"), 400)
