"""Help requests from a place typed as a worker knows it: the city alone, her local phone number."""
from tests.builders import help_body


def test_a_request_from_kota_kinabalu_without_region_reaches_kjri_kota_kinabalu(client, create_user, auth):
    body = help_body(region=None, city="Kota Kinabalu")
    r = client.post("/api/v1/help-requests", json=body, headers=auth(create_user()))
    assert r.status_code == 201, r.json
    assert r.json["region"] == "MY-12" and r.json["mission"]["code"] == "KJRI-KOTAKINABALU"


def test_the_same_request_sent_again_is_the_same_record(client, create_user, auth):
    worker = create_user()
    body = help_body(region=None, city="Jeddah", country="SA", contact_phone="050 123 4567")
    first = client.post("/api/v1/help-requests", json=body, headers=auth(worker))
    again = client.post("/api/v1/help-requests", json=body, headers=auth(worker))
    assert first.status_code == 201 and again.status_code == 200
    assert again.json["id"] == first.json["id"] and again.json["mission"]["code"] == "KJRI-JEDDAH"
    assert again.json["region"] == "SA-02" and again.json["contact_phone"] == "+966501234567"


def test_contact_phone_is_read_in_the_places_country(client, create_user, auth):
    r = client.post("/api/v1/help-requests", json=help_body(contact_phone="012-345 6789"), headers=auth(create_user()))
    assert r.status_code == 201 and r.json["contact_phone"] == "+60123456789"
    r = client.post("/api/v1/help-requests", json=help_body(contact_phone="+62 812 3456 7890"),
                    headers=auth(create_user()))
    assert r.status_code == 201 and r.json["contact_phone"] == "+6281234567890"
