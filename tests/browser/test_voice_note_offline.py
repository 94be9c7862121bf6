"""Speak instead of write (issue 16, capability 2): a voice note recorded offline with a (fake)
microphone is kept on the phone with the request and sent when there is signal, the words at once
and the file exactly once, even when the connection drops during its first upload."""
import os
import struct
import time
import urllib.request
import uuid
import zlib
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from tests.support.browser import CHROMIUM_ARGS, DEFAULT_TIMEOUT_MS, chromium_or_skip

from .test_offline_pwa import SYNC_TIMEOUT_MS, choose_region, offline_ready

pytestmark = pytest.mark.browser

MEDIA_ARGS = ["--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream"]


@pytest.fixture
def media_context(chromium_browser, live_server):
    """A Chromium with a fake microphone (and no permission prompt), from the run's one driver."""
    browser = chromium_browser.browser_type.launch(executable_path=chromium_or_skip(),
                                                   args=CHROMIUM_ARGS + MEDIA_ARGS, timeout=60_000)
    ctx = browser.new_context(base_url=live_server.url, service_workers="allow", locale="id-ID")
    ctx.set_default_timeout(DEFAULT_TIMEOUT_MS)
    ctx.set_default_navigation_timeout(DEFAULT_TIMEOUT_MS)
    try:
        yield ctx
    finally:
        ctx.close()
        browser.close()


def _stored(live_server):
    """The attachments the server stored, read from its database (SQLite or PostgreSQL)."""
    engine = create_engine(live_server.database_url)
    try:
        with engine.connect() as db:
            return db.execute(text("SELECT id, help_request_id, message_id, kind, content_type FROM attachments")).all()
    finally:
        engine.dispose()


def test_voice_note_recorded_offline_is_sent_once_after_a_dropped_upload(media_context, live_server, login):
    context = media_context
    page = context.new_page()
    worker = live_server.create_worker()
    offline_ready(page, login, worker)

    uploads = []

    def drop_the_first_upload(route):
        if route.request.method != "PUT":
            return route.continue_()
        uploads.append(route.request.url)
        if len(uploads) == 1:
            return route.abort("connectionreset")  # the signal goes mid-upload
        return route.continue_()

    context.route("**/api/v1/attachments/*", drop_the_first_upload)

    context.set_offline(True)
    page.goto("/help")
    page.select_option("select[name=category]", "abuse_violence")
    page.select_option("select[name=urgency]", "high")
    page.fill("textarea[name=description]", "Saya dipukul majikan")
    page.select_option("select[name=country]", "MY")
    choose_region(page, "MY-12")
    record = page.locator("#record-voice")
    assert record.inner_text().strip() == "Rekam suara"
    assert page.locator("#attachments-picker label.button").inner_text().strip() == "Tambah foto"
    record.click()
    page.wait_for_selector("#record-voice.recording")
    time.sleep(1.5)
    record.click()
    page.wait_for_selector("#attachment-list li.attachment-voice")
    with page.expect_navigation():
        page.click("#help-form button[type=submit]")
    assert page.url.endswith("/requests")
    page.wait_for_selector("#my-requests > li[data-sync-state=pending]", state="attached")
    assert _stored(live_server) == []

    context.set_offline(False)
    page.wait_for_selector("#my-requests > li[data-sync-state=synced]:has-text('Saya dipukul majikan')",
                           timeout=SYNC_TIMEOUT_MS)
    page.wait_for_selector("#my-requests ul.messages li.from_worker[data-sync-state=synced]",
                           timeout=SYNC_TIMEOUT_MS)

    [(attachment_id, help_request_id, message_id, kind, content_type)] = _stored(live_server)
    assert kind == "voice" and content_type in ("audio/webm", "audio/ogg", "audio/mp4")
    assert help_request_id and message_id
    assert len(uploads) == 2, uploads  # dropped once, then sent once
    files = [p for p in Path(live_server.directory / "attachments").rglob("*") if p.is_file()]
    assert len(files) == 1
    status, mine = live_server.api("GET", "/api/v1/help-requests", token=worker["access_token"])
    assert status == 200 and [r["description"] for r in mine["items"]] == ["Saya dipukul majikan"]
    # Nothing is left to send, and the phone no longer keeps the file's bytes.
    left = page.evaluate("""() => new Promise((resolve) => {
        const open = indexedDB.open('jembatan');
        open.onsuccess = () => {
          const tx = open.result.transaction(['outbox', 'files']);
          const out = tx.objectStore('outbox').getAll();
          const files = tx.objectStore('files').getAll();
          tx.oncomplete = () => resolve({ outbox: out.result.length,
                                          files: files.result.map((f) => [f.uploaded, f.blob === null]) });
        };
      })""")
    assert left == {"outbox": 0, "files": [[True, True]]}


def _noise_png(width: int, height: int) -> bytes:
    """A PNG of random pixels: it does not compress, so it is far over the photo limit."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    rows = b"".join(b"\x00" + os.urandom(width * 3) for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows, 1))
            + chunk(b"IEND", b""))


def test_a_large_photo_is_made_small_and_stands_for_the_words(media_context, live_server, login):
    page = media_context.new_page()
    worker = live_server.create_worker()
    offline_ready(page, login, worker)
    page.goto("/help")
    page.select_option("select[name=category]", "document_withheld")
    page.select_option("select[name=country]", "MY")
    choose_region(page, "MY-12")
    photo = _noise_png(2400, 1800)
    assert len(photo) > 5 * 1024 * 1024
    page.set_input_files("#add-photo", files=[{"name": "paspor.png", "mimeType": "image/png", "buffer": photo}])
    page.wait_for_selector("#attachment-list li.attachment-photo img[src^='data:image/jpeg']")
    with page.expect_navigation():
        page.click("#help-form button[type=submit]")  # no text: the photo is the request
    page.wait_for_selector("#my-requests > li[data-sync-state=synced]", timeout=SYNC_TIMEOUT_MS)
    [(attachment_id, help_request_id, message_id, kind, content_type)] = _stored(live_server)
    assert (kind, content_type, message_id) == ("photo", "image/jpeg", None) and help_request_id
    request = urllib.request.Request(f"{live_server.url}/api/v1/attachments/{uuid.UUID(str(attachment_id))}",
                                     headers={"Authorization": f"Bearer {worker['access_token']}"})
    with urllib.request.urlopen(request, timeout=15) as response:
        stored = response.read()
    assert stored.startswith(b"\xff\xd8\xff") and len(stored) <= 1024 * 1024
    status, mine = live_server.api("GET", "/api/v1/help-requests", token=worker["access_token"])
    assert status == 200 and [r["description"] for r in mine["items"]] == [""]
