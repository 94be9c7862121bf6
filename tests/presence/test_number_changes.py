"""How often a worker may declare a new passport number or NIK (issue 12, item 1).

Every new number is a guess the matching has to weigh; a worker whose passport was really
renewed needs one change, not a hundred. The rule is `app.presence.services.check_number_change`,
and REST, the plain `/presence` page and sync `presence.upsert` all go through it.
"""
import uuid
from datetime import timedelta

from sqlalchemy import select, update

from app.extensions import db
from app.presence.models import PresenceReport
from app.types import utcnow
from tests.builders import presence_body
from tests.support.forms import post_page_form

PASSPORTS = ["X1000001", "X1000002", "X1000003", "X1000004"]
NIKS = ["3201234567890001", "3201234567890002", "3201234567890003", "3201234567890004"]
REFUSED_PASSPORT_ID = "Nomor paspor sudah Anda ganti 2 kali dalam 30 hari terakhir."


def put(client, auth, worker, **fields):
    return client.put("/api/v1/presence", json=presence_body(**fields), headers=auth(worker))


def test_a_third_new_passport_number_in_30_days_is_refused_in_her_language(client, create_user, auth):
    worker = create_user(language="id")
    for number in PASSPORTS[:3]:  # the first one and two changes
        assert put(client, auth, worker, passport_number=number).status_code in (200, 201)

    refused = put(client, auth, worker, passport_number=PASSPORTS[3])

    assert refused.status_code == 422, refused.json
    assert refused.json["message"].startswith(REFUSED_PASSPORT_ID)
    assert "passport_number" in refused.json["errors"]
    english = client.put("/api/v1/presence?lang=en", json=presence_body(passport_number=PASSPORTS[3]),
                         headers=auth(worker))
    assert english.status_code == 422
    assert english.json["message"].startswith("You have already changed your passport number twice")
    assert db.session.scalar(select(PresenceReport.passport_hash).where(PresenceReport.is_current.is_(True))) \
        is not None
    assert len(db.session.scalars(select(PresenceReport.id)).all()) == 3


def test_a_third_new_nik_in_30_days_is_refused_in_sync(client, create_user, auth):
    worker = create_user()
    mutations = [{"id": str(uuid.uuid4()), "type": "presence.upsert",
                  "data": {k: v for k, v in presence_body(nik=nik).items() if k != "created_at"}} for nik in NIKS]

    response = client.post("/api/v1/sync", json={"device_id": str(uuid.uuid4()), "cursor": None,
                                                 "mutations": mutations}, headers=auth(worker))

    assert response.status_code == 200, response.json
    statuses = [r["status"] for r in response.json["results"]]
    assert statuses == ["applied", "applied", "applied", "rejected"]
    error = response.json["results"][3]["error"]
    assert error["message"].startswith("NIK sudah Anda ganti 2 kali dalam 30 hari terakhir.")
    assert "nik" in error["errors"]


def test_a_third_new_passport_number_is_refused_on_the_presence_page(app, client, create_user, auth):
    worker = create_user()
    for number in PASSPORTS[:3]:
        assert put(client, auth, worker, passport_number=number).status_code in (200, 201)
    page = app.test_client()
    assert post_page_form(page, "/login", {"phone": worker.phone, "password": "password123"}).status_code == 302
    data = presence_body(passport_number=PASSPORTS[3])
    form = {k: v for k, v in data.items() if k not in ("emergency_contact", "created_at") and v is not None}
    form.update({f"emergency_contact.{k}": v for k, v in data["emergency_contact"].items()},
                csrf_token=page.get_cookie("csrf_access_token").value)

    response = page.post("/presence", data=form)

    assert response.status_code == 422
    assert REFUSED_PASSPORT_ID in response.get_data(as_text=True)


def test_changing_other_fields_of_the_report_stays_free(client, create_user, auth):
    worker = create_user()
    for n in range(8):
        response = put(client, auth, worker, address=f"Jalan Baru {n}", employer_name=f"Majikan {n}")
        assert response.status_code in (200, 201), response.json
    # Leaving the NIK out and giving it back is no new number either.
    assert put(client, auth, worker, nik=None).status_code == 200
    assert put(client, auth, worker, nik=NIKS[0].replace("0001", "0123")).status_code == 200


def test_going_back_to_an_earlier_number_is_not_a_new_change(client, create_user, auth):
    worker = create_user()
    for number in (PASSPORTS[0], PASSPORTS[1], PASSPORTS[2], PASSPORTS[0], PASSPORTS[1]):
        assert put(client, auth, worker, passport_number=number).status_code in (200, 201)


def test_a_new_number_is_allowed_again_after_30_days(client, create_user, auth):
    worker = create_user()
    for number in PASSPORTS[:3]:
        assert put(client, auth, worker, passport_number=number).status_code in (200, 201)
    assert put(client, auth, worker, passport_number=PASSPORTS[3]).status_code == 422
    # A month later (by the server's clock, which the phone cannot set).
    db.session.execute(update(PresenceReport).values(received_at=utcnow() - timedelta(days=31)))
    db.session.commit()

    assert put(client, auth, worker, passport_number=PASSPORTS[3]).status_code == 200


def test_a_replayed_report_is_never_refused_by_the_limit(client, create_user, auth):
    worker = create_user()
    bodies = [presence_body(passport_number=number) for number in PASSPORTS[:3]]
    for body in bodies:
        assert client.put("/api/v1/presence", json=body, headers=auth(worker)).status_code in (200, 201)
    # The phone sends its outbox again: the same ids are the same reports, not new changes.
    for body in bodies:
        assert client.put("/api/v1/presence", json=body, headers=auth(worker)).status_code == 200
