"""The worker's pages say what became of what she wrote in one word each, with its icon, and when she
wrote it (issue 14 item 13), also without JavaScript: what the server draws is what the page script
draws (labels.state, static/js/states.js). The banner's words come with every worker page."""
import json
import re

from tests.builders import help_body, presence_body

CHIP = re.compile(r'<span class="state" data-state="(\w+)">([^<]+)</span>')


def labels(html: str) -> dict:
    return json.loads(re.search(r'<script type="application/json" id="labels">(.*?)</script>', html, re.S)[1])


def test_a_request_card_says_sent_and_when_it_was_written_and_last_changed(client, create_user, auth, login_client):
    worker = create_user()
    body = help_body(created_at="2026-01-10T08:15:00+08:00")  # Kota Kinabalu: its mission's clock is +08:00
    assert client.post("/api/v1/help-requests", json=body, headers=auth(worker)).status_code == 201
    html = login_client(worker).get("/requests").get_data(as_text=True)
    card = html[html.index(f'data-id="{body["id"]}"'):]
    card = card[:card.index("</li>")]
    assert CHIP.findall(card) == [("synced", "Terkirim")]
    assert CHIP.findall(card)[0][1] == labels(html)["state"]["synced"]  # the page script's word too
    written = re.search(r'<p class="when">Ditulis: <time datetime="([^"]+)">([^<]+)</time>', card)
    assert written and written[2] == "10 Jan 2026, 08.15", card
    changed = re.search(r' · Terakhir berubah: <time datetime="[^"]+">(\d{1,2} \w{3} \d{4}, \d{2}\.\d{2})</time>', card)
    assert changed, card  # it reached the server later than she wrote it


def test_the_english_card_writes_dates_as_english_phones_do(client, create_user, auth, login_client):
    worker = create_user()
    body = help_body(created_at="2026-01-10T20:15:00+08:00")
    assert client.post("/api/v1/help-requests", json=body, headers=auth(worker)).status_code == 201
    html = login_client(worker).get("/requests?lang=en").get_data(as_text=True)
    assert re.search(r'Written: <time datetime="[^"]+">Jan 10, 2026, 8:15\W?PM</time>', html), html


def test_the_presence_state_says_sent_with_who_received_it(client, create_user, auth, login_client):
    worker = create_user()
    assert client.put("/api/v1/presence", json=presence_body(), headers=auth(worker)).status_code == 201
    html = login_client(worker).get("/presence").get_data(as_text=True)
    state = html[html.index('id="presence-state"'):html.index("</div>", html.index('id="presence-state"'))]
    assert CHIP.findall(state) == [("synced", "Terkirim")]
    assert "Diterima oleh KJRI Kota Kinabalu" in state


def test_the_help_page_explains_the_three_states_in_the_same_words(client):
    html = client.get("/help").get_data(as_text=True)
    assert CHIP.findall(html) == [("pending", "Menunggu dikirim"), ("synced", "Terkirim"), ("rejected", "Ditolak")]
    assert labels(html)["state"] == {"pending": "Menunggu dikirim", "synced": "Terkirim", "rejected": "Ditolak"}


def test_every_worker_page_carries_the_empty_banner_and_its_words(client):
    for path in ("/", "/help", "/requests", "/presence", "/emergency", "/offline"):
        html = client.get(path).get_data(as_text=True)
        banner = re.search(r'<div id="outbox-banner" role="status" aria-live="polite"([^>]*)></div>', html)
        assert banner, path  # empty: nothing shows without JavaScript
        assert 'data-no-signal="Tanpa sinyal"' in banner[1]
        assert 'data-one="%(count)s menunggu dikirim" data-other="%(count)s menunggu dikirim"' in banner[1]
    html = client.get("/requests?lang=en").get_data(as_text=True)
    assert ('data-no-signal="No signal" data-one="%(count)s item waiting to be sent" '
            'data-other="%(count)s items waiting to be sent"') in html
