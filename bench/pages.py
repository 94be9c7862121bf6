"""Bytes on the wire for the worker's pages, measured in Debian's Chromium (headless).

    .venv/bin/python bench/pages.py              # /, /help and /channels
    .venv/bin/python bench/pages.py --verbose    # and every request

For each page a fresh browser profile opens it once (first visit: the document, its CSS and
scripts, the manifest, the icon and everything the service worker fetches to work offline),
waits until the service worker reports the page ready offline, then opens it again (repeat
visit). Bytes are what went over the wire: compressed bodies plus request and response
headers, from Chromium's own accounting (`Request.sizes()`), for page and service-worker
requests alike; an answer served by the service worker from its cache costs 0 bytes.
The server is gunicorn on 127.0.0.1 (tests/support/live_server.py) with a fresh SQLite database.

Budget (from the product's low-bandwidth goal): first visit <= 60 KB per page; a repeat visit
fetches nothing but the document itself (network-first, so it is counted apart).
"""
import argparse
import sys
import tempfile
from pathlib import Path

# The repository root replaces bench/ on the path: bench/queue.py must not shadow the standard `queue`.
sys.path[0] = str(Path(__file__).resolve().parent.parent)

from bench.harness import print_table  # noqa: E402
from tests.support.browser import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from tests.support.live_server import LiveServer  # noqa: E402

PAGES = ["/", "/help", "/channels"]
BUDGET = 60 * 1024
TEXT_TYPES = ("text/", "application/javascript", "application/json", "application/manifest+json", "image/svg")


def measure(driver, server, path: str) -> tuple[list[dict], list[dict]]:
    browser = driver.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, timeout=60_000)
    try:
        context = browser.new_context(base_url=server.url, service_workers="allow")
        context.set_default_timeout(20_000)
        log: list = []
        context.on("requestfinished", lambda request: log.append(request))
        page = context.new_page()
        page.goto(path)
        page.wait_for_selector("html[data-offline-ready]", state="attached")
        page.wait_for_timeout(500)  # late service-worker fetches
        first = [describe(r) for r in log]
        log.clear()
        page.reload()
        page.wait_for_load_state("load")
        page.wait_for_timeout(500)
        repeat = [describe(r) for r in log]
        context.close()
    finally:
        browser.close()
    return first, repeat


def describe(request) -> dict:
    response = request.response()
    sizes = request.sizes()
    wire = max(sizes["responseBodySize"], 0) + max(sizes["responseHeadersSize"], 0) + max(sizes["requestHeadersSize"], 0)
    via = "page"
    if response is not None and response.from_service_worker:
        via, wire = "service worker cache", 0
    elif request.service_worker is not None:
        via = "service worker fetch"
    headers = response.headers if response is not None else {}
    kind = headers.get("content-type", "")
    return {"url": "/" + request.url.split("://", 1)[1].split("/", 1)[1], "via": via, "bytes": wire,
            "status": response.status if response is not None else None,
            "encoding": headers.get("content-encoding", ""), "text": kind.startswith(TEXT_TYPES),
            "cache-control": headers.get("cache-control", "")}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", nargs="+", default=PAGES)
    parser.add_argument("--verbose", action="store_true", help="list every request")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    rows, ok = [], True
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as driver:
        server = LiveServer(Path(tmp))
        server.setup_database()
        server.start()
        try:
            for path in args.pages:
                first, repeat = measure(driver, server, path)
                if args.verbose:
                    for label, table in (("first visit", first), ("repeat visit", repeat)):
                        print(f"\n{path}: {label}")
                        print_table(table, ["bytes", "via", "status", "encoding", "cache-control", "url"])
                first_total = sum(r["bytes"] for r in first)
                # Pages are network-first: the service worker fetches the document itself.
                doc = [r for r in repeat if r["url"].split("?")[0] == path and r["via"] != "service worker cache"]
                shell_again = sum(r["bytes"] for r in repeat if r["via"] != "service worker cache" and r not in doc)
                uncompressed = [r["url"] for r in first + repeat
                                if r["text"] and r["bytes"] > 1024 and r["encoding"] not in ("gzip", "br", "zstd")]
                met = first_total <= BUDGET and shell_again == 0 and not uncompressed
                ok &= met
                rows.append({"page": path, "first: requests": len(first), "first: KB": first_total / 1024,
                             "repeat: requests": len(repeat), "repeat: document KB": sum(r["bytes"] for r in doc) / 1024,
                             "repeat: other KB": shell_again / 1024,
                             "uncompressed text > 1 KB": len(uncompressed),
                             "budget": "met" if met else "MISSED"})
        finally:
            server.stop()
    print()
    print_table(rows, list(rows[0]))
    print(f"\nbudget: first visit <= {BUDGET // 1024} KB per page, repeat visit fetches only the document, "
          "all text over 1 KB compressed")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
