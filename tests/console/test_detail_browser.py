"""The request page in Chromium at a desk's sizes (1366×800, 1024×768): nothing wider than the window,
phone links a thumb can hit, resolve asked in a dialog, a note template, and the page on paper."""
import uuid

import pytest

from app.extensions import db
from app.help.models import HelpRequest

pytestmark = pytest.mark.browser


def log_in(page, user):
    page.goto("/login?lang=en")
    page.fill("input[name=phone]", user.email)
    page.fill("input[name=password]", "password123")
    with page.expect_navigation():
        page.click("form[action='/login'] button[type=submit]")


@pytest.mark.parametrize("width,height", [(1366, 800), (1024, 768)])
def test_the_request_page_at_a_desk(browser_page, create_user, create_request, login_client, post_form, width, height):
    page = browser_page
    page.set_viewport_size({"width": width, "height": height})
    staff = create_user(role="staff", full_name="Dewi Lestari")
    _worker, request = create_request(presence=True)
    client = login_client(staff)
    for status in ("triaged", "in_progress"):
        assert post_form(client, f"/console/requests/{request['id']}/status", status=status).status_code == 303
    db.session.commit()
    db.session.remove()

    log_in(page, staff)
    page.goto(f"/console/requests/{request['id']}?lang=en")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    # Every call and WhatsApp link is at least 44 px each way.
    sizes = page.eval_on_selector_all(".phone-links a", "els => els.map(e => [e.getBoundingClientRect().width,"
                                                        " e.getBoundingClientRect().height])")
    assert len(sizes) >= 6 and all(w >= 44 and h >= 44 for w, h in sizes), sizes
    spilled = page.eval_on_selector_all(".phone-links a", "els => els.filter(e => e.getBoundingClientRect().right >"
                                                          " e.closest('.panel').getBoundingClientRect().right)"
                                                          ".map(e => e.textContent)")
    assert spilled == [], spilled

    # Nothing is chosen for the staff member; resolving asks first, and "cancel" changes nothing.
    assert page.input_value("#status-form select[name=status]") == ""
    page.select_option("#status-form select[name=status]", "resolved")
    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    page.click("#status-form button[type=submit]")
    page.wait_for_timeout(300)
    assert asked and "as resolved?" in asked[0]
    assert page.locator("#status").get_attribute("class").endswith("status-in_progress")
    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        page.click("#status-form button[type=submit]")
    assert page.locator("#status").get_attribute("class").endswith("status-resolved")

    # A consular note template fills the empty note box.
    page.select_option("select[data-fills=note-body]", "call")
    assert page.input_value("#note-body").startswith("Phone call with the worker on [")

    # On paper: the letterhead and the personal-data mark, no menu, no forms.
    page.emulate_media(media="print")
    assert page.locator("#letterhead").is_visible()
    assert "DATA PRIBADI — RAHASIA" in page.locator("#letterhead").inner_text()
    for hidden in ("header.bar", "#actions", "#notes", "#messages form", "footer.foot"):
        assert not page.locator(hidden).first.is_visible(), hidden
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") in ("rgb(255, 255, 255)",
                                                                              "rgba(0, 0, 0, 0)")
    db.session.remove()
    assert db.session.get(HelpRequest, uuid.UUID(request["id"])).status == "resolved"
