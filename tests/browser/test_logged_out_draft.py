"""A help request written before logging in is kept on the phone and sent after login or after
registering, once (issue 14 item 12: it used to be thrown away on the way to /login)."""
import time
import uuid

import pytest

pytestmark = pytest.mark.browser

SENT_WITHIN_S = 30


def write_logged_out(page, category, description):
    """Write a help request before logging in: the page keeps it and asks her to log in."""
    page.goto("/help")
    page.select_option("select[name=category]", category)
    page.fill("textarea[name=description]", description)
    page.select_option("select[name=country]", "MY")
    with page.expect_navigation():
        page.click("#help-form button[type=submit]")
    assert "/login" in page.url and "next=/requests" in page.url


def test_a_request_written_while_logged_out_is_sent_after_login(page, live_server, login):
    worker = live_server.create_worker()
    description = "Ditulis sebelum masuk: gaji saya belum dibayar tiga bulan"
    page.set_viewport_size({"width": 360, "height": 740})
    write_logged_out(page, "unpaid_wages", description)

    login(page, worker["phone"], worker["password"], target=page.url)
    assert page.url.endswith("/requests")
    page.locator("#my-requests > li", has_text=description).wait_for()

    deadline = time.monotonic() + SENT_WITHIN_S
    copies = []
    while time.monotonic() < deadline:
        status, body = live_server.api("GET", "/api/v1/help-requests?limit=100", token=worker["access_token"])
        assert status == 200, body
        copies = [r for r in body["items"] if r["description"] == description]
        if copies:
            break
        time.sleep(0.5)
    assert len(copies) == 1, live_server.log()[-2000:]
    assert copies[0]["category"] == "unpaid_wages"

    page.reload()  # opening the app again sends nothing twice: the draft is gone
    page.locator("#my-requests > li", has_text=description).wait_for()
    time.sleep(1)
    status, body = live_server.api("GET", "/api/v1/help-requests?limit=100", token=worker["access_token"])
    assert sum(1 for r in body["items"] if r["description"] == description) == 1


def test_a_request_written_while_logged_out_is_sent_after_registering(page, live_server):
    """She has no account yet: from the login page she creates one, lands on her requests, and what
    she wrote is there and reaches the server once, under the new account."""
    description = "Ditulis sebelum mendaftar: majikan menahan paspor saya"
    write_logged_out(page, "document_withheld", description)

    with page.expect_navigation():
        page.click("a[href^='/register']")  # "Belum punya akun? Buat akun"
    phone = "0812" + str(uuid.uuid4().int)[:8]
    page.fill("input[name=full_name]", "Siti Aminah")
    page.fill("input[name=phone]", phone)
    page.fill("input[name=password]", "password123")
    with page.expect_navigation():
        page.click("form[action='/register'] button[type=submit]")
    assert page.url.endswith("/requests"), page.url
    page.locator("#my-requests > li", has_text=description).wait_for()

    status, tokens = live_server.api("POST", "/api/v1/auth/login", {"phone": "+62" + phone[1:],
                                                                    "password": "password123"})
    assert status == 200, tokens
    page.wait_for_selector(f"#my-requests > li[data-sync-state=synced]:has-text('{description}')",
                           timeout=SENT_WITHIN_S * 1000)
    status, body = live_server.api("GET", "/api/v1/help-requests?limit=100", token=tokens["access_token"])
    assert status == 200, body
    copies = [r for r in body["items"] if r["description"] == description]
    assert len(copies) == 1, live_server.log()[-2000:]
    assert copies[0]["category"] == "document_withheld"

    page.reload()  # opening the app again sends nothing twice: the draft is gone
    page.wait_for_selector(f"#my-requests > li[data-sync-state=synced]:has-text('{description}')")
    assert page.evaluate("""() => new Promise((resolve) => {
        const open = indexedDB.open('jembatan');
        open.onsuccess = () => {
          const get = open.result.transaction('meta').objectStore('meta').get('draft');
          get.onsuccess = () => resolve(get.result === undefined);
        };
      })""")
    status, body = live_server.api("GET", "/api/v1/help-requests?limit=100", token=tokens["access_token"])
    assert sum(1 for r in body["items"] if r["description"] == description) == 1
