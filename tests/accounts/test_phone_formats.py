"""Register and log in with the phone number as a worker dials it at home."""
import pytest

from app.accounts.services import normalise_phone


@pytest.mark.parametrize("raw, country, e164", [
    ("0812 3456 7890", "ID", "+6281234567890"), ("0812-3456-7890", None, None),
    ("012-345 6789", "MY", "+60123456789"), ("012-345 6789", "my", "+60123456789"),
    ("+62 812 3456 7890", "MY", "+6281234567890"), ("+60 12-345 6789", None, "+60123456789"),
])
def test_normalise_phone_reads_a_national_number_in_its_country(raw, country, e164):
    if e164 is None:
        with pytest.raises(ValueError):
            normalise_phone(raw, country)
    else:
        assert normalise_phone(raw, country) == e164


def body(**overrides):
    return {"phone": "0812 3456 7890", "password": "password123", "full_name": "Siti Aminah", **overrides}


def test_register_reads_a_national_number_in_indonesia_by_default(client):
    r = client.post("/api/v1/auth/register", json=body())
    assert r.status_code == 201, r.json
    assert r.json["user"]["phone"] == "+6281234567890"


def test_register_reads_a_number_in_the_given_phone_country(client):
    r = client.post("/api/v1/auth/register", json=body(phone="012-345 6789", phone_country="MY"))
    assert r.status_code == 201 and r.json["user"]["phone"] == "+60123456789"


def test_the_same_number_typed_two_ways_is_one_account(client):
    assert client.post("/api/v1/auth/register", json=body()).status_code == 201
    assert client.post("/api/v1/auth/register", json=body(phone="+62 812-3456-7890")).status_code == 409


def test_login_with_the_number_as_dialled_at_home(client):
    client.post("/api/v1/auth/register", json=body(phone="012-345 6789", phone_country="MY"))
    r = client.post("/api/v1/auth/login", json={"phone": "012 345 6789", "phone_country": "MY",
                                                "password": "password123"})
    assert r.status_code == 200 and r.json["user"]["phone"] == "+60123456789"
    r = client.post("/api/v1/auth/login", json={"phone": "+60123456789", "password": "password123"})
    assert r.status_code == 200
    wrong_country = client.post("/api/v1/auth/login", json={"phone": "012 345 6789", "password": "password123"})
    assert wrong_country.status_code == 401


@pytest.mark.parametrize("phone_country", ["XX", "MYS", "", 12])
def test_an_unknown_phone_country_is_422(client, phone_country):
    r = client.post("/api/v1/auth/register", json=body(phone_country=phone_country))
    assert r.status_code == 422 and "phone_country" in r.json["errors"]
    r = client.post("/api/v1/auth/login", json={"phone": "0812 3456 7890", "phone_country": phone_country,
                                                "password": "password123"})
    assert r.status_code == 422


def test_a_number_that_is_not_one_is_422_in_plain_words(client):
    r = client.post("/api/v1/auth/register", json=body(phone="0812"), headers={"Accept-Language": "en"})
    assert r.status_code == 422 and "0812 3456 7890" in r.json["errors"]["phone"][0]
