"""The console menu in Chromium: every link at least 44 px tall and wide, the current page marked."""
import pytest

from app.extensions import db

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width, height", [(1366, 800), (1024, 768), (360, 740)])
def test_console_menu_links_are_44_px_tap_targets(browser_page, create_user, width, height):
    page = browser_page
    admin = create_user(role="admin")
    db.session.commit()
    db.session.remove()
    page.set_viewport_size({"width": width, "height": height})
    page.goto("/login?lang=en")
    page.fill("input[name=phone]", admin.email)
    page.fill("input[name=password]", "password123")
    with page.expect_navigation():
        page.click("form[action='/login'] button[type=submit]")
    page.goto("/console/job-orders")
    links = page.locator("header a.console-link")
    assert links.count() == 6  # queue, statistics, job orders; proposals, audit log, staff accounts
    for i in range(links.count()):
        box = links.nth(i).bounding_box()
        assert box["height"] >= 44 and box["width"] >= 44, (links.nth(i).inner_text(), box)
    assert page.locator("header a.console-link[aria-current=page]").inner_text() == "Job orders"
    for selector in ["header .langs a", "header a.brand"]:
        for box in [page.locator(selector).nth(i).bounding_box() for i in range(page.locator(selector).count())]:
            assert box["height"] >= 44, (selector, box)
