"""Accounts per the contract: register, login, refresh rotation, logout, /me."""
import threading

import pytest

from app.accounts.models import User
from app.extensions import db

PHONE = "+6281234567890"


def register(client, **overrides):
    body = {"phone": PHONE, "password": "rahasia-123", "full_name": "Siti Aminah", **overrides}
    return client.post("/api/v1/auth/register", json=body)


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


def test_register_creates_worker_and_logs_in(client):
    response = register(client, phone="+62 812-3456-7890", language="en")
    assert response.status_code == 201, response.json
    body = response.json
    assert body["access_token"] and body["refresh_token"]
    assert body["user"]["role"] == "worker"
    assert body["user"]["phone"] == PHONE  # normalised to E.164
    assert body["user"]["language"] == "en"
    me = client.get("/api/v1/me", headers=bearer(body["access_token"]))
    assert me.status_code == 200
    assert set(me.json) >= {"id", "role", "full_name", "phone", "email", "language", "mission"}


def test_register_refuses_a_role_field_and_creates_nothing(client):
    response = register(client, role="admin")
    assert response.status_code == 422
    assert "role" in response.json["errors"]
    assert db.session.query(User).count() == 0


@pytest.mark.parametrize("overrides, field", [
    ({"phone": "12345"}, "phone"),
    ({"phone": 6281234567890}, "phone"),
    ({"password": "short"}, "password"),
    ({"full_name": ""}, "full_name"),
    ({"full_name": "x" * 121}, "full_name"),
    ({"full_name": "bad\x00name"}, "full_name"),
    ({"language": "fr"}, "language"),
])
def test_register_validation_errors_name_the_field(client, overrides, field):
    response = register(client, **overrides)
    assert response.status_code == 422
    assert field in response.json["errors"]
    assert db.session.query(User).count() == 0


def test_register_same_phone_twice_is_conflict(client):
    assert register(client).status_code == 201
    again = register(client, phone="+62 812 3456 7890")
    assert again.status_code == 409
    assert again.json["code"] == 409


def test_login_by_phone_and_email(client, create_user):
    register(client)
    assert client.post("/api/v1/auth/login", json={"phone": "+62 812 3456 7890", "password": "rahasia-123"}).status_code == 200
    staff = create_user(role="staff", email="staf@example.org")
    response = client.post("/api/v1/auth/login", json={"email": "staf@example.org", "password": "password123"})
    assert response.status_code == 200
    assert response.json["user"]["role"] == "staff"
    assert response.json["user"]["mission"]["code"] == "KJRI-KOTAKINABALU"
    assert staff.id


def test_unknown_user_and_wrong_password_get_the_same_401(client):
    register(client)
    wrong = client.post("/api/v1/auth/login", json={"phone": PHONE, "password": "not-it-at-all"})
    unknown = client.post("/api/v1/auth/login", json={"phone": "+6281299999999", "password": "rahasia-123"})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json == unknown.json


def test_refresh_rotates_and_old_refresh_token_dies(client):
    tokens = register(client).json
    first = client.post("/api/v1/auth/refresh", headers=bearer(tokens["refresh_token"]))
    assert first.status_code == 200
    assert set(first.json) >= {"access_token", "refresh_token"}
    assert first.json["refresh_token"] != tokens["refresh_token"]
    reused = client.post("/api/v1/auth/refresh", headers=bearer(tokens["refresh_token"]))
    assert reused.status_code == 401


def test_reusing_a_rotated_refresh_token_revokes_the_whole_family(client):
    tokens = register(client).json
    rotated = client.post("/api/v1/auth/refresh", headers=bearer(tokens["refresh_token"])).json
    assert client.post("/api/v1/auth/refresh", headers=bearer(tokens["refresh_token"])).status_code == 401
    # the thief's replay ended the login: the newest tokens are dead too
    assert client.post("/api/v1/auth/refresh", headers=bearer(rotated["refresh_token"])).status_code == 401
    assert client.get("/api/v1/me", headers=bearer(rotated["access_token"])).status_code == 401


def test_access_token_cannot_refresh_and_refresh_token_cannot_call_api(client):
    tokens = register(client).json
    assert client.post("/api/v1/auth/refresh", headers=bearer(tokens["access_token"])).status_code == 401
    assert client.get("/api/v1/me", headers=bearer(tokens["refresh_token"])).status_code == 401


def test_logout_revokes_access_and_refresh(client):
    tokens = register(client).json
    assert client.post("/api/v1/auth/logout", headers=bearer(tokens["access_token"])).status_code == 204
    me = client.get("/api/v1/me", headers=bearer(tokens["access_token"]))
    assert me.status_code == 401 and me.json["message"]
    assert client.post("/api/v1/auth/refresh", headers=bearer(tokens["refresh_token"])).status_code == 401


def test_other_logins_survive_a_logout(client):
    register(client)
    a = client.post("/api/v1/auth/login", json={"phone": PHONE, "password": "rahasia-123"}).json
    b = client.post("/api/v1/auth/login", json={"phone": PHONE, "password": "rahasia-123"}).json
    client.post("/api/v1/auth/logout", headers=bearer(a["access_token"]))
    assert client.get("/api/v1/me", headers=bearer(b["access_token"])).status_code == 200


@pytest.mark.parametrize("header", [None, "Bearer", "Bearer not.a.jwt", "Basic abc"])
def test_me_without_valid_token_is_401_json(client, header):
    response = client.get("/api/v1/me", headers={"Authorization": header} if header else {})
    assert response.status_code == 401
    assert response.is_json and response.json["code"] == 401


def test_concurrent_refresh_with_one_token_gives_at_most_one_new_pair(app, client):
    tokens = register(client).json
    results = []

    def refresh():
        response = app.test_client().post("/api/v1/auth/refresh", headers=bearer(tokens["refresh_token"]))
        results.append(response.status_code)

    threads = [threading.Thread(target=refresh) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert results.count(200) <= 1
    assert all(code in (200, 401) for code in results)
