"""axe-core on the console pages in Chromium at 1366×800: no WCAG 2 A/AA violation (issue 15).

axe-core comes inside axe-playwright-python (its bundled axe.min.js); the browser is Debian's
Chromium (tests/support/browser_fixtures.py). A violation is printed with its nodes, so the
failure says what to fix.
"""
import pytest
from axe_playwright_python.sync_playwright import Axe

from app.extensions import db

from .test_detail_browser import log_in

pytestmark = pytest.mark.browser

WCAG_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


def violations(page) -> list[str]:
    results = Axe().run(page, options=WCAG_AA)
    return [f"{v['id']} ({v['impact']}): {v['help']} — " + "; ".join(
        " ".join(n["target"]) if isinstance(n["target"], list) else str(n["target"]) for n in v["nodes"][:5])
        for v in results.response["violations"]]


@pytest.fixture
def console_world(app, create_user, create_request, login_client, post_form):
    """An admin and a staff member, a few requests (one worked, one with the worker's presence)."""
    app.config["CONSOLE_POLL_SECONDS"] = 0.5
    admin = create_user(role="admin", full_name="Admin Pusat")
    staff = create_user(role="staff", full_name="Dewi Lestari")
    create_user(role="staff", full_name="Rina Kolega")
    _w, worked = create_request(presence=True, category="document_withheld", urgency="high")
    create_request(category="abuse_violence", urgency="emergency")
    create_request()
    client = login_client(staff)
    url = f"/console/requests/{worked['id']}"
    assert post_form(client, f"{url}/status", status="triaged").status_code == 303
    assert post_form(client, f"{url}/notes", body="Called the employer.").status_code == 303
    assert post_form(client, f"{url}/messages", body="Kami sedang menangani.").status_code == 303
    db.session.commit()
    db.session.remove()
    return {"admin": admin, "staff": staff, "worked": worked}


@pytest.mark.parametrize("who,path", [
    ("staff", "/console"),
    ("admin", "/console"),
    ("staff", "/console/requests/{worked}"),
    ("admin", "/console/requests/{worked}"),
    ("staff", "/console/stats"),
    ("admin", "/console/stats"),
    ("admin", "/console/staff"),
    ("staff", "/console/job-orders"),
])
@pytest.mark.parametrize("lang", ["en", "id"])
def test_console_pages_have_no_wcag_aa_violation(browser_page, console_world, who, path, lang):
    page = browser_page
    page.set_viewport_size({"width": 1366, "height": 800})
    log_in(page, console_world[who])
    page.goto(path.format(worked=console_world["worked"]["id"]) + f"?lang={lang}")
    page.wait_for_load_state("networkidle")
    assert violations(page) == []


def test_the_queue_with_its_new_requests_notice_and_the_bulk_confirmation(
        browser_page, console_world, create_request):
    page = browser_page
    page.set_viewport_size({"width": 1366, "height": 800})
    log_in(page, console_world["staff"])
    page.goto("/console?lang=en")
    create_request(category="trafficking", urgency="emergency")
    db.session.remove()
    page.locator("#queue-news").wait_for(state="visible")
    assert violations(page) == []
    page.locator("#select-all").check()
    page.select_option("select[name=closure_reason]", "spam")
    with page.expect_navigation():
        page.click("#bulk-close")
    assert page.locator("#bulk-confirm").is_visible()
    assert violations(page) == []
    with page.expect_navigation():
        page.click("#confirm-bulk")
    assert page.locator("#bulk-result").is_visible()
    assert violations(page) == []
