"""Calling for help on a small phone (360×740, Indonesian): one number per button, big enough to hit, offline too."""
import re
import uuid

import pytest

from tests.support.browser import DEFAULT_TIMEOUT_MS

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}
ONE_NUMBER = re.compile(r"^(tel:\+?\d+|https://wa\.me/\d+|sms:\+\d+)$")
KK_PRESENCE = {"passport_number": "X1234567", "country": "MY", "region": "MY-12", "city": "Kota Kinabalu",
               "address": "Jalan Tuaran 12", "employer_name": "Ladang Sawit", "sector": "plantation",
               "arrival_date": "2025-01-15",
               "emergency_contact": {"name": "Siti", "phone": "+6281234567890", "relation": "ibu"},
               "created_at": "2026-01-10T08:15:00+08:00"}


@pytest.fixture
def phone(browser, live_server):
    """A fresh 360×740 phone in Indonesian, pointed at the live server."""
    ctx = browser.new_context(base_url=live_server.url, viewport=PHONE, locale="id-ID", service_workers="allow")
    ctx.set_default_timeout(DEFAULT_TIMEOUT_MS)
    yield ctx
    ctx.close()


def worker_in_kota_kinabalu(live_server) -> dict:
    worker = live_server.create_worker()
    status, body = live_server.api("PUT", "/api/v1/presence", {"id": str(uuid.uuid4()), **KK_PRESENCE},
                                   token=worker["access_token"])
    assert status in (200, 201), body
    return worker


def call_buttons(page, scope="body"):
    """(href, height, width, width of its list) of every visible call button inside `scope`."""
    return page.eval_on_selector_all(
        f"{scope} a.call",
        "els => els.filter(e => e.offsetParent !== null).map(e => [e.getAttribute('href'),"
        " e.getBoundingClientRect().height, e.getBoundingClientRect().width, e.parentElement.clientWidth])")


def assert_good_call_buttons(buttons):
    assert buttons
    for href, height, width, room in buttons:
        assert ONE_NUMBER.match(href), href
        assert height >= 48, (href, height)
        assert width >= room - 1 and width >= 240, (href, width, room)  # full width, one button a row


def box(page, selector):
    return page.locator(selector).first.bounding_box()


def test_emergency_buttons_dial_one_number_each_and_are_big_enough(phone, live_server, login):
    worker = worker_in_kota_kinabalu(live_server)
    page = phone.new_page()
    login(page, worker["phone"], worker["password"])
    page.goto("/emergency")
    buttons = call_buttons(page)
    assert_good_call_buttons(buttons)
    hrefs = [b[0] for b in buttons]
    assert "tel:+6088219110" in hrefs and "tel:+6088218600" in hrefs  # two numbers, two buttons
    assert "tel:999" in hrefs  # Malaysia's police and ambulance
    assert page.locator(".ecard .card-number").first.inner_text() == "+60 88-219 110"

    # Navigation is big enough to hit, and "Keluar" is not right next to "Data saya".
    for selector in (".bar a", ".foot a", ".foot button"):
        for height in page.eval_on_selector_all(selector, "els => els.map(e => e.getBoundingClientRect().height)"):
            assert height >= 44, (selector, height)
    mine, leave = box(page, ".foot a[href='/account']"), box(page, ".foot button")
    apart = max(leave["x"] - (mine["x"] + mine["width"]), leave["y"] - (mine["y"] + mine["height"]))
    assert apart >= 24, (mine, leave)
    page.goto("/account")
    checkbox = box(page, "input[name=confirm]")
    assert checkbox["height"] >= 44 and checkbox["width"] >= 44


def test_call_now_card_appears_for_an_emergency_before_and_after_sending_offline(phone, live_server, login):
    worker = worker_in_kota_kinabalu(live_server)
    page = phone.new_page()
    login(page, worker["phone"], worker["password"])
    page.wait_for_selector("html[data-offline-ready]", state="attached")
    phone.set_offline(True)

    page.goto("/help")
    card = page.locator("#call-now")
    assert not card.is_visible()
    page.select_option("select[name=urgency]", "emergency")
    card.wait_for(state="visible")
    assert "Telepon sekarang" in card.inner_text()
    hrefs = [b[0] for b in call_buttons(page, "#call-now")]
    assert_good_call_buttons(call_buttons(page, "#call-now"))
    assert "tel:+6088219110" in hrefs and "tel:999" in hrefs and "tel:+6281290070027" in hrefs

    page.select_option("select[name=urgency]", "normal")
    card.wait_for(state="hidden")
    page.select_option("select[name=category]", "trafficking")  # a critical category shows it too
    page.select_option("select[name=country]", "SA")  # another country: its numbers, from the page itself
    card.wait_for(state="visible")
    hrefs = [b[0] for b in call_buttons(page, "#call-now")]
    assert "tel:911" in hrefs and "tel:997" in hrefs and "tel:999" not in hrefs

    # Sent while offline: the request waits on the phone, and the card stays with it.
    page.select_option("select[name=country]", "MY")
    page.fill("textarea[name=description]", f"Saya dipukul majikan {uuid.uuid4().hex[:6]}")
    with page.expect_navigation():
        page.click("#help-form button[type=submit]")
    assert page.url.endswith("/requests")
    page.locator("#call-now").wait_for(state="visible")
    hrefs = [b[0] for b in call_buttons(page, "#call-now")]
    assert "tel:999" in hrefs and "tel:+6281290070027" in hrefs


def test_call_now_card_works_without_javascript(browser, live_server):
    ctx = browser.new_context(base_url=live_server.url, viewport=PHONE, locale="id-ID", java_script_enabled=False)
    try:
        page = ctx.new_page()
        page.goto("/help")
        card = page.locator("#call-now")
        assert not card.is_visible()
        page.select_option("select[name=category]", "health_emergency")
        assert card.is_visible()  # the stylesheet (:has) shows it
        assert_good_call_buttons(call_buttons(page, "#call-now"))
    finally:
        ctx.close()
