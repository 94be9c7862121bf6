"""The Peduli WNI export (incremental) and the worker's own data: export and deletion."""
import csv
import io
import json
import uuid
from datetime import datetime, timezone

import pytest
from sqlalchemy import select, update

from app.extensions import db
from app.help.models import HelpMessage, HelpRequest
from app.integration.export import EXPORT_FIELDS
from app.integration.models import PersonLink
from app.presence.models import PresenceReport
from tests.builders import bare_presence_body, placement_row, write_placements


def _export(runner, *args):
    result = runner.invoke(args=["integration", "export-presence", *args])
    assert result.exit_code == 0, result.output
    return result


def test_export_is_incremental_and_carries_only_registry_fields(runner, create_worker, tmp_path, client, auth):
    old = create_worker(full_name="Lama", passport_number="B1000001")
    past = datetime(2026, 1, 1, tzinfo=timezone.utc)
    db.session.execute(update(PresenceReport).values(updated_at=past))
    db.session.commit()
    create_worker(full_name="Baru", passport_number="B1000002", nik="3212015101900001")

    out = tmp_path / "export.jsonl"
    _export(runner, "--since", "2026-02-01", "--output", str(out))
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["full_name"] for r in rows] == ["Baru"]
    assert set(rows[0]) == set(EXPORT_FIELDS)
    assert rows[0]["passport_number"] == "B1000002" and rows[0]["mission"] == "KJRI-KOTAKINABALU"
    assert "emergency_contact" not in rows[0] and "employer_phone" not in rows[0]

    everything = _export(runner, "--since", "2025-12-31T23:00:00+07:00", "--format", "csv")
    table = list(csv.DictReader(io.StringIO(everything.stdout)))
    assert {r["full_name"] for r in table} == {"Lama", "Baru"}
    assert list(table[0]) == list(EXPORT_FIELDS)

    # A worker who moves: the new report and the old one (now history) are the only changes.
    db.session.execute(update(PresenceReport).values(updated_at=past))
    db.session.commit()
    moved = client.put("/api/v1/presence", json=bare_presence_body(
        passport_number="B1000001", country="HK", region=None, city="Hong Kong", created_at="2026-03-01T08:00:00Z"),
                       headers=auth(old))
    assert moved.status_code == 200
    later = [json.loads(line) for line in _export(runner, "--since", "2026-01-02").stdout.splitlines()]
    assert sorted((r["full_name"], r["country"], r["is_current"]) for r in later) == [
        ("Lama", "HK", True), ("Lama", "MY", False)]


def test_export_refuses_a_bad_date(runner):
    result = runner.invoke(args=["integration", "export-presence", "--since", "yesterday"])
    assert result.exit_code == 2 and "ISO 8601" in result.output


def test_worker_exports_everything_about_themselves(client, create_worker, auth, create_user,
                                                     create_help_request_via_api, tmp_path, import_file, runner):
    row = placement_row(1)
    import_file(write_placements(tmp_path / "p.csv", [row]))
    worker = create_worker(full_name=row["full_name"], passport_number=row["passport_number"], nik=row["nik"],
                           employer_name=row["employer"])
    runner.invoke(args=["integration", "match"])
    client.put("/api/v1/presence", json=bare_presence_body(
        passport_number="B2000002", country="HK", region=None, city="Hong Kong",
        created_at="2026-03-01T08:00:00+08:00"),
               headers=auth(worker))
    request = create_help_request_via_api(worker)
    staff = create_user(role="staff")
    client.post(f"/api/v1/queue/{request['id']}/notes", json={"body": "INTERNAL NOTE"}, headers=auth(staff))
    client.post(f"/api/v1/queue/{request['id']}/messages", json={"body": "Kami akan menelepon."},
                headers=auth(staff))

    response = client.get("/api/v1/me/export", headers=auth(worker))
    assert response.status_code == 200
    data = response.json
    assert data["account"]["id"] == str(worker.id)
    assert len(data["presence_reports"]) == 2
    numbers = {r["passport_number"] for r in data["presence_reports"]}
    assert numbers == {row["passport_number"], "B2000002"}  # in full, for the worker themself
    assert data["help_requests"][0]["messages"][0]["body"] == "Kami akan menelepon."
    assert "INTERNAL NOTE" not in response.get_data(as_text=True)
    assert data["placements"][0]["nik"] == row["nik"]

    other = create_worker(passport_number="B3000003")
    theirs = client.get("/api/v1/me/export", headers=auth(other)).get_data(as_text=True)
    assert row["passport_number"] not in theirs and "B2000002" not in theirs


def test_export_and_delete_role_matrix(client, create_user, auth):
    for path, method in (("/api/v1/me/export", "get"), ("/api/v1/me", "delete")):
        assert getattr(client, method)(path, json={"confirm": True}).status_code == 401
        for role in ("staff", "admin"):
            user = create_user(role=role)
            assert getattr(client, method)(path, json={"confirm": True}, headers=auth(user)).status_code == 403


def test_delete_needs_confirm_true(client, create_user, auth):
    worker = create_user()
    headers = auth(worker)
    for body in ({}, {"confirm": False}, {"confirm": "yes"}, {"confirm": True, "extra": 1}, [], None):
        response = client.delete("/api/v1/me", json=body, headers=headers)
        assert response.status_code in (400, 422), (body, response.status_code)
        assert response.json["code"] in (400, 422)
    assert client.delete("/api/v1/me", data="{bad", content_type="application/json",
                         headers=headers).status_code == 400
    assert client.get("/api/v1/me", headers=headers).status_code == 200


@pytest.mark.parametrize("confirm", [1, 1.0, "true", "1", "on", [True], {"yes": True}])
def test_only_json_true_confirms_account_deletion(client, create_user, auth, confirm):
    """marshmallow's Boolean takes 1 and "true" (and `truthy={True}` still takes 1, as 1 == True)."""
    worker = create_user()
    headers = auth(worker)
    response = client.delete("/api/v1/me?lang=en", json={"confirm": confirm}, headers=headers)
    assert response.status_code == 422 and "confirm" in response.json["errors"], response.json
    indonesian = client.delete("/api/v1/me?lang=id", json={"confirm": confirm}, headers=headers)
    assert indonesian.status_code == 422 and indonesian.json["errors"] != response.json["errors"]
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    assert client.delete("/api/v1/me", json={"confirm": True}, headers=headers).status_code == 204


def test_delete_removes_the_account_and_keeps_the_request_anonymised(client, create_worker, auth, create_user,
                                                                      create_help_request_via_api, tmp_path,
                                                                      import_file, runner):
    row = placement_row(2)
    import_file(write_placements(tmp_path / "p.csv", [row]))
    worker = create_worker(passport_number=row["passport_number"])
    runner.invoke(args=["integration", "match"])
    phone = worker.phone
    request = create_help_request_via_api(worker)
    client.post(f"/api/v1/help-requests/{request['id']}/messages",
                json={"id": "6f1c2a52-8f0e-4a39-9d61-5d7b1f3b0a11", "body": "Tolong saya",
                      "created_at": "2026-01-10T09:00:00+08:00"}, headers=auth(worker))
    headers = auth(worker)

    assert client.delete("/api/v1/me", json={"confirm": True}, headers=headers).status_code == 204
    assert client.get("/api/v1/me", headers=headers).status_code == 401
    login = client.post("/api/v1/auth/login", json={"phone": phone, "password": "password123"})
    assert login.status_code == 401
    assert db.session.scalar(select(PresenceReport).where(PresenceReport.user_id == worker.id)) is None
    assert db.session.get(PersonLink, worker.id) is None

    staff = create_user(role="staff")
    seen = client.get(f"/api/v1/queue/{request['id']}", headers=auth(staff))
    assert seen.status_code == 200
    stored = db.session.get(HelpRequest, uuid.UUID(request["id"]))
    assert stored.user_id is None and stored.contact_phone is None and stored.lat is None
    assert stored.category == "unpaid_wages" and stored.mission.code == "KJRI-KOTAKINABALU"
    assert db.session.scalars(select(HelpMessage.author_id).where(
        HelpMessage.help_request_id == stored.id)).all() == [None]
    # The placement is SISKOP2MI's record and stays, no longer tied to an account.
    from app.integration.models import Placement

    assert db.session.scalar(select(Placement).where(Placement.external_id == row["placement_id"])) is not None
