"""Pages that show a mission's numbers: one call button per number, and a "Call now" card for emergencies."""
import json
import re

from app.extensions import db
from tests.builders import help_body, presence_body
from tests.support.forms import post_page_form

LINK = re.compile(r'<a class="call[^"]*" href="([^"]+)"[^>]*>(.*?)</a>', re.S)
CARD = re.compile(r'<section class="card callnow" id="call-now"[^>]*>.*?</section>', re.S)


def login(client, user):
    response = post_page_form(client, "/login", {"phone": user.phone, "password": "password123"})
    assert response.status_code == 302
    return client.get_cookie("csrf_access_token").value


def report_presence(worker, **place):
    from app.presence.schemas import PresenceInSchema
    from app.presence.services import submit_presence

    submit_presence(worker, PresenceInSchema().load(presence_body(**place)))
    db.session.commit()


def call_links(html: str) -> list[tuple[str, str]]:
    return LINK.findall(html)


def assert_one_number_per_link(html: str):
    links = call_links(html)
    assert links
    for href, _text in links:
        assert re.fullmatch(r"tel:\+?\d+|https://wa\.me/\d+|sms:\+\d+", href), href
    # and no other link on the page dials two numbers either
    for href in re.findall(r'href="(tel:[^"]*)"', html):
        assert re.fullmatch(r"tel:\+?\d+", href), href


def emergency_page_in(client, worker, **place) -> str:
    """/emergency as a worker who reported being at `place` sees it, checked for one number per link."""
    report_presence(worker, **place)
    login(client, worker)
    html = client.get("/emergency").get_data(as_text=True)
    assert_one_number_per_link(html)
    return html


def test_mission_with_two_numbers_gets_two_call_buttons(client, create_user):
    worker = create_user()
    report_presence(worker)  # MY-12, Kota Kinabalu
    login(client, worker)
    for path in ("/emergency", "/presence"):
        html = client.get(path).get_data(as_text=True)
        assert_one_number_per_link(html)
        hrefs = [href for href, _ in call_links(html)]
        assert "tel:+6088219110" in hrefs and "tel:+6088218600" in hrefs, path


def test_whatsapp_number_is_a_wa_me_button_not_part_of_a_tel_link(client, create_user):
    html = emergency_page_in(client, create_user(), country="SA", region="SA-02", city="Jeddah")
    hrefs = [href for href, _ in call_links(html)]
    assert "tel:+966503609667" in hrefs and "https://wa.me/966505966623" in hrefs


def test_emergency_card_shows_the_phone_where_the_mission_has_no_hotline(client, create_user):
    worker = create_user()
    report_presence(worker)  # KJRI Kota Kinabalu has no hotline
    login(client, worker)
    html = client.get("/emergency").get_data(as_text=True)
    card = html[html.index('class="card ecard"'):]
    assert re.search(r'class="card-number">\+60 88-219 110<', card)


def test_emergency_card_without_a_mission_shows_the_kemlu_hotline(client):
    html = client.get("/emergency").get_data(as_text=True)
    card = html[html.index('class="card ecard"'):]
    assert re.search(r'class="card-number">\+62 812-9007-0027<', card)


def test_emergency_page_shows_local_police_and_ambulance_with_sources(client, create_user):
    worker = create_user()
    report_presence(worker, country="SA", region="SA-01", city="Riyadh")
    login(client, worker)
    html = client.get("/emergency").get_data(as_text=True)
    section = html[html.index('id="local-emergency"'):]
    assert "tel:911" in section and "tel:997" in section and "Polisi" in section and "Ambulans" in section
    assert "arabnews" in section  # the source is shown


def test_national_numbers_callable_from_abroad_come_first_and_0800_is_labelled(client):
    html = client.get("/emergency").get_data(as_text=True)
    assert html.index("+62 812 9007 0027") < html.index("Hanya bisa ditelepon dari Indonesia") < html.index("0-800-1000")
    assert 'href="tel:08001000"' not in html and "tel:0-800-1000" not in html


def test_help_page_has_a_call_now_card_for_the_critical_choices(client, create_user):
    html = client.get("/help").get_data(as_text=True)
    card = CARD.search(html).group(0)
    assert "data-hidden" in card and "Telepon sekarang" in card
    assert "tel:+60176688032" in card and "tel:999" in card and "tel:+6281290070027" in card
    critical = set(re.findall(r'<option value="(\w+)" [^>]*data-critical', html))
    assert critical == {"abuse_violence", "trafficking", "detention_legal", "health_emergency", "emergency"}
    table = re.search(r'<script type="application/json" id="call-table">', html)
    assert table  # every country's card, for the page script (also offline)


def test_help_page_call_card_uses_the_workers_own_mission(client, create_user):
    worker = create_user()
    report_presence(worker)
    login(client, worker)
    card = CARD.search(client.get("/help").get_data(as_text=True)).group(0)
    assert "KJRI Kota Kinabalu" in card and "tel:+6088219110" in card


def card_of_an_emergency_sent_back(client, worker, country: str) -> str:
    """The "Call now" card of the help form sent back (422, no description) with an emergency in `country`."""
    csrf = login(client, worker)
    form = {"category": "abuse_violence", "urgency": "emergency", "description": "", "country": country,
            "csrf_token": csrf}
    response = client.post("/help", data=form)
    assert response.status_code == 422
    return CARD.search(response.get_data(as_text=True)).group(0)


def test_help_form_sent_back_with_an_emergency_shows_the_card(client, create_user):
    card = card_of_an_emergency_sent_back(client, create_user(), "SA")
    assert "data-hidden" not in card and "tel:911" in card and "tel:997" in card


def test_requests_page_shows_the_call_card_after_an_emergency_request(client, create_user, auth):
    worker = create_user()
    body = help_body(urgency="emergency", category="abuse_violence", country="MY", region="MY-12")
    assert client.post("/api/v1/help-requests", json=body, headers=auth(worker)).status_code == 201
    login(client, worker)
    card = CARD.search(client.get("/requests").get_data(as_text=True)).group(0)
    assert "data-hidden" not in card and "tel:+6088219110" in card and "tel:999" in card


def test_requests_page_keeps_the_card_hidden_without_an_emergency(client, create_user, auth):
    worker = create_user()
    assert client.post("/api/v1/help-requests", json=help_body(), headers=auth(worker)).status_code == 201
    login(client, worker)
    assert "data-hidden" in CARD.search(client.get("/requests").get_data(as_text=True)).group(0)


def test_emergency_page_shows_the_local_numbers_of_a_newly_sourced_country(client, create_user):
    html = emergency_page_in(client, create_user(), country="PG", region="PG-NCD", city="Port Moresby")
    section = html[html.index('id="local-emergency"'):html.index("</section>", html.index('id="local-emergency"'))]
    hrefs = [href for href, _ in call_links(section)]
    assert hrefs == ["tel:112", "tel:111", "tel:110"]
    assert "Polisi" in section and "Ambulans" in section and "Pemadam kebakaran" in section
    assert "stjohn.org.pg" in section  # the source is shown


def test_call_now_card_of_a_newly_sourced_country_has_its_local_numbers(client, create_user):
    card = card_of_an_emergency_sent_back(client, create_user(), "KZ")
    local = card[card.index('data-part="local"'):]
    assert "data-hidden" not in card and 'data-part="local" hidden' not in card
    assert "tel:102" in local and "tel:103" in local and "tel:101" in local
    # and the page script's table (also used offline) carries the same numbers for every country
    html = client.get("/help").get_data(as_text=True)
    table = json.loads(re.search(r'<script type="application/json" id="call-table">(.*?)</script>', html,
                                 re.S).group(1))["countries"]
    assert table["KZ"][2] == [["102", ["police"]], ["103", ["ambulance"]], ["101", ["fire"]]]
    assert table["LA"][2] == [["1191", ["police"]], ["1195", ["ambulance"]], ["1190", ["fire"]]]
