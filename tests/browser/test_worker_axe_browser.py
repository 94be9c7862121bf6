"""axe-core on every worker page at 360×740 in Indonesian: no WCAG 2.1 A/AA violation (issue 14's
tests). axe-core comes inside axe-playwright-python; the browser is Debian's Chromium. One server
and one browser page for all of them: each page is opened, checked, and its violations collected,
so a failure lists every page and node to fix at once."""
import pytest
from axe_playwright_python.sync_playwright import Axe

pytestmark = pytest.mark.browser

WCAG_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
PUBLIC = ["/", "/login", "/register", "/reset", "/emergency", "/channels", "/verify",
          "/verify?licence_number=CONTOH-P3MI-001", "/status", "/offline", "/help", "/presence"]
WORKER = ["/", "/presence", "/help", "/requests", "/emergency", "/account", "/phone"]


def violations(page, path: str) -> list[str]:
    page.goto(path)
    page.wait_for_load_state("networkidle")
    results = Axe().run(page, options=WCAG_AA)
    return [f"{path}: {v['id']} ({v['impact']}): {v['help']} — " + "; ".join(
        " ".join(n["target"]) if isinstance(n["target"], list) else str(n["target"]) for n in v["nodes"][:5])
        for v in results.response["violations"]]


def test_worker_pages_have_no_wcag_aa_violation(page, live_server, login):
    page.set_viewport_size({"width": 360, "height": 740})
    found = []
    for path in PUBLIC:
        found += violations(page, path)
    worker = live_server.create_worker()
    login(page, worker["phone"], worker["password"])
    for path in WORKER:
        found += violations(page, path)
    assert not found, "\n".join(found)
