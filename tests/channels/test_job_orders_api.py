from datetime import date, timedelta

import pytest

from app.channels.models import JobOrder
from app.extensions import db

FIELDS = {"number", "employer", "country", "sector", "positions", "agency_licence", "status", "verified_by",
          "verified_at"}


@pytest.fixture
def agency(create_agency):
    return create_agency("P3MI-JO", name="PT Kirim", valid_until=date.today() + timedelta(days=400))


def body(**overrides):
    data = {"number": "JO-2026-0001", "employer": "Sabah Palm Sdn Bhd", "country": "MY", "region": "MY-12",
            "sector": "plantation", "positions": 40, "salary_offered": "1700.00", "currency": "MYR",
            "agency_licence": "P3MI-JO", "status": "verified"}
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_staff_of_the_covering_mission_records_and_anyone_can_look_it_up(client, create_user, auth, agency):
    staff = create_user(role="staff", mission="KJRI-KOTAKINABALU")
    response = client.post("/api/v1/job-orders", json=body(), headers=auth(staff))
    assert response.status_code == 201, response.json
    assert FIELDS <= set(response.json)
    looked_up = client.get("/api/v1/job-orders/JO-2026-0001")
    assert looked_up.status_code == 200
    order = looked_up.json
    assert FIELDS <= set(order)
    assert order["agency_licence"] == "P3MI-JO" and order["status"] == "verified" and order["positions"] == 40
    assert order["verified_by"] == "KJRI-KOTAKINABALU" and order["verified_at"].endswith("Z")
    assert order["salary_offered"] == "1700.00" and order["currency"] == "MYR"


def test_admin_records_anywhere(client, create_user, auth, agency):
    admin = create_user(role="admin")
    response = client.post("/api/v1/job-orders", json=body(country="TW", region=None, sector="caregiver",
                                                            salary_offered=None, currency=None), headers=auth(admin))
    assert response.status_code == 201, response.json
    assert response.json["verified_by"] == "KDEI-TAIPEI"


def test_staff_of_another_mission_get_403(client, create_user, auth, agency):
    kuching = create_user(role="staff", mission="KJRI-KUCHING")
    response = client.post("/api/v1/job-orders", json=body(), headers=auth(kuching))
    assert response.status_code == 403 and response.json["message"]
    # Sabah's east coast (Tawau) belongs to KRI Tawau, not to Kota Kinabalu.
    kk = create_user(role="staff", mission="KJRI-KOTAKINABALU")
    assert client.post("/api/v1/job-orders", json=body(country="KR", region=None),
                       headers=auth(kk)).status_code == 403
    assert db.session.query(JobOrder).count() == 0


def test_worker_gets_403_and_anonymous_401(client, create_user, auth, agency):
    worker = create_user()
    assert client.post("/api/v1/job-orders", json=body(), headers=auth(worker)).status_code == 403
    response = client.post("/api/v1/job-orders", json=body())
    assert response.status_code == 401 and response.json["message"]
    # Even with a bad body, the anonymous caller learns only that they must log in.
    assert client.post("/api/v1/job-orders", json={"junk": 1}).status_code == 401


def test_existing_number_is_409(client, create_user, auth, agency):
    staff = create_user(role="staff")
    assert client.post("/api/v1/job-orders", json=body(), headers=auth(staff)).status_code == 201
    response = client.post("/api/v1/job-orders", json=body(employer="Other"), headers=auth(staff))
    assert response.status_code == 409 and "number" in response.json["errors"]


@pytest.mark.parametrize("status", ["suspended", "revoked"])
def test_agency_must_be_active_else_422_naming_the_field(client, create_user, auth, create_agency, status):
    create_agency("P3MI-BAD", status=status)
    staff = create_user(role="staff")
    response = client.post("/api/v1/job-orders", json=body(agency_licence="P3MI-BAD"), headers=auth(staff))
    assert response.status_code == 422 and "agency_licence" in response.json["errors"]


def test_expired_agency_or_unknown_agency_is_422(client, create_user, auth, create_agency):
    create_agency("P3MI-OLD", status="active", valid_until=date.today() - timedelta(days=3))
    staff = create_user(role="staff")
    for licence in ["P3MI-OLD", "NO-SUCH-AGENCY"]:
        response = client.post("/api/v1/job-orders", json=body(agency_licence=licence), headers=auth(staff))
        assert response.status_code == 422 and "agency_licence" in response.json["errors"], licence


@pytest.mark.parametrize("overrides, field", [
    ({"positions": "forty"}, "positions"),
    ({"positions": 0}, "positions"),
    ({"sector": "mining"}, "sector"),
    ({"status": "approved"}, "status"),
    ({"country": "XX"}, "country"),
    ({"region": "JP-13"}, "region"),
    ({"currency": "ringgit"}, "currency"),
    ({"salary_offered": "NaN"}, "salary_offered"),
    ({"employer": "\x00bad"}, "employer"),
    ({"number": ""}, "number"),
    ({"surprise": True}, "surprise"),
])
def test_bad_body_is_422_naming_the_field(client, create_user, auth, agency, overrides, field):
    staff = create_user(role="staff")
    response = client.post("/api/v1/job-orders", json=body(**overrides), headers=auth(staff))
    assert response.status_code == 422, response.json
    assert field in response.json["errors"]


def test_malformed_json_is_400(client, create_user, auth, agency):
    staff = create_user(role="staff")
    response = client.post("/api/v1/job-orders", data="{not json", headers={**auth(staff),
                                                                            "Content-Type": "application/json"})
    assert response.status_code == 400


def test_unicode_and_html_are_stored_as_text(client, create_user, auth, agency):
    staff = create_user(role="staff")
    employer = "<b>شركة</b> 🙂 Sdn Bhd"
    assert client.post("/api/v1/job-orders", json=body(employer=employer), headers=auth(staff)).status_code == 201
    assert client.get("/api/v1/job-orders/JO-2026-0001").json["employer"] == employer
    page = client.get("/verify?number=JO-2026-0001").get_data(as_text=True)
    assert "<b>شركة</b>" not in page and "&lt;b&gt;شركة&lt;/b&gt;" in page


def test_unknown_job_order_is_404_with_a_warning(client):
    response = client.get("/api/v1/job-orders/JO-NOPE", headers={"Accept-Language": "en"})
    assert response.status_code == 404
    assert "Do not pay" in response.json["message"] and "0-800-1000" in response.json["message"]


def test_concurrent_creates_of_one_number_give_one_201_and_409s(app, client, create_user, auth, agency):
    import threading

    staff = create_user(role="staff")
    headers = auth(staff)
    db.session.commit()
    db.session.remove()
    codes, barrier = [], threading.Barrier(4)

    def post():
        local = app.test_client()
        barrier.wait()
        codes.append(local.post("/api/v1/job-orders", json=body(), headers=headers).status_code)

    threads = [threading.Thread(target=post) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(codes) == [201, 409, 409, 409]
    assert db.session.query(JobOrder).count() == 1
