"""`/api/v1/places` (countries and regions in the reader's language) and the region of a typed city."""
import pycountry
import pytest

from app.missions.places import infer_region, main_destinations


def names(items) -> dict:
    return {i["code"]: i["name"] for i in items}


def test_countries_are_named_in_indonesian_with_the_main_destinations_first(client):
    r = client.get("/api/v1/places", headers={"Accept-Language": "id"})
    assert r.status_code == 200
    items = r.json["items"]
    assert len(items) == len(pycountry.countries)  # every country
    named = names(items)
    assert named["SA"] == "Arab Saudi" and named["KR"] == "Korea Selatan" and named["TW"] == "Taiwan"
    assert named["HK"] == "Hong Kong" and named["CN"] == "Tiongkok" and named["TL"] == "Timor Leste"
    assert [i["code"] for i in items[:len(main_destinations())]] == list(main_destinations())
    assert [i["code"] for i in items[:7]] == ["MY", "TW", "HK", "SA", "SG", "AE", "KR"]
    rest = [i["name"] for i in items[len(main_destinations()):]]
    assert rest[0] == "Afganistan" and "Korea, Republic of" not in named.values()


def test_countries_are_named_in_english_when_asked(client):
    named = names(client.get("/api/v1/places?lang=en").json["items"])
    assert named["SA"] == "Saudi Arabia" and named["KR"] == "South Korea" and named["TW"] == "Taiwan"
    assert "Taiwan, Province of China" not in named.values()


def test_a_country_lists_its_iso_regions_named_in_the_readers_language(client):
    r = client.get("/api/v1/places/sa", headers={"Accept-Language": "id"})
    assert r.status_code == 200
    assert r.json["code"] == "SA" and r.json["name"] == "Arab Saudi"
    regions = names(r.json["regions"])
    assert set(regions) == {s.code for s in pycountry.subdivisions.get(country_code="SA")}
    assert regions["SA-02"].startswith("Makkah") and "Jeddah" in regions["SA-02"]
    assert regions["SA-04"].startswith("Provinsi Timur")
    korea = names(client.get("/api/v1/places/KR?lang=id").json["regions"])
    assert korea["KR-44"] == "Chungcheong Selatan"
    korea_en = names(client.get("/api/v1/places/KR?lang=en").json["regions"])
    assert korea_en["KR-44"] == "South Chungcheong"
    malaysia = names(client.get("/api/v1/places/MY?lang=id").json["regions"])
    assert malaysia["MY-12"] == "Sabah" and malaysia["MY-14"] == "Kuala Lumpur"


def test_a_country_without_iso_regions_has_an_empty_list(client):
    r = client.get("/api/v1/places/HK?lang=id")
    assert r.status_code == 200 and r.json == {"code": "HK", "name": "Hong Kong", "regions": []}


@pytest.mark.parametrize("code", ["XX", "MYS", "1", "zz"])
def test_an_unknown_country_is_404_in_the_users_language(client, code):
    r = client.get(f"/api/v1/places/{code}", headers={"Accept-Language": "id"})
    assert r.status_code == 404
    assert r.json["message"] == "Negara tidak dikenal. Pilih dari daftar."
    assert client.get(f"/api/v1/places/{code}?lang=en").json["message"] == "Unknown country. Choose one from the list."


def test_places_may_be_kept_by_phones_and_caches(client):
    r = client.get("/api/v1/places/MY?lang=id")
    assert "public" in r.headers["Cache-Control"] and "max-age=" in r.headers["Cache-Control"]
    assert "Accept-Language" in r.headers["Vary"] and r.headers["Content-Language"] == "id"
    again = client.get("/api/v1/places/MY?lang=id", headers={"If-None-Match": r.headers["ETag"]})
    assert again.status_code == 304
    assert client.get("/api/v1/places/MY?lang=en").headers["ETag"] != r.headers["ETag"]


def test_places_are_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").json["paths"]
    assert "/api/v1/places" in paths and "/api/v1/places/{country}" in paths


# ---------------------------------------------------------------- the region of a typed city

@pytest.mark.parametrize("country, city, region", [
    ("MY", "Kota Kinabalu", "MY-12"), ("MY", "KOTA  kinabalu", "MY-12"), ("my", "Kota-Kinabalu", "MY-12"),
    ("MY", "Tawau", "MY-12"), ("MY", "Kunak", "MY-12"), ("MY", "Kuching", "MY-13"), ("MY", "Johor Bahru", "MY-01"),
    ("SA", "Jeddah", "SA-02"), ("SA", "Jéddah", "SA-02"), ("SA", "Mekah", "SA-02"), ("SA", "Riyadh", "SA-01"),
    ("SA", "Dammam", "SA-04"), ("TW", "Taichung", "TW-TXG"), ("KR", "Ansan", "KR-41"), ("US", "Houston", "US-TX"),
    ("JP", "Osaka", "JP-27"),
])
def test_a_city_is_placed_in_its_region(country, city, region):
    assert infer_region(country, city) == region


@pytest.mark.parametrize("country, city", [("MY", "Kampung Tidak Ada"), ("MY", ""), ("MY", None), ("", "Jeddah"),
                                           ("SA", "Kota Kinabalu")])
def test_a_city_it_cannot_place_has_no_region(country, city):
    assert infer_region(country, city) is None


@pytest.mark.parametrize("query, code", [
    ("country=MY&city=Kota Kinabalu", "KJRI-KOTAKINABALU"),
    ("country=MY&city=kota%20kinabalu", "KJRI-KOTAKINABALU"),
    ("country=SA&city=Jeddah", "KJRI-JEDDAH"),
    ("country=SA&city=Mekah", "KJRI-JEDDAH"),
    ("country=MY&city=Tawau", "KRI-TAWAU"),
    ("country=MY&city=Semporna", "KRI-TAWAU"),
    ("country=MY&city=Kuching", "KJRI-KUCHING"),
    ("country=MY&city=Tempat%20Entah", "KBRI-KUALALUMPUR"),
    ("country=SA&city=Tempat%20Entah", "KBRI-RIYADH"),
    ("country=SA&region=SA-01&city=Jeddah", "KBRI-RIYADH"),  # a region given is never overridden
    ("country=US&city=Houston", "KJRI-HOUSTON"),
])
def test_route_by_city_alone(client, query, code):
    r = client.get("/api/v1/missions/route?" + query)
    assert r.status_code == 200 and r.json["code"] == code


def test_a_province_routes_by_the_region_it_belongs_to(client):
    # ISO 3166-2 nests Philippine provinces in regions; KJRI Davao City lists the regions.
    r = client.get("/api/v1/missions/route?country=PH&region=PH-DAS")
    assert r.status_code == 200 and r.json["code"] == "KJRI-DAVAOCITY"
