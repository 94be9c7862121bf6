from app.missions.services import seed_missions

CONTRACT_FIELDS = {"code", "name", "kind", "country", "city", "address", "phone", "hotline", "email", "jurisdiction"}


def test_missions_list_has_contract_fields_and_real_missions(client):
    response = client.get("/api/v1/missions")
    assert response.status_code == 200
    items = response.json["items"]
    assert len(items) >= 45 and response.json["next_cursor"] is None
    assert CONTRACT_FIELDS <= set(items[0])
    codes = {m["code"] for m in items}
    for code in ["KBRI-KUALALUMPUR", "KJRI-JOHORBAHRU", "KJRI-PENANG", "KJRI-KOTAKINABALU", "KJRI-KUCHING",
                 "KRI-TAWAU", "KBRI-SINGAPURA", "KDEI-TAIPEI", "KJRI-HONGKONG", "KBRI-SEOUL", "KBRI-RIYADH",
                 "KJRI-JEDDAH", "KJRI-DUBAI", "KBRI-DOHA", "KBRI-WINA", "KJRI-LOSANGELES", "KRI-DARWIN"]:
        assert code in codes
    assert {m["kind"] for m in items} <= {"embassy", "consulate_general", "consulate", "economic_office"}


def test_missions_paginate_without_loss_or_repeat(client):
    seen, cursor = [], None
    for _ in range(20):
        response = client.get("/api/v1/missions", query_string={"limit": 10, **({"cursor": cursor} if cursor else {})})
        assert response.status_code == 200
        seen += [m["code"] for m in response.json["items"]]
        cursor = response.json["next_cursor"]
        if cursor is None:
            break
    everything = [m["code"] for m in client.get("/api/v1/missions").json["items"]]
    assert seen == everything and len(set(seen)) == len(seen)


def test_tampered_cursor_is_refused(client):
    cursor = client.get("/api/v1/missions?limit=5").json["next_cursor"]
    response = client.get("/api/v1/missions", query_string={"cursor": cursor[:-2] + "xx"})
    assert response.status_code == 400
    assert response.json["message"]


def test_limit_over_100_is_refused(client):
    assert client.get("/api/v1/missions?limit=101").status_code == 422


def test_mission_name_follows_language(client):
    id_name = client.get("/api/v1/missions/KJRI-KOTAKINABALU").json["name"]
    en_name = client.get("/api/v1/missions/KJRI-KOTAKINABALU?lang=en").json["name"]
    assert id_name.startswith("Konsulat Jenderal") and en_name.startswith("Consulate General")


def test_mission_jurisdiction_lists_split_region_cities(client):
    tawau = client.get("/api/v1/missions/KRI-TAWAU").json
    assert tawau["jurisdiction"][0]["region"] == "MY-12"
    assert "Tawau" in tawau["jurisdiction"][0]["cities"]


def test_seed_is_idempotent(app_ctx):
    assert seed_missions() == {"created": 0, "updated": 0, "unchanged": 86}


def test_seed_command_runs_twice_without_change(runner):
    first = runner.invoke(args=["seed"])
    second = runner.invoke(args=["seed"])
    assert first.exit_code == 0 and second.exit_code == 0, first.output + second.output
    assert "'created': 0" in second.output and "'updated': 0" in second.output
