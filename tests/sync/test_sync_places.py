"""Sync takes places and phones as the REST calls do: region from the city, phones to E.164."""
from tests.builders import envelope, help_data, mutation, presence_data


def test_sync_infers_the_region_and_reads_local_phones(client, worker, auth):
    presence = presence_data(region=None, city="Kota Kinabalu", employer_phone="088-219 110",
                             emergency_contact={"name": "Siti", "phone": "0812 3456 7890", "relation": "ibu"})
    request = help_data(region=None, city="jeddah", country="SA", contact_phone="050 123 4567")
    r = client.post("/api/v1/sync", json=envelope(mutation("presence.upsert", presence),
                                                  mutation("help_request.create", request)), headers=auth(worker))
    assert r.status_code == 200
    assert [x["status"] for x in r.json["results"]] == ["applied", "applied"], r.json["results"]
    stored = client.get("/api/v1/presence", headers=auth(worker)).json
    assert stored["region"] == "MY-12" and stored["mission"]["code"] == "KJRI-KOTAKINABALU"
    assert stored["employer_phone"] == "+6088219110" and stored["emergency_contact"]["phone"] == "+6281234567890"
    help_request = client.get(f"/api/v1/help-requests/{request['id']}", headers=auth(worker)).json
    assert help_request["region"] == "SA-02" and help_request["mission"]["code"] == "KJRI-JEDDAH"
    assert help_request["contact_phone"] == "+966501234567"


def test_many_requests_in_one_call_are_each_placed(client, worker, auth):
    cities = ["Kota Kinabalu", "Tawau", "Kuching", "Tempat Entah"]
    items = [help_data(region=None, city=c) for c in cities]
    r = client.post("/api/v1/sync", json=envelope(*(mutation("help_request.create", d) for d in items)),
                    headers=auth(worker))
    assert {x["status"] for x in r.json["results"]} == {"applied"}
    got = [client.get(f"/api/v1/help-requests/{d['id']}", headers=auth(worker)).json for d in items]
    assert [g["mission"]["code"] for g in got] == ["KJRI-KOTAKINABALU", "KRI-TAWAU", "KJRI-KUCHING", "KBRI-KUALALUMPUR"]
    assert [g["region"] for g in got] == ["MY-12", "MY-12", "MY-13", None]
