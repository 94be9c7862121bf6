"""The place and phone fields of the worker's pages, without JavaScript (plain HTML forms)."""
import re

from app.extensions import db
from app.presence.services import current_presence
from tests.builders import presence_data
from tests.support.forms import post_page_form


def login(client, user):
    r = post_page_form(client, "/login", {"phone": user.phone, "password": "password123"})
    assert r.status_code == 302
    return client.get_cookie("csrf_access_token").value


def select(page: str, name: str) -> str:
    return re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', page, re.S).group(1)


def options(page: str, name: str) -> list[tuple[str, str]]:
    return re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select(page, name))


def presence_form(csrf, **overrides) -> dict:
    data = presence_data(**overrides)
    form = {k: v for k, v in data.items() if k not in ("emergency_contact", "created_at") and v is not None}
    form.update({f"emergency_contact.{k}": v for k, v in data["emergency_contact"].items()}, csrf_token=csrf)
    return form


def test_presence_page_offers_countries_in_indonesian_and_the_regions_of_the_chosen_one(client):
    page = client.get("/presence?lang=id").get_data(as_text=True)
    countries = options(page, "country")
    assert countries[:4] == [("MY", "Malaysia"), ("TW", "Taiwan"), ("HK", "Hong Kong"), ("SA", "Arab Saudi")]
    assert ("KR", "Korea Selatan") in countries and len(countries) > 240
    assert re.search(r'<option value="MY" selected>', page)
    regions = options(page, "region")
    assert regions[0][0] == "" and ("MY-12", "Sabah") in regions and ("MY-13", "Sarawak") in regions
    assert "MY-12 untuk Sabah" not in page and "ISO 3166" not in page
    assert "<noscript>" in page  # without JavaScript: what to do after changing the country


def test_a_form_sent_back_lists_the_regions_of_the_country_sent_and_keeps_what_was_typed(client, create_user):
    csrf = login(client, create_user())
    # The worker changed the country to Saudi Arabia but kept a Malaysian region (no JavaScript).
    r = client.post("/presence?lang=id", data=presence_form(csrf, country="SA", region="MY-12", city="Jeddah",
                                                            address="Jalan Palestina 5"))
    assert r.status_code == 422
    page = r.get_data(as_text=True)
    assert "Wilayah ini tidak ada di negara yang dipilih. Pilih wilayahnya lagi." in page
    assert re.search(r'<option value="SA" selected>', page)
    regions = dict(options(page, "region"))
    assert regions["SA-02"].startswith("Makkah") and "MY-12" not in regions
    assert 'value="Jeddah"' in page and 'value="Jalan Palestina 5"' in page


def test_presence_posted_with_a_city_and_local_phones_goes_to_the_right_mission(client, create_user):
    worker = create_user()
    csrf = login(client, worker)
    form = presence_form(csrf, region="", city="Kota Kinabalu", employer_phone="012-345 6789",
                         emergency_contact={"name": "Siti", "phone": "0812 3456 7890", "relation": "ibu"})
    r = client.post("/presence", data=form)
    assert r.status_code == 302, r.get_data(as_text=True)
    db.session.remove()
    report = current_presence(worker)
    assert report.region == "MY-12" and report.mission.code == "KJRI-KOTAKINABALU"
    assert report.employer_phone == "+60123456789" and report.emergency_phone == "+6281234567890"
    page = client.get("/presence?lang=id").get_data(as_text=True)
    assert "Dikirim ke KJRI Kota Kinabalu" in page
    assert re.search(r'<option value="MY-12" selected>Sabah</option>', page)  # the inferred region, shown


def test_request_cards_say_where_each_request_went(client, create_user):
    worker = create_user()
    csrf = login(client, worker)
    r = client.post("/help", data={"category": "unpaid_wages", "urgency": "normal", "description": "Gaji belum dibayar.",
                                   "country": "SA", "region": "", "city": "Jeddah", "contact_phone": "050 123 4567",
                                   "csrf_token": csrf})
    assert r.status_code == 302
    page = client.get("/requests?lang=id").get_data(as_text=True)
    assert "Dikirim ke KJRI Jeddah" in page
    assert "Sent to Consulate General of the Republic of Indonesia in Jeddah" in \
        client.get("/requests?lang=en").get_data(as_text=True)


def test_register_and_login_pages_take_the_number_as_dialled_at_home(client):
    page = client.get("/register?lang=id").get_data(as_text=True)
    assert options(page, "phone_country")[0] == ("ID", "Indonesia (+62)")
    assert ("MY", "Malaysia (+60)") in options(page, "phone_country")
    r = post_page_form(client, "/register", {"full_name": "Siti Aminah", "phone": "012-345 6789", "phone_country": "MY",
                                       "password": "password123"})
    assert r.status_code == 302
    client.post("/logout", data={"csrf_token": client.get_cookie("csrf_access_token").value})
    r = post_page_form(client, "/login", {"phone": "012 345 6789", "phone_country": "MY", "password": "password123"})
    assert r.status_code == 302
    me = client.get("/api/v1/me", headers={"X-CSRF-TOKEN": client.get_cookie("csrf_access_token").value})
    assert me.json["phone"] == "+60123456789"
