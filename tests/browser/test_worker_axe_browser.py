"""axe-core on every worker page at 360×740 in Indonesian: no WCAG 2.1 A/AA violation (issue 14's
tests). axe-core comes inside axe-playwright-python; the browser is Debian's Chromium. One server
and one browser page per test: each page is opened, checked, and its violations collected, so a
failure lists every page and node to fix at once.

Pages checked (every GET HTML page a worker, her family or a village user can open):
- logged out: / · /login · /register · /reset · /emergency · /channels · /channels/<slug> (a
  scheme) · /verify · /verify?licence_number=… (a found agency) and an unknown one · /status ·
  /offline · /help · /presence · /cleared · /cleared?why=… · /resep (the quick-exit page);
- logged in, empty: / · /presence · /help · /requests · /emergency · /account · /phone;
- logged in, with content (a presence report stored, help requests new / triaged / in progress
  with a staff message / resolved / withdrawn): / · /presence · /help · /requests · /account ·
  /requests/<id>/family (no PIN, then with a PIN set) · /status answered for her family;
- offline, drawn by the phone's script: / · /requests · /emergency · /help with items waiting in
  the outbox; back online: /requests with a request sent and one refused, and /help?edit=… (the
  refused one, to correct);
- error states, posted without JavaScript (the server's page): /login (wrong password) ·
  /register (short password) · /reset (unknown phone) · /status (wrong PIN) · /presence and
  /help (empty forms) · /requests/<id>/family (a PIN that is not 6 digits).
"""

import pytest
from tests.builders import help_body, presence_body
from tests.support.axe import wcag_aa_violations

from .test_offline_pwa import SYNC_TIMEOUT_MS, item, one_taken_one_refused_offline
from .test_sync_state_browser import staff_token

pytestmark = pytest.mark.browser

PUBLIC = ["/", "/login", "/register", "/reset", "/emergency", "/channels", "/channels/zero-placement-cost-rule",
          "/verify", "/verify?licence_number=CONTOH-P3MI-001", "/verify?licence_number=TIDAK-ADA", "/status",
          "/offline", "/help", "/presence", "/cleared", "/cleared?why=not_my_phone", "/resep"]
WORKER = ["/", "/presence", "/help", "/requests", "/emergency", "/account", "/phone"]
WITH_CONTENT = ["/", "/presence", "/help", "/requests", "/account"]


def report(path: str, page) -> list[str]:
    """The page as it is now, checked: one line per violation with its first nodes."""
    page.wait_for_load_state("networkidle")
    return [f"{path}: {line}" for line in wcag_aa_violations(page)]


def violations(page, path: str) -> list[str]:
    page.goto(path)
    return report(path, page)


def posted(page, path: str, selector: str, refused: bool = True, **fields) -> list[str]:
    """Fill a form and send it as a phone without JavaScript would (no script handler, no browser
    check), then check the page the server answers with (its error state when `refused`)."""
    page.goto(path)
    form = page.locator(selector)
    for name, value in fields.items():
        form.locator(f"[name={name}]").fill(value)
    with page.expect_navigation() as sent:
        form.evaluate("f => HTMLFormElement.prototype.submit.call(f)")
    assert (sent.value.status >= 400) == refused, (path, sent.value.status)
    return report(f"{path} (posted {sorted(fields)})", page)


def test_worker_pages_have_no_wcag_aa_violation(page, live_server, login):
    found = []
    for path in PUBLIC:
        found += violations(page, path)
    worker = live_server.create_worker()
    login(page, worker["phone"], worker["password"])
    for path in WORKER:
        found += violations(page, path)
    assert not found, "\n".join(found)


def a_worker_with_content(live_server) -> tuple[dict, dict]:
    """A worker with her presence report and five help requests in different states, one answered by
    staff; returns (worker, {status: request id})."""
    worker = live_server.create_worker()
    token = worker["access_token"]
    assert live_server.api("PUT", "/api/v1/presence", presence_body(), token)[0] == 201
    ids = {}
    for status in ("new", "triaged", "in_progress", "resolved", "withdrawn"):
        code, body = live_server.api("POST", "/api/v1/help-requests",
                                     help_body(description=f"Permintaan {status}: gaji belum dibayar."), token)
        assert code == 201, body
        ids[status] = body["id"]
    staff = staff_token(live_server)
    for status, path in (("triaged", ["triaged"]), ("in_progress", ["triaged", "in_progress"]),
                         ("resolved", ["triaged", "in_progress", "resolved"])):
        for step in path:
            assert live_server.api("PATCH", f"/api/v1/queue/{ids[status]}", {"status": step}, staff)[0] == 200
    assert live_server.api("POST", f"/api/v1/queue/{ids['in_progress']}/messages",
                           {"body": "Kami sudah menelepon majikan Anda. Kami akan menghubungi Anda besok."},
                           staff)[0] == 201
    assert live_server.api("POST", f"/api/v1/help-requests/{ids['withdrawn']}/withdraw", {}, token)[0] == 200
    return worker, ids


def test_worker_pages_with_content_and_errors_have_no_wcag_aa_violation(page, live_server, login):
    worker, ids = a_worker_with_content(live_server)
    found = posted(page, "/login", "form[action='/login']", phone=worker["phone"], password="salah-sekali")
    found += posted(page, "/register", "form[action='/register']", full_name="Siti", phone="0812", password="123")
    found += posted(page, "/reset", "#reset-request", phone="12")
    login(page, worker["phone"], worker["password"])
    for path in WITH_CONTENT:
        found += violations(page, path)
    family = f"/requests/{ids['in_progress']}/family"
    found += violations(page, family)
    found += posted(page, family, f"form[action='{family}']", pin="12")
    found += posted(page, family, f"form[action='{family}']", pin="246810", refused=False)
    found += posted(page, "/presence", "#presence-form")
    found += posted(page, "/help", "#help-form")
    code, mine = live_server.api("GET", f"/api/v1/help-requests/{ids['in_progress']}", token=worker["access_token"])
    assert code == 200, mine
    found += posted(page, "/status", "form[action='/status']", reference=mine["reference"], pin="111111")
    found += posted(page, "/status", "form[action='/status']", reference=mine["reference"], pin="246810",
                    refused=False)
    assert not found, "\n".join(found)


def test_worker_pages_offline_with_waiting_sent_and_refused_items_have_no_wcag_aa_violation(page, context,
                                                                                            live_server, login):
    good, bad = one_taken_one_refused_offline(page, context, live_server, login, "Gaji belum dibayar")
    item(page, bad).wait_for()
    found = report("/requests (offline, 2 waiting)", page)
    for path in ("/", "/emergency", "/help"):
        page.goto(path)
        found += [f"{line} (offline)" for line in report(path, page)]
    context.set_offline(False)
    page.goto("/requests")
    page.wait_for_selector(f"#my-requests > li[data-sync-state=rejected]:has-text('{bad}')",
                           timeout=SYNC_TIMEOUT_MS)
    page.wait_for_selector(f"#my-requests > li[data-sync-state=synced]:has-text('{good}')")
    found += report("/requests (sent and refused)", page)
    with page.expect_navigation():
        item(page, bad).locator("a[href^='/help?edit=']").click()
    found += report("/help?edit= (the refused request)", page)
    assert not found, "\n".join(found)
