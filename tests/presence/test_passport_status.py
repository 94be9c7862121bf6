"""Lapor diri without a passport in hand (issue 16, capability 1): `passport_status`, the optional
number, `other_document` encrypted at rest, shown masked to her and in full (audited) to staff,
in her export, the Peduli WNI export, sync, the no-JavaScript form and key rotation."""
import json
import uuid

import pytest
from sqlalchemy import select, text

from app import crypto
from app.extensions import db
from app.presence.models import PresenceReport
from tests.builders import presence_body
from tests.support.forms import post_page_form

from .test_crypto import new_key

OTHER = "KTP 3201234567890123, izin kerja PLKS 778899"


def put(client, headers, body):
    return client.put("/api/v1/presence", json=body, headers=headers)


def without_passport(status="withheld", **overrides):
    body = presence_body(passport_status=status)
    body.pop("passport_number")
    return {**body, **overrides}


def test_passport_status_defaults_to_held_and_held_still_needs_the_number(client, create_user, auth):
    worker = create_user()
    stored = put(client, auth(worker), presence_body())
    assert stored.status_code == 201 and stored.json["passport_status"] == "held"

    body = presence_body(passport_status="held")
    body.pop("passport_number")
    refused = put(client, auth(worker), body)
    assert refused.status_code == 422 and "passport_number" in refused.json["errors"]
    body.pop("passport_status")  # held by default: the same answer
    assert "passport_number" in put(client, auth(worker), body).json["errors"]


@pytest.mark.parametrize("status", ["withheld", "lost", "expired", "unknown"])
def test_a_passport_not_in_hand_may_leave_the_number_out(client, create_user, auth, status):
    worker = create_user()
    response = put(client, auth(worker), without_passport(status))
    assert response.status_code == 201, response.json
    assert response.json["passport_status"] == status and response.json["passport_number"] is None
    got = client.get("/api/v1/presence", headers=auth(worker)).json
    assert got["passport_status"] == status and got["passport_number"] is None
    report = db.session.scalar(select(PresenceReport))
    assert report.passport_enc is None and report.passport_hash is None  # no number, nothing to match on


def test_a_passport_not_in_hand_may_still_give_its_number(client, create_user, auth):
    response = put(client, auth(create_user()), presence_body(passport_status="expired", passport_number="B1234567"))
    assert response.status_code == 201 and response.json["passport_number"] == "*****567"


def test_unknown_passport_status_and_a_malformed_number_are_422(client, create_user, auth):
    headers = auth(create_user())
    bad = put(client, headers, presence_body(passport_status="confiscated"))
    assert bad.status_code == 422 and "passport_status" in bad.json["errors"]
    malformed = put(client, headers, without_passport("lost", passport_number="12"))
    assert malformed.status_code == 422 and "passport_number" in malformed.json["errors"]
    blank = put(client, headers, without_passport("lost", passport_number="  "))
    assert blank.status_code == 201 and blank.json["passport_number"] is None


def test_other_document_is_encrypted_at_rest_and_masked_for_the_worker(client, create_user, auth):
    worker = create_user()
    response = put(client, auth(worker), without_passport(other_document=OTHER))
    assert response.status_code == 201, response.json
    # She recognises what she named; the numbers stay hidden on a phone others may hold.
    assert response.json["other_document"] == "KTP ****************, izin kerja PLKS ***899"

    raw = db.session.execute(text("SELECT other_document_enc FROM presence_reports")).scalar_one()
    assert raw and OTHER not in raw and "3201234567890123" not in raw and "778899" not in raw
    assert crypto.decrypt(raw) == OTHER


def test_other_document_is_at_most_200_characters(client, create_user, auth):
    response = put(client, auth(create_user()), without_passport(other_document="x" * 201))
    assert response.status_code == 422 and "other_document" in response.json["errors"]


def test_staff_see_status_and_other_document_in_full_and_the_read_is_audited(client, create_user, auth):
    from app.audit.models import AuditEntry

    worker, staff = create_user(), create_user(role="staff")
    report = put(client, auth(worker), without_passport(other_document=OTHER)).json
    request_id = str(uuid.uuid4())
    assert client.post("/api/v1/help-requests", json={
        "id": request_id, "category": "document_withheld", "urgency": "high", "description": "Paspor ditahan.",
        "country": "MY", "region": "MY-12"}, headers=auth(worker)).status_code == 201

    detail = client.get(f"/api/v1/queue/{request_id}", headers=auth(staff))
    assert detail.status_code == 200
    presence = detail.json["presence"]
    assert presence["passport_status"] == "withheld" and presence["passport_number"] is None
    assert presence["other_document"] == OTHER
    audited = db.session.execute(select(AuditEntry.entity, AuditEntry.entity_id).where(
        AuditEntry.actor_id == staff.id)).all()
    assert ("presence", uuid.UUID(report["id"])) in audited


def test_worker_export_and_peduli_export_carry_status_and_other_document(client, create_user, auth):
    from app.integration.export import EXPORT_FIELDS, changed_presence
    from app.types import EARLIEST_DEVICE_TIME

    worker = create_user()
    put(client, auth(worker), without_passport("lost", other_document=OTHER))
    [exported] = client.get("/api/v1/me/export", headers=auth(worker)).json["presence_reports"]
    assert exported["passport_status"] == "lost" and exported["passport_number"] is None
    assert exported["other_document"] == OTHER

    [row] = list(changed_presence(EARLIEST_DEVICE_TIME))
    assert set(row) == set(EXPORT_FIELDS)
    assert (row["passport_status"], row["passport_number"], row["other_document"]) == ("lost", None, OTHER)


def test_presence_without_passport_travels_through_sync(client, create_user, auth):
    worker = create_user()
    data = without_passport("withheld", other_document="paspor lama A1234567")
    mutation = {"id": str(uuid.uuid4()), "type": "presence.upsert", "data": data,
                "created_at": "2026-11-20T08:15:00+08:00"}
    response = client.post("/api/v1/sync", json={"device_id": str(uuid.uuid4()), "cursor": None,
                                                 "mutations": [mutation]}, headers=auth(worker))
    assert response.status_code == 200
    [result] = response.json["results"]
    assert result["status"] == "applied", result
    [change] = [c for c in response.json["changes"] if c["entity"] == "presence"]
    assert change["data"]["passport_status"] == "withheld" and change["data"]["passport_number"] is None
    assert change["data"]["other_document"] == "paspor lama A****567"
    report = db.session.scalar(select(PresenceReport))
    assert report.other_document == "paspor lama A1234567"


def test_presence_form_without_javascript_takes_status_and_other_document(client, create_user):
    worker = create_user()
    assert post_page_form(client, "/login", {"phone": worker.phone, "password": "password123"}).status_code == 302
    csrf = client.get_cookie("csrf_access_token").value
    page = client.get("/presence").get_data(as_text=True)
    assert 'name="passport_status"' in page and 'name="other_document"' in page and 'value="withheld"' in page

    form = {"csrf_token": csrf, "id": str(uuid.uuid4()), "passport_status": "withheld", "passport_number": "",
            "nik": "", "other_document": "KTP 3201234567890123", "country": "MY", "region": "MY-12",
            "city": "Kota Kinabalu", "address": "Jalan Tuaran 12", "employer_name": "Ladang Sawit",
            "employer_phone": "", "sector": "domestic_work", "scheme": "", "arrival_date": "2025-01-15",
            "contract_end_date": "", "emergency_contact.name": "Siti", "emergency_contact.phone": "+6281234567890",
            "emergency_contact.relation": "ibu"}
    response = client.post("/presence", data=form)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    report = db.session.scalar(select(PresenceReport))
    assert (report.passport_status, report.passport_number, report.other_document) == (
        "withheld", None, "KTP 3201234567890123")

    # Held (the default) without a number: the form comes back with the reason, in Indonesian.
    refused = client.post("/presence", data={**form, "id": str(uuid.uuid4()), "passport_status": "held"})
    assert refused.status_code == 422
    assert "Tulis nomor paspor, atau pilih kenapa paspor tidak ada pada Anda." in refused.get_data(as_text=True)


def test_emergency_card_without_a_passport_number_still_opens(client, create_user, auth):
    worker = create_user()
    put(client, auth(worker), without_passport())
    assert post_page_form(client, "/login", {"phone": worker.phone, "password": "password123"}).status_code == 302
    assert client.get("/emergency").status_code == 200


def test_no_passport_number_is_no_number_change(client, create_user, auth):
    worker = create_user()
    headers = auth(worker)
    for number in ("B1000001", "B1000002", "B1000003"):  # her own, then the two changes allowed
        assert put(client, headers, presence_body(passport_number=number)).status_code in (200, 201)
    assert put(client, headers, presence_body(passport_number="B1000004")).status_code == 422
    assert put(client, headers, without_passport("withheld")).status_code == 200


def test_key_rotation_reencrypts_the_other_document(app, client, create_user, auth, runner):
    saved = {name: app.config.get(name) for name in ("DATA_KEY", "DATA_KEY_OLD", "INDEX_KEY")}
    try:
        put(client, auth(create_user()), without_passport(other_document=OTHER))
        before = db.session.execute(text("SELECT other_document_enc FROM presence_reports")).scalar_one()
        pinned = runner.invoke(args=["keys", "index-key"]).output.strip()
        app.config.update(INDEX_KEY=pinned, DATA_KEY_OLD=app.config["DATA_KEY"], DATA_KEY=new_key())
        result = runner.invoke(args=["keys", "rotate"])
        assert result.exit_code == 0 and "presence_reports 1" in result.output, result.output
        app.config.update(DATA_KEY_OLD=None)
        db.session.remove()
        after = db.session.execute(text("SELECT other_document_enc FROM presence_reports")).scalar_one()
        assert after != before and crypto.decrypt(after) == OTHER
    finally:
        app.config.update(saved)


def test_openapi_documents_passport_status_and_other_document(client):
    spec = client.get("/api/v1/openapi.json").json
    schemas = json.dumps(spec["components"]["schemas"])
    assert '"withheld"' in schemas and "other_document" in schemas
