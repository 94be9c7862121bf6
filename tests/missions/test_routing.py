"""The routing rule, with every example of the contract."""
import pytest

from app.missions.routing import city_key, route

CONTRACT_EXAMPLES = [
    ({"country": "MY", "region": "MY-12"}, "KJRI-KOTAKINABALU"),
    ({"country": "MY", "region": "MY-13"}, "KJRI-KUCHING"),
    ({"country": "MY", "region": "MY-14"}, "KBRI-KUALALUMPUR"),
    ({"country": "AU", "region": "AU-VIC"}, "KJRI-MELBOURNE"),
    ({"country": "AU", "region": "AU-NSW"}, "KJRI-SYDNEY"),
    ({"country": "US", "region": "US-CA", "city": "Los Angeles"}, "KJRI-LOSANGELES"),
    ({"country": "US", "region": "US-CA", "city": "San Jose"}, "KJRI-SANFRANCISCO"),
    ({"country": "US", "region": "US-CA"}, "KJRI-SANFRANCISCO"),
    ({"country": "CA", "region": "CA-ON"}, "KJRI-TORONTO"),
    ({"country": "VN", "region": "VN-SG"}, "KJRI-HOCHIMINHCITY"),
    ({"country": "AT"}, "KBRI-WINA"),
    ({"country": "IN"}, "KBRI-NEWDELHI"),
    ({"country": "TW"}, "KDEI-TAIPEI"),
    ({"country": "HK"}, "KJRI-HONGKONG"),
    ({"country": "SA", "region": "SA-01"}, "KBRI-RIYADH"),
    ({"country": "SA", "region": "SA-02"}, "KJRI-JEDDAH"),
    ({"country": "KR"}, "KBRI-SEOUL"),
    ({"country": "JP", "region": "JP-13"}, "KBRI-TOKYO"),
    ({"country": "JP", "region": "JP-27"}, "KJRI-OSAKA"),
]


@pytest.mark.parametrize("place, code", CONTRACT_EXAMPLES)
def test_route_api_follows_contract_examples(client, place, code):
    response = client.get("/api/v1/missions/route", query_string=place)
    assert response.status_code == 200, response.json
    assert response.json["code"] == code


@pytest.mark.parametrize("city", ["Tawau", "tawau", "TAWAU", "  Lahad  Datu ", "Sémporna"])
def test_split_region_routes_listed_cities_case_and_accent_insensitively(city):
    assert route("MY", "MY-12", city).code == "KRI-TAWAU"


def test_rest_of_split_region_goes_to_mission_listing_whole_region():
    assert route("MY", "MY-12", "Kota Kinabalu").code == "KJRI-KOTAKINABALU"
    assert route("MY", "MY-12", "Sandakan").code == "KJRI-KOTAKINABALU"


def test_country_accredited_from_neighbouring_mission():
    assert route("SI").code == "KBRI-WINA"  # Slovenia, from Vienna
    assert route("MO").code == "KJRI-HONGKONG"  # Macao, from Hong Kong
    assert route("NP").code == "KBRI-DHAKA"


def test_region_without_own_mission_falls_back_to_embassy():
    assert route("JP", "JP-01").code == "KBRI-TOKYO"
    assert route("US", "US-DC").code == "KBRI-WASHINGTONDC"


def test_unknown_country_has_no_mission(client):
    assert route("AQ") is None
    response = client.get("/api/v1/missions/route?country=AQ")
    assert response.status_code == 404
    assert response.json["message"]


@pytest.mark.parametrize("query, field", [
    ("country=XX", "country"),
    ("country=MY&region=JP-13", "region"),
    ("country=MY&region=MY-99", "region"),
    ("region=MY-12", "country"),
    ("country=Malaysia", "country"),
])
def test_route_refuses_bad_codes_with_field_errors(client, query, field):
    response = client.get("/api/v1/missions/route?" + query)
    assert response.status_code == 422
    assert field in response.json["errors"]
    assert response.json["code"] == 422 and response.json["status"] == "Unprocessable Entity"


def test_city_key_folds_case_accents_and_spacing():
    assert city_key("  São   Paulo ") == city_key("sao paulo")
    assert city_key("Ho Chi Minh City") == city_key("ho-chi-minh city")
