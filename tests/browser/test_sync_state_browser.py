"""What the phone shows of its items after they sync (issue 14 items 5, 6, 7): a report sent
offline says which mission received it, a newer status is never taken back by an old page, and a
second, fresh browser of the same worker sees her requests after its first sync."""
import time
import uuid
from datetime import datetime, timedelta, timezone

import pytest

from tests.support.presence_form import send_presence
from tests.support.browser import DEFAULT_TIMEOUT_MS

from .test_offline_pwa import SYNC_TIMEOUT_MS, offline_ready, write_help_request

pytestmark = pytest.mark.browser



def staff_token(live_server) -> str:
    staff = live_server.create_staff("KJRI-KOTAKINABALU")
    status, tokens = live_server.api("POST", "/api/v1/auth/login", {"email": staff["email"],
                                                                    "password": staff["password"]})
    assert status == 200, tokens
    return tokens["access_token"]


def request_id_of(live_server, worker, description) -> str:
    status, mine = live_server.api("GET", "/api/v1/help-requests", token=worker["access_token"])
    assert status == 200, mine
    [request_id] = [r["id"] for r in mine["items"] if r["description"] == description]
    return request_id


def stored_server_copy(page, request_id):
    """The server's copy of a request as the phone keeps it (IndexedDB), or None."""
    return page.evaluate("""(id) => new Promise((resolve) => {
        const open = indexedDB.open('jembatan');
        open.onsuccess = () => {
          const get = open.result.transaction('items').objectStore('items').get(id);
          get.onsuccess = () => resolve((get.result && get.result.server) || null);
        };
      })""", request_id)


def stored_status(page, request_id):
    """The status of a request as the phone keeps it, or None."""
    return (stored_server_copy(page, request_id) or {}).get("status")


def request_on_the_saved_page(page, live_server, login, description) -> str:
    """A worker's request, sent and synced; /requests reloaded, so the page saved for offline use
    lists it as new. Its id."""
    worker = live_server.create_worker()
    offline_ready(page, login, worker)
    write_help_request(page, description, region="MY-12")
    page.wait_for_selector(f"#my-requests > li[data-sync-state=synced]:has-text('{description}')",
                           timeout=SYNC_TIMEOUT_MS)
    request_id = request_id_of(live_server, worker, description)
    page.reload()
    return request_id


def wait_for_stored_status(page, request_id, status, timeout_ms=SYNC_TIMEOUT_MS):
    """Until the phone keeps `status` for the request. Polled from here: `page.wait_for_function`
    takes the Promise an IndexedDB read returns for a truthy answer and would not wait at all."""
    deadline = time.monotonic() + timeout_ms / 1000
    while (found := stored_status(page, request_id)) != status:
        assert time.monotonic() < deadline, f"the phone still keeps {found!r}, not {status!r}"
        page.wait_for_timeout(200)


def test_a_report_sent_offline_becomes_synced_and_shows_its_mission(page, context, live_server, login):
    worker = live_server.create_worker()
    offline_ready(page, login, worker)
    context.set_offline(True)
    page.goto("/presence")
    page.wait_for_selector("#presence-form", state="attached")
    send_presence(page)
    page.wait_for_selector("#presence-state[data-sync-state=pending]", state="attached")
    # One word and its icon per state, as on the request cards (issue 14 item 13).
    assert page.locator("#presence-state .state[data-state=pending]").inner_text().strip() == "Menunggu dikirim"

    context.set_offline(False)  # no reload: the page follows the outbox
    state = page.locator("#presence-state[data-sync-state=synced]")
    state.wait_for(timeout=SYNC_TIMEOUT_MS)
    assert state.locator(".state[data-state=synced]").inner_text().strip() == "Terkirim"
    assert "Diterima oleh KJRI Kota Kinabalu" in state.inner_text()
    assert "Tersimpan di ponsel" not in state.inner_text()
    calls = state.locator("a.call[href^='tel:'], a.call[href^='https://wa.me/']")
    assert calls.count() >= 1
    assert calls.first.bounding_box()["height"] >= 48


def test_a_staff_status_change_shows_and_the_newer_status_stays_offline(page, context, live_server, login):
    request_id = request_on_the_saved_page(page, live_server, login, f"Gaji belum dibayar {uuid.uuid4().hex[:6]}")
    card = page.locator(f"#my-requests > li[data-id='{request_id}']")
    assert card.locator("[data-status]").get_attribute("data-status") == "new"

    token = staff_token(live_server)
    for status in ("triaged", "in_progress"):
        assert live_server.api("PATCH", f"/api/v1/queue/{request_id}", {"status": status}, token)[0] == 200
    page.goto("/help")  # another page: its sync takes in the change, the saved /requests stays old
    wait_for_stored_status(page, request_id, "in_progress")

    context.set_offline(True)
    page.goto("/requests")
    card.locator("[data-status=in_progress]").wait_for()
    assert "Sedang ditangani" in card.inner_text()
    assert stored_status(page, request_id) == "in_progress"

    context.set_offline(False)
    page.goto("/help")
    page.goto("/requests")
    card.locator("[data-status=in_progress]").wait_for()
    page.wait_for_timeout(1000)  # the sync on load has answered
    assert card.locator("[data-status]").get_attribute("data-status") == "in_progress"
    assert stored_status(page, request_id) == "in_progress"


def keep_server_copy(page, request_id, server):
    """Put `server` as the phone's copy of the request, as a sync answer would have."""
    page.evaluate("""([id, server]) => new Promise((resolve, reject) => {
        const open = indexedDB.open('jembatan');
        open.onsuccess = () => {
          const tx = open.result.transaction('items', 'readwrite');
          const items = tx.objectStore('items');
          items.get(id).onsuccess = (e) => items.put({ ...e.target.result, server });
          tx.oncomplete = () => resolve();
          tx.onerror = () => reject(tx.error);
        };
      })""", [request_id, server])


def one_microsecond_later(stamp: str) -> str:
    at = datetime.fromisoformat(stamp.replace("Z", "+00:00")) + timedelta(microseconds=1)
    return at.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")


@pytest.mark.parametrize("later_by", ["nothing", "one microsecond"])
def test_a_saved_page_of_the_same_time_never_replaces_the_status_the_phone_has(page, context, live_server, login,
                                                                                later_by):
    """The copy the phone has wins over the saved /requests when it is as recent (the same time:
    the phone's stays) or later by less than a millisecond (two status changes in one millisecond:
    JavaScript's dates keep milliseconds only)."""
    page.set_viewport_size({"width": 360, "height": 740})
    request_id = request_on_the_saved_page(page, live_server, login, f"Majikan menahan paspor {uuid.uuid4().hex[:6]}")
    wait_for_stored_status(page, request_id, "new")
    server = stored_server_copy(page, request_id)
    stamp = server["updated_at"] if later_by == "nothing" else one_microsecond_later(server["updated_at"])
    keep_server_copy(page, request_id, {**server, "status": "in_progress", "updated_at": stamp})

    context.set_offline(True)
    page.goto("/requests")  # the saved page: the request as new, of the same time
    card = page.locator(f"#my-requests > li[data-id='{request_id}']")
    card.locator("[data-status=in_progress]").wait_for()
    assert "Sedang ditangani" in card.inner_text()
    assert stored_status(page, request_id) == "in_progress"


def test_a_second_fresh_browser_of_the_same_worker_sees_her_requests(page, browser, live_server, login):
    worker = live_server.create_worker()
    offline_ready(page, login, worker)
    descriptions = [f"Permintaan {n} {uuid.uuid4().hex[:6]}" for n in range(3)]
    for description in descriptions:
        write_help_request(page, description, region="MY-12")
    for description in descriptions:
        page.wait_for_selector(f"#my-requests > li[data-sync-state=synced]:has-text('{description}')",
                               timeout=SYNC_TIMEOUT_MS)
    answered = request_id_of(live_server, worker, descriptions[0])
    reply = "Kami akan menelepon Anda besok."
    assert live_server.api("POST", f"/api/v1/queue/{answered}/messages", {"body": reply},
                           staff_token(live_server))[0] == 201

    second = browser.new_context(base_url=live_server.url, service_workers="allow", locale="id-ID",
                                 viewport={"width": 360, "height": 740})
    second.set_default_timeout(DEFAULT_TIMEOUT_MS)
    try:
        phone_b = second.new_page()
        offline_ready(phone_b, login, worker)
        phone_b.goto("/requests")
        for description in descriptions:
            phone_b.wait_for_selector(f"#my-requests > li[data-sync-state=synced]:has-text('{description}')",
                                      timeout=SYNC_TIMEOUT_MS)
        phone_b.locator(f"#my-requests > li[data-id='{answered}'] .messages", has_text=reply).wait_for()
        # What the first sync brought is kept on this phone: offline, it is all still there.
        second.set_offline(True)
        phone_b.goto("/requests")
        for description in descriptions:
            phone_b.wait_for_selector(f"#my-requests > li:has-text('{description}')")
    finally:
        second.close()
