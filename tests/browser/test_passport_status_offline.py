"""Lapor diri without a passport in hand, written offline in Chromium and sent by the outbox
with the same fields as the plain form (issue 16, capability 1)."""
import time

import pytest

from tests.support.presence_form import send_presence

from .test_offline_pwa import SYNC_TIMEOUT_MS, offline_ready

pytestmark = pytest.mark.browser


def test_a_report_without_passport_waits_offline_and_arrives_with_its_status(page, context, live_server, login):
    worker = live_server.create_worker()
    offline_ready(page, login, worker)
    context.set_offline(True)

    page.goto("/presence")
    page.wait_for_selector("#presence-form", state="attached")
    number = page.locator("input[name=passport_number]")
    assert number.evaluate("el => el.required") is True  # held (the default) needs the number
    page.select_option("select[name=passport_status]", "withheld")
    assert number.evaluate("el => el.required") is False
    send_presence(page, {"passport_number": None, "other_document": "KTP 3201234567890123"})
    page.wait_for_selector("#presence-state[data-sync-state=pending]", state="attached")

    context.set_offline(False)
    deadline = time.monotonic() + SYNC_TIMEOUT_MS / 1000
    status, report = live_server.api("GET", "/api/v1/presence", token=worker["access_token"])
    while status == 404 and time.monotonic() < deadline:
        page.wait_for_timeout(1000)
        status, report = live_server.api("GET", "/api/v1/presence", token=worker["access_token"])
    assert status == 200, report
    assert report["passport_status"] == "withheld" and report["passport_number"] is None
    assert report["other_document"] == "KTP *************123"
