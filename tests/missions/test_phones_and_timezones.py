"""Mission objects answer `phones` (one E.164 number each, with its kind) and an IANA `timezone`."""
import re
from zoneinfo import ZoneInfo

import phonenumbers
import pytest
from sqlalchemy import select

from app.extensions import db
from app.missions.models import Mission
from app.missions.phones import PHONE_KINDS, PhoneTextError, dial_href, parse_phone_text
from app.missions.services import get_by_code, seed_missions
from app.missions.timezones import UnknownTimezone, mission_timezone
from tests.builders import presence_body

E164 = re.compile(r"^\+[1-9]\d{6,14}$")


def all_missions(client) -> list[dict]:
    response = client.get("/api/v1/missions?limit=100")
    assert response.status_code == 200 and response.json["next_cursor"] is None
    return response.json["items"]


def assert_one_dialable_number(value):
    assert value is None or (E164.match(value) and phonenumbers.is_valid_number(phonenumbers.parse(value))), value


def test_every_mission_answers_its_phones_in_e164_with_a_known_kind(client):
    for mission in all_missions(client):
        assert mission["phones"], mission["code"]
        for phone in mission["phones"]:
            assert set(phone) == {"number", "kind", "label"}
            assert phone["kind"] in PHONE_KINDS
            assert_one_dialable_number(phone["number"])


def test_phone_and_hotline_hold_one_dialable_number_never_two(client):
    for mission in all_missions(client):
        for field, kind in (("phone", "phone"), ("hotline", "hotline")):
            assert_one_dialable_number(mission[field])
            first = next((p["number"] for p in mission["phones"] if p["kind"] == kind), None)
            assert mission[field] == first, (mission["code"], field)


def test_two_numbers_in_the_seed_text_become_two_phones(client):
    kk = client.get("/api/v1/missions/KJRI-KOTAKINABALU").json
    assert kk["phone"] == "+6088219110" and kk["hotline"] is None
    assert kk["phones"] == [{"number": "+6088219110", "kind": "phone", "label": None},
                            {"number": "+6088218600", "kind": "phone", "label": None}]


def test_whatsapp_in_the_seed_text_gives_the_number_its_kind(client):
    jeddah = client.get("/api/v1/missions/KJRI-JEDDAH").json
    assert jeddah["hotline"] == "+966503609667"
    assert {"number": "+966505966623", "kind": "whatsapp", "label": None} in jeddah["phones"]
    assert "+966505966623" not in (jeddah["phone"], jeddah["hotline"])


def test_words_and_extensions_in_the_seed_text_become_labels(client):
    brussels = client.get("/api/v1/missions/KBRI-BRUSSEL").json["phones"]
    assert {"number": "+3227712014", "kind": "phone", "label": "consular"} in brussels
    shanghai = client.get("/api/v1/missions/KJRI-SHANGHAI").json["phones"]
    assert {"number": "+862152402321", "kind": "phone", "label": "ext. 110"} in shanghai


def test_every_mission_timezone_is_a_valid_iana_zone(client):
    for mission in all_missions(client):
        assert ZoneInfo(mission["timezone"]).key == mission["timezone"], mission["code"]


@pytest.mark.parametrize("code, zone", [
    ("KJRI-KUCHING", "Asia/Kuching"), ("KJRI-KOTAKINABALU", "Asia/Kuching"), ("KRI-TAWAU", "Asia/Kuching"),
    ("KBRI-KUALALUMPUR", "Asia/Kuala_Lumpur"), ("KJRI-JOHORBAHRU", "Asia/Kuala_Lumpur"),
    ("KJRI-JEDDAH", "Asia/Riyadh"), ("KDEI-TAIPEI", "Asia/Taipei"), ("KJRI-HONGKONG", "Asia/Hong_Kong"),
    ("KBRI-WASHINGTONDC", "America/New_York"), ("KJRI-HOUSTON", "America/Chicago"),
    ("KJRI-LOSANGELES", "America/Los_Angeles"), ("KJRI-VANCOUVER", "America/Vancouver"),
    ("KJRI-PERTH", "Australia/Perth"), ("KRI-DARWIN", "Australia/Darwin"), ("KBRI-CANBERRA", "Australia/Sydney"),
    ("KBRI-MOSCOW", "Europe/Moscow"), ("KBRI-BRASILIA", "America/Sao_Paulo"),
])
def test_timezone_follows_the_city_in_countries_with_several_zones(client, code, zone):
    assert client.get(f"/api/v1/missions/{code}").json["timezone"] == zone


def test_route_answer_carries_phones_and_timezone(client):
    mission = client.get("/api/v1/missions/route?country=MY&region=MY-13").json
    assert mission["code"] == "KJRI-KUCHING" and mission["timezone"] == "Asia/Kuching"
    assert [p["number"] for p in mission["phones"]] == ["+6082460734", "+6082461734"]


def test_presence_answer_carries_the_missions_phones(client, create_user, auth):
    response = client.put("/api/v1/presence", json=presence_body(), headers=auth(create_user()))
    assert response.status_code in (200, 201), response.json
    mission = response.json["mission"]
    assert mission["code"] == "KJRI-KOTAKINABALU" and len(mission["phones"]) == 2
    assert mission["timezone"] == "Asia/Kuching"


def test_seeding_again_turns_old_free_text_numbers_into_single_numbers(app_ctx):
    kk = get_by_code("KJRI-KOTAKINABALU")
    kk.phone, kk.phones, kk.timezone = "+60 88 219110 / +60 88 218600", [], None
    db.session.commit()
    assert seed_missions() == {"created": 0, "updated": 1, "unchanged": 85}
    db.session.commit()
    kk = db.session.scalar(select(Mission).where(Mission.code == "KJRI-KOTAKINABALU"))
    assert kk.phone == "+6088219110" and len(kk.phones) == 2 and kk.timezone == "Asia/Kuching"
    assert seed_missions()["updated"] == 0


def test_seed_text_that_is_not_a_number_is_refused():
    with pytest.raises(PhoneTextError):
        parse_phone_text("+60 88 219110 / ask the guard", "MY", "phone")
    with pytest.raises(PhoneTextError):
        parse_phone_text("call the office", "MY", "hotline")


def test_a_city_of_a_multi_zone_country_without_a_known_zone_is_refused():
    with pytest.raises(UnknownTimezone):
        mission_timezone("US", "Springfield")
    assert mission_timezone("SA", "Anywhere") == "Asia/Riyadh"  # one zone: the city does not matter


def test_dial_links_carry_one_number():
    assert dial_href({"number": "+6088219110", "kind": "phone"}) == "tel:+6088219110"
    assert dial_href({"number": "+966505966623", "kind": "whatsapp"}) == "https://wa.me/966505966623"
    assert dial_href({"number": "+6281290070027", "kind": "sms"}) == "sms:+6281290070027"
