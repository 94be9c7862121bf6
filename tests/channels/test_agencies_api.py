from datetime import date, timedelta

from app.channels.services import effective_status, seed_sample_agencies
from app.channels.models import Agency


def test_agency_by_licence_has_contract_fields(client, create_agency):
    create_agency("P3MI-100", name="PT Maju", address="Jl. Maju 1", branches=["Indramayu"],
                  valid_until=date.today() + timedelta(days=365))
    body = client.get("/api/v1/agencies/P3MI-100").json
    assert {"licence_number", "name", "status", "valid_until", "address", "branches", "is_sample"} <= set(body)
    assert body["status"] == "active" and body["branches"] == ["Indramayu"] and body["is_sample"] is False


def test_expired_licence_reads_expired_even_when_row_says_active(client, create_agency):
    agency = create_agency("P3MI-OLD", status="active", valid_until=date.today() - timedelta(days=1))
    assert agency.status == "active"
    body = client.get("/api/v1/agencies/P3MI-OLD").json
    assert body["status"] == "expired" and body["registered_status"] == "active"
    listed = client.get("/api/v1/agencies?q=P3MI-OLD").json["items"]
    assert [a["status"] for a in listed] == ["expired"]


def test_effective_status_rule():
    today = date(2026, 11, 23)
    assert effective_status(Agency(status="active", valid_until=date(2026, 11, 23)), today) == "active"
    assert effective_status(Agency(status="active", valid_until=date(2026, 11, 22)), today) == "expired"
    assert effective_status(Agency(status="active", valid_until=None), today) == "active"
    assert effective_status(Agency(status="suspended", valid_until=date(2020, 1, 1)), today) == "suspended"
    assert effective_status(Agency(status="revoked", valid_until=date(2030, 1, 1)), today) == "revoked"


def test_unknown_licence_is_404_with_a_warning_in_the_language(client, seeded):
    response = client.get("/api/v1/agencies/NOT-A-LICENCE", headers={"Accept-Language": "en"})
    assert response.status_code == 404
    assert "illegal" in response.json["message"] and "0-800-1000" in response.json["message"]
    response = client.get("/api/v1/agencies/NOT-A-LICENCE?lang=id")
    assert response.status_code == 404 and "0-800-1000" in response.json["message"]
    assert "ilegal" in response.json["message"]


def test_sample_agencies_cover_every_status_and_say_they_are_samples(client, seeded):
    items = client.get("/api/v1/agencies?limit=100").json["items"]
    statuses = {a["status"] for a in items}
    assert {"active", "suspended", "revoked", "expired"} <= statuses
    assert all(a["is_sample"] for a in items)
    assert all("SAMPLE" in a["name"] for a in items)


def test_agency_search(client, seeded):
    found = client.get("/api/v1/agencies", query_string={"q": "surabaya"}).json["items"]
    assert [a["licence_number"] for a in found] == ["CONTOH-P3MI-002"]
    assert client.get("/api/v1/agencies", query_string={"q": "indramayu"}).json["items"][0]["licence_number"] == \
        "CONTOH-P3MI-001"
    for q in ["'; DROP TABLE agencies; --", "%", "🙂", "وكالة"]:
        response = client.get("/api/v1/agencies", query_string={"q": q})
        assert response.status_code == 200 and response.json["items"] == []


def test_agencies_paginate(client, seeded):
    first = client.get("/api/v1/agencies?limit=2").json
    assert len(first["items"]) == 2 and first["next_cursor"]
    second = client.get("/api/v1/agencies", query_string={"limit": 2, "cursor": first["next_cursor"]}).json
    assert not {a["licence_number"] for a in first["items"]} & {a["licence_number"] for a in second["items"]}


def test_sample_agency_seed_is_idempotent(seeded):
    assert seed_sample_agencies() == {"created": 0, "updated": 0, "unchanged": 5}


def test_control_characters_in_lookups_are_404_not_500(client, seeded):
    for url in ["/api/v1/agencies/%00", "/api/v1/agencies/CONTOH%00", "/api/v1/job-orders/%00x",
                "/api/v1/schemes/eps%00"]:
        response = client.get(url)
        assert response.status_code == 404 and response.is_json, url
    # A NUL in a query parameter is refused before any handler (app.web): 400, never a query.
    assert client.get("/api/v1/agencies?q=%00").status_code == 400
    assert client.get("/api/v1/schemes?q=a%00b").status_code == 400
    for url in ["/verify?licence_number=%00&number=%00", "/channels?q=%00"]:
        assert client.get(url).status_code == 400, url
    assert client.get("/channels/x%00").status_code == 404
