"""Issue 14 item 4 with JavaScript, at 360x740 in Indonesian: the phone checks an item with the
server's rules before it enters the outbox and shows every error at once next to its field (the
emergency contact's phone included: it used to be dropped); a refusal the phone could not foresee
is shown per field too, and its reason only once."""
from datetime import date, timedelta

import pytest
from tests.support.axe import wcag_aa_violations

pytestmark = pytest.mark.browser

PHONE_WORDS = "Nomor telepon ini belum benar."
SYNC_TIMEOUT_MS = 30_000

OUTBOX_SIZE = """() => new Promise((resolve, reject) => {
  const open = indexedDB.open('jembatan');
  open.onerror = () => reject(open.error);
  open.onsuccess = () => {
    const count = open.result.transaction('outbox').objectStore('outbox').count();
    count.onsuccess = () => resolve(count.result);
  };
})"""


def _presence_page(page, live_server, login):
    worker = live_server.create_worker()
    page.set_viewport_size({"width": 360, "height": 740})
    login(page, worker["phone"], worker["password"])
    page.goto("/presence")
    page.wait_for_selector("html[data-offline-ready]", state="attached")
    page.select_option("select[name=passport_status]", "lost")
    page.select_option("select[name=country]", "MY")
    return worker


# A report as a worker fills it, every required field right; each test changes what it is about.
RIGHT = {"address": "Jalan Tuaran 12", "employer_name": "Ladang Sawit", "arrival_date": "2025-03-01",
         "emergency_contact.name": "Ibu Sri", "emergency_contact.phone": "0812 3456 7890",
         "emergency_contact.relation": "ibu"}


def _fill(page, fields: dict):
    for name, value in fields.items():
        page.fill(f"input[name='{name}']", value)


def _error_of(page, name):
    """The words of the error the field `name` is described by (aria-describedby), or None."""
    return page.evaluate("""(name) => {
      const field = document.querySelector(`[name="${name}"]`);
      if (field.getAttribute('aria-invalid') !== 'true') return null;
      return document.getElementById(field.getAttribute('aria-describedby'))?.textContent || null;
    }""", name)


def test_the_phone_shows_every_error_at_once_and_keeps_the_item_out_of_the_outbox(page, live_server, login):
    worker = _presence_page(page, live_server, login)
    _fill(page, {**RIGHT, "address": "", "arrival_date": (date.today() + timedelta(days=2)).isoformat(),
                 "emergency_contact.phone": "12"})
    page.click("#presence-form button[type=submit]")

    page.wait_for_selector("#presence-form .error-summary")
    assert page.url.endswith("/presence")
    assert _error_of(page, "address") == "Isian ini wajib diisi."
    assert _error_of(page, "arrival_date") == "Tanggal ini belum tiba. Pilih hari ini atau tanggal sebelumnya."
    assert (_error_of(page, "emergency_contact.phone") or "").startswith(PHONE_WORDS)
    assert _error_of(page, "emergency_contact.name") is None
    summary = page.locator("#presence-form .error-summary")
    assert page.locator(".error-summary").count() == 1
    assert summary.locator("a[href='#field-emergency_contact-phone']").inner_text() == "Kontak darurat di Indonesia: Telepon"
    assert summary.locator("li").count() == 3
    assert page.evaluate("document.activeElement.classList.contains('error-summary')")
    assert wcag_aa_violations(page) == []
    # Nothing entered the outbox, nothing reached the server.
    assert page.evaluate(OUTBOX_SIZE) == 0
    status, _body = live_server.api("GET", "/api/v1/presence", token=worker["access_token"])
    assert status == 404

    # Corrected, the errors go and the report is kept on the phone to be sent.
    _fill(page, RIGHT)
    with page.expect_navigation():
        page.click("#presence-form button[type=submit]")
    page.wait_for_selector("#presence-state[data-sync-state=synced]", timeout=SYNC_TIMEOUT_MS)


def test_a_refusal_from_the_server_is_shown_under_the_emergency_contacts_phone(page, live_server, login):
    _presence_page(page, live_server, login)
    # Shaped like a number (the phone lets it through), but no Indonesian line has it: only the server knows.
    _fill(page, {**RIGHT, "emergency_contact.phone": "0000 0000"})
    with page.expect_navigation():
        page.click("#presence-form button[type=submit]")

    page.wait_for_selector("#presence-state[data-sync-state=rejected]", timeout=SYNC_TIMEOUT_MS)
    page.wait_for_selector("#error-emergency_contact-phone")
    assert (_error_of(page, "emergency_contact.phone") or "").startswith(PHONE_WORDS)
    assert page.input_value("input[name='emergency_contact.phone']") == "0000 0000"
    text = page.inner_text("main")
    assert page.locator(".error-summary").count() == 1
    assert text.count("Ada isian yang") == 0 and text.count("Tolong perbaiki yang ditandai ini:") == 1
    assert wcag_aa_violations(page) == []
