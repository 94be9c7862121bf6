"""Page weight of the worker's app, measured in Debian's Chromium.

    .venv/bin/python bench/page_weight.py

A fresh browser profile opens /help once (first visit: the page, its CSS and scripts, the
manifest, the icon and everything the service worker saves for offline use), then again
(repeat visit). Bytes are what went over the wire: compressed bodies plus headers, from
Chromium's own accounting (`Request.sizes()`), for page and service-worker requests alike.
Budget: first visit ≤ 60 KB; repeat visit: nothing for the shell (the document itself is
fetched network-first, so it is listed apart).
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, LiveServer  # noqa: E402

BUDGET = 60 * 1024


def main() -> int:
    import tempfile

    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as driver:
        server = LiveServer(Path(tmp))
        server.setup_database()
        server.start()
        try:
            browser = driver.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, timeout=60_000)
            context = browser.new_context(base_url=server.url, service_workers="allow")
            context.set_default_timeout(20_000)
            log: list = []
            context.on("requestfinished", lambda request: log.append(request))
            page = context.new_page()

            page.goto("/help")
            page.wait_for_selector("html[data-offline-ready]", state="attached")
            page.wait_for_timeout(500)
            first = rows(log)
            log.clear()
            page.reload()
            page.wait_for_selector("#help-form")
            page.wait_for_timeout(500)
            repeat = rows(log)
            browser.close()
        finally:
            server.stop()

    print_table("First visit to /help", first)
    print_table("Repeat visit to /help", repeat)
    total = sum(r[2] for r in first)
    shell_again = sum(r[2] for r in repeat if not r[0].endswith("/help") and r[1] == "network")
    print(f"\nfirst visit: {total / 1024:.1f} KB (budget {BUDGET / 1024:.0f} KB) -> {'OK' if total <= BUDGET else 'OVER'}")
    print(f"repeat visit, shell from the network: {shell_again} bytes -> {'OK' if shell_again == 0 else 'OVER'}")
    return 0 if total <= BUDGET and shell_again == 0 else 1


def rows(requests) -> list[tuple[str, str, int]]:
    out = []
    for request in requests:
        response = request.response()
        sizes = request.sizes()
        wire = sizes["responseBodySize"] + sizes["responseHeadersSize"] + sizes["requestHeadersSize"]
        source = "network"
        if response is not None and response.from_service_worker:
            source, wire = "service worker", 0
        elif request.service_worker is not None:
            source = "sw fetch"
        out.append((request.url.split("://", 1)[1].split("/", 1)[1], source, max(wire, 0)))
    return out


def print_table(title: str, table) -> None:
    print(f"\n{title}\n{'bytes':>8}  {'via':<15} url")
    for url, source, size in table:
        print(f"{size:>8}  {source:<15} /{url}")
    print(f"{sum(r[2] for r in table):>8}  total")


if __name__ == "__main__":
    sys.exit(main())
