"""Presence reports: the contract's PUT/GET, history, validation and protection of identifiers."""
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.presence.models import PresenceReport
from app.sync.models import Change
from tests.builders import presence_body


def put(client, headers, body):
    return client.put("/api/v1/presence", json=body, headers=headers)


def test_first_report_is_201_with_mission_and_hotline(client, create_user, auth):
    worker = create_user()
    response = put(client, auth(worker), presence_body())
    assert response.status_code == 201, response.json
    data = response.json
    assert data["mission"]["code"] == "KJRI-KOTAKINABALU"
    assert "hotline" in data["mission"]
    assert data["is_current"] is True
    assert data["emergency_contact"] == {"name": "Siti", "phone": "+6281234567890", "relation": "ibu"}
    assert data["employer_phone"] == "+60123456789"
    assert data["created_at"] == "2026-01-10T00:15:00Z"
    # The worker sees only the last three characters of their identifiers.
    assert data["passport_number"] == "*****567"
    assert data["nik"].endswith("123") and "3201" not in data["nik"]

    got = client.get("/api/v1/presence", headers=auth(worker))
    assert got.status_code == 200
    assert got.json["id"] == data["id"]


def test_get_without_report_is_404(client, create_user, auth):
    response = client.get("/api/v1/presence", headers=auth(create_user()))
    assert response.status_code == 404
    assert response.json["code"] == 404


def test_same_id_again_is_200_with_the_same_record(client, create_user, auth):
    worker = create_user()
    body = presence_body()
    first = put(client, auth(worker), body)
    again = put(client, auth(worker), body)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json["id"] == first.json["id"]
    assert db.session.scalar(select(func.count()).select_from(PresenceReport)) == 1


def test_newer_report_replaces_current_and_keeps_history(client, create_user, auth):
    worker = create_user()
    first = put(client, auth(worker), presence_body(created_at="2026-01-10T08:00:00+08:00"))
    second = put(client, auth(worker), presence_body(
        created_at="2026-02-10T08:00:00+08:00", country="MY", region="MY-13", city="Kuching"))
    assert second.status_code == 200
    assert second.json["mission"]["code"] == "KJRI-KUCHING"
    current = client.get("/api/v1/presence", headers=auth(worker)).json
    assert current["id"] == second.json["id"]
    rows = db.session.scalars(select(PresenceReport).where(PresenceReport.user_id == worker.id)).all()
    assert {str(r.id): r.is_current for r in rows} == {first.json["id"]: False, second.json["id"]: True}


def test_late_older_report_goes_to_history(client, create_user, auth):
    worker = create_user()
    newer = put(client, auth(worker), presence_body(created_at="2026-03-01T08:00:00+08:00"))
    older = put(client, auth(worker), presence_body(created_at="2026-01-01T08:00:00+08:00"))
    assert older.status_code == 200
    assert older.json["is_current"] is False
    assert client.get("/api/v1/presence", headers=auth(worker)).json["id"] == newer.json["id"]


def test_reports_never_mix_between_workers(client, create_user, auth):
    alice, bob = create_user(), create_user()
    put(client, auth(alice), presence_body())
    assert client.get("/api/v1/presence", headers=auth(bob)).status_code == 404


def test_another_workers_id_is_409_and_reveals_nothing(client, create_user, auth):
    alice, bob = create_user(), create_user()
    body = presence_body(address="Alice's secret address")
    put(client, auth(alice), body)
    response = put(client, auth(bob), {**body, "address": "Bob"})
    assert response.status_code == 409
    assert "secret" not in response.get_data(as_text=True)


def test_future_device_time_is_clamped(client, create_user, auth):
    future = (datetime.now(timezone.utc) + timedelta(days=30)).isoformat()
    response = put(client, auth(create_user()), presence_body(created_at=future))
    created = datetime.fromisoformat(response.json["created_at"].replace("Z", "+00:00"))
    assert created <= datetime.now(timezone.utc)


def test_submit_acknowledges_through_change_feed(client, create_user, auth):
    worker = create_user()
    response = put(client, auth(worker), presence_body())
    change = db.session.scalar(select(Change).where(Change.user_id == worker.id))
    assert (change.entity, str(change.entity_id)) == ("presence", response.json["id"])


@pytest.mark.parametrize("overrides, field", [
    ({"passport_number": "12345"}, "passport_number"),
    ({"passport_number": "<script>"}, "passport_number"),
    ({"nik": "123"}, "nik"),
    ({"contract_end_date": "2024-01-01"}, "contract_end_date"),
    ({"region": "ID-JK"}, "region"),
    ({"country": "XX"}, "country"),
    ({"sector": "mining"}, "sector"),
    ({"emergency_contact": {"name": "Siti", "phone": "+62 812 3456 7890", "relation": "x" * 41}},
     "emergency_contact"),
    ({"emergency_contact": {"name": "Siti", "phone": "12345", "relation": "ibu"}}, "emergency_contact"),
    ({"employer_phone": "not a phone"}, "employer_phone"),
    ({"arrival_date": 12}, "arrival_date"),
    ({"address": ["a"]}, "address"),
    ({"created_at": "yesterday"}, "created_at"),
    ({"id": "not-a-uuid"}, "id"),
    ({"surprise": 1}, "surprise"),
])
def test_invalid_reports_are_422_with_field_errors(client, create_user, auth, overrides, field):
    response = put(client, auth(create_user()), presence_body(**overrides))
    assert response.status_code == 422, response.json
    assert field in response.json["errors"]


def test_missing_required_fields_are_422(client, create_user, auth):
    response = put(client, auth(create_user()), {})
    assert response.status_code == 422
    assert {"passport_number", "country", "address", "sector", "emergency_contact"} <= set(response.json["errors"])


def test_malformed_json_is_400(client, create_user, auth):
    response = client.put("/api/v1/presence", data="{nope", content_type="application/json",
                          headers=auth(create_user()))
    assert response.status_code == 400


@pytest.mark.parametrize("text", [
    "<script>alert('x')</script>", "'; DROP TABLE presence_reports; --", "Rumah 🏠 no. 5", "شارع الملك فهد 12",
])
def test_hostile_text_is_stored_and_returned_verbatim(client, create_user, auth, text):
    worker = create_user()
    response = put(client, auth(worker), presence_body(address=text, employer_name=text))
    assert response.status_code == 201
    assert client.get("/api/v1/presence", headers=auth(worker)).json["address"] == text


def test_only_workers_use_presence(client, create_user, auth):
    assert client.get("/api/v1/presence").status_code == 401
    staff = create_user(role="staff")
    assert client.get("/api/v1/presence", headers=auth(staff)).status_code == 403
    assert put(client, auth(staff), presence_body()).status_code == 403


def test_identifiers_are_stored_encrypted_with_a_blind_index(client, create_user, auth):
    from app.crypto import blind_index
    from app.presence.services import find_by_passport

    worker = create_user()
    put(client, auth(worker), presence_body(passport_number="x 123-4567"))
    report = db.session.scalar(select(PresenceReport))
    assert "1234567" not in report.passport_enc
    assert report.passport_number == "X1234567"
    assert report.passport_hash == blind_index("X1234567")
    assert [r.id for r in find_by_passport("x1234567")] == [report.id]


def test_database_file_holds_no_plain_passport_or_nik(app, client, create_user, auth):
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    if not url.startswith("sqlite"):
        pytest.skip("reads the SQLite file")
    worker = create_user()
    passport, nik = "Q7654321", "3174099988776655"
    assert put(client, auth(worker), presence_body(passport_number=passport, nik=nik)).status_code == 201
    db.session.remove()
    with db.engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(FULL)")
    path = url.removeprefix("sqlite:///")
    content = b""
    for suffix in ("", "-wal"):
        try:
            with open(path + suffix, "rb") as handle:
                content += handle.read()
        except FileNotFoundError:
            pass
    assert b"Jalan Tuaran" in content  # the file is the right one, and holds the report
    for secret in (passport, nik):
        assert secret.encode() not in content
        assert secret.encode("utf-16-le") not in content
