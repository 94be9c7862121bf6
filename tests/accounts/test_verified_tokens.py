"""A token verified once is served from memory (app.verified_tokens) — never past its expiry,
never for another text or another CSRF value, never after its login was ended."""
import time
from datetime import timedelta

from flask_jwt_extended import create_access_token, decode_token, get_csrf_token

from app.accounts.services import issue_tokens
from app.extensions import db


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


def short_lived(user, seconds: int) -> str:
    """An access token of a real login of `user`, expiring in `seconds`."""
    tokens = issue_tokens(user)
    db.session.commit()
    sid = decode_token(tokens["refresh_token"])["sid"]
    return create_access_token(identity=user, additional_claims={"role": user.role, "sid": sid},
                               expires_delta=timedelta(seconds=seconds))


def test_a_token_used_before_is_refused_once_it_expires(client, create_user):
    token = short_lived(create_user(), 2)
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 200
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 200  # served again from memory
    time.sleep(max(0.0, decode_token(token, allow_expired=True)["exp"] - time.time()) + 0.1)
    expired = client.get("/api/v1/me", headers={**bearer(token), "Accept-Language": "en"})
    assert expired.status_code == 401 and "expired" in expired.json["message"]


def test_a_token_changed_by_one_character_is_refused_after_the_real_one_was_used(client, create_user, tokens_for):
    token = tokens_for(create_user())["access_token"]
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 200
    header, payload, signature = token.split(".")
    middle = len(payload) // 2
    changed = payload[:middle] + ("A" if payload[middle] != "A" else "B") + payload[middle + 1:]
    assert client.get("/api/v1/me", headers=bearer(f"{header}.{changed}.{signature}")).status_code == 401
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 200


def test_a_cookie_token_verified_with_its_csrf_value_is_refused_with_another(app, create_user, tokens_for):
    token = tokens_for(create_user())["access_token"]
    client = app.test_client()
    client.set_cookie("access_token_cookie", token)
    body = {"device_id": "5f0c6a38-8c1f-4d8e-9f57-0d6c3c1d0b01", "cursor": None, "mutations": []}
    assert client.post("/api/v1/sync", json=body, headers={"X-CSRF-TOKEN": get_csrf_token(token)}).status_code == 200
    assert client.post("/api/v1/sync", json=body, headers={"X-CSRF-TOKEN": "not-the-token-s"}).status_code == 401
    assert client.post("/api/v1/sync", json=body).status_code == 401


def test_a_token_used_before_is_refused_once_its_login_is_ended(client, create_user, tokens_for):
    token = tokens_for(create_user())["access_token"]
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 200
    assert client.post("/api/v1/auth/logout", headers=bearer(token)).status_code == 204
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 401


def test_a_token_is_verified_once_and_again_when_the_app_verifies_differently(app, client, create_user, tokens_for,
                                                                              monkeypatch):
    """Three calls with one token verify it once; an app told to expect an audience the token does
    not name refuses it, though it was verified (without one) before."""
    from flask_jwt_extended import JWTManager

    verified = []
    library = JWTManager._decode_jwt_from_config

    def counting(self, *args, **kwargs):
        verified.append(args[0])
        return library(self, *args, **kwargs)

    monkeypatch.setattr(JWTManager, "_decode_jwt_from_config", counting)
    token = tokens_for(create_user())["access_token"]
    for _call in range(3):
        assert client.get("/api/v1/me", headers=bearer(token)).status_code == 200
    assert verified.count(token) == 1
    monkeypatch.setitem(app.config, "JWT_DECODE_AUDIENCE", "another-service")
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 401
