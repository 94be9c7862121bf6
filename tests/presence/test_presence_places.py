"""Lapor diri as a worker types it: the city without its region, phones as dialled at home."""
from tests.builders import presence_body


def test_region_left_out_is_inferred_from_the_city_stored_and_answered(client, create_user, auth):
    worker = create_user()
    body = presence_body(city="Kota Kinabalu")
    del body["region"]
    r = client.put("/api/v1/presence", json=body, headers=auth(worker))
    assert r.status_code == 201, r.json
    assert r.json["region"] == "MY-12" and r.json["mission"]["code"] == "KJRI-KOTAKINABALU"
    assert client.get("/api/v1/presence", headers=auth(worker)).json["region"] == "MY-12"


def test_city_within_a_split_region_still_reaches_the_mission_that_lists_it(client, create_user, auth):
    body = presence_body(city="tawau", region=None)
    r = client.put("/api/v1/presence", json=body, headers=auth(create_user()))
    assert r.status_code == 201 and r.json["region"] == "MY-12" and r.json["mission"]["code"] == "KRI-TAWAU"


def test_a_city_it_cannot_place_routes_by_the_country(client, create_user, auth):
    body = presence_body(city="Kampung Tak Dikenal", region=None)
    r = client.put("/api/v1/presence", json=body, headers=auth(create_user()))
    assert r.status_code == 201 and r.json["region"] is None
    assert r.json["mission"]["code"] == "KBRI-KUALALUMPUR"


def test_phones_in_national_format_are_read_in_their_country_and_stored_in_e164(client, create_user, auth):
    worker = create_user()
    body = presence_body(employer_phone="012-345 6789",
                         emergency_contact={"name": "Siti", "phone": "0812 3456 7890", "relation": "ibu"})
    r = client.put("/api/v1/presence", json=body, headers=auth(worker))
    assert r.status_code == 201, r.json
    assert r.json["employer_phone"] == "+60123456789"
    assert r.json["emergency_contact"]["phone"] == "+6281234567890"
    saudi = presence_body(country="SA", region="SA-02", city="Jeddah", employer_phone="050 123 4567")
    r = client.put("/api/v1/presence", json=saudi, headers=auth(worker))
    assert r.status_code in (200, 201) and r.json["employer_phone"] == "+966501234567"


def test_a_phone_that_is_no_number_is_refused_in_plain_words(client, create_user, auth):
    body = presence_body(employer_phone="12", emergency_contact={"name": "Siti", "phone": "0812", "relation": "ibu"})
    r = client.put("/api/v1/presence", json=body, headers=auth(create_user(), **{"Accept-Language": "id"}))
    assert r.status_code == 422
    assert "employer_phone" in r.json["errors"] and "phone" in r.json["errors"]["emergency_contact"]
    assert "ISO" not in str(r.json["errors"]) and "0812 3456 7890" in r.json["errors"]["employer_phone"][0]


def test_a_region_of_another_country_is_refused_without_iso_jargon(client, create_user, auth):
    r = client.put("/api/v1/presence", json=presence_body(region="SA-02"),
                   headers=auth(create_user(), **{"Accept-Language": "id"}))
    assert r.status_code == 422 and "region" in r.json["errors"]
    assert "ISO" not in r.json["errors"]["region"][0]
