"""A phone that is watched or borrowed, on a small phone (360×740, Indonesian): the quick exit leaves no
way back, borrowed-phone mode erases the phone once the outbox is sent, discreet mode renames the app,
and a PIN hides the app until it is typed."""
import uuid

import pytest

from tests.support.browser import DEFAULT_TIMEOUT_MS

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}
SYNC_TIMEOUT_MS = 60_000  # the retry timer backs off; a bounded wait for the next try
NEUTRAL_TITLE = "Resep sederhana"
WHAT_THE_PHONE_KEEPS = """async () => ({
  databases: (await indexedDB.databases()).map((d) => d.name),
  caches: await caches.keys(),
  workers: (await navigator.serviceWorker.getRegistrations()).length,
  stored: localStorage.length + sessionStorage.length,
})"""


@pytest.fixture
def phone(browser, live_server):
    """A fresh 360×740 phone in Indonesian, pointed at the live server."""
    ctx = browser.new_context(base_url=live_server.url, viewport=PHONE, locale="id-ID", service_workers="allow")
    ctx.set_default_timeout(DEFAULT_TIMEOUT_MS)
    yield ctx
    ctx.close()


def back_lands_on_the_neutral_page(page):
    """history.back() once; whatever entry it reaches, the neutral page is what stays on screen."""
    with page.expect_event("framenavigated", predicate=lambda frame: frame.url.endswith("/resep")):
        page.evaluate("history.back()")
    page.wait_for_load_state()
    assert page.url.endswith("/resep"), page.url
    assert page.title() == NEUTRAL_TITLE
    assert page.locator("#main, .bar, #quick-exit").count() == 0  # nothing of Jembatan's pages


def test_quick_exit_leaves_no_way_back(phone, live_server, login):
    worker = live_server.create_worker()
    page = phone.new_page()
    login(page, worker["phone"], worker["password"])  # /login, then /
    page.goto("/help")
    page.goto("/requests")
    button = page.locator("#quick-exit").bounding_box()
    assert button["height"] >= 48 and button["width"] >= 48
    assert button["y"] + button["height"] <= PHONE["height"]  # fixed: on screen without scrolling

    page.click("#quick-exit")
    page.wait_for_url("**/resep")
    assert page.title() == NEUTRAL_TITLE
    for _earlier_page in ("/help", "/", "/login"):
        back_lands_on_the_neutral_page(page)

    # Opening the app anew (not "back") opens it as usual.
    page.goto("/help")
    page.wait_for_selector("#help-form")


def test_escape_twice_is_a_quick_exit_too(phone, live_server):
    page = phone.new_page()
    page.goto("/")
    page.goto("/emergency")
    page.wait_for_selector(".ecard", state="attached")
    page.keyboard.press("Escape")
    page.keyboard.press("Escape")
    page.wait_for_url("**/resep")
    back_lands_on_the_neutral_page(page)


def test_borrowed_phone_is_erased_once_the_outbox_is_sent(phone, live_server):
    worker = live_server.create_worker()
    page = phone.new_page()
    page.goto("/login")
    # The service worker first settles in (a login while it installs leaves "/" uncontrolled: app.js).
    page.wait_for_selector("html[data-offline-ready]", state="attached")
    page.fill("input[name=phone]", worker["phone"])
    page.fill("input[name=password]", worker["password"])
    page.check("#not-my-phone")
    with page.expect_navigation():
        page.click("form[action='/login'] button[type=submit]")
    page.wait_for_selector("html[data-offline-ready]", state="attached")
    banner = page.locator("#borrowed-banner")
    banner.wait_for()
    assert "bukan ponsel Anda" in banner.inner_text()

    phone.set_offline(True)
    description = f"Majikan menahan paspor saya {uuid.uuid4().hex[:6]}"
    page.goto("/help")
    page.select_option("select[name=category]", "document_withheld")
    page.select_option("select[name=urgency]", "high")
    page.fill("textarea[name=description]", description)
    page.select_option("select[name=country]", "MY")
    with page.expect_navigation():
        page.click("#help-form button[type=submit]")
    page.wait_for_selector("#borrowed-banner[data-waiting='1']")
    assert "1" in banner.inner_text()  # the warning says how much is still on this phone
    before = page.evaluate(WHAT_THE_PHONE_KEEPS)
    assert "jembatan" in before["databases"] and before["caches"]

    phone.set_offline(False)
    page.wait_for_url("**/cleared?why=sent", timeout=SYNC_TIMEOUT_MS)
    page.wait_for_selector("html[data-wiped]", state="attached")
    assert "sudah dihapus" in page.locator("#cleared").inner_text()
    kept = page.evaluate(WHAT_THE_PHONE_KEEPS)
    assert kept == {"databases": [], "caches": [], "workers": 0, "stored": 0}, kept
    cookies = {c["name"] for c in phone.cookies()}
    assert not cookies & {"access_token_cookie", "refresh_token_cookie", "csrf_access_token"}, cookies
    status, body = live_server.api("GET", "/api/v1/help-requests?limit=100", token=worker["access_token"])
    assert status == 200 and [r["description"] for r in body["items"]].count(description) == 1


def test_discreet_mode_changes_title_and_manifest_name(phone, live_server):
    page = phone.new_page()
    page.goto("/")
    page.wait_for_selector("html[data-offline-ready]", state="attached")  # pages saved, normal titles
    assert "Jembatan" in page.title()
    page.goto("/phone")
    with page.expect_navigation():
        page.click("#discreet-on")
    assert page.title() == "Catatan"
    assert page.get_attribute("link[rel=manifest]", "href") == "/discreet.webmanifest"
    manifest = page.evaluate("fetch(document.querySelector('link[rel=manifest]').href).then((r) => r.json())")
    assert manifest["name"] == manifest["short_name"] == "Catatan"

    # A page saved on the phone before discreet mode was chosen gets the bland title too.
    phone.set_offline(True)
    page.goto("/emergency")
    page.wait_for_selector(".ecard", state="attached")
    assert page.title() == "Catatan"
    assert page.get_attribute("link[rel=manifest]", "href") == "/discreet.webmanifest"


def test_pin_hides_the_app_until_it_is_typed(phone, live_server, login):
    worker = live_server.create_worker()
    page = phone.new_page()
    login(page, worker["phone"], worker["password"])
    page.goto("/phone")
    page.fill("#pin-set-form input[name=pin]", "2468")
    page.fill("#pin-set-form input[name=pin2]", "2468")
    page.click("#pin-set-form button[type=submit]")
    page.wait_for_selector("#pin-remove", state="visible")

    opened = phone.new_page()  # the app opened anew
    opened.goto("/requests")
    lock = opened.locator("#pin-lock")
    lock.wait_for()
    assert not opened.locator("main").is_visible() and not opened.locator("footer").is_visible()
    assert opened.locator("#quick-exit").is_visible()
    opened.fill("#pin-lock input[name=pin]", "1357")
    opened.click("#pin-lock button[type=submit]")
    opened.wait_for_selector("#pin-lock-error", state="visible")
    assert "4" in opened.locator("#pin-lock-error").inner_text()  # tries left
    assert not opened.locator("main").is_visible()
    opened.fill("#pin-lock input[name=pin]", "2468")
    opened.click("#pin-lock button[type=submit]")
    opened.locator("main").wait_for()
    assert not lock.is_visible()
    opened.reload()  # in the same visit it is not asked again
    opened.locator("main").wait_for()

    # Someone else tries PINs: after five wrong ones the phone is erased and logged out.
    other = phone.new_page()
    other.goto("/requests")
    for attempt in range(5):
        other.fill("#pin-lock input[name=pin]", f"{1000 + attempt}")
        other.click("#pin-lock button[type=submit]")
        if attempt < 4:
            other.wait_for_selector(f"#pin-lock-error:has-text('{4 - attempt}')")
    other.wait_for_url("**/cleared?why=pin")
    other.wait_for_selector("html[data-wiped]", state="attached")
    kept = other.evaluate(WHAT_THE_PHONE_KEEPS)
    assert kept["databases"] == [] and kept["caches"] == [] and kept["stored"] == 0, kept
    assert "access_token_cookie" not in {c["name"] for c in phone.cookies()}
