"""The console in Chromium: a staff member logs in and works one request from new to resolved."""
import uuid

import pytest
from sqlalchemy import select

from app.extensions import db
from app.help.models import HelpMessage, HelpRequest, HelpRequestEvent, InternalNote

pytestmark = pytest.mark.browser


def submit(page, form_selector):
    """Submit a form and wait (bounded) for the page it redirects to."""
    with page.expect_navigation():
        page.click(f"{form_selector} button[type=submit]")


def test_staff_works_a_request_from_new_to_resolved(browser_page, live_server, create_user, create_request):
    page = browser_page
    staff = create_user(role="staff", full_name="Dewi Lestari")
    _worker, request = create_request(category="document_withheld", urgency="high",
                                      description="Majikan menahan paspor saya <b>tolong</b>")
    # Everything the browser needs is committed, and the test holds no transaction open.
    db.session.commit()
    db.session.remove()

    page.goto("/login?lang=en")
    page.fill("input[name=phone]", staff.email)
    page.fill("input[name=password]", "password123")
    with page.expect_navigation():
        page.click("form[action='/login'] button[type=submit]")
    assert page.url.endswith("/console"), page.url

    row = page.locator("table.queue tr", has_text=request["reference"])
    row.wait_for()
    assert "Documents withheld" in row.inner_text()
    with page.expect_navigation():
        row.locator("a.ref").click()
    assert request["id"] in page.url
    assert page.locator("#description").inner_text() == "Majikan menahan paspor saya <b>tolong</b>"

    submit(page, "form[action$='/claim']")
    assert "Dewi Lestari" in page.locator("#assignee").inner_text()

    page.fill("#notes textarea[name=body]", "Called the employer; passport to be returned Monday.")
    submit(page, "#notes form")
    assert "passport to be returned Monday" in page.locator("#notes .thread").inner_text()

    page.fill("#messages textarea[name=body]", "Kami sedang menangani permintaan Anda.")
    submit(page, "#messages form")
    assert "Kami sedang menangani" in page.locator("#messages .thread").inner_text()

    # Resolving asks in a dialog first (static/js/console-detail.js); the staff member says yes.
    page.on("dialog", lambda dialog: dialog.accept())
    for status in ("triaged", "in_progress", "resolved"):
        page.select_option("#status-form select[name=status]", status)
        submit(page, "#status-form")
        assert page.locator("#status").get_attribute("class").endswith(f"status-{status}")

    db.session.remove()
    row = db.session.get(HelpRequest, uuid.UUID(request["id"]))
    assert row.status == "resolved" and row.assignee_id == staff.id
    statuses = db.session.scalars(select(HelpRequestEvent.to_value).where(
        HelpRequestEvent.help_request_id == row.id, HelpRequestEvent.kind == "status")
        .order_by(HelpRequestEvent.created_at)).all()
    assert statuses == ["new", "triaged", "in_progress", "resolved"]
    assert [n.body for n in db.session.scalars(select(InternalNote))] == [
        "Called the employer; passport to be returned Monday."]
    assert [(m.body, m.direction, m.author_id) for m in db.session.scalars(select(HelpMessage))] == [
        ("Kami sedang menangani permintaan Anda.", "to_worker", staff.id)]
