"""The offline state said plainly on a 360×740 phone in Indonesian (issue 14 item 13): a banner on
every page with no signal and how many items wait, one word and one icon per state on each card,
and when each request was written; the banner follows the outbox live, without a reload."""
import re
import uuid

import pytest
from tests.support.axe import wcag_aa_violations
from tests.support.browser import PHONE

from .test_offline_pwa import SYNC_TIMEOUT_MS, item, offline_ready, one_taken_one_refused_offline, write_help_request

pytestmark = pytest.mark.browser

WORDS = {"pending": "Menunggu dikirim", "synced": "Terkirim", "rejected": "Ditolak"}


def banner(page):
    return page.locator("#outbox-banner")


def icon(card) -> str:
    """The icon drawn before a card's state word (css/app.css), as its CSS image, if big enough to see.
    The list is drawn again after each sync: a chip replaced while it is read is read again, for up
    to 5 s, until it shows an image (the last reading is returned, with what it found)."""
    image = "none (never connected)"
    for _ in range(50):
        image = card.locator(".state").evaluate("""(el) => {
            if (!el.isConnected) return null;
            const s = getComputedStyle(el, '::before');
            return parseFloat(s.width) >= 12 && parseFloat(s.height) >= 12 ? s.backgroundImage
              : `none (${s.width} × ${s.height}, ${s.backgroundImage}, ${el.outerHTML}, ${document.readyState})`;
        }""")
        if image and image.startswith("url("):
            return image
        card.page.wait_for_timeout(100)
    return image or "none (never connected)"


def assert_state(card, state):
    chip = card.locator(".state")
    assert chip.get_attribute("data-state") == state
    assert chip.inner_text().strip() == WORDS[state]
    assert "svg" in icon(card)


def phone_minutes(page, since_ms, until_ms) -> set[str]:
    """Every minute between two moments as the phone writes it: "29 Nov 2026, 14.05"."""
    return set(page.evaluate("""([a, b]) => {
        const f = new Intl.DateTimeFormat('id', { dateStyle: 'medium', timeStyle: 'short' });
        const out = [];
        for (let t = a - 60000; t <= b + 60000; t += 30000) out.push(f.format(new Date(t)));
        return out;
    }""", [since_ms, until_ms]))


def covered_controls(page) -> list[str]:
    """Links and buttons the banner lies on (it must sit in the page's flow, above them)."""
    return page.evaluate("""() => {
        const b = document.querySelector('#outbox-banner').getBoundingClientRect();
        return [...document.querySelectorAll('a, button, input, select, textarea')].filter((el) => {
            const r = el.getBoundingClientRect();
            if (!r.width || !r.height || el.closest('#outbox-banner')) return false;
            return r.left < b.right && b.left < r.right && r.top < b.bottom && b.top < r.bottom;
        }).map((el) => el.outerHTML.slice(0, 80));
    }""")


def test_two_requests_written_offline_show_the_banner_states_and_dates_then_go(page, context, live_server, login):
    worker = live_server.create_worker()
    offline_ready(page, login, worker)
    context.set_offline(True)
    page.goto("/")
    banner(page).get_by_text("Tanpa sinyal").wait_for()  # no signal, nothing waiting yet

    before = page.evaluate("Date.now()")
    first, second = (f"{label} {uuid.uuid4().hex[:6]}" for label in ("Gaji belum dibayar", "Paspor ditahan"))
    write_help_request(page, first)
    write_help_request(page, second)
    after = page.evaluate("Date.now()")

    # Every page says it, in one line: no signal, and two wait to be sent.
    for path in ("/requests", "/help", "/"):
        page.goto(path)
        banner(page).locator("[data-count='2']").wait_for()
        assert " ".join(banner(page).text_content().split()) == "Tanpa sinyal · 2 menunggu dikirim"
        box = banner(page).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
        assert not covered_controls(page), covered_controls(page)
    page.goto("/requests")
    banner(page).locator("[data-count='2']").wait_for()
    minutes = phone_minutes(page, before, after)
    for description in (first, second):
        card = item(page, description)
        assert card.get_attribute("data-sync-state") == "pending"
        assert_state(card, "pending")
        written = card.locator(".when time").first
        assert card.locator(".when").inner_text().startswith("Ditulis: ")
        assert written.inner_text() in minutes, (written.inner_text(), minutes)
        assert re.fullmatch(r"\d{1,2} \w{3} \d{4}, \d{2}\.\d{2}", written.inner_text())
    assert wcag_aa_violations(page) == []
    waiting_icon = icon(item(page, first))

    context.set_offline(False)  # no reload: the banner follows the outbox
    for description in (first, second):
        page.wait_for_selector(f"#my-requests > li[data-sync-state=synced]:has-text('{description}')",
                               timeout=SYNC_TIMEOUT_MS)
        assert_state(item(page, description), "synced")
    page.wait_for_function("!document.querySelector('#outbox-banner').hasChildNodes()")
    assert banner(page).bounding_box() is None or banner(page).bounding_box()["height"] == 0
    assert icon(item(page, first)) != waiting_icon  # another state, another icon (not only a colour)


def test_a_refused_request_shows_its_icon_word_and_reason_and_leaves_the_count(page, context, live_server, login):
    good, bad = one_taken_one_refused_offline(page, context, live_server, login, "Minta pulang")
    banner(page).locator("[data-count='2']").wait_for()
    waiting_icon = icon(item(page, bad))

    context.set_offline(False)
    page.wait_for_selector(f"#my-requests > li[data-sync-state=rejected]:has-text('{bad}')",
                           timeout=SYNC_TIMEOUT_MS)
    refused = item(page, bad)
    assert_state(refused, "rejected")
    assert icon(refused) not in (waiting_icon, icon(item(page, good)))  # three states, three icons
    assert refused.locator(".error").inner_text().strip()  # and why
    page.wait_for_function("!document.querySelector('#outbox-banner').hasChildNodes()")
    assert wcag_aa_violations(page) == []


def test_the_banner_counts_in_the_singular_and_the_plural_in_english(page, context, live_server, login):
    """Online, with the server not answering the sync: the items wait and the banner says how many,
    without "No signal" (the phone has signal)."""
    worker = live_server.create_worker()
    offline_ready(page, login, worker)
    page.goto("/?lang=en")
    page.wait_for_selector("html[lang=en]", state="attached")
    context.route("**/api/v1/sync", lambda route: route.abort())
    texts = []
    for description in (f"Unpaid {uuid.uuid4().hex[:6]}", f"Passport held {uuid.uuid4().hex[:6]}"):
        write_help_request(page, description)
        banner(page).locator(f"[data-count='{len(texts) + 1}']").wait_for()
        texts.append(" ".join(banner(page).text_content().split()))
    assert texts == ["1 item waiting to be sent", "2 items waiting to be sent"]
