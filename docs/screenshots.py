"""Screenshots for the README, taken from the running app so they stay true.

    .venv/bin/python docs/screenshots.py          # after `make install browser`; writes docs/screenshots/*.png

The app is served by gunicorn on 127.0.0.1 against a fresh SQLite file with the sample data of
`make serve` (`flask seed --sample`), exactly as the browser tests serve it
(tests/support/live_server.py). Debian's Chromium (never a downloaded browser) takes the
worker's screens at 360×740 — a cheap phone — in Indonesian, and the console's at 1366×800.
Every wait is bounded; the server is stopped whatever happens.
"""
import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from tests.support.browser import CHROMIUM, CHROMIUM_ARGS, DEFAULT_TIMEOUT_MS  # noqa: E402
from tests.support.live_server import LiveServer  # noqa: E402

OUT = ROOT / "docs" / "screenshots"
PHONE = {"width": 360, "height": 740}
DESK = {"width": 1366, "height": 800}
PASSWORD = "jembatan-demo"  # the sample accounts' password (app/accounts/sample.py)
WORKER, STAFF = "+60123456789", "staff.kotakinabalu@example.org"

# (file name, path, what it shows): the worker's main screens, in the order of her journey.
WORKER_SCREENS = [
    ("worker-home", "/", "Home: lapor diri, ask for help, emergency numbers"),
    ("worker-presence", "/presence", "Lapor diri: country and region from lists, local phone formats"),
    ("worker-help", "/help", "Asking for help: works offline, sent exactly once"),
    ("worker-requests", "/requests", "Her requests: where each went and its status"),
    ("worker-emergency", "/emergency", "Emergency: one big call button per number"),
]
PUBLIC_SCREENS = [
    ("village-verify", "/verify?licence_number=contoh-p3mi-001", "Checking an agency before going"),
]
CONSOLE_SCREENS = [
    ("console-queue", "/console", "The mission's queue: most urgent first, deadlines"),
    ("console-stats", "/console/stats", "Outcomes: response and resolution times, deadlines met"),
]


def log_in(page, identifier: str) -> None:
    page.goto("/login")
    page.fill("input[name=phone]", identifier)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.click("form[action='/login'] button[type=submit]")
    if "/login" in page.url:
        raise RuntimeError(f"could not log in as {identifier}")


def shoot(page, name: str, path: str) -> Path:
    page.goto(path)
    page.wait_for_load_state("networkidle")
    target = OUT / f"{name}.png"
    page.screenshot(path=str(target))
    return target


def take_all(url: str) -> list[tuple[str, str]]:
    """Every screen, as (file name, caption)."""
    OUT.mkdir(parents=True, exist_ok=True)
    taken = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            phone = browser.new_context(base_url=url, viewport=PHONE, locale="id-ID", device_scale_factor=1,
                                        service_workers="block")
            phone.set_default_timeout(DEFAULT_TIMEOUT_MS)
            page = phone.new_page()
            for name, path, caption in PUBLIC_SCREENS:
                shoot(page, name, path)
                taken.append((name, caption))
            log_in(page, WORKER)
            for name, path, caption in WORKER_SCREENS:
                shoot(page, name, path)
                taken.append((name, caption))
            phone.close()

            desk = browser.new_context(base_url=url, viewport=DESK, locale="id-ID", service_workers="block")
            desk.set_default_timeout(DEFAULT_TIMEOUT_MS)
            page = desk.new_page()
            log_in(page, STAFF)
            for name, path, caption in CONSOLE_SCREENS:
                shoot(page, name, path)
                taken.append((name, caption))
            page.goto("/console")
            first = page.locator("a[href^='/console/requests/']").first
            first.click()
            page.wait_for_load_state("networkidle")
            page.screenshot(path=str(OUT / "console-request.png"))
            taken.append(("console-request", "One request: claim, reply, move, with its deadline and history"))
            desk.close()
        finally:
            browser.close()
    return taken


def main() -> int:
    argparse.ArgumentParser(description=__doc__.splitlines()[0]).parse_args()
    with tempfile.TemporaryDirectory() as folder:
        server = LiveServer(Path(folder))
        server.setup_database()
        server.flask("seed", "--sample")
        server.start()
        try:
            taken = take_all(server.url)
        finally:
            server.stop()
    for name, caption in taken:
        print(f"docs/screenshots/{name}.png  {caption}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
