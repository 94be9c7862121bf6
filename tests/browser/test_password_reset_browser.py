"""A worker who forgot her password gets a new one alone, on her phone (issue 14, item 14): from
the login page, at 360×740 in Indonesian, the number typed as dialled at home, the code read from
the SMS that a real gateway on 127.0.0.1 received; she ends logged in and her old password is dead."""
import re

import pytest

from tests.support.axe import wcag_aa_violations
from tests.support.browser import DEFAULT_TIMEOUT_MS, PHONE
from tests.support.live_server import fresh_database, running

pytestmark = pytest.mark.browser


@pytest.fixture
def server(tmp_path, db_url, gateway):
    with fresh_database(db_url) as url, running(tmp_path, url, env={"SMS_GATEWAY_URL": gateway.url}) as server:
        yield server


@pytest.fixture
def page(browser, server):
    context = browser.new_context(base_url=server.url, locale="id-ID", viewport=PHONE, service_workers="allow")
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    yield context.new_page()
    context.close()


def test_a_worker_sets_a_new_password_from_her_phone_and_is_logged_in(page, server, gateway):
    worker = server.create_worker(password="lama-rahasia-1")
    at_home = "0" + worker["phone"].removeprefix("+62")  # 0812…: as she dials it in Indonesia

    page.goto("/login")
    forgot = page.locator("#forgot-password")
    for link in (forgot, page.locator("p.go a[href^='/register']")):  # navigation: at least 44 px (item 11)
        assert link.bounding_box()["height"] >= 44, link.inner_text()
    with page.expect_navigation():
        forgot.click()
    assert page.url.endswith("/reset")
    page.fill("#field-request-phone", at_home)
    with page.expect_navigation():
        page.click("#reset-request button[type=submit]")
    assert "kode sedang dikirim" in page.locator("#reset [role=status]").inner_text().lower()
    message = gateway.next(timeout=15)["body"]
    assert message["to"] == worker["phone"]
    code = re.search(r"\b(\d{6})\b", message["text"]).group(1)

    confirm = page.locator("#reset-confirm")
    assert confirm.locator("input[name=phone]").input_value(), "the number she typed is kept for step 2"
    assert wcag_aa_violations(page) == []
    assert page.locator("#reset a[href='/login']").bounding_box()["height"] >= 44
    confirm.locator("input[name=code]").fill(code)
    confirm.locator("input[name=password]").fill("baru-rahasia-1")
    with page.expect_navigation():
        confirm.locator("button[type=submit]").click()
    assert page.url.rstrip("/") == server.url
    assert page.locator(".flash.ok[role=status]", has_text="kata sandi baru").is_visible()

    old = server.api("POST", "/api/v1/auth/login", {"phone": worker["phone"], "password": "lama-rahasia-1"})
    new = server.api("POST", "/api/v1/auth/login", {"phone": worker["phone"], "password": "baru-rahasia-1"})
    assert (old[0], new[0]) == (401, 200)
