"""The worker's app in Chromium: offline pages, the outbox, and exactly-once delivery."""
import uuid

import pytest

pytestmark = pytest.mark.browser

SYNC_TIMEOUT_MS = 60_000  # the retry timer backs off; a bounded wait for the next try


def offline_ready(page, login, worker):
    """Log in online and wait until the service worker controls the page and has saved this worker's pages."""
    login(page, worker["phone"], worker["password"])
    page.wait_for_selector("html[data-offline-ready]", state="attached")


def write_help_request(page, description, region=""):
    page.goto("/help")
    page.select_option("select[name=category]", "document_withheld")
    page.select_option("select[name=urgency]", "high")
    page.fill("textarea[name=description]", description)
    page.select_option("select[name=country]", "MY")
    choose_region(page, region)
    with page.expect_navigation():
        page.click("#help-form button[type=submit]")
    assert page.url.endswith("/requests")


def choose_region(page, region):
    """Pick a region from the list; one the list lacks (a region that does not exist) is put
    there first, as an outbox item saved by an older page might carry it."""
    page.eval_on_selector("select[name=region]", """(select, code) => {
        if (![...select.options].some((o) => o.value === code)) select.add(new Option(code, code));
        select.value = code;
    }""", region)


def item(page, description):
    return page.locator("#my-requests > li", has_text=description)


def a_request_on_the_server(page, login, live_server, label):
    """A new worker logged in, offline-ready, with one request sent and stored: (worker, description)."""
    worker = live_server.create_worker()
    offline_ready(page, login, worker)
    description = f"{label} {uuid.uuid4().hex[:6]}"
    write_help_request(page, description, region="MY-12")
    page.wait_for_selector(f"#my-requests > li[data-sync-state=synced]:has-text('{description}')",
                           timeout=SYNC_TIMEOUT_MS)
    return worker, description


def one_taken_one_refused_offline(page, context, live_server, login, label):
    """A new worker, offline, with two requests waiting: one the server will take, and one it will
    refuse (a region that does not exist): (good, bad)."""
    worker = live_server.create_worker()
    offline_ready(page, login, worker)
    context.set_offline(True)
    good, bad = (f"{text} {uuid.uuid4().hex[:6]}" for text in (label, "Salah wilayah"))
    write_help_request(page, good)
    write_help_request(page, bad, region="MY-99")  # no such region: the server refuses it
    return good, bad


def server_copies(live_server, worker, description) -> int:
    status, body = live_server.api("GET", "/api/v1/help-requests?limit=100", token=worker["access_token"])
    assert status == 200, body
    return sum(1 for r in body["items"] if r["description"] == description)


def test_pages_open_and_requests_wait_while_the_server_is_down(page, live_server, login):
    worker = live_server.create_worker()
    offline_ready(page, login, worker)
    live_server.stop()

    page.reload()
    for path, marker in [("/help", "#help-form"), ("/requests", "#my-requests"), ("/emergency", ".ecard"),
                         ("/presence", "#presence-form"), ("/", ".tiles"), ("/channels", "main h1")]:
        page.goto(path)
        page.wait_for_selector(marker, state="attached")

    description = f"Paspor saya ditahan majikan {uuid.uuid4().hex[:6]}"
    write_help_request(page, description)
    pending = item(page, description)
    pending.wait_for()
    assert pending.get_attribute("data-sync-state") == "pending"
    assert pending.locator(".state").inner_text().strip()

    live_server.start()
    page.wait_for_selector(f"#my-requests > li[data-sync-state=synced]:has-text('{description}')",
                           timeout=SYNC_TIMEOUT_MS)
    assert server_copies(live_server, worker, description) == 1
    page.reload()  # sent again on load: still one
    page.wait_for_selector(f"#my-requests > li[data-sync-state=synced]:has-text('{description}')")
    assert server_copies(live_server, worker, description) == 1


def test_requests_wait_while_the_browser_is_offline(page, context, live_server, login):
    worker = live_server.create_worker()
    offline_ready(page, login, worker)
    context.set_offline(True)

    page.goto("/requests")
    page.wait_for_selector("#my-requests", state="attached")
    page.goto("/emergency")
    page.wait_for_selector(".ecard", state="attached")
    description = f"Gaji tidak dibayar tiga bulan {uuid.uuid4().hex[:6]}"
    write_help_request(page, description)
    item(page, description).wait_for()
    assert item(page, description).get_attribute("data-sync-state") == "pending"

    context.set_offline(False)
    page.wait_for_selector(f"#my-requests > li[data-sync-state=synced]:has-text('{description}')",
                           timeout=SYNC_TIMEOUT_MS)
    assert server_copies(live_server, worker, description) == 1


def test_a_rejected_request_shows_why_and_the_others_still_sync(page, context, live_server, login):
    worker = live_server.create_worker()
    offline_ready(page, login, worker)
    context.set_offline(True)
    good1, bad, good2 = (f"{label} {uuid.uuid4().hex[:6]}" for label in ("Pertama", "Salah wilayah", "Ketiga"))
    write_help_request(page, good1)
    write_help_request(page, bad, region="MY-99")  # no such region: the server refuses it
    write_help_request(page, good2)
    for description in (good1, bad, good2):
        assert item(page, description).get_attribute("data-sync-state") == "pending"

    context.set_offline(False)
    page.wait_for_selector(f"#my-requests > li[data-sync-state=rejected]:has-text('{bad}')",
                           timeout=SYNC_TIMEOUT_MS)
    for description in (good1, good2):
        page.wait_for_selector(f"#my-requests > li[data-sync-state=synced]:has-text('{description}')")
    rejected = item(page, bad)
    assert rejected.locator(".error").inner_text().strip()
    assert rejected.locator("a[href^='/help?edit=']").count() == 1
    assert [server_copies(live_server, worker, d) for d in (good1, bad, good2)] == [1, 0, 1]


def test_the_missions_answer_reaches_the_phone_and_stays_offline(page, context, live_server, login):
    worker = live_server.create_worker()
    offline_ready(page, login, worker)
    description = f"Majikan memukul saya {uuid.uuid4().hex[:6]}"
    write_help_request(page, description, region="MY-12")  # Sabah: KJRI Kota Kinabalu
    page.wait_for_selector(f"#my-requests > li[data-sync-state=synced]:has-text('{description}')",
                           timeout=SYNC_TIMEOUT_MS)
    status, mine = live_server.api("GET", "/api/v1/help-requests", token=worker["access_token"])
    [request_id] = [r["id"] for r in mine["items"] if r["description"] == description]

    staff = live_server.create_staff("KJRI-KOTAKINABALU")
    status, tokens = live_server.api("POST", "/api/v1/auth/login", {"email": staff["email"],
                                                                    "password": staff["password"]})
    assert status == 200, tokens
    token = tokens["access_token"]
    assert live_server.api("PATCH", f"/api/v1/queue/{request_id}", {"status": "triaged"}, token)[0] == 200
    answer = "Kami sudah menerima laporan Anda dan akan menelepon."
    assert live_server.api("POST", f"/api/v1/queue/{request_id}/messages", {"body": answer}, token)[0] == 201

    page.reload()  # a sync on load pulls the change feed
    card = page.locator(f"#my-requests > li[data-id='{request_id}']")
    card.locator(".messages", has_text=answer).wait_for(timeout=SYNC_TIMEOUT_MS)
    assert card.locator("[data-status]").get_attribute("data-status") == "triaged"

    context.set_offline(True)
    page.reload()
    page.locator(f"#my-requests > li[data-id='{request_id}'] .messages", has_text=answer).wait_for()


def test_an_item_the_server_keeps_failing_on_is_rejected_and_the_others_still_sync(page, context, live_server,
                                                                                  login):
    """A 500 for every call holding one item (a server bug it meets) used to hold the whole outbox for
    good: the PWA resent the same batch forever. Now a second failure in a row splits the batch until
    the item is alone; when the server answers a call without it, the item is marked rejected with a
    message, and the rest is sent."""
    worker = live_server.create_worker()
    offline_ready(page, login, worker)
    context.set_offline(True)
    good1, poison, good2 = (f"{label} {uuid.uuid4().hex[:6]}" for label in ("Pertama", "Racun", "Ketiga"))
    for description in (good1, poison, good2):
        write_help_request(page, description)
    failed = []

    def fail_on_poison(route):
        if poison in (route.request.post_data or ""):
            failed.append(route.request.url)
            route.fulfill(status=500, json={"code": 500, "status": "Internal Server Error", "message": "boom",
                                            "errors": {}})
        else:
            route.continue_()

    context.route("**/api/v1/sync", fail_on_poison)  # the context's route sees the service worker's calls too
    context.set_offline(False)
    page.wait_for_selector(f"#my-requests > li[data-sync-state=rejected]:has-text('{poison}')",
                           timeout=SYNC_TIMEOUT_MS)
    for description in (good1, good2):
        page.wait_for_selector(f"#my-requests > li[data-sync-state=synced]:has-text('{description}')",
                               timeout=SYNC_TIMEOUT_MS)
    assert item(page, poison).locator(".error").inner_text().strip().startswith("Ini tidak bisa dikirim")
    assert [server_copies(live_server, worker, d) for d in (good1, poison, good2)] == [1, 0, 1]
    assert len(failed) >= 2


def test_a_message_answered_retry_stays_pending_and_is_sent_again(page, context, live_server, login):
    """`error.retry: true` (what it refers to is not stored yet) keeps the message in the outbox,
    shown as pending, and a later flush sends it again; before, it was shown rejected for good."""
    import json

    worker, description = a_request_on_the_server(page, login, live_server, "Minta pulang")
    held = []

    def answer_retry_once(route):
        body = json.loads(route.request.post_data or "{}")
        messages = [m for m in body.get("mutations", []) if m["type"] == "message.create"]
        if held or not messages:
            route.continue_()
            return
        held.extend(messages)
        body["mutations"] = [m for m in body["mutations"] if m["type"] != "message.create"]
        response = route.fetch(post_data=json.dumps(body))
        answer = response.json()
        answer["results"] += [{"id": m["id"], "status": "rejected", "record_id": None,
                               "error": {"message": "Belum sampai.", "errors": {}, "retry": True}} for m in messages]
        route.fulfill(response=response, json=answer)

    page.reload()  # the server's copy (with its reference) comes with the page: the reply form shows
    card = item(page, description)
    card.locator("form.reply input[name=body]").wait_for()
    context.route("**/api/v1/sync", answer_retry_once)
    text = f"Kapan saya bisa pulang {uuid.uuid4().hex[:6]}"
    page.evaluate("""(text) => {  // every state the message is drawn in, from now on
      window.seenStates = [];
      new MutationObserver(() => {
        for (const li of document.querySelectorAll('#my-requests .messages li')) {
          if (li.textContent.includes(text)) window.seenStates.push(li.dataset.syncState);
        }
      }).observe(document.getElementById('my-requests'), { subtree: true, childList: true, attributes: true });
    }""", text)
    card.locator("form.reply input[name=body]").fill(text)
    card.locator("form.reply button[type=submit]").click()
    page.wait_for_selector(f"#my-requests .messages li[data-sync-state=synced]:has-text('{text}')",
                           timeout=SYNC_TIMEOUT_MS)
    assert len(held) == 1, "the message was never answered retry"
    seen = page.evaluate("window.seenStates")
    assert "pending" in seen and "rejected" not in seen, seen
    status, mine = live_server.api("GET", "/api/v1/help-requests", token=worker["access_token"])
    [request_id] = [r["id"] for r in mine["items"] if r["description"] == description]
    status, request = live_server.api("GET", f"/api/v1/help-requests/{request_id}", token=worker["access_token"])
    assert [m["body"] for m in request["messages"]].count(text) == 1


def test_a_reply_being_typed_survives_the_list_drawn_again_after_a_sync(page, live_server, login):
    """The list of requests is drawn again whenever a sync ends (at any moment on a bad
    connection): a reply half typed stays in its box, with the cursor in it. Before, every sync
    emptied the box under the worker's fingers (and a reply sent right after went nowhere)."""
    _worker, description = a_request_on_the_server(page, login, live_server, "Gaji belum dibayar")
    page.reload()  # the server's copy comes with the page: the reply box shows
    box = item(page, description).locator("form.reply input[name=body]")
    box.wait_for()
    box.click()
    box.press_sequentially("Majikan bilang bul")
    drawn = box.element_handle()
    page.evaluate("window.dispatchEvent(new Event('online'))")  # a sync, and the list drawn again after it
    page.wait_for_function("(old) => !old.isConnected", arg=drawn, timeout=SYNC_TIMEOUT_MS)
    assert box.input_value() == "Majikan bilang bul"
    assert page.evaluate("document.activeElement.closest('form.reply') !== null")
    box.press_sequentially("an depan")  # typing goes on where it stopped
    assert box.input_value() == "Majikan bilang bulan depan"
