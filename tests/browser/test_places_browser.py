"""A worker on a small phone, in Indonesian, picks her country and region on /presence and types
her phones as she dials them; offline, the regions of the main destinations still come."""
import random

import pytest

from tests.support.presence_form import send_presence

pytestmark = pytest.mark.browser

SYNC_TIMEOUT_MS = 60_000
PHONE = {"width": 360, "height": 740}


def register(page):
    """Register through the page as a worker types it: the number as dialled in Indonesia."""
    phone = "0812" + "".join(random.choice("0123456789") for _ in range(8))
    page.set_viewport_size(PHONE)
    page.goto("/register")
    page.fill("input[name=full_name]", "Siti Aminah")
    page.fill("input[name=phone]", phone)
    page.fill("input[name=password]", "password123")
    with page.expect_navigation():
        page.click("form[action='/register'] button[type=submit]")
    assert "/register" not in page.url
    page.wait_for_selector("html[data-offline-ready]", state="attached")
    return "+62" + phone[1:]


def token(live_server, phone):
    status, body = live_server.api("POST", "/api/v1/auth/login", {"phone": phone, "password": "password123"})
    assert status == 200, body
    return body["access_token"]


def fill_presence(page, *, country, region, city, employer_phone):
    page.goto("/presence")
    send_presence(page, {"country": country, "region": region, "city": city, "address": "Jalan Palestina 5",
                         "employer_name": "Keluarga Al-Harbi", "employer_phone": employer_phone,
                         "arrival_date": "2025-03-01", "emergency_contact.name": "Ibu Sumiati",
                         "emergency_contact.phone": "0813 1234 5678"})


def stored_presence(page, live_server, access_token):
    for _ in range(SYNC_TIMEOUT_MS // 500):
        status, body = live_server.api("GET", "/api/v1/presence", token=access_token)
        if status == 200:
            return body
        page.wait_for_timeout(500)
    raise AssertionError("the report never reached the server")


def test_worker_picks_country_and_region_in_indonesian_and_sees_where_it_went(page, live_server):
    phone = register(page)
    page.goto("/presence")
    countries = page.locator("select[name=country] option").all_inner_texts()
    assert countries[:4] == ["Malaysia", "Taiwan", "Hong Kong", "Arab Saudi"] and "Korea Selatan" in countries
    assert page.locator("text=MY-12").count() == 0

    fill_presence(page, country="SA", region="SA-02", city="Jeddah", employer_phone="050 123 4567")
    report = stored_presence(page, live_server, token(live_server, phone))
    assert report["region"] == "SA-02" and report["mission"]["code"] == "KJRI-JEDDAH"
    assert report["employer_phone"] == "+966501234567" and report["emergency_contact"]["phone"] == "+6281312345678"
    # As the server renders the page (the outbox's own state line is another matter: issue 14 item 5).
    assert "Dikirim ke KJRI Jeddah" in page.request.get("/presence").text()
    page.goto("/presence")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], "the form must fit a 360 px screen"


def test_a_city_without_region_reaches_the_consulate_that_serves_it(page, live_server):
    phone = register(page)
    fill_presence(page, country=None, region=None, city="Kota Kinabalu", employer_phone="088-219 110")
    report = stored_presence(page, live_server, token(live_server, phone))
    assert report["region"] == "MY-12" and report["mission"]["code"] == "KJRI-KOTAKINABALU"
    assert "Dikirim ke KJRI Kota Kinabalu" in page.request.get("/presence").text()
    page.goto("/presence")
    assert page.locator("select[name=region]").input_value() == "MY-12"  # the inferred region, shown

    # A help request from the same city: its card (drawn by the page script) says where it went.
    page.goto("/help")
    page.select_option("select[name=category]", "unpaid_wages")
    page.fill("textarea[name=description]", "Gaji belum dibayar tiga bulan.")
    page.fill("input[name=city]", "kota kinabalu")
    page.fill("input[name=contact_phone]", "012-345 6789")
    with page.expect_navigation():
        page.click("#help-form button[type=submit]")
    page.wait_for_selector("#my-requests > li[data-sync-state=synced]", timeout=SYNC_TIMEOUT_MS)
    page.reload()
    card = page.locator("#my-requests > li", has_text="Gaji belum dibayar tiga bulan.")
    card.locator(".sent-to").wait_for()
    assert card.locator(".sent-to").inner_text() == "Dikirim ke KJRI Kota Kinabalu"


def test_regions_of_the_main_destinations_come_offline(page, context, live_server):
    register(page)
    page.goto("/presence")  # online: the page keeps the main destinations' regions on the phone
    page.wait_for_function("() => localStorage.getItem('places-warm-id') !== null", timeout=30_000)
    context.set_offline(True)
    page.reload()
    page.select_option("select[name=country]", "KR")
    page.wait_for_selector("select[name=region] option[value='KR-44']", state="attached")
    assert "Chungcheong Selatan" in page.locator("select[name=region]").inner_text()
    context.set_offline(False)
