"""A worker's first journey as one chain, on a 360×740 phone in Indonesian (issue 14, "Tests"):
she registers on the page, sends her lapor diri typed as she would type it and sees, with no
reload, which mission received it; writes a help request with no signal, sees it sent when the
signal comes back, sees the mission's reply, and opening the app again offline still shows the
newest status and the reply. Each step starts from what the one before left on the phone."""
import uuid

import pytest

from tests.support.browser import PHONE
from tests.support.presence_form import send_presence

from .test_offline_pwa import SYNC_TIMEOUT_MS
from .test_places_browser import register, token
from .test_sync_state_browser import request_id_of, staff_token, stored_status

pytestmark = pytest.mark.browser


def pick(page, select, label):
    """Choose an option by the words she reads, waiting until the list has it (places.js fills regions)."""
    page.locator(f"select[name={select}] option", has_text=label).first.wait_for(state="attached")
    page.select_option(f"select[name={select}]", label=label)


def send_lapor_diri(page):
    page.goto("/presence")
    page.wait_for_selector("#presence-form", state="attached")
    # As she types it: lower-case passport, the lists by their names, national phone formats.
    send_presence(page, {"passport_number": "x1234567", "country": "Malaysia", "region": "Sabah",
                         "address": "Jalan Tuaran 12, Inanam", "employer_name": "Puan Lim",
                         "employer_phone": "012-345 6789", "emergency_contact.name": "Ibu Sumiati",
                         "emergency_contact.phone": "0812 3456 7890"})


def write_help_request(page, description):
    page.goto("/help")
    page.wait_for_selector("#help-form", state="attached")
    page.select_option("select[name=category]", "unpaid_wages")
    page.select_option("select[name=urgency]", "high")
    page.fill("textarea[name=description]", description)
    pick(page, "country", "Malaysia")
    pick(page, "region", "Sabah")
    page.fill("input[name=city]", "Kota Kinabalu")
    page.fill("input[name=contact_phone]", "012-345 6789")
    with page.expect_navigation():
        page.click("#help-form button[type=submit]")
    assert page.url.endswith("/requests")


def test_register_report_ask_for_help_offline_and_keep_the_reply(page, context, live_server):
    assert page.viewport_size == PHONE
    assert page.evaluate("navigator.language") == "id-ID"

    # 1. Register on the page, the number as dialled at home.
    phone = register(page)
    worker = {"access_token": token(live_server, phone)}
    # The regions of the main destinations are kept for offline use (places.js).
    page.goto("/presence")
    page.wait_for_function("() => localStorage.getItem('places-warm-id') !== null", timeout=30_000)

    # 2. Lapor diri with no signal; it goes out when the signal comes back, and the page, never
    #    reloaded, says which mission received it.
    context.set_offline(True)
    send_lapor_diri(page)
    page.wait_for_selector("#presence-state[data-sync-state=pending]", state="attached")
    context.set_offline(False)
    state = page.locator("#presence-state[data-sync-state=synced]")
    state.wait_for(timeout=SYNC_TIMEOUT_MS)
    assert "Diterima oleh KJRI Kota Kinabalu" in state.inner_text()
    assert "Tersimpan di ponsel" not in state.inner_text()
    call = state.locator("a.call[href^='tel:']").first
    assert call.bounding_box()["height"] >= 48
    status, report = live_server.api("GET", "/api/v1/presence", token=worker["access_token"])
    assert status == 200, report
    assert report["region"] == "MY-12" and report["mission"]["code"] == "KJRI-KOTAKINABALU"
    assert report["employer_phone"] == "+60123456789"
    assert report["emergency_contact"]["phone"] == "+6281234567890"

    # 3. A help request written with no signal waits on the phone, then is sent once.
    description = f"Gaji saya belum dibayar tiga bulan {uuid.uuid4().hex[:6]}"
    context.set_offline(True)
    write_help_request(page, description)
    card = page.locator("#my-requests > li", has_text=description)
    card.wait_for()
    assert card.get_attribute("data-sync-state") == "pending"
    context.set_offline(False)
    page.wait_for_selector(f"#my-requests > li[data-sync-state=synced]:has-text('{description}')",
                           timeout=SYNC_TIMEOUT_MS)
    request_id = request_id_of(live_server, worker, description)  # exactly one copy on the server

    # 4. The mission takes it up and answers; she opens her requests and sees both.
    staff = staff_token(live_server)
    for status in ("triaged", "in_progress"):
        assert live_server.api("PATCH", f"/api/v1/queue/{request_id}", {"status": status}, staff)[0] == 200
    reply = "Kami sudah menerima laporan Anda dan akan menelepon besok."
    assert live_server.api("POST", f"/api/v1/queue/{request_id}/messages", {"body": reply}, staff)[0] == 201
    page.goto("/requests")
    card = page.locator(f"#my-requests > li[data-id='{request_id}']")
    card.locator(".messages", has_text=reply).wait_for(timeout=SYNC_TIMEOUT_MS)
    card.locator("[data-status=in_progress]").wait_for(timeout=SYNC_TIMEOUT_MS)
    assert "Sedang ditangani" in card.inner_text()
    for _ in range(SYNC_TIMEOUT_MS // 250):  # the phone's own copy has taken the change in
        if stored_status(page, request_id) == "in_progress":
            break
        page.wait_for_timeout(250)
    assert stored_status(page, request_id) == "in_progress"

    # 5. Later, with no signal, she opens the app again: the newest status and the reply are there.
    context.set_offline(True)
    page.close()
    again = context.new_page()
    again.goto("/requests")
    card = again.locator(f"#my-requests > li[data-id='{request_id}']")
    card.locator(".messages", has_text=reply).wait_for()
    card.locator("[data-status=in_progress]").wait_for()
    assert "Sedang ditangani" in card.inner_text()
    assert card.locator("[data-status=new]").count() == 0
