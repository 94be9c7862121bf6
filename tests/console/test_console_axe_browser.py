"""axe-core on the console pages in Chromium at 1366×800: no WCAG 2 A/AA violation (issues 14, 15).

axe-core comes inside axe-playwright-python (its bundled axe.min.js); the browser is Debian's
Chromium (tests/support/browser_fixtures.py). A violation is printed with its nodes, so the
failure says what to fix.

Pages checked, in English and Indonesian, with content:
- staff and admin: the queue (/console), a request with its history, notes, messages, the
  worker's presence and a voice note and a photo (/console/requests/<id>), the statistics;
- admin: /console/staff, /console/proposals (an open proposal; none rejected), /console/audit
  (all reads, one kind of record);
- staff: /console/job-orders, and the job-order form posted empty (its error state);
- partner and staff (filing for a worker): /console/assist (my filings), /console/assist/register
  (and posted empty), /console/assist/workers/<id>, its lapor diri and help forms (and both
  posted empty);
- after an action: a status change refused, the confirmation before resolving, a worker's
  one-time password code (staff); a handover refused and its one-time code (partner);
- the queue's new-requests notice, the bulk confirmation and its result.
A last test shows the check can fail (an unlabelled field and faint text are reported).
"""
import uuid
from urllib.parse import urlparse

import pytest
from app.extensions import db
from tests.builders import bare_presence_body, consent, file_bytes, placement_row, write_placements
from tests.support.axe import wcag_aa_violations

from .test_detail_browser import log_in

pytestmark = pytest.mark.browser

violations = wcag_aa_violations


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


@pytest.fixture
def fuller_world(console_world, app, create_user, create_request, client, auth, login_client, post_form, runner,
                 tmp_path):
    """console_world, and: a request with a voice note and a photo, answered and in progress; a
    match proposal for the admin (and reads in the audit log); a partner with a worker it filed for."""
    worker = create_user(full_name="Sri Wahyuni")
    files = []
    for kind in ("audio/webm", "image/jpeg"):
        attachment_id = str(uuid.uuid4())
        response = client.put(f"/api/v1/attachments/{attachment_id}", data=file_bytes(kind),
                              headers=auth(worker, **{"Content-Type": kind}))
        assert response.status_code == 201, response.json
        files.append(attachment_id)
    _w, attached = create_request(worker=worker, presence=True, attachments=files, urgency="high")
    staff = login_client(console_world["staff"])
    url = f"/console/requests/{attached['id']}"
    for status in ("triaged", "in_progress"):
        assert post_form(staff, f"{url}/status", status=status).status_code == 303
    assert post_form(staff, f"{url}/messages", body="Kami sudah menelepon majikan.").status_code == 303
    assert staff.get(url).status_code == 200  # a read, for the audit log

    rows = [placement_row(i) for i in range(3)]
    result = runner.invoke(args=["integration", "import-placements",
                                 write_placements(tmp_path / "p.csv", rows), "--no-match"])
    assert result.exit_code == 0, result.output
    (country, region, city) = rows[0]["country"], rows[0]["region"], rows[0]["city"]
    typo = rows[0]["full_name"][:-1] + ("a" if rows[0]["full_name"][-1] != "a" else "o")
    matched = create_user(full_name=typo.upper())
    response = client.put("/api/v1/presence", headers=auth(matched), json=bare_presence_body(
        passport_number="B7100001", country=country, region=region, city=city, employer_name=rows[0]["employer"]))
    assert response.status_code == 201, response.json
    assert "proposed" in runner.invoke(args=["integration", "match"]).output

    partner = create_user(role="partner", mission="KJRI-KOTAKINABALU", full_name="Rumah Aman Sabah")
    desk = login_client(partner)
    response = post_form(desk, "/console/assist/register", full_name="Sri Wahyuni", **consent())
    assert response.status_code == 303, response.text
    filed = response.headers["Location"].rstrip("/").rsplit("/", 1)[-1]
    db.session.commit()
    db.session.remove()
    return {**console_world, "partner": partner, "attached": attached, "filed": filed}


# (who, page): every console page, checked in English and Indonesian.
PAGES = [
    ("staff", "/console"),
    ("admin", "/console"),
    ("staff", "/console/requests/{worked}"),
    ("admin", "/console/requests/{worked}"),
    ("staff", "/console/stats"),
    ("admin", "/console/stats"),
    ("admin", "/console/staff"),
    ("staff", "/console/job-orders"),
    ("staff", "/console/requests/{attached}"),
    ("admin", "/console/proposals"),
    ("admin", "/console/proposals?status=rejected"),
    ("admin", "/console/audit"),
    ("admin", "/console/audit?entity=help_request"),
    ("partner", "/console/assist"),
    ("partner", "/console/assist/register"),
    ("partner", "/console/assist/workers/{filed}"),
    ("partner", "/console/assist/workers/{filed}/presence"),
    ("partner", "/console/assist/workers/{filed}/help"),
    ("staff", "/console/assist"),
    ("staff", "/console/assist/register"),
]
# (who, page, form): each form sent empty, as a browser without JavaScript would.
FORMS = [
    ("staff", "/console/job-orders", "form.job-order-form"),
    ("partner", "/console/assist/register", "#register-worker"),
    ("partner", "/console/assist/workers/{filed}/presence", "#file-presence"),
    ("partner", "/console/assist/workers/{filed}/help", "#file-help"),
]


def as_each(page, world, items):
    """(who, ...) items grouped by who, logged in as each in turn: one world, one login per person
    (the world took longer to make than the pages to check)."""
    for who in dict.fromkeys(item[0] for item in items):
        page.context.clear_cookies()
        log_in(page, world[who])
        for item in items:
            if item[0] == who:
                yield item


def test_console_pages_have_no_wcag_aa_violation(browser_page, fuller_world):
    page = browser_page
    page.set_viewport_size({"width": 1366, "height": 800})
    found = {}
    for who, path in as_each(page, fuller_world, PAGES):
        path = path.format(worked=fuller_world["worked"]["id"], attached=fuller_world["attached"]["id"],
                           filed=fuller_world["filed"])
        for lang in ("en", "id"):
            answer = page.goto(path + ("&" if "?" in path else "?") + f"lang={lang}")
            assert (answer.status, urlparse(page.url).path) == (200, urlparse(path).path), (who, path)
            page.wait_for_load_state("networkidle")
            found[f"{who} {path} {lang}"] = violations(page)
    assert len(found) == 2 * len(PAGES)
    assert {k: v for k, v in found.items() if v} == {}


def test_console_forms_posted_with_errors_have_no_wcag_aa_violation(browser_page, fuller_world):
    """Each form sent empty, as a browser without JavaScript would: the server's page with its errors."""
    page = browser_page
    page.set_viewport_size({"width": 1366, "height": 800})
    found = {}
    for who, path, form in as_each(page, fuller_world, FORMS):
        for lang in ("en", "id"):
            answer = page.goto(path.format(filed=fuller_world["filed"]) + f"?lang={lang}")
            assert answer.status == 200 and urlparse(page.url).path == path.format(filed=fuller_world["filed"]), (who, path)
            with page.expect_navigation() as sent:
                page.locator(form).evaluate("f => HTMLFormElement.prototype.submit.call(f)")
            assert sent.value.status == 422, (path, sent.value.status)
            page.wait_for_load_state("networkidle")
            found[f"{who} {path} {lang}"] = violations(page)
    assert len(found) == 2 * len(FORMS)
    assert {k: v for k, v in found.items() if v} == {}


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


def sent(page, form, refused: bool, **choices):
    """Send `form` (a locator) as a browser without JavaScript would, after choosing `choices`; its
    answer must be refused (4xx) or not, as said."""
    for name, value in choices.items():
        field = form.locator(f"[name={name}]")
        field.select_option(value) if field.evaluate("e => e.tagName") == "SELECT" else field.fill(value)
    with page.expect_navigation() as answer:
        form.evaluate("f => HTMLFormElement.prototype.submit.call(f)")
    assert (answer.value.status >= 400) == refused, answer.value.status
    page.wait_for_load_state("networkidle")


@pytest.mark.parametrize("lang", ["en", "id"])
def test_the_one_time_and_refused_pages_have_no_wcag_aa_violation(browser_page, fuller_world, lang):
    """The pages shown after an action: a status refused, the confirmation before resolving, a
    worker's one-time password code; a partner's handover refused, then its one-time code."""
    page = browser_page
    page.set_viewport_size({"width": 1366, "height": 800})
    found = {}
    log_in(page, fuller_world["staff"])
    detail = f"/console/requests/{fuller_world['attached']['id']}?lang={lang}"
    page.goto(detail)
    sent(page, page.locator("#status-form"), refused=True)
    found["status refused"] = violations(page)
    page.goto(detail)
    sent(page, page.locator("#status-form"), refused=False, status="resolved")
    found["confirm resolve"] = violations(page)
    page.goto(detail)
    sent(page, page.locator("#issue-reset-code").locator("xpath=ancestor::form"), refused=False)
    found["reset code"] = violations(page)

    page.context.clear_cookies()
    log_in(page, fuller_world["partner"])
    worker = f"/console/assist/workers/{fuller_world['filed']}?lang={lang}"
    page.goto(worker)
    sent(page, page.locator("#handover form"), refused=True, phone="12")
    found["handover refused"] = violations(page)
    page.goto(worker)
    sent(page, page.locator("#handover form"), refused=False, phone="+6281234567001")
    found["handover code"] = violations(page)
    assert {k: v for k, v in found.items() if v} == {}


def test_the_check_finds_an_unlabelled_field_and_faint_text(browser_page, console_world):
    """The check itself can fail: a field without a label and grey-on-white text put into a page are reported."""
    page = browser_page
    log_in(page, console_world["staff"])
    page.goto("/console?lang=en")
    page.evaluate("""() => {  // styled through the CSSOM: the page's CSP drops inline style attributes
        document.querySelector('main').insertAdjacentHTML('beforeend', '<input id="no-label"><p id="faint">Faint</p>');
        Object.assign(document.getElementById('faint').style, {color: '#bbb', background: '#fff'});
    }""")
    found = violations(page)
    assert any(line.startswith("label ") for line in found), found
    assert any(line.startswith("color-contrast ") for line in found), found
